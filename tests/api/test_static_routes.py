"""The API documentation is served offline: Swagger UI's assets from the app, no ReDoc."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory, embedder, make_container):
    container = make_container(tmp_path_factory.mktemp("static"), embedder)
    with TestClient(create_app(container.settings, container)) as test_client:
        yield test_client


def test_api_docs_load_their_assets_from_the_app(client):
    page = client.get("/docs").text
    assert "cdn." not in page and "googleapis" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        path = next(part.split('"')[0] for part in page.split('="') if part.split('"')[0].endswith(asset))
        assert path.startswith("/") and client.get(path).status_code == 200
    assert client.get("/redoc").status_code == 404

