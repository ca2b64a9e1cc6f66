"""Processes the bench starts: a `vvp serve` API server and a `chroma run` server, on 127.0.0.1.

Each is a context manager that picks a free port, waits until the process answers, and stops
it (terminate, then kill) on exit, so an interrupted bench leaves nothing running.

>>> with ApiServer(data_dir) as server:          # doctest: +SKIP
...     print(server.port, server.cold_start_s, server.rss_mb())
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
from pathlib import Path

import psutil

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
PASSED = ("VVP_EMBEDDING", "VVP_EMBEDDING_THREADS", "VVP_MODEL_CACHE", "VVP_SHARED_DIR", "VVP_BENCH_CACHE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def executable(name: str) -> str | None:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def bench_env(**overrides: str) -> dict[str, str]:
    """The environment of a bench server: offline, quiet, and a rate limit the bench cannot hit.

    Of the caller's VVP_ variables only those that choose what is measured pass: the embedding
    model (every step of one run uses the same one) and where the shared data and caches are."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("VVP_") or key in PASSED}
    env.update({
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False", "VVP_RATE_LIMIT": "1000000/minute", "VVP_LOG_LEVEL": "WARNING",
    })
    env.update(overrides)
    return env


class _Process:
    """A child process with a log file, stopped on exit."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.port = free_port()

    def _spawn(self, command: list[str], env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def _check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
            raise RuntimeError(f"{self.__class__.__name__} exited early:\n{tail}")

    def rss_mb(self) -> float:
        """Resident memory of the process and its children, in MB."""
        if self.process is None:
            return 0.0
        try:
            process = psutil.Process(self.process.pid)
            processes = [process, *process.children(recursive=True)]
            return round(sum(p.memory_info().rss for p in processes) / 2**20, 1)
        except psutil.NoSuchProcess:
            return 0.0

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __exit__(self, *exc) -> None:
        self.stop()


class ApiServer(_Process):
    """`vvp serve` on a free port with its own data dir; `cold_start_s` runs to the first answer."""

    def __init__(self, data_dir: Path, *, chroma_url: str | None = None, extra_env: dict[str, str] | None = None,
                 timeout: float = 180.0, log_path: Path | None = None):
        super().__init__(log_path or data_dir / "bench-server.log")
        self.data_dir = data_dir
        self.chroma_url = chroma_url
        self.extra_env = extra_env or {}
        self.timeout = timeout
        self.cold_start_s: float | None = None

    def __enter__(self) -> "ApiServer":
        env = bench_env(VVP_DATA_DIR=str(self.data_dir), **self.extra_env)
        if self.chroma_url:
            env["VVP_CHROMA_URL"] = self.chroma_url
        command = [executable("vvp") or "vvp", "serve", "--host", HOST, "--port", str(self.port)]
        started = time.perf_counter()
        self._spawn(command, env)
        try:
            self._wait_for_answer(started)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_answer(self, started: float) -> None:
        body = json.dumps({"question": "Wat is de missie van de VVP?"})
        while time.perf_counter() - started < self.timeout:
            self._check_alive()
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                connection.request("POST", "/api/ask", body=body, headers={"Content-Type": "application/json"})
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    self.cold_start_s = round(time.perf_counter() - started, 2)
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"vvp serve did not answer within {self.timeout:.0f} s (log: {self.log_path})")


class ChromaServer(_Process):
    """`chroma run --path <path>` on a free port; `url` is what VVP_CHROMA_URL should be."""

    def __init__(self, path: Path, timeout: float = 60.0):
        super().__init__(path.parent / f"{path.name}-chroma.log")
        self.path = path
        self.timeout = timeout

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> "ChromaServer":
        chroma = executable("chroma")
        if chroma is None:
            raise FileNotFoundError("the `chroma` executable is missing (pip install chromadb)")
        self._spawn([chroma, "run", "--path", str(self.path), "--host", HOST, "--port", str(self.port)],
                    bench_env())
        started = time.perf_counter()
        while time.perf_counter() - started < self.timeout:
            self._check_alive()
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/api/v2/heartbeat")
                if connection.getresponse().status == 200:
                    connection.close()
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"chroma run did not start within {self.timeout:.0f} s (log: {self.log_path})")
