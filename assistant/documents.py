"""Documents: list, read, upload, ingest, reindex and delete; the one flow behind the API, the
Beheer tab and the CLI.

Uploads are kept as `data_dir/files/upload-<uuid><suffix>` and ingested with
`source="upload:<name>"`, so every entry point produces the same documents and download links.
Ingests run as background jobs (`assistant.jobs`), one at a time; the CLI, when no server runs,
does the same work in the foreground (`ingest_now`, `reindex_now`).

>>> documents = DocumentService(kb_provider, settings, JobRunner())      # doctest: +SKIP
>>> batch = documents.upload_paths([Path("nota.pdf")])                   # doctest: +SKIP
>>> documents.jobs.wait(batch.job.job_id).results                        # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from assistant import messages
from assistant.jobs import Job, JobRunner
from assistant.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.manifest import DocumentRecord
from knowledge.records import IngestItem, IngestReport, IngestResult, Progress
from knowledge.vector_store import StoredChunk

log = logging.getLogger(__name__)


def safe_name(name: str | None) -> str:
    """The user's file name reduced to its last path part, printable, at most 200 characters."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[:180]}.{suffix[:15]}" if dot else name[:200]
    return name or "bestand"


_COPY_BLOCK = 1024 * 1024
MAX_ID_CHARS = 200  # longer ids are never ours: refused before any lookup


class NoFilesToUpload(ValueError):
    """An upload without any file."""

    def __init__(self) -> None:
        super().__init__(messages.UPLOAD_NO_FILES)
        self.message = messages.UPLOAD_NO_FILES


@dataclass(frozen=True)
class StagedFile:
    """An uploaded file saved under data_dir/files, waiting for its job."""

    name: str
    path: Path


@dataclass(frozen=True)
class UploadBatch:
    """What an upload started: the job ingesting the accepted files (None when every file was
    refused) and the refused files (too large), which the job reports as failed too."""

    job: Job | None
    refused: list[IngestResult] = field(default_factory=list)


