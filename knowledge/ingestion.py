"""The ingest flow: files in, read and chunked ahead, embedded in batches, written to the stores.

Files are read ahead by a reader thread, so the progress total is known early; documents are
embedded and stored in batches of about `EMBED_BATCH` chunks (small documents share one model
call, one Chroma write and one lexical update), one batch embedding while the previous is written.
A file that fails is reported with its reason, never raised; an unchanged file is not re-read.

    ingestion = Ingestion(stores, KeptFiles(data_dir / "files"), IngestOptions(chunk_size=1000))
    ingestion.ingest([Path("knowledge/documents")]).count("added")
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from ingest.errors import IngestError
from ingest.models import Document
from ingest.pipeline import identify, load_document
from knowledge.kept_files import KeptFiles
from knowledge.manifest import DocumentRecord
from knowledge.reader import PROGRESS_STEP, Reader, Tracker
from knowledge.records import IngestItem, IngestReport, IngestResult, Progress, expand_items
from knowledge.stores import Stores

log = logging.getLogger(__name__)

EMBED_BATCH = 64  # chunks per model call and Chroma write during a bulk ingest


@dataclass(frozen=True)
class IngestOptions:
    """How files are read and chunked (see `Settings`: chunk_size, chunk_overlap, max_upload_mb, ocr)."""

    chunk_size: int = 1000
    chunk_overlap: int = 120
    max_bytes: int = 25_000_000
    ocr: bool = True  # scanned PDF pages read by Tesseract, when installed (VVP_OCR)


class Ingestion:
    """Reads files into documents and hands them, embedded, to `Stores.write`."""

    def __init__(self, stores: Stores, files: KeptFiles, options: IngestOptions):
        self.stores = stores
        self.files = files
        self.options = options

    def ingest(self, paths: Iterable[Path | IngestItem], progress: Progress | None = None, *,
               cwd: Path | None = None) -> IngestReport:
        """Ingest files and folders (recursive), or prepared `IngestItem`s. Failures are reported
        per file, never raised. `progress(done, total, detail)` follows the work (see `Progress`);
        with `cwd`, relative paths are read from there (see `expand_items`)."""
        paths = list(paths)
        items = [p for p in paths if isinstance(p, IngestItem)]
        items += list(expand_items([p for p in paths if not isinstance(p, IngestItem)], cwd))
        started = time.perf_counter()
        report = IngestReport()
        tracker = Tracker(progress)
        outcomes: dict[int, IngestResult] = {}  # by input position: the report keeps the order given
        batch: list[tuple[int, _Prepared]] = []
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

        with self.stores.batch():
            embedding = ThreadPoolExecutor(1, thread_name_prefix="ingest-embed")
            reader = Reader(items, lambda item: self._prepare(item, tracker), tracker)
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
        report.results = [outcomes[position] for position in sorted(outcomes)]
        report.seconds = time.perf_counter() - started
        return report

    def ingest_file(self, item: IngestItem) -> IngestResult:
        """Ingest one file now (an upload), embedded before anything is written."""
        prepared = self._prepare(item)
        if isinstance(prepared, IngestResult):
            return prepared
        return self._write([prepared], self._embed([prepared]))[0]

    def _prepare(self, item: IngestItem, tracker: Tracker | None = None) -> _Prepared | IngestResult:
        """Read and chunk a file, or say why not (failed) or that nothing changed (unchanged).
        Pages read by OCR count as work units of `tracker`: a job's progress moves per page."""
        path, source, original_name, label = item.path, item.source, item.original_name, item.label
        on_page = tracker.ocr_pages(label) if tracker is not None else None
        options = self.options
        try:
            document_id, content_hash = identify(path, source=source, original_name=original_name)
            existing = self.stores.manifest.get(document_id)
            if existing and existing.status == "ready" and existing.content_hash == content_hash:
                return IngestResult(label, "unchanged", document_id, existing.title, existing.chunks)
            document = load_document(path, chunk_size=options.chunk_size, chunk_overlap=options.chunk_overlap,
                                     max_bytes=options.max_bytes, source=source, original_name=original_name,
                                     ocr=options.ocr, on_page=on_page)
        except IngestError as error:
            return IngestResult(label, "failed", reason=error.message, http_status=error.http_status)
        except OSError:
            name = Path(label).name
            return IngestResult(label, "failed", reason=f"Bestand '{name}' kan niet gelezen worden.", http_status=422)
        except Exception as error:  # a loader bug must not abort a batch
            log.exception("unexpected error while reading a file")
            return IngestResult(label, "failed", reason=f"Onverwachte fout bij het lezen van '{Path(label).name}' "
                                f"({type(error).__name__}).", http_status=422)
        stored_path = item.stored_path or self.files.keep(path, document.document_id)
        return _Prepared(document, label, stored_path, existing)

    def _embed(self, batch: list[_Prepared], tracker: Tracker | None = None) -> tuple[np.ndarray, list[str]]:
        """The chunks' vectors and their packed unit vectors (`knowledge.unit_vectors`)."""
        vectors = self.stores.vectors
        labelled = [(chunk, item.label) for item in batch for chunk in item.document.chunks]
        parts, units = [], []
        step = PROGRESS_STEP if tracker is not None else max(len(labelled), 1)
        for start in range(0, len(labelled), step):  # model calls across documents, progress within
            part = [chunk for chunk, _ in labelled[start : start + step]]
            parts.append(vectors.embed_chunks(part))
            units.extend(vectors.embed_units(part))
            if tracker is not None:
                tracker.advance(len(part), labelled[start + len(part) - 1][1])
        return (np.concatenate(parts) if parts else vectors.embed_chunks([])), units

    def _write(self, batch: list[_Prepared], embedded: tuple[np.ndarray, list[str]]) -> list[IngestResult]:
        embeddings, units = embedded
        self.stores.write([(item.record(), item.document.chunks) for item in batch], embeddings, units)
        for item in batch:  # an updated upload got a new kept file: the previous one goes
            previous = item.existing.stored_path if item.existing else None
            if previous and previous != str(item.stored_path):
                self.files.discard(previous)
        return [item.result() for item in batch]


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

    def result(self) -> IngestResult:
        document = self.document
        return IngestResult(self.label, "updated" if self.existing else "added", document.document_id,
                            document.title, len(document.chunks))
