"""Schemathesis against a live `vvp serve`: generated requests for every operation of the OpenAPI
schema (the admin routes too), and not one server error (5xx)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.job_support import follow

from robustness_support import ADMIN, ADMIN_TOKEN, BUNDLED, free_port

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = int(os.environ.get("VVP_SCHEMATHESIS_EXAMPLES", "150"))
SEED = os.environ.get("VVP_SCHEMATHESIS_SEED", "20240601")


@pytest.fixture
def live_server(tmp_path):
    """`vvp serve` on a free loopback port with the bundled documents uploaded through the API."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("VVP_")}
    env.update(VVP_DATA_DIR=str(tmp_path / "data"), VVP_ADMIN_TOKEN=ADMIN_TOKEN, VVP_RATE_LIMIT="100000/minute",
               VVP_HOST="127.0.0.1", VVP_PORT=str(port), VVP_LOG_LEVEL="INFO", HF_HUB_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False")
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-c", "from server.cli import main; main()", "serve"], env=env,
                                   cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "vvp serve did not start"
            time.sleep(0.3)
        files = [("files", (path.name, path.read_bytes(), "text/markdown")) for path in sorted(BUNDLED.glob("*.md"))]
        with httpx.Client(base_url=base, timeout=120) as client:
            job = follow(client, client.post("/api/documents", headers=ADMIN, files=files), ADMIN, timeout=120)
        assert job["status"] == "done", job
        yield base, log_path
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(live_server, tmp_path):
    base, log_path = live_server
    command = [
        str(SCHEMATHESIS), "run", f"{base}/openapi.json",
        "--checks", "not_a_server_error",
        "--max-examples", str(EXAMPLES), "--seed", SEED,
        "--header", f"Authorization: Bearer {ADMIN_TOKEN}",   # the admin routes are fuzzed too
        "--request-timeout", "60", "--workers", "1",
        "--report", "junit", "--report-dir", str(tmp_path / "report"),
    ]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    selected = re.search(r"Selected:\s+(\d+)/(\d+)", output)
    generated = re.search(r"(\d+) generated", output)
    assert selected and generated, output[-3000:]
    operations = int(selected.group(2))
    assert int(selected.group(1)) == operations >= 10  # every operation of the schema was exercised
    assert int(generated.group(1)) >= 5 * operations
    server_log = log_path.read_text(errors="replace")
    assert "unhandled" not in server_log and "Traceback" not in server_log, server_log[-4000:]
