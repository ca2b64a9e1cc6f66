"""The admin token check, the one place both the API (`Authorization: Bearer`) and the Beheer tab use."""

from __future__ import annotations

import hmac


def token_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of a given token (surrounding blanks ignored); never true when no
    token is configured or none is given.

    >>> token_matches(" geheim ", "geheim"), token_matches("fout", "geheim"), token_matches("x", None)
    (True, False, False)
    """
    if not expected or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())
