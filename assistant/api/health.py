"""`/health` from a real search: a knowledge base that cannot answer is `degraded`, with the reason.

Every call checks that the knowledge base is reachable (cheap); the search probe runs the same
retrieval a question does (embedding, lexical and dense channels), at most once per `ttl`
seconds, so a load balancer polling every second costs next to nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from assistant import messages
from knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)

PROBE_QUERY = "provincie"
PROBE_TTL_SECONDS = 5.0


class HealthProbe:
    """`check()` gives (status, detail, stats): ("ok", None, ...) or ("degraded", a Dutch reason, ...).

    `knowledge` gives the knowledge base and `search(query)` runs a real retrieval; both are
    called on each check, since opening either may fail while Chroma is down.
    """

    def __init__(self, knowledge: Callable[[], KnowledgeBase], search: Callable[[str], object],
                 ttl: float = PROBE_TTL_SECONDS):
        self._knowledge = knowledge
        self._search = search
        self._ttl = ttl
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._search_failure: str | None = None

    def check(self) -> tuple[str, str | None, dict[str, int]]:
        try:  # cheap, so on every call: an unreachable Chroma shows at once
            knowledge = self._knowledge()
            knowledge.ping()
            stats = knowledge.stats()
        except Exception as error:
            log.warning("health check: knowledge base unreachable (%s)", type(error).__name__)
            return "degraded", messages.HEALTH_UNREACHABLE, {"documents": 0, "chunks": 0}
        with self._lock:
            if time.monotonic() - self._checked_at >= self._ttl:
                self._search_failure = self._probe()
                self._checked_at = time.monotonic()
            failure = self._search_failure
        return ("degraded", failure, stats) if failure else ("ok", None, stats)

    def _probe(self) -> str | None:
        """None when a real search works, else the Dutch reason."""
        try:
            self._search(PROBE_QUERY)
        except Exception as error:
            log.warning("health check: search failed (%s: %s)", type(error).__name__, error)
            return messages.HEALTH_SEARCH_FAILED.format(error=type(error).__name__)
        return None
