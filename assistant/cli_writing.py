"""How `vvp ingest`, `delete` and `reindex` write: through a running server, or here under the
data dir's writer lock; and the progress bar (with ETA) they show either way."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from assistant import messages


class ProgressBar:
    """A rich progress bar with ETA that is also a `knowledge.records.Progress` callback."""

    def __init__(self, console: Console):
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("fragmenten"), TimeRemainingColumn(compact=True), console=console,
                                  transient=True)
        self._task = self._progress.add_task(messages.CLI_INGESTING, total=None)

    def __call__(self, done: int, total: int, detail: str) -> None:
        name = Path(detail).name if detail else ""
        self._progress.update(self._task, completed=done, total=max(total, 1),
                              description=f"{messages.CLI_INGESTING} {name[:40]}".rstrip())

    def follow(self, status: dict) -> None:
        """The same bar, fed from a server's job status."""
        self(status["done"], status["total"], status.get("current", ""))

    def __enter__(self) -> "ProgressBar":
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)


def follow_job(start, err: Console) -> dict:
    """Run a job on the server with a progress bar; its final status (a failed job exits 1)."""
    with ProgressBar(err) as progress:
        status = start(progress.follow)
    if status["status"] == "failed" and not status["results"]:
        err.print(f"[red]{status['detail']}[/red]")
        raise typer.Exit(1)
    return status


@contextmanager
def writing(settings, err: Console):
    """Yield a running server of this data dir to hand the work to, or None after taking the
    data dir's writer lock (embedded Chroma allows one writing process)."""
    from assistant.local_server import find_server
    from knowledge.writer_lock import WriterLock

    if settings.chroma_url:  # a Chroma server takes writes from several processes
        yield None
        return
    server = find_server(settings.data_dir)
    if server is None:
        lock = WriterLock(settings.data_dir)
        told = False

        def waiting() -> bool:
            nonlocal server, told
            server = find_server(settings.data_dir)
            if server is None and not told:
                err.print(messages.CLI_WRITER_WAITING.format(pid=lock.holder_pid() or "?"))
                told = True
            return server is None

        try:
            acquired = lock.acquire(settings.writer_wait_seconds, waiting=waiting)
        except PermissionError:  # e.g. a data dir of the service's own user
            err.print(f"[red]{messages.CLI_WRITER_NO_ACCESS.format(path=settings.data_dir)}[/red]")
            raise typer.Exit(1)
        if acquired:
            try:
                yield None
            finally:
                lock.release()
            return
        if server is None:
            err.print(f"[red]{messages.CLI_WRITER_BUSY.format(pid=lock.holder_pid() or '?')}[/red]")
            raise typer.Exit(1)
    err.print(messages.CLI_HANDED_OVER.format(url=server.url, pid=server.pid))
    yield server
