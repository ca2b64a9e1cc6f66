"""Two `vvp serve` processes share one `chroma run`: a document uploaded through one is found
through the other, whose lexical (BM25) index follows the version recorded in Chroma.

Real processes on 127.0.0.1 (free ports, own data dirs), so this is the deployment of several
API replicas behind a load balancer, minus the balancer.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from knowledge.lexical_channels import LexicalChannels

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
TOKEN = "multiprocess-test-token"
UNIQUE = "zwaluwstaartbrug"  # a word no other text uses: only this document can match it
DOCUMENT = f"""---
title: Fietsbrug over de Nete
type: verslag
---

# Fietsbrug over de Nete

De provincie Antwerpen bouwt de {UNIQUE.capitalize()} over de Nete bij Lier. De brug is 84 meter
lang en wordt in 2027 geopend. De deputatie keurde het ontwerp goed.
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until(check, timeout: float, what: str, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{what}: a process exited early (see its log)"
        try:
            result = check()
            if result:
                return result
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as handle:
        return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def search(port: int, query: str) -> list[dict]:
    status, body = request(port, "POST", "/api/search", json.dumps({"query": query, "k": 5}).encode(),
                           {"Content-Type": "application/json"})
    assert status == 200, body[:300]
    return json.loads(body)["results"]


def upload(port: int, name: str, content: str) -> dict:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/markdown\r\n\r\n{content}\r\n--{boundary}--\r\n").encode()
    status, payload = request(port, "POST", "/api/documents", body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {TOKEN}"})
    assert status == 202, payload[:300]
    status_url = json.loads(payload)["status_url"]

    def finished():
        job = json.loads(request(port, "GET", status_url, headers={"Authorization": f"Bearer {TOKEN}"})[1])
        return job if job["status"] in ("done", "failed") else None

    return wait_until(finished, 60, "the upload job")["results"][0]


@pytest.fixture
def chroma_url(tmp_path):
    chroma = BIN / "chroma" if (BIN / "chroma").exists() else shutil.which("chroma")
    if not chroma:
        pytest.skip("the `chroma` executable is not installed")
    port = free_port()
    process = start([str(chroma), "run", "--path", str(tmp_path / "chroma"), "--host", HOST, "--port", str(port)],
                    dict(os.environ, ANONYMIZED_TELEMETRY="False"), tmp_path / "chroma.log")
    try:
        wait_until(lambda: request(port, "GET", "/api/v2/heartbeat")[0] == 200, 60, "chroma run", [process])
        yield f"http://{HOST}:{port}"
    finally:
        stop(process)


@pytest.fixture
def two_servers(tmp_path, chroma_url):
    """Ports of two `vvp serve` processes with their own data dirs and the same Chroma server."""
    vvp = BIN / "vvp" if (BIN / "vvp").exists() else shutil.which("vvp")
    base = {key: value for key, value in os.environ.items() if not key.startswith("VVP_")}
    processes, ports = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            env = dict(base, VVP_DATA_DIR=str(tmp_path / name), VVP_CHROMA_URL=chroma_url, VVP_ADMIN_TOKEN=TOKEN,
                       VVP_RATE_LIMIT="100000/minute", VVP_LOG_LEVEL="WARNING", HF_HUB_OFFLINE="1",
                       GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False")
            processes.append(start([str(vvp), "serve", "--host", HOST, "--port", str(port)], env,
                                   tmp_path / f"serve-{name}.log"))
            ports.append(port)
        for port in ports:
            wait_until(lambda: request(port, "GET", "/health")[0] == 200, 120, "vvp serve", processes)
        yield ports
    finally:
        for process in processes:
            stop(process)


def test_a_document_uploaded_through_one_server_is_found_through_the_other(tmp_path, two_servers):
    first, second = two_servers
    assert search(second, f"Waar komt de {UNIQUE}?") == []  # nothing stored yet

    result = upload(first, "fietsbrug-nete.md", DOCUMENT)
    assert result["status"] == "added" and result["chunks"] >= 1
    document_id = result["document_id"]

    def lexically_known_to_second() -> list[str]:
        """Chunk ids the second server's BM25 index (as it saved it) finds for the unique word."""
        return [cid for cid, _ in LexicalChannels(tmp_path / "b" / "lexical").top(UNIQUE, k=5)["word"]]

    def found_through_second():
        # Dense search reads Chroma directly; BM25 follows once the server notices the new version
        # (checked at most once a second, on a request), so search until both agree.
        hits = search(second, f"Waar komt de {UNIQUE}?")
        found = hits and hits[0]["document_id"] == document_id
        return hits if found and lexically_known_to_second() == [hits[0]["chunk_id"]] else None

    hits = wait_until(found_through_second, 30, "the second server finding the upload")
    assert UNIQUE in hits[0]["text"].lower()
    assert hits[0]["title"] == "Fietsbrug over de Nete"

    status, _ = request(first, "DELETE", f"/api/documents/{document_id}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    wait_until(lambda: search(second, f"Waar komt de {UNIQUE}?") == [] and lexically_known_to_second() == [], 30,
               "the second server forgetting it")
