"""Errors as JSON with a Dutch `detail` and the right status; never a stack trace to a client."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from slowapi.errors import RateLimitExceeded
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import messages
from assistant.service import InvalidQuestion, UnknownConversation
from ingest.models import DOC_TYPES

log = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    """The knowledge base (Chroma server) cannot be reached."""


def _validation_detail(request: Request, errors) -> str:
    """The most specific Dutch message for a rejected request body; generic otherwise."""
    for error in errors:
        where = [part for part in error.get("loc", ()) if part != "body"]
        kind = error.get("type", "")
        if where == ["question"] and kind in ("string_too_short", "string_too_long"):
            if kind == "string_too_short":
                return messages.QUESTION_EMPTY
            limit = request.app.state.container.settings.max_question_chars
            return messages.QUESTION_TOO_LONG.format(limit=limit)
        if where == ["query"] and kind == "string_too_short":
            return messages.QUERY_EMPTY
        if where[:1] == ["filters"] and kind == "extra_forbidden":
            return messages.UNKNOWN_FILTER.format(name=str(where[-1])[:40])
        if where[:2] == ["filters", "doc_type"] and kind == "value_error":
            given = error.get("input")
            values = [given] if isinstance(given, str) else list(given or [])
            unknown = next((str(value) for value in values if value not in DOC_TYPES), "")
            return messages.UNKNOWN_DOC_TYPE.format(value=unknown[:40], allowed=", ".join(DOC_TYPES))
    return messages.INVALID_REQUEST.format(details=_describe(errors))


def _describe(errors) -> str:
    parts = []
    for error in errors[:5]:
        kind = error.get("type", "")
        if kind == "json_invalid":  # its location is a byte offset, not a field
            parts.append(messages.VALIDATION["json_invalid"])
            continue
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        context = {key: str(value).replace("' or '", "' of '") for key, value in (error.get("ctx") or {}).items()}
        template = messages.VALIDATION.get(kind, messages.VALIDATION["default"])
        try:
            message = template.format(**context)
        except (KeyError, IndexError, ValueError):
            message = messages.VALIDATION["default"]
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or messages.VALIDATION["default"]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        return JSONResponse({"detail": _validation_detail(request, error.errors())}, 422)

    @app.exception_handler(InvalidQuestion)
    async def invalid_question(request: Request, error: InvalidQuestion):
        return JSONResponse({"detail": error.message}, 422)

    @app.exception_handler(UnknownConversation)
    async def unknown_conversation(request: Request, error: UnknownConversation):
        return JSONResponse({"detail": error.message}, 404)

    @app.exception_handler(RateLimitExceeded)
    async def rate_limited(request: Request, error: RateLimitExceeded):
        try:
            retry_after = str(int(error.limit.limit.get_expiry()))
        except Exception:
            retry_after = "60"
        return JSONResponse({"detail": messages.RATE_LIMITED}, 429, headers={"Retry-After": retry_after})

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, error: ServiceUnavailable):
        return JSONResponse({"detail": messages.SERVICE_UNAVAILABLE}, 503, headers={"Retry-After": "5"})

    # Starlette's class, so routing errors (an unknown path, a wrong method) get the same treatment.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        detail = error.detail
        if error.status_code == 404 and detail == "Not Found":
            detail = messages.NOT_FOUND
        return JSONResponse({"detail": detail}, error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        if is_connection_error(error):
            return JSONResponse({"detail": messages.SERVICE_UNAVAILABLE}, 503, headers={"Retry-After": "5"})
        log.error("unhandled %s on %s", type(error).__name__, request.url.path, exc_info=error)
        return JSONResponse({"detail": messages.INTERNAL_ERROR}, 500)


def is_connection_error(error: BaseException) -> bool:
    """Chroma's HTTP client raises several types when its server is down; recognise them all."""
    import httpx

    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (ConnectionError, httpx.TransportError, ServiceUnavailable)):
            return True
        name = type(error).__name__
        if "Connect" in name or "Timeout" in name or "could not connect" in str(error).lower():
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False
