"""Adding, re-reading and deleting documents: the one flow behind the API, the Beheer tab and the CLI.

Uploads are kept as `data_dir/files/upload-<uuid><suffix>` and ingested with
`source="upload:<name>"`, so every entry point produces the same documents and download links.
Ingests run as background jobs (`assistant.jobs`), one at a time.

>>> documents = DocumentService(kb_provider, settings, JobRunner())      # doctest: +SKIP
>>> job = documents.upload([documents.stage_copy(Path("nota.pdf"))])     # doctest: +SKIP
>>> documents.jobs.wait(job.job_id).results                             # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant import messages
from assistant.jobs import Job, JobRunner
from assistant.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.records import IngestItem, IngestResult

log = logging.getLogger(__name__)


def safe_name(name: str | None) -> str:
    """The user's file name reduced to its last path part, printable, at most 200 characters."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[:180]}.{suffix[:15]}" if dot else name[:200]
    return name or "bestand"


@dataclass(frozen=True)
class StagedFile:
    """An uploaded file saved under data_dir/files, waiting for its job."""

    name: str
    path: Path


class DocumentService:
    """Upload, ingest, reindex and delete through one job runner."""

    def __init__(self, kb: Callable[[], KnowledgeBase], settings: Settings, jobs: JobRunner):
        self._kb = kb
        self.settings = settings
        self.jobs = jobs

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb()

    # ---- uploads -----------------------------------------------------------------------------

    def staging_path(self, name: str) -> Path:
        """Where an upload called `name` (already `safe_name`d) is kept."""
        uploads = self.kb.data_dir / "files"
        uploads.mkdir(parents=True, exist_ok=True)
        return uploads / f"upload-{uuid.uuid4().hex}{Path(name).suffix.lower()[:12]}"

    def too_large(self, name: str) -> IngestResult:
        reason = messages.UPLOAD_TOO_LARGE.format(name=name, limit=f"{self.settings.max_upload_mb:g}")
        return IngestResult(name, "failed", reason=reason, http_status=413)

    def stage_copy(self, path: Path, name: str | None = None) -> StagedFile | IngestResult:
        """Copy a local file (a Gradio upload) into data_dir/files, or refuse it when too large."""
        name = safe_name(name or path.name)
        if path.stat().st_size > self.settings.max_upload_bytes:
            return self.too_large(name)
        stored = self.staging_path(name)
        shutil.copyfile(path, stored)
        return StagedFile(name, stored)

    def upload(self, staged: list[StagedFile], refused: list[IngestResult] | None = None) -> Job:
        """Ingest staged uploads in a job; `refused` files (too large) are reported as failed."""
        items = [IngestItem(f.path, source=f"upload:{f.name}", original_name=f.name, stored_path=f.path)
                 for f in staged]

        def work(job: Job) -> list[IngestResult]:
            try:
                return self.kb.ingest(items, job.progress).results
            finally:
                self._drop_unused(staged)

        return self.jobs.submit("upload", work, failed=refused)

    def _drop_unused(self, staged: list[StagedFile]) -> None:
        """Keep only files that back a stored document (a failed or unchanged upload leaves none)."""
        used = {record.stored_path for record in self.kb.manifest.all()}
        for file in staged:
            if str(file.path) not in used:
                file.path.unlink(missing_ok=True)

    def drop_orphan_uploads(self) -> list[str]:
        """Remove kept uploads no document refers to: what a job cut short by a crash staged.
        Only the writer of the data dir may call this (at start, before any job)."""
        uploads = self.kb.data_dir / "files"
        if not uploads.is_dir():
            return []
        used = {record.stored_path for record in self.kb.manifest.all()}
        orphans = [path for path in uploads.glob("upload-*") if str(path) not in used]
        for path in orphans:
            path.unlink(missing_ok=True)
        if orphans:
            log.warning("removed %d uploaded files of jobs interrupted by a restart", len(orphans))
        return [path.name for path in orphans]

    # ---- folders, reindex, delete --------------------------------------------------------------

    def ingest_paths(self, paths: list[Path], *, cwd: Path | None = None, prune: bool = False) -> Job:
        """Ingest files and folders of this machine (what `vvp ingest` hands to a running server)."""

        def work(job: Job) -> list[IngestResult]:
            results = self.kb.ingest(paths, job.progress, cwd=cwd).results
            if prune:
                job.removed = self.kb.prune(cwd)
            return results

        return self.jobs.submit("ingest", work)

    def reindex(self) -> Job:
        return self.jobs.submit("reindex", lambda job: self.kb.reindex(job.progress).results)

    def delete(self, document_id: str) -> bool:
        """Remove one document now (a delete is quick and needs no job). False if unknown."""
        removed = len(document_id) <= 200 and self.kb.delete(document_id)
        log.info("delete %s: %s", document_id[:80], "done" if removed else "unknown")
        return removed
