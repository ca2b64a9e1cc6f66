"""The API application: routes under /api, OpenAI-compatible /v1, /health and /metrics.

The chat page and the widget are added on top of it by `server.create_app` (the process
`vvp serve` runs); this factory is the API alone.

>>> app = create_app(Settings())        # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from contextlib import asynccontextmanager, nullcontext
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from assistant.api import metrics, routes_ask, routes_documents, routes_jobs, routes_openai
from assistant.api.health import HealthProbe
from assistant.api.errors import install_error_handlers
from assistant.api.schemas import HealthResponse
from assistant.api.security import make_limiter
from assistant.container import Container
from assistant.local_server import ServerRegistration
from assistant.conversation import purge_periodically
from assistant.privacy import LogMasking
from assistant.settings import Settings
from knowledge.writer_lock import WriterLock

os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger(__name__)


def app_version() -> str:
    try:
        return version("vvp-assistent")
    except PackageNotFoundError:
        return "0.0.0"


def create_app(settings: Settings | None = None, container: Container | None = None, *,
               on_ready: Callable[[], None] | None = None, serve_url: str | None = None) -> FastAPI:
    """The API application; `on_ready` is called once models and indices are loaded.

    With `serve_url` (what `vvp serve` passes: how this machine reaches it) the app is the server
    of its data dir: with embedded Chroma it holds the data dir's writer lock, and it announces
    itself in `data_dir/server.json` so `vvp ingest`, `delete` and `reindex` hand their work to it.
    """
    settings = settings or Settings()
    container = container or Container(settings)
    registration = ServerRegistration(settings.data_dir, serve_url) if serve_url else None
    writer = WriterLock(settings.data_dir) if serve_url and not settings.chroma_url else None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from starlette.concurrency import run_in_threadpool

        if writer and not writer.try_acquire():
            log.warning("another process writes this data dir (pid %s); waiting until it is done", writer.holder_pid())
            await run_in_threadpool(writer.acquire)
        try:
            with LogMasking(container.masker) if container.masker else nullcontext():
                await run_in_threadpool(warm_up, container)
                if registration:
                    await run_in_threadpool(_drop_orphan_uploads, container)
                    registration.write()
                retention = asyncio.create_task(purge_periodically(
                    container.conversations, settings.retention_days, settings.retention_interval_minutes * 60))
                if on_ready:
                    on_ready()
                try:
                    yield
                finally:
                    retention.cancel()
        finally:
            if registration:
                registration.remove()
            if writer:
                writer.release()

    # Swagger UI at /docs with its scripts served by the app, not from a CDN. No ReDoc: its bundle
    # always loads a logo from cdn.redoc.ly.
    app = FastAPIOffline(
        redoc_url=None,
        title="VVP-assistent",
        version=app_version(),
        description="Vragen over de Vlaamse provincies, beantwoord uit de documenten van de VVP, met bronvermelding.",
        lifespan=lifespan,
    )
    app.state.container = container
    limiter = make_limiter(settings)
    app.state.limiter = limiter
    install_error_handlers(app)
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.allowed_origins, allow_credentials=False,
            allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Authorization"],
        )

    probe = HealthProbe(lambda: container.kb, lambda query: container.retriever.search(query, k=1))
    if settings.metrics != "off":
        app.add_middleware(metrics.MetricsMiddleware, metrics=container.metrics)
        app.include_router(metrics.build_router(settings, container.metrics))

    @app.get("/health", response_model=HealthResponse, tags=["status"], summary="Status van de dienst")
    def health() -> HealthResponse:
        """`ok` when a real search works (checked at most every few seconds), else `degraded` and why."""
        status, detail, stats = probe.check()
        # From the settings, not the service: building the service needs the (maybe unreachable) Chroma.
        answerer = "extractive" if settings.llm_provider == "none" else "llm"
        return HealthResponse(status=status, documents=stats["documents"], chunks=stats["chunks"],
                              embedding_model=container.embedder.model_id, answerer=answerer,
                              version=app_version(), detail=detail)

    app.include_router(routes_ask.build_router(container.settings, limiter))
    app.include_router(routes_documents.build_router(container.settings, limiter))
    app.include_router(routes_jobs.build_router(registration))
    app.include_router(routes_openai.build_router(container.settings, limiter))
    return app


def _drop_orphan_uploads(container: Container) -> None:
    try:
        container.documents.drop_orphan_uploads()
    except Exception as error:  # an unreachable knowledge base: nothing to tidy now
        log.warning("could not look for interrupted uploads: %s", type(error).__name__)


def warm_up(container: Container) -> None:
    """Load models and indices before the first request, and apply the retention policy."""
    try:
        container.service
        # Embeds, loads the in-memory dense copy and the background the evidence step compares with.
        container.retriever.search("warm-up", k=1, context={})
        removed = container.conversations.purge_older_than(container.settings.retention_days)
        if removed:
            log.info("deleted %d conversations older than %d days", removed, container.settings.retention_days)
    except Exception as error:  # a Chroma server that is down must not stop the app from starting
        log.warning("warm-up incomplete: %s", type(error).__name__)
