"""`GET /metrics` (Prometheus) and the middleware that counts requests per route template.

Access follows `VVP_METRICS`: `off` (no route: 404), `admin` (the admin bearer token, as for
uploads; the default) or `public` (anyone who can reach the port: restrict it at the proxy).
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.security import require_admin
from assistant.metrics import Metrics
from assistant.settings import Settings

UNMATCHED = "unmatched"  # a 404 is not labelled with its path: clients choose paths freely


class MetricsMiddleware:
    """Counts every HTTP request by method, route template and status, and times it.

    A plain ASGI middleware (not `BaseHTTPMiddleware`), so streamed answers pass through
    untouched; their time runs until the last event is sent.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception that escaped every handler

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            self.metrics.record_request(scope["method"], route_template(scope), status,
                                        time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's path template; the router leaves the route in the shared scope."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not path:
        return UNMATCHED
    return f"{scope.get('root_path', '').rstrip('/')}{path}" if scope.get("root_path") else path


def build_router(settings: Settings, metrics: Metrics) -> APIRouter:
    """The `/metrics` route; nothing to include when `VVP_METRICS=off`."""
    dependencies = [Depends(require_admin)] if settings.metrics == "admin" else []
    router = APIRouter(tags=["status"])

    @router.get("/metrics", dependencies=dependencies, summary="Prometheus-metrieken",
                response_class=Response, responses={200: {"content": {CONTENT_TYPE_PLAIN_0_0_4: {}}}})
    def prometheus_metrics(request: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    return router