class DocumentService:
    """Read, upload, ingest, reindex and delete documents; writes run through one job runner."""

    def __init__(self, kb: Callable[[], KnowledgeBase], settings: Settings, jobs: JobRunner):
        """`kb` is called on each use: a knowledge base that cannot be opened yet (Chroma down)
        does not stop the service from being built."""
        self._kb = kb
        self.settings = settings
        self.jobs = jobs

    @property
    def _knowledge(self) -> KnowledgeBase:
        return self._kb()

    # ---- reading -----------------------------------------------------------------------------

    def list(self) -> list[DocumentRecord]:
        """The documents ready to answer from."""
        return self._knowledge.documents()

    def get(self, document_id: str) -> DocumentRecord | None:
        """One ready document, or None (unknown, still being written, or an id that is never ours)."""
        if len(document_id) > MAX_ID_CHARS:
            return None
        record = self._knowledge.record(document_id)
        return record if record is not None and record.status == "ready" else None

    def passages(self, document_id: str) -> list[StoredChunk]:
        """A document's chunks in reading order."""
        return self._knowledge.chunks_of(document_id)

    def original_file(self, record: DocumentRecord) -> Path | None:
        """The kept original of a document, when there is one inside the data dir."""
        path = Path(record.stored_path) if record.stored_path else None
        return path if path is not None and self._knowledge.owns(path) else None

    def stats(self) -> dict[str, int]:
        return self._knowledge.stats()

    # ---- uploads -----------------------------------------------------------------------------

    def upload(self, files: Iterable[tuple[str | None, BinaryIO]]) -> UploadBatch:
        """Keep each (file name, readable binary) and ingest the accepted ones in one job.

        Raises `NoFilesToUpload` for an empty upload; a file over `max_upload_mb` is refused.
        """
        staged, refused = [], []
        for name, source in files:
            kept = self._stage(name, source)
            (staged if isinstance(kept, StagedFile) else refused).append(kept)
        if not staged and not refused:
            raise NoFilesToUpload()
        if not staged:
            return UploadBatch(None, refused)
        return UploadBatch(self._submit(staged, refused), refused)

    def upload_paths(self, paths: Iterable[Path]) -> UploadBatch:
        """`upload` for files of this machine (what Gradio hands the Beheer tab)."""
        paths = [Path(path) for path in paths]
        handles = [path.open("rb") for path in paths]
        try:
            return self.upload(zip([path.name for path in paths], handles))
        finally:
            for handle in handles:
                handle.close()

    def _stage(self, name: str | None, source: BinaryIO) -> StagedFile | IngestResult:
        """Copy an upload into data_dir/files; a file over the limit is refused and not kept."""
        name = safe_name(name)
        stored = self._staging_path(name)
        written, limit = 0, self.settings.max_upload_bytes
        with stored.open("wb") as target:
            while block := source.read(_COPY_BLOCK):
                written += len(block)
                if written > limit:
                    break
                target.write(block)
        if written > limit:
            stored.unlink(missing_ok=True)
            reason = messages.UPLOAD_TOO_LARGE.format(name=name, limit=f"{self.settings.max_upload_mb:g}")
            return IngestResult(name, "failed", reason=reason, http_status=413)
        return StagedFile(name, stored)

    def _staging_path(self, name: str) -> Path:
        uploads = self._knowledge.files_dir
        uploads.mkdir(parents=True, exist_ok=True)
        return uploads / f"upload-{uuid.uuid4().hex}{Path(name).suffix.lower()[:12]}"

    def _submit(self, staged: list[StagedFile], refused: list[IngestResult]) -> Job:
        items = [IngestItem(f.path, source=f"upload:{f.name}", original_name=f.name, stored_path=f.path)
                 for f in staged]

        def work(job: Job) -> list[IngestResult]:
            try:
                return self._knowledge.ingest(items, job.progress).results
            finally:
                self._drop_unused(staged)

        return self.jobs.submit("upload", work, failed=refused)

    def _drop_unused(self, staged: list[StagedFile]) -> None:
        """Keep only files that back a stored document (a failed or unchanged upload leaves none)."""
        used = self._knowledge.stored_paths()
        for file in staged:
            if str(file.path) not in used:
                file.path.unlink(missing_ok=True)

    def drop_orphan_uploads(self) -> list[str]:
        """Remove kept uploads no document refers to: what a job cut short by a crash staged.
        Only the writer of the data dir may call this (at start, before any job)."""
        uploads = self._knowledge.files_dir
        if not uploads.is_dir():
            return []
        used = self._knowledge.stored_paths()
        orphans = [path for path in uploads.glob("upload-*") if str(path) not in used]
        for path in orphans:
            path.unlink(missing_ok=True)
        if orphans:
            log.warning("removed %d uploaded files of jobs interrupted by a restart", len(orphans))
        return [path.name for path in orphans]

    # ---- folders, reindex, delete --------------------------------------------------------------

    def ingest_now(self, paths: list[Path], progress: Progress | None = None, *, cwd: Path | None = None,
                   prune: bool = False) -> tuple[IngestReport, list[str]]:
        """Ingest files and folders of this machine here and now; the report and the pruned ids."""
        knowledge = self._knowledge
        report = knowledge.ingest(paths, progress, cwd=cwd)
        return report, (knowledge.prune(cwd) if prune else [])

    def ingest_paths(self, paths: list[Path], *, cwd: Path | None = None, prune: bool = False) -> Job:
        """`ingest_now` as a job (what `vvp ingest` hands to a running server)."""

        def work(job: Job) -> list[IngestResult]:
            report, job.removed = self.ingest_now(paths, job.progress, cwd=cwd, prune=prune)
            return report.results

        return self.jobs.submit("ingest", work)

    def reindex_now(self, progress: Progress | None = None) -> IngestReport:
        """Rebuild every document from its kept file (after a change of embedding model)."""
        return self._knowledge.reindex(progress)

    def reindex(self) -> Job:
        return self.jobs.submit("reindex", lambda job: self.reindex_now(job.progress).results)

    def delete(self, document_id: str) -> bool:
        """Remove one document now (a delete is quick and needs no job). False if unknown."""
        removed = len(document_id) <= MAX_ID_CHARS and self._knowledge.delete(document_id)
        log.info("delete %s: %s", document_id[:80], "done" if removed else "unknown")
        return removed
