"""Document routes: list, detail, original file (public); upload and delete (admin only)."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from slowapi import Limiter

from assistant import messages
from assistant.api.schemas import (
    ChunkModel, DeleteResponse, DocumentDetail, DocumentList, DocumentModel, UploadResponse, UploadResult,
)
from assistant.api.security import require_admin
from assistant.container import Container

log = logging.getLogger(__name__)

_READ_BLOCK = 1024 * 1024
_MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/plain; charset=utf-8",  # served inert: an uploaded page must not run in our origin
    ".htm": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def safe_name(name: str | None) -> str:
    """The user's file name reduced to its last path part, printable, at most 200 characters."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[:180]}.{suffix[:15]}" if dot else name[:200]
    return name or "bestand"


def build_router(container: Container, limiter: Limiter) -> APIRouter:
    router = APIRouter(prefix="/api/documents", tags=["documenten"])
    settings = container.settings
    admin = Depends(require_admin(settings))
    limit = limiter.limit(settings.rate_limit)

    def record_or_404(document_id: str):
        record = container.kb.manifest.get(document_id) if len(document_id) <= 200 else None
        if record is None or record.status != "ready":
            raise HTTPException(404, messages.UNKNOWN_DOCUMENT.format(id=document_id[:80]))
        return record

    @router.get("", response_model=DocumentList, summary="Alle documenten")
    @limit
    def list_documents(request: Request) -> DocumentList:
        return DocumentList(documents=[
            DocumentModel(document_id=r.document_id, title=r.title, doc_type=r.doc_type, source=r.source,
                          chunks=r.chunks, ingested_at=r.ingested_at)
            for r in container.kb.documents()
        ])

    @router.get("/{document_id}", response_model=DocumentDetail, summary="Eén document met zijn passages")
    @limit
    def document(request: Request, document_id: str) -> DocumentDetail:
        record = record_or_404(document_id)
        passages = [
            ChunkModel(chunk_id=c.chunk_id, section=c.metadata.get("section", ""),
                       page=c.metadata.get("page") if c.metadata.get("page", -1) > 0 else None,
                       position=c.metadata.get("position", 0), text=c.text)
            for c in container.kb.chunks_of(document_id)
        ]
        return DocumentDetail(document_id=record.document_id, title=record.title, doc_type=record.doc_type,
                              source=record.source, chunks=record.chunks, ingested_at=record.ingested_at,
                              passages=passages)

    @router.get("/{document_id}/file", summary="Het originele bestand")
    @limit
    def original_file(request: Request, document_id: str) -> FileResponse:
        record = record_or_404(document_id)
        path = Path(record.stored_path) if record.stored_path else None
        if path is None or not container.kb.owns(path):
            raise HTTPException(404, messages.FILE_NOT_AVAILABLE.format(id=document_id[:80]))
        name = safe_name(record.source.removeprefix("upload:"))
        media_type = _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        disposition = "attachment" if path.suffix.lower() in (".html", ".htm") else "inline"
        return FileResponse(path, media_type=media_type, filename=name, content_disposition_type=disposition,
                            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})

    @router.post("", response_model=UploadResponse, dependencies=[admin], summary="Documenten toevoegen (beheer)")
    async def upload(request: Request, files: list[UploadFile] = File(..., description="One or more documents.")):
        if not files:
            raise HTTPException(422, messages.UPLOAD_NO_FILES)
        uploads = container.kb.data_dir / "files"
        uploads.mkdir(parents=True, exist_ok=True)
        results: list[UploadResult] = []
        statuses: list[int] = []
        for upload_file in files:
            name = safe_name(upload_file.filename)
            stored = uploads / f"upload-{uuid.uuid4().hex}{Path(name).suffix.lower()[:12]}"
            too_large = await _save_limited(upload_file, stored, settings.max_upload_bytes)
            if too_large:
                stored.unlink(missing_ok=True)
                reason = messages.UPLOAD_TOO_LARGE.format(name=name, limit=f"{settings.max_upload_mb:g}")
                results.append(UploadResult(filename=name, status="failed", reason=reason))
                statuses.append(413)
                continue
            from starlette.concurrency import run_in_threadpool

            result = await run_in_threadpool(container.kb.ingest_file, stored, source=f"upload:{name}",
                                             original_name=name, stored_path=stored)
            container.metrics.record_ingest([result])
            if result.status in ("failed", "unchanged"):
                stored.unlink(missing_ok=True)  # keep only files that back a stored document
            results.append(UploadResult(filename=name, status=result.status, document_id=result.document_id,
                                        title=result.title, chunks=result.chunks, reason=result.reason))
            statuses.append(result.http_status if result.status == "failed" else 200)
        body = UploadResponse(results=results).model_dump()
        if all(status != 200 for status in statuses):
            first = next(r for r in results if r.status == "failed")
            return JSONResponse({"detail": first.reason, **body}, status_code=statuses[0])
        return body

    @router.delete("/{document_id}", response_model=DeleteResponse, dependencies=[admin],
                   summary="Een document verwijderen (beheer)")
    def delete(document_id: str) -> DeleteResponse:
        if len(document_id) > 200 or not container.kb.delete(document_id):
            raise HTTPException(404, messages.UNKNOWN_DOCUMENT.format(id=document_id[:80]))
        return DeleteResponse(deleted=document_id)

    return router


async def _save_limited(upload_file: UploadFile, target: Path, limit: int) -> bool:
    """Copy an upload to `target`; True (and nothing kept) when it exceeds `limit` bytes."""
    written = 0
    with open(target, "wb") as handle:
        while block := await upload_file.read(_READ_BLOCK):
            written += len(block)
            if written > limit:
                return True
            handle.write(block)
    return False
