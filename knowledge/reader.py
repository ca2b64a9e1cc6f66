"""Reading files ahead of the embedding, and counting the work of an ingest for its progress."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from knowledge.records import IngestItem, IngestResult, Progress

READ_AHEAD = 256  # files read and chunked ahead of the embedding (bounds the memory)
PROGRESS_STEP = 32  # chunks per model call while progress is followed

_END = object()


class Tracker:
    """Counts work units for `Progress`: one per chunk to embed, one per file needing none."""

    def __init__(self, progress: Progress | None):
        self._progress = progress
        self._lock = threading.Lock()
        self.done = 0
        self.total = 0

    def planned(self, units: int, detail: str) -> None:
        with self._lock:
            self.total += units
            self._tell(detail)

    def advance(self, units: int, detail: str) -> None:
        with self._lock:
            self.done += units
            self._tell(detail)

    def ocr_pages(self, label: str):
        """A loader's `on_page(done, total)` callback: every page read by OCR is one more unit."""
        def on_page(done: int, total: int) -> None:
            if done == 1:
                self.planned(total, label)
            self.advance(1, f"{label}: OCR-pagina {done}/{total}")
        return on_page

    def _tell(self, detail: str) -> None:
        if self._progress is not None:
            self._progress(self.done, self.total, detail)


class Reader:
    """Iterates `prepare(item)` for every item, computed by a thread up to `READ_AHEAD` files ahead.

    >>> for prepared in Reader(items, prepare, tracker):   # doctest: +SKIP
    ...     ...
    """

    def __init__(self, items: Iterable[IngestItem], prepare: Callable[[IngestItem], Any], tracker: Tracker):
        self._items = items
        self._prepare = prepare
        self._tracker = tracker
        self._queue: queue.Queue = queue.Queue(maxsize=READ_AHEAD)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ingest-read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for item in self._items:
                if self._stopped.is_set():
                    return
                prepared = self._prepare(item)
                chunks = 1 if isinstance(prepared, IngestResult) else len(prepared.document.chunks)
                self._tracker.planned(chunks, item.label)
                self._put(prepared)
        except BaseException as error:  # handed to the consumer, which raises it
            self._put(error)
        finally:
            self._put(_END)

    def _put(self, value: Any) -> None:
        while not self._stopped.is_set():
            try:
                self._queue.put(value, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[Any]:
        while True:
            value = self._queue.get()
            if value is _END:
                return
            if isinstance(value, BaseException):
                raise value
            yield value

    def close(self) -> None:
        """Stop reading (after an error downstream) and wait for the thread."""
        self._stopped.set()
        self._thread.join()
