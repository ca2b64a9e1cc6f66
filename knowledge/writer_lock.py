"""One writing process per embedded Chroma directory.

Embedded Chroma keeps its index in the memory of the process that opened it; a second process
writing the same directory leaves the first one answering from a stale index ("Error finding
id"). So a process that writes embedded Chroma holds an exclusive lock on `data_dir/.writer.lock`
for as long as it may write: `vvp serve` for its whole life, `vvp ingest` for its run. With a
Chroma server (`VVP_CHROMA_URL`) no such lock is needed: the server serialises the writes.

>>> with WriterLock(Path("data")).hold(wait=0):     # doctest: +SKIP
...     kb.ingest([Path("knowledge/documents")])
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_POLL_SECONDS = 0.2

# Held locks of this process by file: flock is per open file, so a second KnowledgeBase or app on
# the same data dir in one process (tests, `vvp eval`) shares the holding instead of deadlocking.
_held: dict[Path, list] = {}
_held_guard = threading.Lock()


class WriterBusy(RuntimeError):
    """Another process holds the writer lock of this data dir."""


class WriterLock:
    """The exclusive, process-wide writer lock of one data dir (re-entrant within a process)."""

    def __init__(self, data_dir: Path):
        self.path = (data_dir / ".writer.lock").resolve()

    def try_acquire(self) -> bool:
        """Take the lock if it is free (or this process holds it already); never waits."""
        with _held_guard:
            entry = _held.get(self.path)
            if entry is not None:
                entry[1] += 1
                return True
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            _held[self.path] = [handle, 1]
            return True

    def acquire(self, timeout: float | None = None, *, waiting: Callable[[], bool] | None = None) -> bool:
        """Wait for the lock; False after `timeout` seconds or when `waiting()` returns False.

        `waiting` is called while the lock is taken by another process (a CLI uses it to notice
        a server that registered meanwhile and hand its work over instead of waiting).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.try_acquire():
            if waiting is not None and not waiting():
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_SECONDS)
        return True

    def release(self) -> None:
        with _held_guard:
            entry = _held.get(self.path)
            if entry is None:
                return
            entry[1] -= 1
            if entry[1] == 0:
                del _held[self.path]
                fcntl.flock(entry[0], fcntl.LOCK_UN)
                entry[0].close()

    def holder_pid(self) -> int | None:
        """The pid written by the current holder, if any (for messages)."""
        try:
            text = self.path.read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    @contextmanager
    def hold(self, wait: float | None = None) -> Iterator[None]:
        """Hold the lock for a block; `WriterBusy` when it is not free within `wait` seconds."""
        if not self.acquire(wait):
            raise WriterBusy(str(self.path))
        try:
            yield
        finally:
            self.release()
