"""Helpers of the robustness suite: settings for tests, a knowledge-base snapshot, leak checks.

    before = snapshot(container)
    ...                                  # feed it something nasty
    assert_same_knowledge(before, snapshot(container))
"""

from __future__ import annotations

import re
import socket
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings

PROBE_QUESTION = "Wie kan bij de studiedienst terecht?"
ADMIN_TOKEN = "test-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUNDLED = PROJECT_ROOT / "tests" / "fixtures" / "documents"

# What a leaked stack trace or server path looks like in a response body.
_TRACE = re.compile(r"Traceback|File \"|site-packages|\.py\b|Error:|Exception", re.IGNORECASE)
_PATH = re.compile(r"/work/|/tmp/|/home/|/usr/|/srv/|/var/|[A-Z]:\\\\")


def make_settings(data_dir: Path, **overrides) -> Settings:
    """Settings for a test: no .env, a tmp data dir, an admin token and a generous rate limit."""
    values = {"data_dir": data_dir, "admin_token": ADMIN_TOKEN, "rate_limit": "10000/minute", **overrides}
    return Settings(_env_file=None, **values)



@contextmanager
def api_client(container, **client_options):
    """A TestClient over the app of `container` (without the Gradio UI), lifespan included."""
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    app = create_app(container.settings, container)
    with TestClient(app, raise_server_exceptions=False, **client_options) as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_no_leak(body: str, *, paths: bool = True) -> None:
    """No stack trace (and, with `paths`, no server file path) reaches a client.

    Answers may carry a document's `source`, which for `vvp ingest` files is their path, so
    callers check paths in error bodies only.
    """
    match = _TRACE.search(body) or (_PATH.search(body) if paths else None)
    assert match is None, f"response leaks {match.group(0)!r}: {body[:300]}"


@dataclass(frozen=True)
class Snapshot:
    """What a user can observe of the knowledge base, plus its internal agreement."""

    documents: dict[str, int]          # manifest: ready document id -> chunk count
    chroma: dict[str, int]             # Chroma: document id -> stored chunks
    chunk_ids: frozenset[str]          # Chroma chunk ids
    lexical_ids: frozenset[str]        # BM25 chunk ids (word analyzer)
    pending: tuple[str, ...]           # manifest rows left half-written
    probe_answer: str
    probe_citations: tuple[str, ...]   # chunk ids cited by the probe answer
    stored_files: frozenset[str]       # names under data_dir/files


def snapshot(container) -> Snapshot:
    kb = container.kb
    kb.sync_lexical(force=True)  # another KnowledgeBase object (the CLI's) may have written
    stored = list(kb.vectors.iter_all())
    answer = container.service.ask(PROBE_QUESTION)
    files = kb.data_dir / "files"
    return Snapshot(
        documents={record.document_id: record.chunks for record in kb.documents()},
        chroma=dict(Counter(chunk.metadata["document_id"] for chunk in stored)),
        chunk_ids=frozenset(chunk.chunk_id for chunk in stored),
        lexical_ids=frozenset(kb.lexical.indexes["word"].ids),
        pending=tuple(record.document_id for record in kb.manifest.all(status="pending")),
        probe_answer=answer.answer,
        probe_citations=tuple(citation.chunk_id for citation in answer.citations),
        stored_files=frozenset(path.name for path in files.iterdir()) if files.is_dir() else frozenset(),
    )


def assert_consistent(state: Snapshot) -> None:
    """Manifest, Chroma and BM25 agree: no document is half present."""
    assert state.pending == (), f"half-written documents left: {state.pending}"
    assert state.documents == state.chroma, "manifest chunk counts differ from Chroma"
    assert state.lexical_ids == state.chunk_ids, "BM25 and Chroma hold different chunks"


def assert_same_knowledge(before: Snapshot, after: Snapshot) -> None:
    """The knowledge base is exactly as before: documents, chunks, files and the probe answer."""
    assert_consistent(after)
    assert after.documents == before.documents
    assert after.chunk_ids == before.chunk_ids
    assert after.stored_files == before.stored_files
    assert after.probe_answer == before.probe_answer
    assert after.probe_citations == before.probe_citations
