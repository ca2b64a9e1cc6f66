"""Query latency over real HTTP against one running server: sequential, 8 clients, and a load test.

>>> with ApiServer(data_dir) as server:                               # doctest: +SKIP
...     figures = measure_server(server, QuestionStream(questions), requests=200)
"""

from __future__ import annotations

import threading
import time

from bench.data import LongQuestionStream, QuestionStream
from bench.http_load import ASK, ASK_STREAM, SEARCH, run_concurrent, run_sequential
from bench.server import ApiServer

CONCURRENT_CLIENTS = 8
LOAD_CLIENTS = 32


class RssSampler:
    """Samples a server's resident memory in the background; `peak_mb` is the highest seen."""

    def __init__(self, server: ApiServer, interval: float = 0.25):
        self.server = server
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.server.rss_mb())
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.peak_mb = max(self.peak_mb, self.server.rss_mb())


def measure_server(server: ApiServer, stream: QuestionStream, requests: int) -> dict:
    """Sequential and 8-client figures for /api/search and /api/ask, with the server's memory."""
    figures: dict = {"cold_start_s": server.cold_start_s, "rss_after_start_mb": server.rss_mb()}
    with RssSampler(server) as rss:
        for endpoint in (SEARCH, ASK):
            name = endpoint.path.rsplit("/", 1)[-1]
            figures[f"{name}_sequential"] = run_sequential(server.port, endpoint, stream.take(requests)).summary()
            # 1.5x the sequential count: with ~510 distinct base questions, a server's ask phases
            # (sequential, then concurrent) then never repeat one (and hit the evidence cache).
            concurrent = run_concurrent(server.port, [endpoint], stream.next, CONCURRENT_CLIENTS,
                                        requests=requests * 3 // 2)
            figures[f"{name}_8_clients"] = concurrent[endpoint.path].summary()
    figures["rss_peak_mb"] = rss.peak_mb
    return figures


def measure_long_questions(server: ApiServer, stream: LongQuestionStream, requests: int) -> dict:
    """Issue 10's latency: `/api/ask` on ~235-character questions, sequential and with 8 clients.

    Every request is a new text (the query-embedding cache never hits); the lengths asked are
    recorded next to the figures."""
    asked: list[int] = []

    def next_question() -> str:
        text = stream.next()
        asked.append(len(text))
        return text

    figures: dict = {"cold_start_s": server.cold_start_s}
    with RssSampler(server) as rss:
        figures["ask_sequential"] = run_sequential(
            server.port, ASK, [next_question() for _ in range(requests)]).summary()
        concurrent = run_concurrent(server.port, [ASK], next_question, CONCURRENT_CLIENTS, requests=requests * 3 // 2)
        figures["ask_8_clients"] = concurrent[ASK.path].summary()
    figures["rss_peak_mb"] = rss.peak_mb
    figures["question_chars"] = {"mean": round(sum(asked) / len(asked), 1), "min": min(asked), "max": max(asked)}
    return figures


def load_test(server: ApiServer, stream: QuestionStream, seconds: float) -> dict:
    """32 clients for `seconds`, half on /api/ask and half on /api/ask/stream."""
    with RssSampler(server) as rss:
        started = time.perf_counter()
        results = run_concurrent(server.port, [ASK, ASK_STREAM], stream.next, LOAD_CLIENTS, seconds=seconds)
        elapsed = time.perf_counter() - started
    return {"clients": LOAD_CLIENTS, "seconds": round(elapsed, 1), "rss_peak_mb": rss.peak_mb,
            "ask": results[ASK.path].summary(), "ask_stream": results[ASK_STREAM.path].summary()}
