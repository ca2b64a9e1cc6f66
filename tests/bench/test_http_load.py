"""The load client: counts, statuses and percentiles from a real (tiny) HTTP server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.http_load import ASK_STREAM, Endpoint, run_concurrent, run_sequential


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like uvicorn

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        question = body.get("question", "")
        if "boom" in question:
            payload, status = b'{"detail": "kapot"}', 500
        elif self.path.endswith("/stream"):
            payload, status = b"event: token\ndata: \"x\"\n\nevent: done\ndata: {}\n\n", 200
        else:
            payload, status = json.dumps({"answer": question}).encode(), 200
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


ASK = Endpoint("/api/ask", lambda q: {"question": q}, expect="answer")


def test_sequential_run_counts_answers_and_server_errors(port):
    summary = run_sequential(port, ASK, ["een", "twee", "boom", "drie"]).summary()
    assert summary["requests"] == 3 and summary["bad_responses"] == 1
    assert summary["errors_5xx"] == 1 and summary["statuses"] == {"200": 3, "500": 1}
    assert 0 < summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]


def test_concurrent_run_stops_at_its_request_budget(port):
    counter = iter(range(10_000))
    results = run_concurrent(port, [ASK, ASK_STREAM], lambda: f"vraag {next(counter)}", 4, requests=40)
    answered = sum(result.summary()["requests"] for result in results.values())
    assert answered == 40
    assert results[ASK_STREAM.path].summary()["bad_responses"] == 0
    assert results[ASK.path].summary()["throughput_rps"] > 0


def test_concurrent_run_stops_at_its_deadline(port):
    results = run_concurrent(port, [ASK], lambda: "vraag", 2, seconds=0.5)
    assert 0.4 < results[ASK.path].seconds < 5


def test_a_run_without_a_bound_is_refused(port):
    with pytest.raises(ValueError):
        run_concurrent(port, [ASK], lambda: "vraag", 2)


class FakeServer:
    """What `measure_long_questions` reads of a running `ApiServer`."""

    def __init__(self, port):
        self.port, self.cold_start_s = port, 1.5

    def rss_mb(self):
        return 123.0


def test_long_questions_are_asked_sequentially_and_by_8_clients_and_their_lengths_recorded(port):
    from bench.data import LongQuestionStream
    from bench.queries import measure_long_questions

    stream = LongQuestionStream(["Wat doet de VVP?", "Wie is de gouverneur van Limburg?"], seed=2)
    figures = measure_long_questions(FakeServer(port), stream, requests=20)

    assert figures["ask_sequential"]["requests"] == 20 and figures["ask_8_clients"]["requests"] == 30
    assert figures["ask_8_clients"]["throughput_rps"] > 0 and figures["rss_peak_mb"] == 123.0
    assert 205 <= figures["question_chars"]["min"] <= figures["question_chars"]["mean"] <= figures["question_chars"]["max"] <= 265
