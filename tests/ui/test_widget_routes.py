"""The widget's routes a browser or a proxy asks for: the script (GET and HEAD) and the demo page."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ui import WIDGET_DIR, widget_routes


@pytest.fixture(scope="module")
def client():
    app = FastAPI()
    app.include_router(widget_routes.build_router())
    with TestClient(app) as test_client:
        yield test_client


def test_the_widget_script_is_the_bundled_file_and_may_be_cached(client):
    got = client.get("/widget.js")
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/javascript")
    assert got.text == (WIDGET_DIR / "widget.js").read_text(encoding="utf-8") and "attachShadow" in got.text
    assert got.headers["cache-control"] == "public, max-age=300"


def test_head_on_the_widget_script_answers_like_get(client):
    got, head = client.get("/widget.js"), client.head("/widget.js")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_the_widget_demo_page_is_served_and_names_no_fixed_port(client):
    page = client.get("/widget/demo.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'src="../widget.js"' in page.text and ":8000" not in page.text
