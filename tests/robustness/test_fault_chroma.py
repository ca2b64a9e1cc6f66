"""Chroma in server mode goes away: /health says degraded; a knowledge base searched in memory
keeps answering from that copy, one searched in Chroma answers 503 in Dutch; either way the app
recovers by itself when the server is back (same port, same data)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import messages
from robustness_support import BUNDLED, PROBE_QUESTION, api_client, assert_no_leak, free_port, make_settings

CHROMA = Path(sys.executable).with_name("chroma")


class ChromaServer:
    """`chroma run` on a fixed port and folder, which can be stopped hard and started again."""

    def __init__(self, path: Path, port: int):
        self.path, self.port = path, port
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "chroma run exited"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("chroma did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def chroma(tmp_path):
    if not CHROMA.exists():
        pytest.skip("the chroma command is not installed in this environment")
    server = ChromaServer(tmp_path / "chroma-server", free_port())
    server.start()
    yield server
    server.kill()


def until(condition, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    return condition()


def assert_unavailable(client) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded" and health.json()["detail"] == "kennisbank niet bereikbaar"
    for path, body in (("/api/ask", {"question": PROBE_QUESTION}), ("/api/search", {"query": "studiedienst"}),
                       ("/api/ask/stream", {"question": PROBE_QUESTION})):
        started = time.perf_counter()
        response = client.post(path, json=body)
        assert time.perf_counter() - started < 10  # fails fast, no hanging request
        assert_no_leak(response.text)
        assert response.status_code == 503, (path, response.text)
        assert response.json() == {"detail": messages.SERVICE_UNAVAILABLE}
        assert response.headers["retry-after"]
    # The document list comes from the manifest (SQLite): available once the knowledge base was opened.
    documents = client.get("/api/documents")
    assert documents.status_code == 200 or documents.json() == {"detail": messages.SERVICE_UNAVAILABLE}


def answers_again(client):
    response = client.post("/api/ask", json={"question": PROBE_QUESTION})
    return response.status_code == 200 and response.json()


def assert_answers_from_memory(client, before: dict) -> None:
    health = client.get("/health").json()
    assert (health["status"], health["detail"]) == ("degraded", "kennisbank niet bereikbaar")
    for _ in range(3):  # also after the next version check (once a second) has failed
        response = client.post("/api/ask", json={"question": PROBE_QUESTION})
        assert response.status_code == 200, response.text
        assert response.json()["answer"] == before["answer"]
        time.sleep(0.6)
    search = client.post("/api/search", json={"query": "studiedienst"})
    assert search.status_code == 200 and search.json()["results"]


@pytest.mark.slow
@pytest.mark.parametrize("in_memory", [True, False], ids=["dense-in-memory", "dense-in-chroma"])
def test_an_unreachable_chroma_server_degrades_and_recovers_by_itself(tmp_path, chroma, embedder, in_memory):
    from assistant.container import Container

    settings = make_settings(tmp_path / "data", chroma_url=f"http://127.0.0.1:{chroma.port}",
                             dense_memory_max_chunks=10_000 if in_memory else 0)
    container = Container(settings, embedder=embedder)
    assert container.kb.ingest([BUNDLED]).count("added") == 3

    with api_client(container) as client:
        before = answers_again(client)
        assert before and before["grounded"]
        assert client.get("/health").json()["status"] == "ok"
        assert container.kb.vectors.in_memory is in_memory

        chroma.kill()
        if in_memory:
            assert_answers_from_memory(client, before)
        else:
            assert_unavailable(client)

        chroma.start()  # same port, same folder
        after = until(lambda: answers_again(client))
        assert after, "the app did not recover after Chroma came back"
        assert after["answer"] == before["answer"]
        assert [c["chunk_id"] for c in after["citations"]] == [c["chunk_id"] for c in before["citations"]]
        health = until(lambda: client.get("/health").json()["status"] == "ok" and client.get("/health").json())
        assert (health["status"], health["documents"], health["chunks"]) == ("ok", 3, 6)


@pytest.mark.slow
def test_an_app_started_while_chroma_is_down_recovers_when_it_comes_up(tmp_path, chroma, embedder):
    from assistant.container import Container

    settings = make_settings(tmp_path / "data", chroma_url=f"http://127.0.0.1:{chroma.port}")
    Container(settings, embedder=embedder).kb.ingest([BUNDLED])
    chroma.kill()

    with api_client(Container(settings, embedder=embedder)) as client:  # starts without its knowledge base
        assert_unavailable(client)
        chroma.start()
        recovered = until(lambda: answers_again(client))
        assert recovered and recovered["grounded"]
        assert client.get("/health").json()["status"] == "ok"
