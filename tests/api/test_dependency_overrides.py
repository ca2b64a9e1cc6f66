"""Routes take their components from FastAPI dependencies, so a test swaps them with
`app.dependency_overrides`: here small fakes stand in for the assistant and the documents,
and no model, Chroma or data dir is opened."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.dependencies import get_documents, get_service
from assistant.container import Container
from assistant.models import Answer, Citation, Hit
from assistant.service import Event
from assistant.settings import Settings
from knowledge.manifest import DocumentRecord
from knowledge.vector_store import StoredChunk

TOKEN = "beheer-geheim"

CITATION = Citation(n=1, chunk_id="missie-0", document_id="missie", title="Missie", section="Doel", page=None,
                    source="missie.md", text="De VVP behartigt de belangen van de provincies.",
                    quote="De VVP behartigt de belangen van de provincies.", score=0.8)
ANSWER = Answer(answer="De VVP behartigt de belangen van de provincies [1].", grounded=True, citations=[CITATION],
                conversation_id="c1", message_id="m1", confidence=0.9)


class FakeService:
    """Answers every question with ANSWER and remembers what it was asked."""

    def __init__(self):
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def clean_question(self, question: str) -> str:
        return question.strip()

    def ask(self, question, conversation_id=None, k=None, filters=None) -> Answer:
        self.asked.append((question, filters.doc_type))
        return ANSWER

    def ask_stream(self, question, conversation_id=None, k=None, filters=None, history=None):
        self.asked.append((question, filters.doc_type if filters else ()))
        yield Event("token", "De VVP behartigt ")
        yield Event("token", "de belangen van de provincies [1].")
        yield Event("citations", [vars(CITATION)])
        yield Event("done", ANSWER)

    def search(self, query, k=None, filters=None) -> list[Hit]:
        return [Hit(chunk_id="missie-0", document_id="missie", title="Missie", section="Doel", page=None,
                    doc_type="missie", source="/srv/docs/missie.md", position=0, text=CITATION.text, score=0.5)]


class FakeDocuments:
    """Two ready documents; deleting forgets one."""

    def __init__(self):
        self.records = {
            id_: DocumentRecord(document_id=id_, title=title, doc_type="verslag", source=f"upload:{id_}.pdf",
                                stored_path=None, content_hash="h", status="ready", chunks=chunks,
                                ingested_at=1_700_000_000.0, updated_at=1_700_000_000.0)
            for id_, title, chunks in (("jaarverslag", "Jaarverslag 2024", 12), ("nota", "Nota werking", 3))
        }

    def list(self) -> list[DocumentRecord]:
        return list(self.records.values())

    def get(self, document_id: str) -> DocumentRecord | None:
        return self.records.get(document_id)

    def passages(self, document_id: str) -> list[StoredChunk]:
        return [StoredChunk(chunk_id=f"{document_id}-0", text="De werking in 2024.",
                            metadata={"section": "Inleiding", "page": 2, "position": 0})]

    def original_file(self, record: DocumentRecord):
        return None  # no kept original

    def delete(self, document_id: str) -> bool:
        return self.records.pop(document_id, None) is not None


@pytest.fixture
def app(tmp_path):
    # The container is never asked for a component: every route under test gets a fake.
    settings = Settings(data_dir=tmp_path / "data", llm_provider="none", admin_token=TOKEN)
    return create_app(settings, Container(settings))


@pytest.fixture
def service(app) -> FakeService:
    fake = FakeService()
    app.dependency_overrides[get_service] = lambda: fake
    return fake


@pytest.fixture
def documents(app) -> FakeDocuments:
    fake = FakeDocuments()
    app.dependency_overrides[get_documents] = lambda: fake
    return fake


def test_ask_returns_the_answer_of_the_service_it_is_given(app, service):
    client = TestClient(app)  # no `with`: the lifespan (model warm-up) does not run
    response = client.post("/api/ask", json={"question": "  Wat doet de VVP?", "filters": {"doc_type": ["missie"]}})
    assert response.status_code == 200
    body = response.json()
    assert body["answer"] == ANSWER.answer and body["grounded"] is True and body["conversation_id"] == "c1"
    assert body["citations"][0]["title"] == "Missie" and body["citations"][0]["quote"].startswith("De VVP")
    assert service.asked == [("  Wat doet de VVP?", ("missie",))]
    assert not (app.state.container.__dict__.keys() & {"kb", "service", "embedder"}), "no real component was built"


def test_the_stream_sends_the_services_tokens_then_the_answer(app, service):
    response = TestClient(app).post("/api/ask/stream", json={"question": "Wat doet de VVP?"})
    events = [block.split("\n", 1) for block in response.text.strip().split("\n\n")]
    names = [name.removeprefix("event: ") for name, _ in events]
    assert names == ["token", "token", "citations", "done"]
    assert json.loads(events[-1][1].removeprefix("data: "))["answer"] == ANSWER.answer


def test_search_shows_the_file_name_not_the_server_path(app, service):
    results = TestClient(app).post("/api/search", json={"query": "missie"}).json()["results"]
    assert [(r["chunk_id"], r["source"]) for r in results] == [("missie-0", "missie.md")]


def test_the_openai_route_appends_the_sources_of_the_services_answer(app, service):
    body = TestClient(app).post("/v1/chat/completions",
                                json={"model": "vvp-assistent",
                                      "messages": [{"role": "user", "content": "Wat doet de VVP?"}]}).json()
    content = body["choices"][0]["message"]["content"]
    assert content.startswith(ANSWER.answer) and "[1] Missie › Doel — missie.md" in content


def test_documents_are_listed_and_read_from_the_document_service(app, documents):
    client = TestClient(app)
    listed = client.get("/api/documents").json()["documents"]
    assert [(d["document_id"], d["title"], d["chunks"]) for d in listed] == [
        ("jaarverslag", "Jaarverslag 2024", 12), ("nota", "Nota werking", 3)]
    detail = client.get("/api/documents/nota").json()
    assert detail["title"] == "Nota werking" and detail["passages"] == [
        {"chunk_id": "nota-0", "section": "Inleiding", "page": 2, "position": 0, "text": "De werking in 2024."}]
    missing = client.get("/api/documents/onbekend")
    assert missing.status_code == 404 and "onbekend" in missing.json()["detail"]
    no_file = client.get("/api/documents/nota/file")
    assert no_file.status_code == 404 and "nota" in no_file.json()["detail"]


def test_delete_needs_the_token_and_goes_through_the_document_service(app, documents):
    client = TestClient(app)
    assert client.delete("/api/documents/nota").status_code == 401
    assert "nota" in documents.records
    deleted = client.delete("/api/documents/nota", headers={"Authorization": f"Bearer {TOKEN}"})
    assert deleted.json() == {"deleted": "nota"} and "nota" not in documents.records
