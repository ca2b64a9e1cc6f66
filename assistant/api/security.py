"""Admin authentication (a dependency over `assistant.admin_token`) and the per-IP rate limiter."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from slowapi import Limiter
from slowapi.util import get_remote_address

from assistant import messages
from assistant.admin_token import token_matches
from assistant.api.dependencies import get_settings
from assistant.settings import Settings


def make_limiter(settings: Settings) -> Limiter:
    # In-memory counters per process; behind several workers use a shared storage_uri.
    return Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def bearer_token(request: Request) -> str:
    """The token of an `Authorization: Bearer <token>` header, else ""."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else ""


def check_admin(request: Request, settings: Settings) -> None:
    """403 when no token is configured, 401 on a wrong or missing token."""
    if not settings.admin_token:
        raise HTTPException(403, messages.ADMIN_DISABLED)
    if not token_matches(bearer_token(request), settings.admin_token):
        raise HTTPException(401, messages.ADMIN_UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})


def require_admin(request: Request, settings: Settings = Depends(get_settings)) -> None:
    """A route dependency: `dependencies=[Depends(require_admin)]`."""
    check_admin(request, settings)
