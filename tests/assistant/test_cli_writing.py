"""Who writes an embedded knowledge base: one process at a time (the writer lock), and a
`vvp serve` announcement that is only followed while that server lives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from assistant import cli, messages
from assistant.local_server import FILE_NAME, ServerRegistration, find_server

NOTE = "# Nota\n\nDe provincie legt een nieuw wandelpad aan langs de Demer.\n"


def hold_lock(data_dir: Path) -> subprocess.Popen:
    """Another process holding the data dir's writer lock (as a running ingest would)."""
    code = ("import sys, time\nfrom pathlib import Path\nfrom knowledge.writer_lock import WriterLock\n"
            "assert WriterLock(Path(sys.argv[1])).try_acquire()\nprint('held', flush=True)\ntime.sleep(60)\n")
    process = subprocess.Popen([sys.executable, "-c", code, str(data_dir)], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    assert process.stdout.readline().strip() == "held"
    return process


def run(data_dir: Path, *args: str, **env: str):
    return CliRunner().invoke(cli.app, list(args), env={"VVP_DATA_DIR": str(data_dir), **env})


def test_a_second_writer_gets_a_dutch_message_and_changes_nothing(tmp_path):
    data_dir = tmp_path / "data"
    (tmp_path / "nota.md").write_text(NOTE, encoding="utf-8")
    holder = hold_lock(data_dir)
    try:
        result = run(data_dir, "ingest", str(tmp_path / "nota.md"), VVP_WRITER_WAIT_SECONDS="0.5")
    finally:
        holder.kill()
        holder.wait()
    output = " ".join(result.output.split())
    assert result.exit_code == 1
    assert messages.CLI_WRITER_BUSY.format(pid=holder.pid) in output
    assert not (data_dir / "manifest.sqlite3").exists()  # it did not even open the knowledge base

    after = run(data_dir, "ingest", str(tmp_path / "nota.md"))  # the lock went with its process
    assert after.exit_code == 0 and "1 toegevoegd" in after.output


def test_an_announcement_of_a_dead_server_is_ignored(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (tmp_path / "nota.md").write_text(NOTE, encoding="utf-8")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    (data_dir / FILE_NAME).write_text(json.dumps({"pid": dead_pid, "url": "http://127.0.0.1:9", "token": "x"}))
    assert find_server(data_dir) is None

    result = run(data_dir, "ingest", str(tmp_path / "nota.md"))
    assert result.exit_code == 0 and "1 toegevoegd" in result.output
    assert "het werk gaat naar die server" not in result.output


def test_the_announcement_is_private_and_only_its_writer_removes_it(tmp_path):
    first = ServerRegistration(tmp_path, "http://127.0.0.1:8123")
    first.write()
    assert (tmp_path / FILE_NAME).stat().st_mode & 0o777 == 0o600
    assert json.loads((tmp_path / FILE_NAME).read_text())["pid"] == os.getpid()
    second = ServerRegistration(tmp_path, "http://127.0.0.1:8124")
    second.write()
    first.remove()  # a newer server replaced it: not ours to remove
    assert json.loads((tmp_path / FILE_NAME).read_text())["url"] == "http://127.0.0.1:8124"
    second.remove()
    assert not (tmp_path / FILE_NAME).exists()


def test_the_progress_bar_counts_chunks_and_shows_the_time_remaining():
    import io
    import time as clock

    from rich.console import Console

    from assistant.cli_writing import ProgressBar

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with ProgressBar(console) as bar:
        for done in (0, 32, 64):
            bar(done, 128, "/data/verslag-deputatie.md")
            clock.sleep(0.3)
        bar._progress.refresh()
        shown = out.getvalue()
    assert "64/128 fragmenten" in shown and "verslag-deputatie.md" in shown
    assert re.search(r"64/128 fragmenten 00:0\d", shown)  # the time remaining, estimated from the speed so far
