"""Citations name the original file, never the server path it was read from."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder, make_container):
    """A knowledge base ingested from a deep server folder, plus one upload."""
    import shutil

    from tests.conftest import BUNDLED

    root = tmp_path_factory.mktemp("srv")
    folder = root / "vvp" / "knowledge" / "documents"
    shutil.copytree(BUNDLED, folder)
    container = make_container(root / "data", embedder)
    container.kb.ingest([folder])
    upload = root / "tmp" / "upload-3f2a.md"
    upload.parent.mkdir()
    upload.write_text("# Fietsplan\n\nDe provincieraad van Limburg keurde op 12 maart het fietsplan voor de Kempen "
                      "goed.\n", encoding="utf-8")
    container.kb.ingest_file(upload, source="upload:Verslag provincieraad.md", original_name="Verslag provincieraad.md")
    with TestClient(create_app(container.settings, container)) as client:
        yield client, str(root)


def test_ask_cites_the_bundled_file_by_its_name(served):
    client, server_root = served
    body = client.post("/api/ask", json={"question": "Wie kan terecht bij de studiedienst?"}).json()
    assert body["grounded"] and body["citations"]
    for citation in body["citations"]:
        assert citation["source"].endswith(".md") and "/" not in citation["source"]
        assert server_root not in str(body)
    document_id = body["citations"][0]["document_id"]
    original = client.get(f"/api/documents/{document_id}/file")
    assert original.status_code == 200 and "studiedienst" in original.text


def test_an_upload_is_cited_by_its_uploaded_name(served):
    client, _ = served
    body = client.post("/api/ask", json={"question": "Wanneer keurde de provincieraad het fietsplan goed?"}).json()
    assert body["grounded"]
    assert body["citations"][0]["source"] == "Verslag provincieraad.md"


def test_search_results_show_file_names(served):
    client, server_root = served
    results = client.post("/api/search", json={"query": "studiedienst", "k": 5}).json()["results"]
    assert results and all("/" not in r["source"] and r["source"] for r in results)
    assert server_root not in str(results)


def test_openai_text_lists_file_names_not_server_paths(served):
    client, server_root = served
    for stream in (False, True):
        response = client.post("/v1/chat/completions", json={
            "model": "vvp-assistent", "stream": stream,
            "messages": [{"role": "user", "content": "Wie kan terecht bij de studiedienst?"}]})
        assert response.status_code == 200
        assert server_root not in response.text
        assert ".md" in response.text
