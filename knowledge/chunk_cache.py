"""Stored chunks as read back from Chroma, and the cache that keeps the recently read ones.

Answering fetches the passages of every hit, and popular passages come back often: they come
from memory, but never across a write (the cache is valid for one Chroma version).

>>> cache = ChunkCache(size=2)
>>> cache.forget_unless("v1")
>>> cache.put_many([StoredChunk("a", "De raad beslist.", {})], cache.generation)
>>> list(cache.get_many(["a", "b"]))
['a']
>>> cache.forget_unless("v2")  # another version: everything read before it is gone
>>> cache.get_many(["a"])
{}
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from Chroma."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]


class ChunkCache:
    """A thread-safe LRU of stored chunks, valid for one Chroma version.

    `generation` counts the times it was emptied: chunks read from Chroma before a write are not
    put back after it.
    """

    def __init__(self, size: int = 8192):
        self.size = size
        self._items: OrderedDict[str, StoredChunk] = OrderedDict()
        self._version: str | None = None
        self.generation = 0
        self._lock = threading.Lock()

    def get_many(self, ids: list[str]) -> dict[str, StoredChunk]:
        with self._lock:
            found = {cid: self._items[cid] for cid in ids if cid in self._items}
            for cid in found:
                self._items.move_to_end(cid)
            return found

    def put_many(self, chunks: list[StoredChunk], generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return
            for chunk in chunks:
                self._items[chunk.chunk_id] = chunk
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def forget_unless(self, version: str | None) -> None:
        """Empty the cache unless it was filled at `version` (None: always empty it)."""
        with self._lock:
            if version is None or version != self._version:
                self._items.clear()
                self.generation += 1
            self._version = version
