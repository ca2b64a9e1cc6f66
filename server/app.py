"""One app for the API, the chat page at "/" and the widget (`/widget.js`, `/widget/demo.html`).

>>> app = create_app(Settings(), serve_url="http://127.0.0.1:8000")      # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable

from fastapi import FastAPI

from assistant.api.app import create_app as create_api
from assistant.container import Container
from assistant.settings import Settings

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no telemetry

from ui import widget_routes  # noqa: E402
from ui.chat import mount_ui  # noqa: E402


def create_app(settings: Settings | None = None, container: Container | None = None, *,
               on_ready: Callable[[], None] | None = None, serve_url: str | None = None) -> FastAPI:
    """The API app (see `assistant.api.app.create_app` for `on_ready` and `serve_url`) with the
    widget's routes and the chat UI mounted on it; the API routes keep priority over the UI."""
    settings = settings or Settings()
    container = container or Container(settings)
    app = create_api(settings, container, on_ready=on_ready, serve_url=serve_url)
    app.include_router(widget_routes.build_router())
    return mount_ui(app, container)
