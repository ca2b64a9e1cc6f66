"""Prometheus metrics of one running app: requests, answers by outcome, step timings, ingest, index size.

Each app has its own registry (no process-global one), so two apps in one process, as in the
tests, do not count each other's requests. Labels never hold question text, client addresses
or raw paths: a request is labelled by its route template (`/api/documents/{document_id}`).

Who counts what:
- the HTTP middleware in `assistant.api.metrics` calls `record_request`;
- `AssistantService(on_answer=metrics.record_answer)` reports every answer (None = failed);
- the ingest path calls `record_ingest(results)` and `record_job(status)`;
- documents and chunks in the index are read from the knowledge base at scrape time.

>>> metrics = Metrics(lambda: {"documents": 3, "chunks": 12})
>>> metrics.record_job("done")
>>> b"vvp_index_chunks 12.0" in metrics.render()
True
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from assistant import messages
from assistant.models import Answer
from knowledge.records import IngestResult

log = logging.getLogger(__name__)

OUTCOMES = ("grounded", "refused", "error", "llm_fallback")
# Answer.timings_ms keys, each a step of answering a question.
STEPS = ("retrieve", "evidence", "answer", "total")
INGEST_STATUSES = ("added", "updated", "unchanged", "failed")
JOB_STATUSES = ("done", "failed")
# Seconds: a cached search takes milliseconds, an LLM answer or a streamed one several seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def outcome_of(answer: Answer | None) -> str:
    """`error` (no answer), `llm_fallback` (the LLM failed, quotes given), `grounded` or `refused`."""
    if answer is None:
        return "error"
    if answer.notice == messages.LLM_FALLBACK_NOTICE:
        return "llm_fallback"
    return "grounded" if answer.grounded else "refused"


class _IndexCollector(Collector):
    """Documents and chunks in the index, read when Prometheus scrapes (never stale)."""

    def __init__(self, stats: Callable[[], dict[str, int]]):
        self._stats = stats

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            stats = self._stats()
        except Exception as error:  # an unreachable Chroma must not break the scrape
            log.warning("metrics: index size unavailable (%s)", type(error).__name__)
            return
        yield GaugeMetricFamily("vvp_index_documents", "Documents in the knowledge base.", value=stats["documents"])
        yield GaugeMetricFamily("vvp_index_chunks", "Chunks (passages) in the knowledge base.", value=stats["chunks"])


class Metrics:
    """The counters and histograms of one app, and their Prometheus text exposition."""

    def __init__(self, index_stats: Callable[[], dict[str, int]]):
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter("vvp_http_requests", "HTTP requests by method, route template and status.",
                                ["method", "route", "status"], registry=registry)
        self.latency = Histogram("vvp_http_request_duration_seconds",
                                 "Time to the end of the response (streams included), by route template.",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=registry)
        self.answers = Counter("vvp_answers", "Answers by outcome: grounded, refused, error, llm_fallback.",
                               ["outcome"], registry=registry)
        self.steps = Histogram("vvp_answer_step_seconds",
                               "Time per step of answering: retrieve, evidence, answer, total.",
                               ["step"], buckets=LATENCY_BUCKETS, registry=registry)
        self.ingest_jobs = Counter("vvp_ingest_jobs", "Ingest jobs finished, by status.", ["status"],
                                   registry=registry)
        self.ingest_files = Counter("vvp_ingest_files", "Files ingested, by outcome.", ["status"], registry=registry)
        self.ingest_chunks = Counter("vvp_ingest_chunks", "Chunks stored by ingests (added or updated files).",
                                     registry=registry)
        for outcome in OUTCOMES:  # present from the start, so rates work before the first refusal
            self.answers.labels(outcome)
        for status in INGEST_STATUSES:
            self.ingest_files.labels(status)
        for status in JOB_STATUSES:
            self.ingest_jobs.labels(status)
        registry.register(_IndexCollector(index_stats))
        ProcessCollector(registry=registry)

    def record_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def record_answer(self, answer: Answer | None) -> None:
        self.answers.labels(outcome_of(answer)).inc()
        if answer is None:
            return
        for step in STEPS:
            if step in answer.timings_ms:
                self.steps.labels(step).observe(answer.timings_ms[step] / 1000)

    def record_ingest(self, results: Iterable[IngestResult]) -> None:
        """Count the per-file outcomes of an ingest (a CLI run, an upload, one job's files)."""
        for result in results:
            self.ingest_files.labels(result.status if result.status in INGEST_STATUSES else "failed").inc()
            if result.status in ("added", "updated"):
                self.ingest_chunks.inc(result.chunks)

    def record_job(self, status: str) -> None:
        """Count one finished ingest job: `done` or `failed`."""
        self.ingest_jobs.labels(status if status in JOB_STATUSES else "failed").inc()

    def render(self) -> bytes:
        """The Prometheus text format (version 0.0.4)."""
        return generate_latest(self.registry)
