"""`vvp chat` in a real terminal (a pseudo-terminal): arrow keys edit the line, ↑ recalls a question."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UP, LEFT = "\x1b[A", "\x1b[D"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """A child process on a pseudo-terminal; `expect(text)` reads until `text` has appeared."""

    def __init__(self, args: list[str], env: dict[str, str]):
        import pty

        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                        close_fds=True)
        os.close(slave)
        self.output = ""

    def expect(self, text: str, count: int = 1, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(text) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} did not appear; output so far:\n{self.output}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.output += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:  # the child closed the terminal
                    assert self.output.count(text) >= count, self.output
                    return

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode("utf-8"))

    def close(self) -> int:
        try:
            return self.process.wait(timeout=60)
        finally:
            os.close(self.master)


def stored_questions(data_dir: Path) -> list[str]:
    with closing(sqlite3.connect(data_dir / "conversations.sqlite3")) as connection:
        return [row[0] for row in connection.execute("SELECT question FROM messages ORDER BY created_at")]


def test_chat_edits_lines_with_the_arrow_keys_and_recalls_questions(tmp_path):
    env = {**os.environ, "VVP_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1", "TERM": "xterm"}
    ingest = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "knowledge/documents"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert ingest.returncode == 0, ingest.stderr
    terminal = Terminal([sys.executable, "-m", "assistant.cli", "chat"], env)
    try:
        terminal.expect("Stel je vraag")
        terminal.expect("> ")
        # Typed with a slip, mended by moving the cursor back: "dienst?" → "studiedienst?".
        terminal.type("Wie kan terecht bij de dienst?" + LEFT * len("dienst?") + "studie\r")
        terminal.expect("[1]")
        terminal.expect("> ", count=2)
        terminal.type(UP + "\r")  # the same question again, from the history
        terminal.expect("[1]", count=2)
        terminal.expect("> ", count=3)
        terminal.type("\r")
    finally:
        returncode = terminal.close()
    assert returncode == 0
    assert "^[[" not in terminal.output
    assert stored_questions(tmp_path) == ["Wie kan terecht bij de studiedienst?"] * 2
