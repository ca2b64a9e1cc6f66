"""Every HTTP route through FastAPI's TestClient, against a real knowledge base in a temp dir."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from tests.job_support import upload

TOKEN = "geheim-beheer-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(tmp_path_factory, embedder, make_container):
    from pathlib import Path

    bundled = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "documents"
    container = make_container(tmp_path_factory.mktemp("api"), embedder, admin_token=TOKEN,
                               allowed_origins=["https://www.vvp.be"])
    container.kb.ingest([bundled])
    with TestClient(create_app(container.settings, container)) as test_client:
        yield test_client


def parse_sse(body: str) -> list[tuple[str, object]]:
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_health_reports_counts_model_and_answerer(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["documents"] == 3 and body["chunks"] >= 3
    assert body["embedding_model"] == "multilingual-e5-small-q4" and body["answerer"] == "extractive"
    assert body["version"]


def test_search_returns_the_public_result_fields(client):
    response = client.post("/api/search", json={"query": "Cepli Europees", "k": 2})
    results = response.json()["results"]
    assert response.status_code == 200 and len(results) == 2
    assert set(results[0]) == {"text", "score", "chunk_id", "document_id", "title", "section", "page", "doc_type",
                               "source", "ocr"}
    assert "Cepli" in results[0]["text"]


def test_search_filters_by_document_type(client):
    results = client.post("/api/search", json={"query": "VVP", "k": 5, "filters": {"doc_type": ["commissie"]}}).json()
    assert results["results"] and {r["doc_type"] for r in results["results"]} == {"commissie"}


def test_ask_returns_the_answer_object(client):
    body = client.post("/api/ask", json={"question": "Wie kan bij de studiedienst terecht?"}).json()
    assert set(body) >= {"answer", "grounded", "citations", "conversation_id", "message_id", "answerer", "timings_ms"}
    assert body["grounded"] and "[1]" in body["answer"] and "provinciemandatarissen" in body["answer"]
    citation = body["citations"][0]
    assert set(citation) == {"n", "chunk_id", "document_id", "title", "section", "page", "source", "text", "quote",
                             "score", "ocr"}
    assert citation["quote"] in citation["text"]


def test_ask_stream_sends_tokens_then_citations_then_done(client):
    response = client.post("/api/ask/stream", json={"question": "Met wie onderhoudt de VVP contacten?"})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"token"}
    done = events[-1][1]
    assert "".join(data for name, data in events if name == "token") == done["answer"]
    assert events[-2][1] == done["citations"] and "VVSG" in done["answer"]


def test_conversation_history_and_feedback(client):
    first = client.post("/api/ask", json={"question": "Waaruit bestaat de VVP-werking?"}).json()
    second = client.post("/api/ask", json={"question": "En wie zit daarin?",
                                          "conversation_id": first["conversation_id"]}).json()
    assert second["conversation_id"] == first["conversation_id"] and second["grounded"]
    history = client.get(f"/api/conversations/{first['conversation_id']}").json()
    assert [turn["question"] for turn in history["turns"]] == ["Waaruit bestaat de VVP-werking?", "En wie zit daarin?"]
    feedback = {"conversation_id": first["conversation_id"], "message_id": second["message_id"], "rating": "up",
                "comment": "Duidelijk antwoord"}
    assert client.post("/api/feedback", json=feedback).json() == {"stored": True}
    wrong = client.post("/api/feedback", json={**feedback, "message_id": "onbekend"})
    assert wrong.status_code == 404 and "hoort niet" in wrong.json()["detail"]


def test_unknown_conversation_is_a_dutch_404(client):
    response = client.post("/api/ask", json={"question": "Wat doet de VVP?", "conversation_id": "bestaat-niet"})
    assert response.status_code == 404 and "bestaat niet" in response.json()["detail"]
    assert client.get("/api/conversations/bestaat-niet").status_code == 404


def test_documents_list_detail_and_original_file(client):
    documents = client.get("/api/documents").json()["documents"]
    assert {d["title"] for d in documents} >= {"Missie van de VVP", "Werking van de VVP"}
    mission = next(d for d in documents if d["title"] == "Missie van de VVP")
    detail = client.get(f"/api/documents/{mission['document_id']}").json()
    assert detail["chunks"] == len(detail["passages"]) and "studiedienst" in " ".join(p["text"] for p in detail["passages"])
    original = client.get(f"/api/documents/{mission['document_id']}/file")
    assert original.status_code == 200 and "basisopdracht" in original.text
    assert client.get("/api/documents/onbekend").status_code == 404
    assert client.get("/api/documents/..%2F..%2Fetc%2Fpasswd/file").status_code == 404


def test_upload_and_delete_need_the_admin_token(client):
    files = {"files": ("nota.md", b"# Nota\n\nDe provincieraad vergadert op dinsdag.", "text/markdown")}
    assert client.post("/api/documents", files=files).status_code == 401
    assert client.post("/api/documents", files=files, headers={"Authorization": "Bearer fout"}).status_code == 401
    assert client.delete("/api/documents/whatever").status_code == 401


def test_admin_routes_are_disabled_without_a_configured_token(tmp_path, embedder, make_container):
    container = make_container(tmp_path / "data", embedder)
    with TestClient(create_app(container.settings, container)) as no_admin:
        response = no_admin.post("/api/documents", files={"files": ("a.md", b"# A\n\nTekst.", "text/markdown")})
    assert response.status_code == 403 and "VVP_ADMIN_TOKEN" in response.json()["detail"]


def test_an_uploaded_document_is_answered_and_can_be_deleted(client):
    content = ("---\ntitle: Verslag provincieraad Limburg\ntype: verslag\n---\n\n"
               "# Beslissingen\n\nDe provincieraad van Limburg keurde op 12 maart het fietsplan voor de Kempen goed.\n")
    job = upload(client, [("files", ("verslag.md", content.encode(), "text/markdown")),
                          ("files", ("kapot.xyz", b"\x00\x01", "application/octet-stream"))], AUTH)
    results = job["results"]
    assert job["status"] == "done" and job["done"] == job["total"] > 0
    assert [r["filename"] for r in results] == ["verslag.md", "kapot.xyz"]  # in the order sent
    assert results[0]["status"] == "added" and results[0]["title"] == "Verslag provincieraad Limburg"
    assert results[1]["status"] == "failed" and ".xyz" in results[1]["reason"]
    answer = client.post("/api/ask", json={"question": "Wanneer keurde de provincieraad het fietsplan goed?"}).json()
    assert answer["grounded"] and "12 maart" in answer["answer"]
    document_id = results[0]["document_id"]
    assert client.delete(f"/api/documents/{document_id}", headers=AUTH).json() == {"deleted": document_id}
    after = client.post("/api/ask", json={"question": "Wanneer keurde de provincieraad het fietsplan goed?"}).json()
    assert all(c["document_id"] != document_id for c in after["citations"])
    assert client.delete(f"/api/documents/{document_id}", headers=AUTH).status_code == 404


def test_errors_are_json_with_a_dutch_detail(client):
    assert "leeg" in client.post("/api/ask", json={"question": "   "}).json()["detail"]
    long = client.post("/api/ask", json={"question": "x" * 5000})
    assert long.status_code == 422 and "te lang" in long.json()["detail"]
    invalid = client.post("/api/ask", content=b"{niet json", headers={"content-type": "application/json"})
    assert invalid.status_code == 422 and invalid.json()["detail"].startswith("Ongeldige aanvraag")
    unknown_filter = client.post("/api/search", json={"query": "x", "filters": {"kleur": "blauw"}})
    assert unknown_filter.status_code == 422
    bad_type = client.post("/api/search", json={"query": "x", "filters": {"doc_type": "roman"}})
    assert bad_type.status_code == 422 and "documenttype" in bad_type.json()["detail"]
    assert client.get("/bestaat/niet").json()["detail"] == "Deze pagina of bron bestaat niet."


def test_cors_allows_only_the_configured_origins(client):
    allowed = client.options("/api/ask", headers={"Origin": "https://www.vvp.be", "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("access-control-allow-origin") == "https://www.vvp.be"
    other = client.options("/api/ask", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers


def test_openai_compatible_route_with_the_official_client(client):
    from openai import OpenAI

    openai_client = OpenAI(base_url="http://testserver/v1", api_key="niet-nodig", http_client=client)
    completion = openai_client.chat.completions.create(
        model="vvp-assistent", messages=[{"role": "user", "content": "Is de VVP aangesloten bij een Europese belangenorganisatie?"}])
    content = completion.choices[0].message.content
    assert "Cepli" in content and "Bronnen:" in content and "[1]" in content
    assert completion.model_extra["citations"][0]["n"] == 1

    stream = openai_client.chat.completions.create(
        model="vvp-assistent", stream=True,
        messages=[{"role": "user", "content": "Uit wie bestaan de beleidscommissies?"}])
    pieces = [chunk.choices[0].delta.content or "" for chunk in stream]
    assert "gedeputeerden" in "".join(pieces)


def test_openai_route_uses_earlier_user_messages_for_follow_ups(client):
    body = client.post("/v1/chat/completions", json={"model": "vvp-assistent", "messages": [
        {"role": "user", "content": "Waaruit bestaat de VVP-werking?"},
        {"role": "assistant", "content": "..."},
        {"role": "user", "content": "En wie zit daarin?"}]}).json()
    assert "gedeputeerden" in body["choices"][0]["message"]["content"]
