"""The `vvp` console script (server.cli): every command of assistant.cli plus `serve`, light to start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["ingest", "documents", "delete", "search", "ask", "chat", "reindex", "eval", "serve"]


def test_vvp_lists_every_command_with_serve_last():
    result = subprocess.run([sys.executable, "-m", "server.cli", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    listed = [line.split()[1] for line in result.stdout.splitlines()
              if line.startswith("│ ") and len(line.split()) > 2 and line.split()[1] in COMMANDS]
    assert listed == COMMANDS


def test_the_command_line_loads_no_web_ui_until_serve_runs():
    code = "import sys, server.cli; print(sorted(m for m in ('gradio', 'ui', 'server.app') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
