"""Admin authentication (constant-time bearer token) and the per-IP rate limiter."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request
from slowapi import Limiter
from slowapi.util import get_remote_address

from assistant import messages
from assistant.settings import Settings


def make_limiter(settings: Settings) -> Limiter:
    # In-memory counters per process; behind several workers use a shared storage_uri.
    return Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def require_admin(settings: Settings):
    """A dependency: 403 when no token is configured, 401 on a wrong or missing token."""

    def check(request: Request) -> None:
        expected = settings.admin_token
        if not expected:
            raise HTTPException(403, messages.ADMIN_DISABLED)
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
            raise HTTPException(401, messages.ADMIN_UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})

    return check
