"""A small HTTP load client: sequential and concurrent POSTs with latency percentiles.

Plain `http.client` with one keep-alive connection per client thread: it costs the shared two
cores far less than an async framework would, so the figures are the server's. Only loopback
targets are accepted, and every loop is bounded by a request count or a deadline.

>>> endpoint = Endpoint("/api/ask", lambda q: {"question": q}, expect="answer")
>>> run_sequential(8000, endpoint, ["Wat doet de VVP?"]).summary()["p50_ms"]   # doctest: +SKIP
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Endpoint:
    """A route, how to turn a question into its JSON body, and the key a good response must have.

    For a Server-Sent-Events route set `stream`: the response counts as good when it ends with a
    `done` event.
    """

    path: str
    body: Callable[[str], dict]
    expect: str = ""
    stream: bool = False

    def check(self, status: int, payload: bytes) -> bool:
        if status != 200:
            return False
        if self.stream:
            return b"event: done" in payload
        if not self.expect:
            return True
        try:
            return self.expect in json.loads(payload)
        except ValueError:
            return False


SEARCH = Endpoint("/api/search", lambda q: {"query": q, "k": 5}, expect="results")
ASK = Endpoint("/api/ask", lambda q: {"question": q}, expect="answer")
ASK_STREAM = Endpoint("/api/ask/stream", lambda q: {"question": q}, stream=True)


@dataclass
class Result:
    """Latencies (ms) and statuses of one run; `status 0` is a connection error."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    bad: int = 0
    seconds: float = 0.0

    def summary(self) -> dict:
        values = np.array(self.latencies or [float("nan")])
        count = len(self.latencies)
        return {
            "requests": count,
            "p50_ms": round(float(np.percentile(values, 50)), 2),
            "p95_ms": round(float(np.percentile(values, 95)), 2),
            "p99_ms": round(float(np.percentile(values, 99)), 2),
            "mean_ms": round(float(values.mean()), 2),
            "throughput_rps": round(count / self.seconds, 1) if self.seconds else None,
            "errors_5xx": sum(n for status, n in self.statuses.items() if status >= 500),
            "connection_errors": self.statuses.get(0, 0),
            "bad_responses": self.bad,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
        }


class Client:
    """One keep-alive connection to 127.0.0.1:`port`, reopened after a disconnect."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port = port
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def post(self, path: str, payload: dict, headers: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(payload).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        for attempt in (1, 2):  # the server may have closed an idle keep-alive connection
            connection = self._connection or http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self._connection = connection
            try:
                connection.request("POST", path, body=data, headers=all_headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _one(client: Client, endpoint: Endpoint, question: str, result: Result, lock: threading.Lock) -> None:
    started = time.perf_counter()
    try:
        status, payload = client.post(endpoint.path, endpoint.body(question))
    except OSError:
        status, payload = 0, b""
        client.close()
    elapsed = (time.perf_counter() - started) * 1000
    with lock:
        result.statuses[status] += 1
        if endpoint.check(status, payload):
            result.latencies.append(elapsed)
        else:
            result.bad += 1


def run_sequential(port: int, endpoint: Endpoint, questions: list[str]) -> Result:
    """One client, one request at a time, each question once."""
    client, result, lock = Client(port), Result(), threading.Lock()
    started = time.perf_counter()
    for question in questions:
        _one(client, endpoint, question, result, lock)
    result.seconds = time.perf_counter() - started
    client.close()
    return result


def run_concurrent(port: int, endpoints: list[Endpoint], questions: Callable[[], str], clients: int, *,
                   seconds: float | None = None, requests: int | None = None) -> dict[str, Result]:
    """`clients` threads, client i on `endpoints[i % len(endpoints)]`, until `seconds` or `requests`.

    `questions` hands out the next question text (called under a lock). Returns a result per path.
    """
    if seconds is None and requests is None:
        raise ValueError("a concurrent run needs a deadline or a request budget")
    results = {endpoint.path: Result() for endpoint in endpoints}
    lock = threading.Lock()
    budget = [requests if requests is not None else float("inf")]
    deadline = time.perf_counter() + seconds if seconds is not None else float("inf")

    def worker(endpoint: Endpoint) -> None:
        client = Client(port)
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
                question = questions()
            _one(client, endpoint, question, results[endpoint.path], lock)
        client.close()

    threads = [threading.Thread(target=worker, args=(endpoints[i % len(endpoints)],), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for result in results.values():
        result.seconds = elapsed
    return results
