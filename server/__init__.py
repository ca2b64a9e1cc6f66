"""The process `vvp serve` runs, composed above both layers: the assistant's API, the Gradio
chat page and the website widget. Nothing below imports this package.

>>> from server import create_app
>>> app = create_app(Settings())      # doctest: +SKIP
"""

from server.app import create_app

__all__ = ["create_app"]
