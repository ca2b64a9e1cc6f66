"""The LLM path over real HTTP: a small OpenAI-compatible server on 127.0.0.1, configured through Settings.

The server speaks POST /v1/chat/completions with and without `stream: true` (Server-Sent Events
in OpenAI's chunk format); it replies from a script and records every request it receives.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from assistant import messages
from assistant.api.app import create_app

DOCUMENTS = {
    "statuten.md": "---\ntitle: Statuten van de vereniging\ntype: statuten\n---\n\n# Artikel 3\n\n"
    "De raad van bestuur telt vijftien leden. De raad van bestuur vergadert minstens vier keer per jaar.\n",
    "fietsbeleid.md": "---\ntitle: Fietsbeleid Limburg\ntype: verslag\n---\n\n# Fietssnelwegen\n\n"
    "De provincie Limburg legde in 2024 veertig kilometer fietssnelweg aan langs het Albertkanaal.\n",
    "missie.md": "---\ntitle: Missie van de vereniging\ntype: missie\n---\n\n# Partners\n\n"
    "De vereniging onderhoudt contacten met de VVSG en is lid van Cepli op Europees niveau.\n",
}
QUESTION = "Hoeveel leden telt de raad van bestuur?"
MODEL = "vvp-test-model"


class OpenAICompatibleServer:
    """POST /v1/chat/completions on a free port; `replies` are used in order, `requests` recorded."""

    def __init__(self):
        self.replies: list[str] = []
        self.requests: list[dict] = []
        self.delay = 0.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                if self.path != "/v1/chat/completions":
                    return self._json(404, {"error": {"message": "not found"}})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                time.sleep(stub.delay)
                if not stub.replies:
                    return self._json(500, {"error": {"message": "no reply scripted"}})
                reply = stub.replies.pop(0)
                try:
                    self._stream(body["model"], reply) if body.get("stream") else self._json(200, {
                        "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                        "model": body["model"],
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply},
                                     "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                    })
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, model: str, reply: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()  # HTTP/1.0: the body ends when the connection closes
                pieces = [{"role": "assistant", "content": ""}]
                pieces += [{"content": piece} for piece in re.findall(r"\S+\s*", reply)]
                for index, delta in enumerate(pieces + [{}]):
                    chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                             "model": model, "choices": [{"index": 0, "delta": delta,
                                                          "finish_reason": None if index < len(pieces) else "stop"}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory, use_embedder, make_container):
    folder = tmp_path_factory.mktemp("llm-http-docs")
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    data_dir = tmp_path_factory.mktemp("llm-http-kb")
    assert make_container(data_dir, use_embedder).kb.ingest([folder]).count("added") == len(DOCUMENTS)
    return data_dir


@pytest.fixture
def llm_server():
    server = OpenAICompatibleServer()
    yield server
    server.stop()


@pytest.fixture
def container(kb_dir, llm_server, use_embedder, make_container, monkeypatch):
    """A container whose LLM settings come from the environment, pointing at the test server."""
    monkeypatch.setenv("VVP_LLM_PROVIDER", "openai")
    monkeypatch.setenv("VVP_LLM_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("VVP_LLM_MODEL", MODEL)
    monkeypatch.setenv("VVP_LLM_TIMEOUT", "1.5")
    monkeypatch.setenv("VVP_TOP_K", "3")
    return make_container(kb_dir, use_embedder)


def parse_sse(body: str) -> list[tuple[str, object]]:
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_the_service_streams_an_answer_from_the_endpoint_and_checks_its_citations(container, llm_server):
    llm_server.replies = ["De raad van bestuur telt vijftien leden [1]."]
    events = list(container.service.ask_stream(QUESTION))
    tokens = [event.data for event in events if event.name == "token"]
    answer = events[-1].data
    assert len(tokens) > 3 and "".join(tokens) == "De raad van bestuur telt vijftien leden [1]."
    assert answer.answerer == "llm" and answer.grounded and answer.notice is None
    assert answer.answer == "De raad van bestuur telt vijftien leden [1]."
    assert len(answer.citations) == 1 and "vijftien leden" in answer.citations[0].text
    (request,) = llm_server.requests
    assert request["stream"] is True and request["model"] == MODEL
    system, user = request["messages"]
    assert system["role"] == "system" and "uitsluitend" in system["content"]
    assert "[1] Statuten van de vereniging › Artikel 3\nDe raad van bestuur telt vijftien leden." in user["content"]
    assert user["content"].endswith(f"Vraag: {QUESTION}")


def test_a_citation_number_without_a_passage_is_dropped(container, llm_server):
    llm_server.replies = ["De raad telt vijftien leden [1] en vergadert maandelijks [9]."]
    answer = container.service.ask(QUESTION)
    user = llm_server.requests[0]["messages"][1]["content"]
    assert "[3] " in user and "[4] " not in user  # three passages were offered
    assert answer.answer == "De raad telt vijftien leden [1] en vergadert maandelijks."
    assert [citation.n for citation in answer.citations] == [1] and answer.grounded


def test_an_answer_citing_no_passage_is_flagged(container, llm_server):
    llm_server.replies = ["De raad telt twintig leden [9]."]
    answer = container.service.ask(QUESTION)
    assert answer.answerer == "llm" and not answer.grounded and answer.citations == []
    assert answer.notice == messages.LLM_UNGROUNDED_NOTICE and "[9]" not in answer.answer


def test_a_follow_up_is_condensed_by_a_non_streaming_call(container, llm_server):
    llm_server.replies = ["De raad van bestuur telt vijftien leden [1].",
                          "Hoe vaak vergadert de raad van bestuur?\nDat is de vraag.",
                          "De raad van bestuur vergadert minstens vier keer per jaar [1]."]
    first = container.service.ask(QUESTION)
    follow_up = container.service.ask("En hoe vaak vergadert die?", conversation_id=first.conversation_id)
    condense = llm_server.requests[1]
    assert not condense.get("stream") and len(condense["messages"]) == 1
    assert "Vraag: Hoeveel leden telt de raad van bestuur?" in condense["messages"][0]["content"]
    assert "Laatste vraag: En hoe vaak vergadert die?" in condense["messages"][0]["content"]
    assert follow_up.standalone_question == "Hoe vaak vergadert de raad van bestuur?"
    assert llm_server.requests[2]["messages"][1]["content"].endswith("Vraag: Hoe vaak vergadert de raad van bestuur?")
    assert follow_up.answer == "De raad van bestuur vergadert minstens vier keer per jaar [1]."


def test_the_answerer_answers_in_one_non_streaming_call(container, llm_server):
    llm_server.replies = ["Vijftien leden [2] [1]."]
    hits = container.retriever.search(QUESTION, k=3)
    checked = container.llm.answer(QUESTION, hits)
    assert not llm_server.requests[0].get("stream")
    assert checked.text == "Vijftien leden [1] [2]." and checked.citations[1].chunk_id == hits[0].chunk_id


def test_the_endpoint_gone_falls_back_to_the_extractive_answer_with_the_notice(container, llm_server):
    llm_server.stop()  # connection refused from now on
    answer = container.service.ask(QUESTION)
    assert answer.answerer == "extractive" and answer.grounded
    assert answer.notice == messages.LLM_FALLBACK_NOTICE
    assert "vijftien leden" in answer.answer and "[1]" in answer.answer


def test_a_follow_up_with_the_endpoint_gone_is_condensed_without_it(container, llm_server):
    llm_server.replies = ["De raad van bestuur telt vijftien leden [1]."]
    first = container.service.ask(QUESTION)
    llm_server.stop()
    follow_up = container.service.ask("En hoe vaak vergadert die?", conversation_id=first.conversation_id)
    assert follow_up.answerer == "extractive" and follow_up.notice == messages.LLM_FALLBACK_NOTICE
    # The heuristic condenser carried the subject over from the first question.
    assert follow_up.standalone_question.startswith("En hoe vaak vergadert die ")
    assert follow_up.standalone_question.count("?") == 1, "the carried terms go into the question"
    assert "bestuur" in follow_up.standalone_question and "vier keer per jaar" in follow_up.answer


def test_a_timed_out_endpoint_falls_back_to_the_extractive_answer(container, llm_server):
    llm_server.replies = ["Te laat [1]."]
    llm_server.delay = 3.0  # VVP_LLM_TIMEOUT is 1.5 s
    started = time.perf_counter()
    answer = container.service.ask(QUESTION)
    assert time.perf_counter() - started < 3.0
    assert answer.answerer == "extractive" and answer.notice == messages.LLM_FALLBACK_NOTICE
    assert "vijftien leden" in answer.answer


def test_the_http_api_answers_through_the_endpoint_streaming_and_not(container, llm_server):
    llm_server.replies = ["De raad van bestuur telt vijftien leden [1] [7].",
                          "De raad van bestuur telt vijftien leden [1]."]
    with TestClient(create_app(container.settings, container)) as client:
        body = client.post("/api/ask", json={"question": QUESTION}).json()
        assert body["answerer"] == "llm" and body["answer"] == "De raad van bestuur telt vijftien leden [1]."
        assert body["citations"][0]["title"] == "Statuten van de vereniging"
        response = client.post("/api/ask/stream", json={"question": QUESTION})
    events = parse_sse(response.text)
    tokens = [data for name, data in events if name == "token"]
    assert response.headers["content-type"].startswith("text/event-stream")
    assert len(tokens) > 3 and "".join(tokens) == "De raad van bestuur telt vijftien leden [1]."
    assert events[-1][0] == "done" and events[-1][1]["answerer"] == "llm" and events[-1][1]["grounded"]
    assert [request["stream"] for request in llm_server.requests] == [True, True]


def test_the_http_api_falls_back_when_the_endpoint_is_gone(container, llm_server):
    llm_server.stop()
    with TestClient(create_app(container.settings, container)) as client:
        body = client.post("/api/ask", json={"question": QUESTION}).json()
        events = parse_sse(client.post("/api/ask/stream", json={"question": QUESTION}).text)
    assert body["answerer"] == "extractive" and body["notice"] == messages.LLM_FALLBACK_NOTICE
    assert "vijftien leden" in body["answer"]
    done = events[-1][1]
    assert done["answerer"] == "extractive" and done["notice"] == messages.LLM_FALLBACK_NOTICE
    assert "vijftien leden" in done["answer"]
