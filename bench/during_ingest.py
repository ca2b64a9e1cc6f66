"""`/api/ask` latency while `vvp ingest` hands ~300 new chunks to the running server.

The server runs on a copy of the 1k knowledge base (so the questions meet real documents), and
a second corpus of generated documents is ingested through the CLI, which hands it to the
server as a background job. One client asks without pause for as long as the ingest runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

from bench.corpus import write_documents
from bench.data import QuestionStream
from bench.http_load import Client
from bench.server import ApiServer, bench_env, executable

EXTRA_DOCUMENTS = 40  # about 300 chunks of generated documents (7-8 each): ~75 s with e5 on 2 quiet cores
_SUMMARY = re.compile(r"(\d+) toegevoegd.*?— (\d+) fragmenten in ([\d.]+) s")


def _latency(values: list[float]) -> dict:
    array = np.array(values or [float("nan")])
    return {"requests": len(values), "p50_ms": round(float(np.percentile(array, 50)), 1),
            "p95_ms": round(float(np.percentile(array, 95)), 1), "p99_ms": round(float(np.percentile(array, 99)), 1)}


def ask_during_ingest(work: Path, data_1k: Path, stream: QuestionStream, baseline_requests: int = 50) -> dict:
    data_dir = work / "data-during-ingest"
    shutil.copytree(data_1k, data_dir, ignore=shutil.ignore_patterns("server.json", "conversations.sqlite3*"))
    extra = work / "docs-extra"
    write_documents(extra, EXTRA_DOCUMENTS, seed=99, prefix="extra")
    with ApiServer(data_dir, log_path=work / "during-ingest.log") as server:
        client = Client(server.port)
        before: tuple[list[float], list[int]] = ([], [0])
        _ask(client, stream, lambda: len(before[0]) + before[1][0] >= baseline_requests, before)
        during: tuple[list[float], list[int]] = ([], [0])
        command = [executable("vvp") or "vvp", "ingest", str(extra)]
        done = threading.Event()
        outcome: dict = {}

        def run_ingest() -> None:
            started = time.perf_counter()
            completed = subprocess.run(command, env=bench_env(VVP_DATA_DIR=str(data_dir)), capture_output=True,
                                       text=True, timeout=3600)
            outcome.update(seconds=time.perf_counter() - started, output=completed.stdout,
                           returncode=completed.returncode, handed_over="naar die server" in completed.stderr)
            done.set()

        thread = threading.Thread(target=run_ingest, daemon=True)
        thread.start()
        _ask(client, stream, done.is_set, during)
        thread.join()
        client.close()
    match = _SUMMARY.search(" ".join(outcome.get("output", "").split()))
    chunks = int(match.group(2)) if match else None
    return {"documents": int(match.group(1)) if match else None, "chunks": chunks,
            "seconds": round(outcome["seconds"], 1), "handed_over": outcome["handed_over"],
            "chunks_per_s": round(chunks / outcome["seconds"], 1) if chunks else None,
            "ingest_exit": outcome["returncode"], "ask_before": {**_latency(before[0]), "failed": before[1][0]},
            "ask_during": {**_latency(during[0]), "failed": during[1][0]}}


def _ask(client: Client, stream: QuestionStream, stop, into: tuple[list[float], list[int]]) -> None:
    """Ask one question after another until `stop()`; latencies of 200s in into[0], failures in into[1]."""
    latencies, failures = into
    while not stop():
        started = time.perf_counter()
        try:
            status, _ = client.post("/api/ask", {"question": stream.next()})
        except OSError:
            status = 0
            client.close()
        if status == 200:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            failures[0] += 1
