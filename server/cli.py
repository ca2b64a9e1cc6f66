"""The `vvp` console script: the assistant's commands (`assistant.cli`) plus `vvp serve`.

Run as `vvp serve --host 127.0.0.1 --port 8000`, or `python -m server.cli serve`.
"""

from __future__ import annotations

import logging
import os
from typing import Annotated, Optional

import typer

from assistant import cli, messages


@cli.app.command()
def serve(host: Annotated[Optional[str], typer.Option(help="Adres (standaard VVP_HOST).")] = None,
          port: Annotated[Optional[int], typer.Option(help="Poort (standaard VVP_PORT).")] = None):
    """Start de API, de chatinterface en de widget."""
    import uvicorn

    from assistant.container import Container
    from assistant.local_server import local_url
    from assistant.settings import Settings
    from server.app import create_app

    settings = Settings()
    host, port = host or settings.host, port or settings.port
    logging.basicConfig(level=os.environ.get("VVP_LOG_LEVEL", "INFO"), format="%(levelname)s %(name)s: %(message)s")
    if not settings.chroma_url:  # the server of an embedded data dir is its one writer (see knowledge.writer_lock)
        _hold_writer_lock(settings)
    container = Container(settings)
    _check_embedding_model(container)
    application = create_app(settings, container, serve_url=local_url(host, port),
                             on_ready=lambda: cli.console.print(f"VVP-assistent klaar op http://{host}:{port}"))
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=settings.log_questions)


def _hold_writer_lock(settings) -> None:
    """Take the data dir's writer lock for the server's life (waiting for a command that writes)."""
    from knowledge.writer_lock import WriterLock

    lock = WriterLock(settings.data_dir)
    if not lock.try_acquire():
        cli.err.print(messages.CLI_WRITER_WAITING.format(pid=lock.holder_pid() or "?"))
        lock.acquire()


def _check_embedding_model(container) -> None:
    """Stop with the Dutch message when the stored vectors are another model's (before serving)."""
    from knowledge.vector_store import EmbeddingMismatch

    try:
        container.kb
    except EmbeddingMismatch as error:
        cli.err.print(f"[red]{error}[/red]")
        raise typer.Exit(2)
    except Exception:  # an unreachable Chroma server: the app starts degraded and says so on /health
        pass


def main() -> None:
    """The `vvp` command (every command, `serve` included)."""
    cli.main()


if __name__ == "__main__":  # python -m server.cli
    main()
