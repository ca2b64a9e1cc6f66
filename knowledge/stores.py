"""Chroma, the lexical channels and the manifest of one data dir, written in step.

Chroma is the source of truth. Every write follows the same order, so a crash at any point
leaves a state that `recover()` repairs: the manifest row goes `pending`, Chroma changes, the
lexical index follows, the row goes `ready`. A lexical index that another process (or a crash)
left behind Chroma is rebuilt from it by `sync_lexical()`.

    stores = Stores(data_dir, vector_store)
    stores.recover()
    stores.write([(record, chunks)], embeddings)   # pending → Chroma → lexical → ready
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ingest.models import Chunk
from knowledge.lexical_channels import LexicalChannels
from knowledge.manifest import CorruptManifest, DocumentRecord, Manifest
from knowledge.vector_store import VectorStore

log = logging.getLogger(__name__)

_VERSION_CHECK_SECONDS = 1.0


class Stores:
    """The three stores of a data dir and the order every write takes through them."""

    def __init__(self, data_dir: Path, vectors: VectorStore):
        self.data_dir = data_dir
        self.vectors = vectors
        self._lock = threading.RLock()
        self._last_version_check = 0.0
        self._in_batch = False
        self.manifest = self._open_manifest()
        self.lexical = LexicalChannels(data_dir / "lexical")

    # ---- opening and repairing -------------------------------------------------------------------

    def _open_manifest(self) -> Manifest:
        path = self.data_dir / "manifest.sqlite3"
        try:
            return Manifest(path)
        except CorruptManifest as error:
            broken = path.with_suffix(f".corrupt-{int(time.time())}")
            log.warning("manifest unreadable (%s); moved to %s and rebuilt from Chroma", error, broken.name)
            for suffix in ("", "-wal", "-shm"):
                candidate = Path(f"{path}{suffix}")
                if candidate.exists():
                    candidate.rename(Path(f"{broken}{suffix}"))
            manifest = Manifest(path)
            self._rebuild_manifest(manifest)
            return manifest

    def _rebuild_manifest(self, manifest: Manifest) -> None:
        documents: dict[str, tuple[dict[str, Any], int]] = {}
        for stored in self.vectors.iter_all():
            meta, count = documents.get(stored.metadata["document_id"], (stored.metadata, 0))
            documents[stored.metadata["document_id"]] = (meta, count + 1)
        now = time.time()
        for document_id, (meta, count) in documents.items():
            manifest.upsert_ready(DocumentRecord(
                document_id=document_id, title=meta.get("title", ""), doc_type=meta.get("doc_type", "andere"),
                source=meta.get("source", ""), stored_path=None, content_hash="", status="ready", chunks=count,
                ingested_at=now, updated_at=now,
            ))

    def recover(self) -> None:
        """Finish what a crash interrupted: drop half-written documents, resync the lexical index."""
        with self.write_lock():
            for record in self.manifest.all(status="pending"):
                log.warning("removing half-ingested document %s after an interrupted ingest", record.document_id)
                self.vectors.delete_document(record.document_id)
                self.manifest.delete(record.document_id)
            self.sync_lexical(force=True)

    def sync_lexical(self, force: bool = False) -> None:
        """Rebuild the lexical index from Chroma when another process (or a crash) changed Chroma."""
        now = time.monotonic()
        if self._in_batch and not force:
            return  # this process is the writer: its in-memory index is current
        if not force and now - self._last_version_check < _VERSION_CHECK_SECONDS:
            return
        self._last_version_check = now
        try:
            if self._lexical_current():
                return
        except Exception as error:
            if force or not self.vectors.in_memory:
                raise
            # Chroma is unreachable, so nobody can change it either: the in-memory copy stays valid.
            log.warning("Chroma unreachable (%s); answering from the in-memory copy", type(error).__name__)
            return
        with self._lock:
            # Checked again: a writer in this process may have brought the index up to date meanwhile.
            if self._lexical_current():
                return
            log.info("lexical index out of step with Chroma; rebuilding from %d stored chunks", self.vectors.count())
            self.lexical.rebuild(self.vectors.iter_all(), self.vectors.version())

    def _lexical_current(self) -> bool:
        return self.lexical.version == self.vectors.version() and len(self.lexical) == self.vectors.count()

    # ---- writing ---------------------------------------------------------------------------------

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer at a time, across threads and across processes sharing the data dir."""
        with self._lock:
            lock_path = self.data_dir / ".write.lock"
            with open(lock_path, "w") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes in a row: the lexical index is saved once at the end, not after each write."""
        self._in_batch = True
        try:
            yield
        finally:
            self._in_batch = False
            with self.write_lock():
                self.lexical.save()

    def write(self, documents: list[tuple[DocumentRecord, list[Chunk]]], embeddings: np.ndarray,
              units: list[str] | None = None) -> None:
        """Store documents (new or replacing their earlier version) with their chunks' embeddings
        and packed unit vectors, in the order of the chunks: manifest pending → Chroma → lexical → ready."""
        chunks = [chunk for _, document_chunks in documents for chunk in document_chunks]
        with self.write_lock():
            old_ids: list[str] = []
            for record, _ in documents:
                self.manifest.mark_pending(record)
                ids = self.vectors.ids_of_document(record.document_id)
                if ids:
                    self.vectors.delete_document(record.document_id)
                    old_ids.extend(ids)
            # The documents' previous chunks are gone and chunk ids embed the document id: all new.
            self.vectors.add(chunks, embeddings, new=True, units=units)
            self.lexical.replace(old_ids, chunks, self.vectors.version(), persist=not self._in_batch)
            for record, _ in documents:
                self.manifest.mark_ready(record.document_id)

    def delete(self, document_id: str) -> tuple[bool, DocumentRecord | None]:
        """Remove a document from all three stores: (whether anything was stored, its manifest row)."""
        with self.write_lock():
            record = self.manifest.get(document_id)
            ids = self.vectors.ids_of_document(document_id)
            if record is None and not ids:
                return False, None
            if record is not None:
                self.manifest.mark_pending(record)  # a crash from here on is finished by recover()
            self.vectors.delete_document(document_id)
            self.lexical.replace(ids, [], self.vectors.version())
            self.manifest.delete(document_id)
        return True, record

    def reset(self) -> None:
        """Forget every stored document and the lexical index."""
        with self.write_lock():
            for record in self.manifest.all():
                self.vectors.delete_document(record.document_id)
                self.manifest.delete(record.document_id)
            shutil.rmtree(self.data_dir / "lexical", ignore_errors=True)
            self.lexical = LexicalChannels(self.data_dir / "lexical")
            self.sync_lexical(force=True)
