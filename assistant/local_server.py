"""A running `vvp serve` announces itself in its data dir, so the CLI can hand writes to it.

Embedded Chroma allows one writing process per directory (see `knowledge.writer_lock`). While a
server runs, `vvp ingest`, `vvp delete` and `vvp reindex` therefore send their work to it over
HTTP on this machine, authenticated by a secret that changes on every start and sits in
`data_dir/server.json`, readable by its owner only (0600).

>>> server = find_server(Path("data"))              # doctest: +SKIP
>>> server.ingest([Path("nota.pdf")], cwd=Path.cwd(), on_progress=print)   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

FILE_NAME = "server.json"
_POLL_SECONDS = 0.25
_TIMEOUT = httpx.Timeout(30.0, connect=2.0)
_LOOPBACK = {"0.0.0.0", "::", "", "127.0.0.1", "localhost", "::1"}


def local_url(host: str, port: int) -> str:
    """The address this machine reaches a server listening on `host:port` by."""
    if host in _LOOPBACK:
        return f"http://127.0.0.1:{port}"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class ServerRegistration:
    """The announcement of the server of one data dir: written after warm-up, removed at shutdown."""

    def __init__(self, data_dir: Path, url: str):
        self.path = data_dir / FILE_NAME
        self.url = url
        self.token = secrets.token_urlsafe(32)

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{FILE_NAME}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump({"pid": os.getpid(), "url": self.url, "token": self.token, "started": time.time()}, handle)
        os.replace(temporary, self.path)

    def remove(self) -> None:
        """Remove the file if it is still ours (a newer server may have replaced it)."""
        current = _read(self.path)
        if current is not None and current.get("token") == self.token:
            self.path.unlink(missing_ok=True)

    def matches(self, given: str) -> bool:
        return secrets.compare_digest(given.encode(), self.token.encode())


@dataclass(frozen=True)
class LocalServer:
    """A live server of this data dir, and the calls the CLI hands to it."""

    url: str
    token: str
    pid: int

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=_TIMEOUT, trust_env=False,
                            headers={"Authorization": f"Bearer {self.token}"})

    def answers(self) -> bool:
        try:
            with self._client() as client:
                return client.get("/api/local/ping", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def ingest(self, paths: list[Path], *, cwd: Path, prune: bool = False,
               on_progress: Callable[[dict], None] | None = None) -> dict:
        body = {"paths": [str(path) for path in paths], "cwd": str(cwd), "prune": prune}
        return self._run_job("/api/local/ingest", body, on_progress)

    def reindex(self, on_progress: Callable[[dict], None] | None = None) -> dict:
        return self._run_job("/api/local/reindex", {}, on_progress)

    def delete(self, document_id: str) -> bool:
        with self._client() as client:
            response = client.delete(f"/api/local/documents/{document_id}")
        if response.status_code == 404:
            return False
        response.raise_for_status()
        return True

    def _run_job(self, path: str, body: dict, on_progress: Callable[[dict], None] | None) -> dict:
        """Start a job and follow it until it finished; its last status is returned."""
        with self._client() as client:
            started = client.post(path, json=body)
            started.raise_for_status()
            status_url = started.json()["status_url"]
            while True:
                response = client.get(status_url)
                response.raise_for_status()
                status = response.json()
                if on_progress:
                    on_progress(status)
                if status["status"] in ("done", "failed"):
                    return status
                time.sleep(_POLL_SECONDS)


def _read(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's: not a server we may hand work to
        return False
    return True


def find_server(data_dir: Path) -> LocalServer | None:
    """The server announced in `data_dir` when its process lives and it answers; else None
    (a stale announcement of a server that died is ignored)."""
    found = _read(data_dir / FILE_NAME)
    if not found or not _alive(found.get("pid")):
        return None
    url, token = found.get("url"), found.get("token")
    if not isinstance(url, str) or not isinstance(token, str) or not url.startswith("http://"):
        return None
    server = LocalServer(url=url, token=token, pid=found["pid"])
    return server if server.answers() else None
