"""The LLM endpoint is down or too slow: the answer comes in bounded time, extractive, grounded,
with the Dutch notice that the language model was not reachable."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant import messages
from robustness_support import PROBE_QUESTION, api_client, free_port, make_settings

TIMEOUT = 1.0


class _SlowHandler(BaseHTTPRequestHandler):
    """Accepts the request, then says nothing for longer than the client's timeout."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(TIMEOUT * 4)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def slow_llm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture(scope="module")
def extractive(robust_container):
    return robust_container.service.ask(PROBE_QUESTION)


def llm_container(robust_container, base_url: str):
    from assistant.container import Container

    settings = make_settings(robust_container.settings.data_dir, llm_provider="openai", llm_base_url=base_url,
                             llm_model="vvp-test", llm_timeout=TIMEOUT)
    return Container(settings, embedder=robust_container.embedder)


@pytest.mark.parametrize("endpoint", ["closed-port", "sleeps-beyond-timeout"])
def test_an_unreachable_or_slow_llm_falls_back_to_the_extractive_answer(endpoint, robust_container, slow_llm,
                                                                        extractive):
    url = f"http://127.0.0.1:{free_port()}/v1" if endpoint == "closed-port" else slow_llm
    container = llm_container(robust_container, url)
    with api_client(container) as client:
        assert client.get("/health").json()["answerer"] == "llm"
        started = time.perf_counter()
        response = client.post("/api/ask", json={"question": PROBE_QUESTION})
        elapsed = time.perf_counter() - started

        assert response.status_code == 200
        answer = response.json()
        assert elapsed < TIMEOUT + 5
        assert answer["notice"] == messages.LLM_FALLBACK_NOTICE
        assert answer["answerer"] == "extractive" and answer["grounded"]
        assert answer["answer"] == extractive.answer
        assert [c["chunk_id"] for c in answer["citations"]] == [c.chunk_id for c in extractive.citations]

        # A follow-up needs the LLM twice (condense, answer): still bounded, still answered.
        started = time.perf_counter()
        follow_up = client.post("/api/ask", json={"question": "En waaruit bestaat de VVP-werking?",
                                                  "conversation_id": answer["conversation_id"]})
        assert follow_up.status_code == 200
        assert time.perf_counter() - started < 2 * TIMEOUT + 5
        assert follow_up.json()["notice"] == messages.LLM_FALLBACK_NOTICE


def test_a_slow_llm_in_a_stream_ends_with_the_fallback_answer(robust_container, slow_llm, extractive):
    container = llm_container(robust_container, slow_llm)
    with api_client(container) as client:
        started = time.perf_counter()
        response = client.post("/api/ask/stream", json={"question": PROBE_QUESTION})
        elapsed = time.perf_counter() - started

    assert response.status_code == 200 and elapsed < TIMEOUT + 5
    events = {}
    for block in response.text.strip().split("\n\n"):
        name, data = block.split("\n", 1)
        events[name.removeprefix("event: ")] = json.loads(data.removeprefix("data: "))
    assert "error" not in events
    done = events["done"]
    assert done["notice"] == messages.LLM_FALLBACK_NOTICE
    assert done["grounded"] and done["answer"] == extractive.answer
