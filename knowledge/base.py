"""The knowledge base: Chroma (dense), the lexical indices and the manifest, kept in step.

Chroma is the source of truth. Every write follows the same order, so a crash at any point
leaves a state that `recover()` repairs: the manifest row goes `pending`, Chroma changes, the
lexical index follows, the row goes `ready`.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from ingest.errors import IngestError
from ingest.models import Document
from ingest.pipeline import identify, load_document
from knowledge.lexical_channels import LexicalChannels
from knowledge.reader import PROGRESS_STEP as _PROGRESS_STEP, Reader as _Reader, Tracker as _Tracker
from knowledge.records import Filters, IngestItem, IngestReport, IngestResult, Progress, expand_items
from knowledge.manifest import CorruptManifest, DocumentRecord, Manifest
from knowledge.vector_store import StoredChunk, VectorStore

log = logging.getLogger(__name__)

_VERSION_CHECK_SECONDS = 1.0
EMBED_BATCH = 64  # chunks per model call and Chroma write during a bulk ingest


class KnowledgeBase:
    """Ingest files, delete documents, and rank chunks per retrieval channel.

    >>> kb = KnowledgeBase(data_dir, vector_store)            # doctest: +SKIP
    >>> kb.ingest([Path("knowledge/documents")]).count("added")  # doctest: +SKIP
    >>> kb.channel_results("missie van de VVP", k=20)          # doctest: +SKIP
    """

    def __init__(self, data_dir: Path, vectors: VectorStore, *, chunk_size: int = 1000, chunk_overlap: int = 120,
                 max_bytes: int = 25_000_000, ocr: bool = True):
        self.data_dir = data_dir
        self.ocr = ocr  # scanned PDF pages read by Tesseract, when installed (VVP_OCR)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.vectors = vectors
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.max_bytes = max_bytes
        self._lock = threading.RLock()
        self._last_version_check = 0.0
        self._in_batch = False
        self.manifest = self._open_manifest()
        self.lexical = LexicalChannels(data_dir / "lexical")
        self.recover()

    # ---- consistency -------------------------------------------------------------------------

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
        with self._write_lock():
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

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """One writer at a time, across threads and across processes sharing the data dir."""
        with self._lock:
            lock_path = self.data_dir / ".write.lock"
            with open(lock_path, "w") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    # ---- writing -----------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path | IngestItem], progress: Progress | None = None, *,
               cwd: Path | None = None) -> IngestReport:
        """Ingest files and folders (recursive), or prepared `IngestItem`s. Failures are reported
        per file, never raised. `progress(done, total, detail)` follows the work (see `Progress`);
        with `cwd`, relative paths are read from there (see `expand_items`).

        Files are read ahead by a reader thread, so `total` is known early; documents are embedded
        and stored in batches of about `EMBED_BATCH` chunks (small documents share one model call,
        one Chroma write and one lexical update), one batch embedding while the previous is written.
        """
        paths = list(paths)
        items = [p for p in paths if isinstance(p, IngestItem)]
        items += list(expand_items([p for p in paths if not isinstance(p, IngestItem)], cwd))
        started = time.perf_counter()
        report = IngestReport()
        tracker = _Tracker(progress)
        outcomes: dict[int, IngestResult] = {}  # by input position: the report keeps the order given
        batch: list[tuple[int, _Prepared]] = []
        self._in_batch = True
        embedding = ThreadPoolExecutor(1, thread_name_prefix="ingest-embed")
        pending: tuple[list[tuple[int, _Prepared]], Future] | None = None

        def flush() -> None:
            nonlocal pending
            if pending is not None:
                waiting, vectors = pending
                pending = None
                written = self._write([prepared for _, prepared in waiting], vectors.result())
                outcomes.update(zip((position for position, _ in waiting), written))

        def submit(ready: list[tuple[int, _Prepared]]) -> None:
            nonlocal pending
            vectors = embedding.submit(self._embed, [prepared for _, prepared in ready], tracker)
            flush()
            pending = (ready, vectors)

        reader = _Reader(items, lambda item: self._prepare(item.path, source=item.source, original_name=item.original_name,
                                                           stored_path=item.stored_path, tracker=tracker), tracker)
        try:
            for position, prepared in enumerate(reader):
                if isinstance(prepared, IngestResult):
                    outcomes[position] = prepared
                    tracker.advance(1, prepared.path)
                    continue
                document_id = prepared.document.document_id
                if any(item.document.document_id == document_id for _, item in batch):
                    submit(batch)  # the same file twice: store in order
                    batch = []
                batch.append((position, prepared))
                if sum(len(item.document.chunks) for _, item in batch) >= EMBED_BATCH:
                    submit(batch)
                    batch = []
            if batch:
                submit(batch)
            flush()
        finally:
            reader.close()
            embedding.shutdown(wait=True, cancel_futures=True)
            self._in_batch = False
            with self._write_lock():
                self.lexical.save()
        report.results = [outcomes[position] for position in sorted(outcomes)]
        report.seconds = time.perf_counter() - started
        return report

    def ingest_file(self, path: Path, *, source: str | None = None, original_name: str | None = None,
                    stored_path: Path | None = None) -> IngestResult:
        """Ingest one file now (an upload). `source` identifies it; `stored_path` is its kept copy."""
        prepared = self._prepare(path, source=source, original_name=original_name, stored_path=stored_path)
        if isinstance(prepared, IngestResult):
            return prepared
        return self._store([prepared])[0]

    def _prepare(self, path: Path, *, source: str | None = None, original_name: str | None = None,
                 stored_path: Path | None = None, tracker: "_Tracker | None" = None) -> "_Prepared | IngestResult":
        """Read and chunk a file, or say why not (failed) or that nothing changed (unchanged).
        Pages read by OCR count as work units of `tracker`: a job's progress moves per page."""
        label = original_name or source or str(path)
        on_page = tracker.ocr_pages(label) if tracker is not None else None
        try:
            document_id, content_hash = identify(path, source=source, original_name=original_name)
            existing = self.manifest.get(document_id)
            if existing and existing.status == "ready" and existing.content_hash == content_hash:
                return IngestResult(label, "unchanged", document_id, existing.title, existing.chunks)
            document = load_document(path, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap,
                                     max_bytes=self.max_bytes, source=source, original_name=original_name,
                                     ocr=self.ocr, on_page=on_page)
        except IngestError as error:
            return IngestResult(label, "failed", reason=error.message, http_status=error.http_status)
        except OSError:
            name = Path(label).name
            return IngestResult(label, "failed", reason=f"Bestand '{name}' kan niet gelezen worden.", http_status=422)
        except Exception as error:  # a loader bug must not abort a batch
            log.exception("unexpected error while reading a file")
            return IngestResult(label, "failed", reason=f"Onverwachte fout bij het lezen van '{Path(label).name}' "
                                f"({type(error).__name__}).", http_status=422)
        return _Prepared(document, label, stored_path or self._keep_copy(path, document), existing)

    def _keep_copy(self, path: Path, document: Document) -> Path:
        """Keep the original file in the data dir, so it can be served as the citation's document."""
        files = self.data_dir / "files"
        files.mkdir(parents=True, exist_ok=True)
        target = files / f"{document.document_id}{path.suffix.lower()[:12]}"
        if path.resolve() != target.resolve():
            shutil.copyfile(path, target)
        return target

    def _store(self, batch: list["_Prepared"]) -> list[IngestResult]:
        """Embed, then write a batch of documents: manifest pending → Chroma → lexical → ready."""
        if not batch:
            return []
        return self._write(batch, self._embed(batch))  # embedded before any write: a failure changes nothing

    def _embed(self, batch: list["_Prepared"], tracker: "_Tracker | None" = None):
        labelled = [(chunk, item.label) for item in batch for chunk in item.document.chunks]
        if tracker is None:
            return self.vectors.embed_chunks([chunk for chunk, _ in labelled])
        parts = []
        for start in range(0, len(labelled), _PROGRESS_STEP):  # model calls across documents, progress within
            part = labelled[start : start + _PROGRESS_STEP]
            parts.append(self.vectors.embed_chunks([chunk for chunk, _ in part]))
            tracker.advance(len(part), part[-1][1])
        return np.concatenate(parts)

    def _write(self, batch: list["_Prepared"], embeddings) -> list[IngestResult]:
        chunks = [chunk for item in batch for chunk in item.document.chunks]
        with self._write_lock():
            old_ids: list[str] = []
            for item in batch:
                self.manifest.mark_pending(item.record())
                ids = self.vectors.ids_of_document(item.document.document_id)
                if ids:
                    self.vectors.delete_document(item.document.document_id)
                    old_ids.extend(ids)
            # The documents' previous chunks are gone and chunk ids embed the document id: all new.
            self.vectors.add(chunks, embeddings, new=True)
            self.lexical.replace(old_ids, chunks, self.vectors.version(), persist=not self._in_batch)
            for item in batch:
                self.manifest.mark_ready(item.document.document_id)
                item.drop_replaced_copy(self)
        return [item.result() for item in batch]

    def delete(self, document_id: str) -> bool:
        """Remove a document from Chroma, the lexical index and the manifest. False if unknown."""
        with self._write_lock():
            record = self.manifest.get(document_id)
            ids = self.vectors.ids_of_document(document_id)
            if record is None and not ids:
                return False
            if record is not None:
                self.manifest.mark_pending(record)  # a crash from here on is finished by recover()
            self.vectors.delete_document(document_id)
            self.lexical.replace(ids, [], self.vectors.version())
            self.manifest.delete(document_id)
        if record and record.stored_path and self.owns(Path(record.stored_path)):
            Path(record.stored_path).unlink(missing_ok=True)
        return True

    def prune(self, cwd: Path | None = None) -> list[str]:
        """Delete documents whose source file no longer exists (uploads are kept); relative
        sources are looked up from `cwd` when given."""
        removed = []
        for record in self.manifest.all():
            if record.source.startswith(("upload:", "http://", "https://")):
                continue
            source = Path(record.source)
            if not (source if cwd is None or source.is_absolute() else cwd / source).exists():
                self.delete(record.document_id)
                removed.append(record.document_id)
        return removed

    def reset(self) -> None:
        """Forget everything stored in the data dir (used by `vvp reindex`)."""
        with self._write_lock():
            for record in self.manifest.all():
                self.vectors.delete_document(record.document_id)
                self.manifest.delete(record.document_id)
            shutil.rmtree(self.data_dir / "lexical", ignore_errors=True)
            self.lexical = LexicalChannels(self.data_dir / "lexical")
            self.sync_lexical(force=True)

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-read every document from its kept copy (after a change of embedding model or chunking)."""
        items = []
        for record in self.manifest.all():
            kept = Path(record.stored_path) if record.stored_path else None
            path = kept if kept and kept.exists() else Path(record.source)
            name = Path(record.source.removeprefix("upload:")).name
            items.append(IngestItem(path, source=record.source, original_name=name, stored_path=kept))
        self.reset()
        report = self.ingest(items, progress)
        self.vectors.drop_other_models()  # a change of embedding model: the old vectors are gone now
        return report

    # ---- reading -----------------------------------------------------------------------------

    def owns(self, path: Path) -> bool:
        """True when `path` is a regular file inside the data dir's files folder (no traversal)."""
        files = (self.data_dir / "files").resolve()
        resolved = path.resolve()
        return resolved.is_file() and files in resolved.parents

    def documents(self) -> list[DocumentRecord]:
        return self.manifest.all(status="ready")

    def chunks_of(self, document_id: str) -> list[StoredChunk]:
        stored = self.vectors.get(self.vectors.ids_of_document(document_id))
        return sorted(stored, key=lambda chunk: chunk.metadata.get("position", 0))

    def get_chunks(self, ids: list[str]) -> list[StoredChunk]:
        return self.vectors.get(ids)

    def channel_results(self, query: str, k: int, filters: Filters | None = None,
                        query_embedding=None) -> dict[str, list[tuple[str, float]]]:
        """Ranked (chunk_id, score) lists per channel: each lexical analyzer and "dense"."""
        filters = filters or Filters()
        self.sync_lexical()
        results = self.lexical.top(query, k, doc_types=filters.doc_type, document_ids=filters.document_id)
        embedding = query_embedding if query_embedding is not None else self.vectors.embed_query(query)
        admitted = self.lexical.admitted_ids(filters.doc_type, filters.document_id)
        results["dense"] = self.vectors.query(embedding, k, filters.doc_type, filters.document_id, allowed=admitted)
        return results

    def lexical_coverage(self, query: str) -> float:
        return self.lexical.coverage(query)

    def stats(self) -> dict[str, int]:
        documents, chunks = self.manifest.counts()
        return {"documents": documents, "chunks": chunks}


@dataclass
class _Prepared:
    """A document read and chunked, waiting to be embedded and stored."""

    document: Document
    label: str
    stored_path: Path | None
    existing: DocumentRecord | None

    def record(self) -> DocumentRecord:
        document = self.document
        return DocumentRecord(
            document_id=document.document_id, title=document.title, doc_type=document.doc_type,
            source=document.source, stored_path=str(self.stored_path) if self.stored_path else None,
            content_hash=document.content_hash, status="pending", chunks=len(document.chunks),
            ingested_at=self.existing.ingested_at if self.existing else 0.0, updated_at=0.0,
        )

    def drop_replaced_copy(self, kb: "KnowledgeBase") -> None:
        """An updated upload gets a new kept file; the previous one goes."""
        previous = self.existing.stored_path if self.existing else None
        if previous and previous != str(self.stored_path) and kb.owns(Path(previous)):
            Path(previous).unlink(missing_ok=True)

    def result(self) -> IngestResult:
        document = self.document
        return IngestResult(self.label, "updated" if self.existing else "added", document.document_id,
                            document.title, len(document.chunks))
