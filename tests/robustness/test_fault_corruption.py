"""Corrupt or deleted BM25 files and SQLite databases: detected at start, rebuilt from Chroma
(the source of truth) with a log line, answers still work, and the next start is clean."""

from __future__ import annotations

import gc
import logging
import shutil
from pathlib import Path

import pytest

from robustness_support import PROBE_QUESTION, api_client, assert_consistent, make_settings, snapshot

GARBAGE = b"\x00\xffgarbage\x13\x37" * 512


@pytest.fixture
def healthy(container_factory):
    """A data dir with the bundled documents, its snapshot, and a way to start on it again.

    The first container is dropped before the damage, like a stopped process: no SQLite
    connection of it may still hold the old pages.
    """
    from assistant.container import Container

    container = container_factory()
    before = snapshot(container)
    data_dir, embedder = container.settings.data_dir, container.embedder
    del container
    gc.collect()

    def restart():
        started = Container(make_settings(data_dir), embedder=embedder)
        started.kb  # open it now, as the app's start-up does
        return started

    return data_dir, before, restart


def lexical_files(data_dir: Path) -> list[Path]:
    return sorted(path for path in (data_dir / "lexical").rglob("*") if path.is_file())


def assert_recovered(before, container) -> None:
    after = snapshot(container)
    assert_consistent(after)
    assert after.documents == before.documents and after.chunk_ids == before.chunk_ids
    assert after.probe_answer == before.probe_answer and after.probe_citations == before.probe_citations


def corrupt_every_file(data_dir: Path) -> None:
    for path in lexical_files(data_dir):
        path.write_bytes(GARBAGE)


def truncate_every_file(data_dir: Path) -> None:
    for path in lexical_files(data_dir):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def corrupt_the_arrays_only(data_dir: Path) -> None:
    for path in lexical_files(data_dir):
        if path.suffix == ".npy":
            path.write_bytes(GARBAGE)


@pytest.mark.parametrize("damage", [
    lambda data_dir: shutil.rmtree(data_dir / "lexical"),
    lambda data_dir: [path.unlink() for path in lexical_files(data_dir)],
    corrupt_every_file,
    truncate_every_file,
    corrupt_the_arrays_only,
    lambda data_dir: (data_dir / "lexical" / "state.json").write_text('{"version": "x", "analysis": 1, "meta": []}'),
    lambda data_dir: shutil.rmtree(data_dir / "lexical" / "char"),
], ids=["folder-deleted", "files-deleted", "garbage", "truncated", "arrays-garbage", "stale-state",
        "one-analyzer-gone"])
def test_broken_lexical_files_are_rebuilt_from_chroma(healthy, damage, caplog):
    data_dir, before, restart = healthy
    damage(data_dir)
    caplog.set_level(logging.INFO, logger="knowledge")

    container = restart()

    assert "rebuilding from 6 stored chunks" in caplog.text
    assert_recovered(before, container)
    caplog.clear()
    restart()  # the rebuilt files are good: no second rebuild, no crash loop
    assert "rebuilding" not in caplog.text and "unreadable" not in caplog.text


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(GARBAGE),
    lambda path: path.write_bytes(b"SQLite format 3\x00" + GARBAGE),
    lambda path: path.write_bytes(path.read_bytes()[:100]),
], ids=["garbage", "garbage-after-sqlite-header", "truncated"])
def test_a_corrupt_manifest_is_moved_aside_and_rebuilt_from_chroma(healthy, damage, caplog):
    data_dir, before, restart = healthy
    manifest = data_dir / "manifest.sqlite3"
    damage(manifest)
    caplog.set_level(logging.INFO, logger="knowledge")

    container = restart()

    assert "manifest unreadable" in caplog.text and "rebuilt from Chroma" in caplog.text
    assert list(data_dir.glob("manifest.corrupt-*")), "the damaged file is kept for inspection"
    assert_recovered(before, container)
    caplog.clear()
    again = restart()
    assert "unreadable" not in caplog.text
    assert {record.document_id for record in again.kb.documents()} == set(before.documents)


def test_a_corrupt_conversation_database_does_not_stop_the_app(healthy, caplog):
    data_dir, before, restart = healthy
    (data_dir / "conversations.sqlite3").write_bytes(GARBAGE)
    (data_dir / "conversations.sqlite3-wal").write_bytes(GARBAGE)  # as a crash may leave it
    caplog.set_level(logging.WARNING, logger="assistant")

    with api_client(restart()) as client:
        response = client.post("/api/ask", json={"question": PROBE_QUESTION})
        assert response.status_code == 200 and response.json()["answer"] == before.probe_answer
        conversation = client.get(f"/api/conversations/{response.json()['conversation_id']}")
        assert conversation.status_code == 200 and len(conversation.json()["turns"]) == 1
    assert "conversation database unreadable" in caplog.text
    assert list(data_dir.glob("conversations.corrupt-*")), "the damaged file is kept for inspection"


def test_everything_corrupt_at_once_still_starts_and_answers(healthy, caplog):
    data_dir, before, restart = healthy
    corrupt_every_file(data_dir)
    (data_dir / "manifest.sqlite3").write_bytes(GARBAGE)
    (data_dir / "conversations.sqlite3").write_bytes(GARBAGE)
    caplog.set_level(logging.INFO, logger="knowledge")

    with api_client(restart()) as client:
        health = client.get("/health").json()
        assert (health["status"], health["documents"], health["chunks"]) == ("ok", 3, 6)
        answer = client.post("/api/ask", json={"question": PROBE_QUESTION}).json()
        assert answer["answer"] == before.probe_answer
    assert "manifest unreadable" in caplog.text and "rebuilding from 6 stored chunks" in caplog.text
