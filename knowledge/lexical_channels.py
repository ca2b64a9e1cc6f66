"""The lexical half of the knowledge base: one BM25 index per analyzer, persisted together.

The saved state records the Chroma version it was built from; `KnowledgeBase.sync_lexical`
rebuilds it from Chroma when the versions differ (a crash, another process, deleted files).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Iterable

import numpy as np

from ingest.models import Chunk, contextual_text
from knowledge.analysis import ANALYSIS_VERSION
from knowledge.lexical import LexicalIndex
from knowledge.vector_store import StoredChunk

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)

ANALYZERS = ("word", "char")
_STATE = "state.json"


class _State:
    """One consistent view: the indexes, their chunk metadata and the Chroma version they match.

    Writers build a new state and swap it in with one assignment, so a query running in another
    thread sees either the old or the new documents, never a mix.
    """

    def __init__(self, indexes: dict[str, LexicalIndex], meta: dict[str, tuple[str, str]], version: str):
        self.indexes = indexes
        self.meta = meta  # chunk_id -> (doc_type, document_id)
        self.version = version
        self.masks: dict[tuple, np.ndarray] = {}
        self.admitted: dict[tuple, frozenset[str]] = {}

    def mask(self, name: str, doc_types: tuple[str, ...], document_ids: tuple[str, ...]) -> np.ndarray | None:
        if not doc_types and not document_ids:
            return None
        key = (name, doc_types, document_ids)
        if key not in self.masks:
            admitted = self.admitted_ids(doc_types, document_ids)
            ids = self.indexes[name].ids
            self.masks[key] = np.fromiter((cid in admitted for cid in ids), dtype=bool, count=len(ids))
        return self.masks[key]

    def admitted_ids(self, doc_types: tuple[str, ...], document_ids: tuple[str, ...]) -> frozenset[str]:
        """The chunk ids of the given types (any, if none) and documents (any, if none)."""
        key = (doc_types, document_ids)
        if key not in self.admitted:
            self.admitted[key] = frozenset(
                cid for cid, (doc_type, document_id) in self.meta.items()
                if (not doc_types or doc_type in doc_types) and (not document_ids or document_id in document_ids)
            )
        return self.admitted[key]


class LexicalChannels:
    """BM25 per analyzer plus the metadata needed to filter by `doc_type` / `document_id`."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._state = _State({name: LexicalIndex(name) for name in ANALYZERS}, {}, "")
        self._load()

    @property
    def indexes(self) -> dict[str, LexicalIndex]:
        return self._state.indexes

    @property
    def version(self) -> str:
        return self._state.version

    def __len__(self) -> int:
        return len(self._state.meta)

    def _load(self) -> None:
        state_path = self.directory / _STATE
        if not state_path.exists():
            return
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            if state.get("analysis") != ANALYSIS_VERSION:
                raise ValueError(f"built with analysis version {state.get('analysis')}, now {ANALYSIS_VERSION}")
            indexes = {name: LexicalIndex.load(self.directory / name) for name in ANALYZERS}
            meta = {cid: (doc_type, document_id) for cid, doc_type, document_id in state["meta"]}
            if any(set(index.ids) != set(meta) for index in indexes.values()):
                raise ValueError("analyzer indexes disagree")
        except Exception as error:  # corrupt or partial files: rebuilt from Chroma by the caller
            log.warning("lexical index in %s unreadable (%s); it will be rebuilt from Chroma", self.directory, error)
            return
        self._state = _State(indexes, meta, state["version"])

    def save(self) -> None:
        current = self._state
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, index in current.indexes.items():
            index.save(self.directory / name)
        state = {"version": current.version, "analysis": ANALYSIS_VERSION,
                 "meta": [[cid, *values] for cid, values in current.meta.items()]}
        handle, tmp = tempfile.mkstemp(dir=self.directory, prefix=".state.")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(state, file)
        os.replace(tmp, self.directory / _STATE)

    def rebuild(self, stored: Iterable[StoredChunk], version: str) -> None:
        ids, texts, meta = [], [], {}
        for chunk in stored:
            m = chunk.metadata
            ids.append(chunk.chunk_id)
            texts.append(contextual_text(m.get("title", ""), m.get("section", ""), chunk.text))
            meta[chunk.chunk_id] = (m.get("doc_type", ""), m.get("document_id", ""))
        indexes = {name: LexicalIndex(name) for name in ANALYZERS}
        for index in indexes.values():
            index.build(ids, texts)
        self._state = _State(indexes, meta, version)
        self.save()

    def replace(self, old_ids: list[str], chunks: list[Chunk], version: str, persist: bool = True) -> None:
        """Swap a document's old chunks for its new ones (either list may be empty).

        Works on copies (callers serialise writers), so concurrent queries keep a consistent view.
        """
        current = self._state
        new_ids = [chunk.chunk_id for chunk in chunks]
        texts = [chunk.indexed_text for chunk in chunks]
        indexes = {name: index.copy() for name, index in current.indexes.items()}
        for index in indexes.values():
            index.remove(old_ids)
            if chunks:
                index.add(new_ids, texts)
        meta = dict(current.meta)
        for cid in old_ids:
            meta.pop(cid, None)
        for chunk in chunks:
            meta[chunk.chunk_id] = (chunk.doc_type, chunk.document_id)
        self._state = _State(indexes, meta, version)
        if persist:
            self.save()

    def admitted_ids(self, doc_types: tuple[str, ...] = (), document_ids: tuple[str, ...] = ()) -> frozenset[str] | None:
        """The chunk ids of the given types and documents (None: no filter), for the dense search."""
        if not doc_types and not document_ids:
            return None
        return self._state.admitted_ids(doc_types, document_ids)

    def document_ids(self, chunk_ids: list[str]) -> list[str]:
        """The document of each chunk ("" for a chunk the index does not know)."""
        meta = self._state.meta
        return [meta.get(cid, ("", ""))[1] for cid in chunk_ids]

    def coverage(self, query: str) -> float:
        """Share of the query's words the corpus knows: low for questions in another language."""
        return self._state.indexes["word"].coverage(query)

    def top(self, query: str, k: int, doc_types: tuple[str, ...] = (), document_ids: tuple[str, ...] = ()
            ) -> dict[str, list[tuple[str, float]]]:
        state = self._state
        return {
            name: index.top(query, k, mask=state.mask(name, doc_types, document_ids))
            for name, index in state.indexes.items()
        }
