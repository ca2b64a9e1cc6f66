"""Static routes a browser or a proxy asks for: the widget script (GET and HEAD) and offline API docs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory, embedder, make_container):
    container = make_container(tmp_path_factory.mktemp("static"), embedder)
    with TestClient(create_app(container.settings, container, with_ui=False)) as test_client:
        yield test_client


def test_head_on_the_widget_script_answers_like_get(client):
    got, head = client.get("/widget.js"), client.head("/widget.js")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_api_docs_load_their_assets_from_the_app(client):
    page = client.get("/docs").text
    assert "cdn." not in page and "googleapis" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        path = next(part.split('"')[0] for part in page.split('="') if part.split('"')[0].endswith(asset))
        assert path.startswith("/") and client.get(path).status_code == 200
    assert client.get("/redoc").status_code == 404


def test_the_widget_demo_page_is_served_and_names_no_fixed_port(client):
    page = client.get("/widget/demo.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'src="../widget.js"' in page.text and ":8000" not in page.text
