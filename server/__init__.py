"""The process `vvp serve` runs, composed above both layers: the assistant's API, the Gradio
chat page and the website widget. Nothing below imports this package.

>>> from server import create_app
>>> app = create_app(Settings())      # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str):
    # Lazy, so the `vvp` console script (server.cli) does not load Gradio for every command.
    if name == "create_app":
        from server.app import create_app

        return create_app
    raise AttributeError(f"module 'server' has no attribute {name!r}")
