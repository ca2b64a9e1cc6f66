"""Browser checks of what a new user hit: /docs offline, a Dutch chat page, typed questions shown as typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

ANSWER_TIMEOUT = 60_000


def block_other_hosts(page) -> list[str]:
    """Abort every request that leaves 127.0.0.1 (as on a network without internet); returns them."""
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return blocked


def test_api_docs_render_without_internet(page, live_server, shoot):
    blocked = block_other_hosts(page)
    page.goto(f"{live_server}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("VVP-assistent", timeout=30_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/ask").first).to_be_visible()
    shoot(page, "api-docs-offline")
    assert blocked == [], "the documentation page loads nothing from other hosts"
    # ReDoc is off: its bundle always fetches a logo from cdn.redoc.ly.
    assert page.request.get(f"{live_server}/redoc").status == 404
