"""Uploads as background jobs: 202 with a job, progress that moves, per-file results, queries
answered meanwhile; the job runner's order, failures and bounded history; `/health` from a real search."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from assistant import messages
from assistant.api.app import create_app
from assistant.jobs import JobRunner
from knowledge.records import IngestResult
from tests.job_support import follow

TOKEN = "taken-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class SlowEmbedder:
    """The real model, with a pause per document batch: an ingest then lasts long enough to watch."""

    def __init__(self, embedder, pause: float):
        self._embedder = embedder
        self.pause = pause
        self.model_id = embedder.model_id

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.pause)
        return self._embedder.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embedder.embed_query(text)


def long_report(paragraphs: int = 120) -> bytes:
    sections = [f"## Punt {n}\n\nDe deputatie besprak in punt {n} het onderhoud van fietspad {n} langs kanaal "
                f"{n % 7}; de kostprijs bedraagt {1000 + n} euro en de werken starten in week {n % 52 + 1}."
                for n in range(paragraphs)]
    return ("# Verslag van de deputatie\n\n" + "\n\n".join(sections) + "\n").encode()


@pytest.fixture
def slow_client(tmp_path, use_embedder, make_container):
    container = make_container(tmp_path / "data", SlowEmbedder(use_embedder, 0.15), admin_token=TOKEN,
                               chunk_size=200, chunk_overlap=0)
    with TestClient(create_app(container.settings, container)) as client:
        yield client, container


def test_an_upload_is_a_job_whose_progress_moves_while_questions_are_answered(slow_client):
    client, container = slow_client
    container.kb.ingest_file  # the knowledge base exists before the clock starts
    response = client.post("/api/documents", headers=AUTH, files=[
        ("files", ("verslag-deputatie.md", long_report(), "text/markdown")),
        ("files", ("kapot.xyz", b"\x00\x01", "application/octet-stream")),
    ])
    assert response.status_code == 202
    accepted = response.json()
    assert set(accepted) == {"job_id", "status_url"} and accepted["status_url"] == f"/api/jobs/{accepted['job_id']}"

    seen, answered_while_running = [], []
    while True:
        status = client.get(accepted["status_url"], headers=AUTH).json()
        seen.append((status["status"], status["done"], status["total"]))
        if status["status"] in ("done", "failed"):
            break
        if status["status"] == "running" and status["done"] > 0 and not answered_while_running:
            started = time.perf_counter()
            answer = client.post("/api/ask", json={"question": "Wat doet de deputatie?"})
            answered_while_running.append((answer.status_code, time.perf_counter() - started))
            assert client.get(accepted["status_url"], headers=AUTH).json()["status"] == "running"
        time.sleep(0.05)

    running = [done for state, done, _ in seen if state == "running"]
    assert len(set(running)) >= 3, seen  # it moved, in steps, not from nothing to everything
    assert running == sorted(running)
    assert all(done <= total for _, done, total in seen)
    assert answered_while_running and answered_while_running[0][0] == 200
    assert answered_while_running[0][1] < 5  # a question does not wait for the ingest
    assert status["status"] == "done" and status["done"] == status["total"] > 100
    report, broken = status["results"]
    assert (report["filename"], report["status"], report["title"]) == ("verslag-deputatie.md", "added",
                                                                      "Verslag van de deputatie")
    assert report["chunks"] > 100 and report["document_id"]
    assert broken["status"] == "failed" and ".xyz" in broken["reason"] and broken["document_id"] is None
    hits = client.post("/api/search", json={"query": "fietspad 117 kanaal", "k": 3}).json()["results"]
    assert any("fietspad 117" in hit["text"] for hit in hits)


def test_a_job_of_only_bad_files_fails_with_the_reason(slow_client):
    client, _ = slow_client
    job = follow(client, client.post("/api/documents", headers=AUTH,
                                     files=[("files", ("leeg.txt", b"", "text/plain"))]), AUTH)
    assert job["status"] == "failed" and job["detail"] == "Bestand 'leeg.txt' is leeg."
    assert job["results"] == [{"filename": "leeg.txt", "status": "failed", "document_id": None, "title": None,
                               "chunks": 0, "reason": "Bestand 'leeg.txt' is leeg."}]


def test_an_unknown_job_is_404_in_dutch_and_jobs_need_the_admin_token(slow_client):
    client, _ = slow_client
    response = client.get("/api/jobs/bestaat-niet", headers=AUTH)
    assert response.status_code == 404
    assert response.json()["detail"] == messages.UNKNOWN_JOB.format(id="bestaat-niet")
    assert client.get("/api/jobs/bestaat-niet").status_code == 401
    assert client.post("/api/local/ingest", json={"paths": ["/etc"], "cwd": "/"}, headers=AUTH).status_code == 403


def test_the_runner_runs_jobs_in_order_survives_a_failing_one_and_keeps_a_bounded_history():
    runner = JobRunner(history=2)
    order: list[str] = []
    gate = threading.Event()

    def work(name: str, fail: bool = False):
        def run(job):
            gate.wait(5)
            order.append(name)
            job.progress(1, 1, name)
            if fail:
                raise RuntimeError("kapot")
            return [IngestResult(name, "added", name, name, 1)]
        return run

    jobs = [runner.submit("ingest", work("a")), runner.submit("ingest", work("b", fail=True)),
            runner.submit("ingest", work("c")), runner.submit("ingest", work("d"))]
    assert runner.get(jobs[3].job_id).status == "queued"
    gate.set()
    assert runner.wait(jobs[-1].job_id, timeout=5).finished
    finished = jobs  # the same objects the runner updated (the first two are forgotten by now)
    assert order == ["a", "b", "c", "d"]
    assert [job.status for job in finished] == ["done", "failed", "done", "done"]
    assert finished[1].detail == messages.JOB_FAILED.format(error="RuntimeError")
    assert finished[3].results[0].document_id == "d" and (finished[3].done, finished[3].total) == (1, 1)
    assert [runner.get(job.job_id) is not None for job in jobs] == [False, False, True, True]


# ---- /health -------------------------------------------------------------------------------


def test_health_is_degraded_with_a_reason_when_search_fails(tmp_path, use_embedder, make_container, monkeypatch):
    container = make_container(tmp_path / "data", use_embedder)
    container.kb.ingest_file(_note(tmp_path))
    with TestClient(create_app(container.settings, container)) as client:
        monkeypatch.setattr(container.kb.vectors, "query", _broken)
        monkeypatch.setattr(container.kb.lexical, "top", _broken)
        body = client.get("/health").json()
    assert body["status"] == "degraded"
    assert body["detail"] == messages.HEALTH_SEARCH_FAILED.format(error="RuntimeError")
    assert body["documents"] == 1  # the counts still come from the manifest


def test_health_is_ok_when_a_real_search_works(tmp_path, use_embedder, make_container):
    container = make_container(tmp_path / "data", use_embedder)
    container.kb.ingest_file(_note(tmp_path))
    with TestClient(create_app(container.settings, container)) as client:
        body = client.get("/health").json()
    assert (body["status"], body["detail"], body["documents"]) == ("ok", None, 1)


def _broken(*args, **kwargs):
    raise RuntimeError("Error finding id")


def _note(tmp_path):
    path = tmp_path / "nota.md"
    path.write_text("# Nota\n\nDe provincie onderhoudt de fietspaden langs de kanalen.\n", encoding="utf-8")
    return path


def test_the_server_drops_uploads_that_a_crash_left_without_a_document(tmp_path, use_embedder, make_container):
    container = make_container(tmp_path / "data", use_embedder, admin_token=TOKEN)
    files = tmp_path / "data" / "files"
    files.mkdir(parents=True)
    kept = files / "upload-kept.md"
    kept.write_text("# Bewaard\n\nDe provincie beheert de jaagpaden.\n", encoding="utf-8")
    container.kb.ingest_file(kept, source="upload:bewaard.md", original_name="bewaard.md", stored_path=kept)
    orphan = files / "upload-0123456789abcdef.md"
    orphan.write_text("# Half\n\nNooit ingelezen.\n", encoding="utf-8")

    with TestClient(create_app(container.settings, container, serve_url="http://127.0.0.1:9")):
        pass
    assert kept.exists() and not orphan.exists()
