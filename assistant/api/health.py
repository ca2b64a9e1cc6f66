"""`/health` from a real search: a knowledge base that cannot answer is `degraded`, with the reason.

The probe runs the same retrieval a question does (embedding, lexical and dense channels), at
most once per `ttl` seconds, so a load balancer polling every second costs next to nothing.
"""

from __future__ import annotations

import logging
import threading
import time

from assistant import messages
from assistant.container import Container

log = logging.getLogger(__name__)

PROBE_QUERY = "provincie"
PROBE_TTL_SECONDS = 5.0


class HealthProbe:
    """`check()` gives (status, detail, stats): ("ok", None, ...) or ("degraded", a Dutch reason, ...)."""

    def __init__(self, container: Container, ttl: float = PROBE_TTL_SECONDS):
        self._container = container
        self._ttl = ttl
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._result: tuple[str, str | None, dict[str, int]] = ("ok", None, {"documents": 0, "chunks": 0})

    def check(self) -> tuple[str, str | None, dict[str, int]]:
        with self._lock:
            if time.monotonic() - self._checked_at >= self._ttl:
                self._result = self._probe()
                self._checked_at = time.monotonic()
            return self._result

    def _probe(self) -> tuple[str, str | None, dict[str, int]]:
        container = self._container
        try:
            container.kb.vectors.count()
            stats = container.kb.stats()
        except Exception as error:
            log.warning("health check: knowledge base unreachable (%s)", type(error).__name__)
            return "degraded", messages.HEALTH_UNREACHABLE, {"documents": 0, "chunks": 0}
        try:
            container.retriever.search(PROBE_QUERY, k=1)
        except Exception as error:
            log.warning("health check: search failed (%s: %s)", type(error).__name__, error)
            return "degraded", messages.HEALTH_SEARCH_FAILED.format(error=type(error).__name__), stats
        return "ok", None, stats
