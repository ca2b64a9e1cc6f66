"""Background jobs: long writes (uploads, ingests, reindexing) run one at a time on a worker thread.

Queries keep being answered meanwhile: a job holds no lock that search needs (the knowledge
base takes its write lock only around each batch's Chroma and index write, not while embedding).
Jobs live in memory with a bounded history; after a crash the knowledge base's `recover()`
rolls back what a job left half-written, so nothing about a job needs to survive a restart.

>>> jobs = JobRunner()
>>> job = jobs.submit("ingest", lambda job: kb.ingest(paths, job.progress).results)  # doctest: +SKIP
>>> jobs.get(job.job_id).status                                                      # doctest: +SKIP
'running'
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant import messages
from knowledge.records import IngestResult

log = logging.getLogger(__name__)

HISTORY = 100  # finished jobs kept for their status route

Work = Callable[["Job"], list[IngestResult]]  # calls job.progress as it goes


@dataclass
class Job:
    """One job and how far it is.

    `done`/`total` are the work units of `knowledge.records.Progress`: chunks embedded, plus one
    per file that needed no embedding; `current` names the file being worked on. `status` is
    queued, running, done (ran to the end; some files may have failed, see `results`) or failed
    (it stopped on an error, or not one file could be stored; `detail` says why).
    """

    job_id: str
    kind: str
    status: str = "queued"
    done: int = 0
    total: int = 0
    current: str = ""
    detail: str | None = None
    results: list[IngestResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # documents pruned because their file is gone
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None

    def progress(self, done: int, total: int, detail: str) -> None:
        """The `Progress` callback handed to the work (a loader may call it too, e.g. per OCR page)."""
        self.done, self.total, self.current = done, max(total, done), detail

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class JobRunner:
    """Runs submitted work in order on one worker thread (started on first use)."""

    def __init__(self, history: int = HISTORY, on_finished: Callable[[Job], None] | None = None):
        """`on_finished(job)` is called once per finished job (metrics count jobs and chunks)."""
        self._history = history
        self._on_finished = on_finished
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._work: dict[str, Work] = {}
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, kind: str, work: Work, *, failed: list[IngestResult] | None = None) -> Job:
        """Queue `work(job) -> results`; `failed` are files already refused (too large)."""
        job = Job(job_id=uuid.uuid4().hex, kind=kind, results=list(failed or []))
        with self._lock:
            self._jobs[job.job_id] = job
            self._work[job.job_id] = work
            self._forget_old()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="vvp-jobs", daemon=True)
                self._thread.start()
        self._queue.put(job.job_id)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> Job | None:
        """Block until the job finished (for tests and synchronous callers)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (job := self.get(job_id)) is not None and not job.finished:
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return job

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.finished]
        for job_id in finished[: max(0, len(finished) - self._history)]:
            del self._jobs[job_id]

    def _run(self) -> None:
        while (job_id := self._queue.get()) is not None:
            with self._lock:
                job, work = self._jobs.get(job_id), self._work.pop(job_id, None)
            if job is None or work is None:
                continue
            job.status = "running"
            status, detail = "done", None
            try:
                job.results.extend(work(job))
                if job.results and all(result.status == "failed" for result in job.results):
                    status, detail = "failed", job.results[0].reason
            except Exception as error:  # the job fails, the worker goes on with the next one
                log.exception("job %s (%s) failed", job.job_id, job.kind)
                status, detail = "failed", messages.JOB_FAILED.format(error=type(error).__name__)
            with self._lock:  # finished in one step: whoever sees the status sees the rest
                if status == "done":
                    job.done = job.total
                job.detail, job.finished_at, job.status = detail, time.time(), status
                self._forget_old()
            log.info("job %s (%s): %s, %d results", job.job_id, job.kind, job.status, len(job.results))
            if self._on_finished:
                try:
                    self._on_finished(job)
                except Exception:  # counting must never stop the worker
                    log.exception("job %s: on_finished failed", job.job_id)

    def close(self) -> None:
        """Stop the worker after the current job; queued jobs are dropped."""
        self._queue.put(None)
