"""GET /metrics: what it counts after a few requests, who may read it, and what it never contains."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app

BUNDLED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "documents"
TOKEN = "metrics-beheer-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GROUNDED = "Wie kan terecht bij de studiedienst?"
REFUSED = "Hoeveel kost een parkeerkaart in Hasselt?"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample line of the Prometheus text format (labels in any order)."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or "")) == labels:
            return float(match.group(2))
    raise AssertionError(f"no sample {name} {labels}")


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory, embedder, make_container):
    data_dir = tmp_path_factory.mktemp("metrics")
    make_container(data_dir, embedder).kb.ingest([BUNDLED])
    return data_dir


def client_for(kb_dir, embedder, make_container, raise_server_exceptions=True, **settings) -> TestClient:
    container = make_container(kb_dir, embedder, **settings)
    return TestClient(create_app(container.settings, container),
                      raise_server_exceptions=raise_server_exceptions)


@pytest.fixture(scope="module")
def scraped(kb_dir, embedder, make_container):
    """The /metrics text after two answers, a search, a document lookup and a 404."""
    with client_for(kb_dir, embedder, make_container, metrics="public", admin_token=TOKEN) as client:
        assert client.post("/api/ask", json={"question": GROUNDED}).json()["grounded"]
        assert not client.post("/api/ask", json={"question": REFUSED}).json()["grounded"]
        client.post("/api/search", json={"query": "Cepli", "k": 2})
        document_id = client.get("/api/documents", headers=AUTH).json()["documents"][0]["document_id"]
        assert client.get(f"/api/documents/{document_id}", headers=AUTH).status_code == 200
        assert client.get("/niet/bestaand/pad-met-id-123").status_code == 404
        response = client.get("/metrics")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
        return response.text, document_id


def test_requests_are_counted_and_timed_per_route_template(scraped):
    text, document_id = scraped
    assert sample(text, "vvp_http_requests_total", method="POST", route="/api/ask", status="200") == 2
    assert sample(text, "vvp_http_requests_total", method="POST", route="/api/search", status="200") == 1
    assert sample(text, "vvp_http_requests_total", method="GET", route="/api/documents/{document_id}",
                  status="200") == 1
    assert sample(text, "vvp_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert sample(text, "vvp_http_request_duration_seconds_count", method="POST", route="/api/ask") == 2
    assert sample(text, "vvp_http_request_duration_seconds_sum", method="POST", route="/api/ask") > 0
    assert document_id not in text and "pad-met-id-123" not in text


def test_answers_are_counted_by_outcome_with_step_timings(scraped):
    text, _ = scraped
    assert sample(text, "vvp_answers_total", outcome="grounded") == 1
    assert sample(text, "vvp_answers_total", outcome="refused") == 1
    assert sample(text, "vvp_answers_total", outcome="error") == 0
    for step in ("retrieve", "evidence", "answer", "total"):
        assert sample(text, "vvp_answer_step_seconds_count", step=step) == 2
    assert 0 < sample(text, "vvp_answer_step_seconds_sum", step="retrieve") < sample(
        text, "vvp_answer_step_seconds_sum", step="total")


def test_the_index_size_is_read_at_scrape_time(scraped):
    text, _ = scraped
    assert sample(text, "vvp_index_documents") == 3
    assert sample(text, "vvp_index_chunks") >= 3


def test_no_question_text_and_no_client_address_in_the_output(scraped):
    text, _ = scraped
    for fragment in ("studiedienst", "parkeerkaart", "Hasselt", "Cepli", "testclient", "127.0.0.1"):
        assert fragment not in text


def test_a_failed_answer_counts_as_error(kb_dir, embedder, make_container):
    with client_for(kb_dir, embedder, make_container, raise_server_exceptions=False, metrics="public") as client:
        container = client.app.state.container

        def broken(*args, **kwargs):
            raise RuntimeError("index broken")

        container.retriever.search = broken
        assert client.post("/api/ask", json={"question": GROUNDED}).status_code == 500
        text = client.get("/metrics").text
    assert sample(text, "vvp_answers_total", outcome="error") == 1
    assert sample(text, "vvp_http_requests_total", method="POST", route="/api/ask", status="500") == 1


def test_an_unreachable_llm_counts_as_llm_fallback(kb_dir, embedder, make_container):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with client_for(kb_dir, embedder, make_container, metrics="public", llm_provider="openai",
                    llm_base_url=f"http://127.0.0.1:{port}/v1", llm_model="test", llm_timeout=2) as client:
        answer = client.post("/api/ask", json={"question": GROUNDED}).json()
        text = client.get("/metrics").text
    assert answer["notice"] and answer["grounded"]
    assert sample(text, "vvp_answers_total", outcome="llm_fallback") == 1
    assert sample(text, "vvp_answers_total", outcome="grounded") == 0


def test_uploads_are_counted_as_ingested_files_and_chunks(tmp_path, embedder, make_container):
    with client_for(tmp_path / "kb", embedder, make_container, metrics="public", admin_token=TOKEN) as client:
        files = [("files", ("nota.md", "# Nota\n\nDe provincie bouwt een nieuw fietspad langs het kanaal.", "text/markdown")),
                 ("files", ("virus.exe", b"MZ", "application/octet-stream"))]
        response = client.post("/api/documents", files=files, headers=AUTH)
        if response.status_code == 202:  # uploads as background jobs: wait for the job
            status_url = response.json()["status_url"]
            deadline = time.monotonic() + 60
            while client.get(status_url, headers=AUTH).json()["status"] not in ("done", "failed"):
                assert time.monotonic() < deadline
                time.sleep(0.1)
        text = client.get("/metrics").text
    assert sample(text, "vvp_ingest_files_total", status="added") == 1
    assert sample(text, "vvp_ingest_files_total", status="failed") == 1
    assert sample(text, "vvp_ingest_chunks_total") >= 1


def test_ingest_results_and_jobs_are_counted():
    from assistant.metrics import Metrics
    from knowledge.records import IngestResult

    metrics = Metrics(lambda: {"documents": 0, "chunks": 0})
    metrics.record_ingest([IngestResult("a.pdf", "added", chunks=7), IngestResult("b.md", "updated", chunks=2),
                           IngestResult("c.md", "unchanged", chunks=4), IngestResult("d.exe", "failed")])
    metrics.record_job("done")
    text = metrics.render().decode()
    assert sample(text, "vvp_ingest_chunks_total") == 9
    assert sample(text, "vvp_ingest_files_total", status="added") == 1
    assert sample(text, "vvp_ingest_files_total", status="failed") == 1
    assert sample(text, "vvp_ingest_jobs_total", status="done") == 1


@pytest.mark.parametrize(("setting", "token", "headers", "status"), [
    ("admin", TOKEN, {}, 401),
    ("admin", TOKEN, {"Authorization": "Bearer fout"}, 401),
    ("admin", TOKEN, AUTH, 200),
    ("admin", None, AUTH, 403),  # no admin token configured: admin routes are disabled
    ("public", None, {}, 200),
    ("off", TOKEN, AUTH, 404),
])
def test_access_follows_the_metrics_setting(kb_dir, embedder, make_container, setting, token, headers, status):
    with client_for(kb_dir, embedder, make_container, metrics=setting, admin_token=token) as client:
        response = client.get("/metrics", headers=headers)
    assert response.status_code == status
    if status == 200:
        assert "vvp_index_documents 3.0" in response.text
    else:
        assert "vvp_" not in response.text and "detail" in response.json()


def test_metrics_is_the_default_admin_setting():
    from assistant.settings import Settings

    assert Settings(_env_file=None).metrics == "admin"
