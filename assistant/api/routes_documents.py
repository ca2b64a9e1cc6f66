"""Document routes: list, detail, original file (public); upload (a background job) and delete (admin only)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from slowapi import Limiter

from assistant import messages
from assistant.api.dependencies import get_documents
from assistant.api.routes_jobs import accepted
from assistant.api.schemas import (
    ChunkModel, DeleteResponse, DocumentDetail, DocumentList, DocumentModel, JobAccepted, UploadResponse, UploadResult,
)
from assistant.api.security import require_admin
from assistant.documents import DocumentService, NoFilesToUpload, safe_name
from assistant.settings import Settings
from knowledge.manifest import DocumentRecord

log = logging.getLogger(__name__)

_MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/plain; charset=utf-8",  # served inert: an uploaded page must not run in our origin
    ".htm": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def build_router(settings: Settings, limiter: Limiter) -> APIRouter:
    router = APIRouter(prefix="/api/documents", tags=["documenten"])
    admin = Depends(require_admin)
    limit = limiter.limit(settings.rate_limit)

    def ready_or_404(document_id: str, documents: DocumentService = Depends(get_documents)) -> DocumentRecord:
        record = documents.get(document_id)
        if record is None:
            raise HTTPException(404, messages.UNKNOWN_DOCUMENT.format(id=document_id[:80]))
        return record

    @router.get("", response_model=DocumentList, summary="Alle documenten")
    @limit
    def list_documents(request: Request, documents: DocumentService = Depends(get_documents)) -> DocumentList:
        return DocumentList(documents=[
            DocumentModel(document_id=r.document_id, title=r.title, doc_type=r.doc_type, source=r.source,
                          chunks=r.chunks, ingested_at=r.ingested_at)
            for r in documents.list()
        ])

    @router.get("/{document_id}", response_model=DocumentDetail, summary="Eén document met zijn passages")
    @limit
    def document(request: Request, record: DocumentRecord = Depends(ready_or_404),
                 documents: DocumentService = Depends(get_documents)) -> DocumentDetail:
        passages = [
            ChunkModel(chunk_id=c.chunk_id, section=c.metadata.get("section", ""),
                       page=c.metadata.get("page") if c.metadata.get("page", -1) > 0 else None,
                       position=c.metadata.get("position", 0), text=c.text)
            for c in documents.passages(record.document_id)
        ]
        return DocumentDetail(document_id=record.document_id, title=record.title, doc_type=record.doc_type,
                              source=record.source, chunks=record.chunks, ingested_at=record.ingested_at,
                              passages=passages)

    @router.get("/{document_id}/file", summary="Het originele bestand")
    @limit
    def original_file(request: Request, record: DocumentRecord = Depends(ready_or_404),
                      documents: DocumentService = Depends(get_documents)) -> FileResponse:
        path = documents.original_file(record)
        if path is None:
            raise HTTPException(404, messages.FILE_NOT_AVAILABLE.format(id=record.document_id[:80]))
        name = safe_name(record.source.removeprefix("upload:"))
        media_type = _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        disposition = "attachment" if path.suffix.lower() in (".html", ".htm") else "inline"
        return FileResponse(path, media_type=media_type, filename=name, content_disposition_type=disposition,
                            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})

    @router.post("", status_code=202, response_model=JobAccepted, dependencies=[admin],
                 summary="Documenten toevoegen (beheer): een taak op de achtergrond",
                 responses={413: {"model": UploadResponse, "description": "Every file is too large."}})
    def upload(files: list[UploadFile] = File(..., description="One or more documents."),
               documents: DocumentService = Depends(get_documents)):
        """Saves the files and queues their ingest; follow it at `status_url` (`GET /api/jobs/{job_id}`)."""
        # A sync route (run in a thread): the files are spooled already, copying them blocks on disk only.
        try:
            batch = documents.upload((f.filename, f.file) for f in files)
        except NoFilesToUpload as error:
            raise HTTPException(422, error.message)
        if batch.job is None:  # every file refused: say so now, as a plain error
            results = [UploadResult(filename=r.path, status="failed", reason=r.reason) for r in batch.refused]
            body = UploadResponse(results=results).model_dump()
            return JSONResponse({"detail": batch.refused[0].reason, **body}, status_code=413)
        return accepted(batch.job)

    @router.delete("/{document_id}", response_model=DeleteResponse, dependencies=[admin],
                   summary="Een document verwijderen (beheer)")
    def delete(document_id: str, documents: DocumentService = Depends(get_documents)) -> DeleteResponse:
        if not documents.delete(document_id):
            raise HTTPException(404, messages.UNKNOWN_DOCUMENT.format(id=document_id[:80]))
        return DeleteResponse(deleted=document_id)

    return router
