"""`vvp ingest`, `vvp delete` and `vvp reindex` beside a running `vvp serve` on the same embedded
data dir: the commands hand their work to the server, which keeps answering (no 500 from a
stale Chroma index) and finds the new document as soon as the command returns.

Real processes on 127.0.0.1 (a free port); the USE embedder keeps it to tens of seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.knowledge.test_multiprocess import BIN, DOCUMENT, HOST, TOKEN, UNIQUE, free_port, request, start, stop, \
    wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

BUNDLED = Path(__file__).resolve().parents[2] / "knowledge" / "documents"
QUESTION = f"Hoe lang is de {UNIQUE}?"


def vvp(env: dict, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "vvp"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180)


def ask(port: int, question: str) -> tuple[int, dict]:
    status, body = request(port, "POST", "/api/ask", json.dumps({"question": question}).encode(),
                           {"Content-Type": "application/json"})
    return status, json.loads(body) if status == 200 else {"body": body[:300].decode(errors="replace")}


class Asker:
    """Asks in a loop from a thread and records every answer that is not a 2xx."""

    def __init__(self, port: int):
        self.port = port
        self.failures: list[str] = []
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for question in ("Wat doet de studiedienst?", QUESTION):
                status, body = ask(self.port, question)
                self.count += 1
                if not 200 <= status < 300:
                    self.failures.append(f"{status}: {body}")
            status, body = request(self.port, "GET", "/health")
            if status != 200 or json.loads(body)["status"] != "ok":
                self.failures.append(f"health {status}: {body[:200]!r}")

    def __enter__(self) -> "Asker":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(60)


def cites_unique(port: int) -> str | None:
    """The document id the answer to QUESTION cites, when it cites the new document."""
    status, body = ask(port, QUESTION)
    assert status == 200, body
    for citation in body["citations"]:
        if UNIQUE in citation["quote"].lower():
            return citation["document_id"]
    return None


@pytest.fixture
def served(tmp_path):
    """A data dir with the bundled documents, `vvp serve` on it, and the env to run `vvp` commands."""
    data_dir = tmp_path / "data"
    base = {key: value for key, value in os.environ.items() if not key.startswith("VVP_")}
    env = dict(base, VVP_DATA_DIR=str(data_dir), VVP_EMBEDDING="use-multilingual", VVP_ADMIN_TOKEN=TOKEN,
               VVP_RATE_LIMIT="100000/minute", VVP_LOG_LEVEL="WARNING", HF_HUB_OFFLINE="1",
               GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False")
    first = vvp(env, "ingest", str(BUNDLED), cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    port = free_port()
    server = start([str(BIN / "vvp"), "serve", "--host", HOST, "--port", str(port)], env, tmp_path / "serve.log")
    try:
        wait_until(lambda: (data_dir / "server.json").exists() and request(port, "GET", "/health")[0] == 200,
                   120, "vvp serve", [server])
        yield port, env, data_dir, server
    finally:
        stop(server)
    assert not (data_dir / "server.json").exists()  # removed at shutdown


def test_ingest_delete_and_reindex_beside_a_running_server(tmp_path, served):
    port, env, data_dir, server = served
    assert (data_dir / "server.json").stat().st_mode & 0o077 == 0  # its secret is the owner's only
    folder = tmp_path / "nieuw"
    folder.mkdir()
    (folder / "fietsbrug-nete.md").write_text(DOCUMENT, encoding="utf-8")
    assert cites_unique(port) is None

    with Asker(port) as asker:
        added = vvp(env, "ingest", "nieuw", cwd=tmp_path)  # a relative path, as people type it
        assert added.returncode == 0, added.stdout + added.stderr
        assert "1 toegevoegd" in added.stdout and "het werk gaat naar die server" in " ".join(added.stderr.split())
        # The command returns when the server stored the document: the first answer should cite it
        # (10 s only for a question's own latency on a loaded 2-core machine).
        document_id = wait_until(lambda: cites_unique(port), 10, "the server answering from the new document")

        again = vvp(env, "ingest", "nieuw", cwd=tmp_path)  # same file, same identity as a direct ingest
        assert "0 toegevoegd, 0 bijgewerkt, 1 ongewijzigd" in again.stdout, again.stdout + again.stderr

        reindexed = vvp(env, "reindex", cwd=tmp_path)
        assert reindexed.returncode == 0 and "0 mislukt" in reindexed.stdout, reindexed.stdout + reindexed.stderr
        assert wait_until(lambda: cites_unique(port), 10, "the answer after reindexing") == document_id

        deleted = vvp(env, "delete", document_id, cwd=tmp_path)
        assert deleted.returncode == 0, deleted.stdout + deleted.stderr
        wait_until(lambda: cites_unique(port) is None, 10, "the server forgetting the document")
        time.sleep(1)

    assert asker.failures == []
    assert asker.count >= 10
    assert server.poll() is None
    status, body = request(port, "GET", "/api/documents")
    assert status == 200 and document_id not in body.decode()
