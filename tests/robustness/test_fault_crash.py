"""`kill -9` of `vvp ingest` midway through a large batch: on restart the manifest, Chroma and the
BM25 index agree, no document is half present, and running the ingest again completes it."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robustness_support import BUNDLED, assert_consistent, make_settings, snapshot

DOCUMENTS = 150
TOPICS = ("wegen", "fietspaden", "natuur", "erfgoed", "onderwijs", "toerisme", "water", "landbouw", "cultuur", "sport")


def generate_batch(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for number in range(DOCUMENTS):
        topic = TOPICS[number % len(TOPICS)]
        (folder / f"nota-{number:03d}.md").write_text(
            f"# Nota {number} over {topic}\n\n"
            f"De provincie bespreekt in nota {number} het beleid rond {topic}. "
            f"Het budget voor {topic} bedraagt {1000 + number} euro en de deputatie volgt dit op. "
            f"De provincieraad keurt de nota {number} goed na advies van de commissie {topic}.\n",
            encoding="utf-8",
        )
    return folder


def manifest_rows(data_dir: Path) -> dict[str, int]:
    """Rows per status, read the way a second process would (the ingest is still writing)."""
    path = data_dir / "manifest.sqlite3"
    if not path.exists():
        return {}
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return dict(connection.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall())
        finally:
            connection.close()
    except sqlite3.Error:
        return {}


def start_ingest(data_dir: Path, *paths: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VVP_")}
    env.update(VVP_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    command = [sys.executable, "-c", "from assistant.cli import app; app()", "ingest", *map(str, paths)]
    return subprocess.Popen(command, env=env, cwd=data_dir.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def kill_midway(process: subprocess.Popen, data_dir: Path, timeout: float = 120) -> dict[str, int]:
    """SIGKILL once some documents are ready and the next batch is on its way (ideally mid-write)."""
    deadline = time.monotonic() + timeout
    ready_seen_at = None
    while time.monotonic() < deadline:
        assert process.poll() is None, "the ingest finished before it could be killed"
        rows = manifest_rows(data_dir)
        if rows.get("ready", 0) >= 20:
            ready_seen_at = ready_seen_at or time.monotonic()
            # Prefer killing while a batch is half-written; give up waiting for that after 3 s.
            if rows.get("pending") or time.monotonic() - ready_seen_at > 3:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(10)
                return rows
        time.sleep(0.002)
    process.kill()
    pytest.fail("the ingest made no progress")


@pytest.mark.slow
def test_kill_9_midway_through_a_batch_leaves_nothing_half_present(tmp_path, embedder, caplog):
    from assistant.container import Container

    batch = generate_batch(tmp_path / "nota's")
    data_dir = tmp_path / "data"

    process = start_ingest(data_dir, BUNDLED, batch)
    rows_at_kill = kill_midway(process, data_dir)
    assert process.returncode == -signal.SIGKILL

    # Restart: building the knowledge base runs recover().
    caplog.set_level(logging.INFO, logger="knowledge.base")
    restarted = Container(make_settings(data_dir), embedder=embedder)
    after_crash = snapshot(restarted)
    if rows_at_kill.get("pending"):  # killed mid-write (the usual case): those rows were rolled back
        assert "removing half-ingested document" in caplog.text
    assert_consistent(after_crash)
    assert 0 < len(after_crash.documents) < DOCUMENTS + 3, rows_at_kill
    assert after_crash.probe_answer  # answers work on what survived

    # Running the ingest again completes it, and it agrees with itself.
    report = restarted.kb.ingest([BUNDLED, batch])
    assert report.count("failed") == 0
    assert report.count("added") == DOCUMENTS + 3 - len(after_crash.documents)
    assert report.count("unchanged") == len(after_crash.documents)
    completed = snapshot(restarted)
    assert_consistent(completed)
    assert len(completed.documents) == DOCUMENTS + 3
    hits = restarted.service.search("budget voor erfgoed nota 123", k=3)
    assert any("nota 123" in hit.text for hit in hits)

    # A third start finds everything in step: no rebuild, same state.
    again = snapshot(Container(make_settings(data_dir), embedder=embedder))
    assert again.documents == completed.documents and again.chunk_ids == completed.chunk_ids
    assert again.probe_answer == completed.probe_answer


@pytest.mark.slow
def test_a_crash_inside_a_delete_is_finished_at_restart(tmp_path, embedder, monkeypatch):
    """The manifest row goes pending before Chroma changes: a delete cut short is completed."""
    from assistant.container import Container
    from knowledge.vector_store import VectorStore

    data_dir = tmp_path / "data"
    container = Container(make_settings(data_dir), embedder=embedder)
    container.kb.ingest([BUNDLED])
    victim = next(record for record in container.kb.documents() if record.title.startswith("Missie"))

    def crash(self, document_id):
        raise SystemExit("simulated crash after Chroma deleted the chunks")

    original = VectorStore.delete_document
    monkeypatch.setattr(VectorStore, "delete_document",
                        lambda self, document_id: (original(self, document_id), crash(self, document_id)))
    with pytest.raises(SystemExit):
        container.kb.delete(victim.document_id)
    monkeypatch.undo()

    restarted = Container(make_settings(data_dir), embedder=embedder)
    state = snapshot(restarted)
    assert_consistent(state)
    assert victim.document_id not in state.documents
    assert len(state.documents) == 2 and state.probe_citations == ()  # the probe's source is gone
