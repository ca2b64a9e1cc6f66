"""The website widget's routes: `/widget.js` (the script a site embeds) and `/widget/demo.html`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from ui import WIDGET_DIR


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.api_route("/widget.js", methods=["GET", "HEAD"])
    def widget() -> FileResponse:
        return FileResponse(WIDGET_DIR / "widget.js", media_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=300"})

    @router.api_route("/widget/demo.html", methods=["GET", "HEAD"])
    def widget_demo() -> FileResponse:
        return FileResponse(WIDGET_DIR / "demo.html", media_type="text/html")

    return router
