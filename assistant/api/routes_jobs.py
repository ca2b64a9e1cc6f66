"""Job status (admin), and the local routes a `vvp` command uses to hand its work to this server.

The local routes accept only the secret of `data_dir/server.json` (see `assistant.local_server`),
from a loopback address: they read paths of this machine, so the admin token, which may be used
over the network, does not open them.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from assistant import messages
from assistant.api.schemas import DeleteResponse, JobAccepted, JobStatus, LocalIngestRequest, UploadResult
from assistant.api.dependencies import get_documents, get_settings
from assistant.api.security import bearer_token, check_admin
from assistant.documents import DocumentService
from assistant.jobs import Job
from assistant.local_server import ServerRegistration
from assistant.settings import Settings


_LOOPBACK = {"127.0.0.1", "::1"}  # the local routes answer this machine only, whatever the server listens on


def job_status(job: Job) -> JobStatus:
    results = [UploadResult(filename=r.path, status=r.status, document_id=r.document_id, title=r.title,
                            chunks=r.chunks, reason=r.reason) for r in job.results] if job.finished else []
    return JobStatus(job_id=job.job_id, kind=job.kind, status=job.status, done=job.done, total=job.total,
                     current=job.current, detail=job.detail, results=results, removed=job.removed,
                     created_at=job.created_at, finished_at=job.finished_at)


def accepted(job: Job) -> JSONResponse:
    status_url = f"/api/jobs/{job.job_id}"
    return JSONResponse(JobAccepted(job_id=job.job_id, status_url=status_url).model_dump(), status_code=202,
                        headers={"Location": status_url})


def build_router(registration: ServerRegistration | None) -> APIRouter:
    router = APIRouter(tags=["taken"])

    def local_only(request: Request) -> None:
        client = request.client.host if request.client else ""
        if registration is None or client not in _LOOPBACK or not registration.matches(bearer_token(request)):
            raise HTTPException(403, messages.LOCAL_ONLY)

    def admin_or_local(request: Request, settings: Settings = Depends(get_settings)) -> None:
        if registration is not None and registration.matches(bearer_token(request)):
            return
        check_admin(request, settings)

    @router.get("/api/jobs/{job_id}", response_model=JobStatus, dependencies=[Depends(admin_or_local)],
                summary="Voortgang en resultaat van een taak (beheer)")
    def job(job_id: str, documents: DocumentService = Depends(get_documents)) -> JobStatus:
        found = documents.jobs.get(job_id) if len(job_id) <= 64 else None
        if found is None:
            raise HTTPException(404, messages.UNKNOWN_JOB.format(id=job_id[:80]))
        return job_status(found)

    local = APIRouter(prefix="/api/local", dependencies=[Depends(local_only)], include_in_schema=False)

    @local.get("/ping")
    def ping() -> dict:
        return {"pid": os.getpid()}

    @local.post("/ingest", status_code=202)
    def ingest(body: LocalIngestRequest, documents: DocumentService = Depends(get_documents)) -> JSONResponse:
        job = documents.ingest_paths([Path(p) for p in body.paths], cwd=Path(body.cwd), prune=body.prune)
        return accepted(job)

    @local.post("/reindex", status_code=202)
    def reindex(documents: DocumentService = Depends(get_documents)) -> JSONResponse:
        return accepted(documents.reindex())

    @local.delete("/documents/{document_id}", response_model=DeleteResponse)
    def delete(document_id: str, documents: DocumentService = Depends(get_documents)) -> DeleteResponse:
        if not documents.delete(document_id):
            raise HTTPException(404, messages.UNKNOWN_DOCUMENT.format(id=document_id[:80]))
        return DeleteResponse(deleted=document_id)

    router.include_router(local)
    return router
