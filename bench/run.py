"""`make bench`: ingest speed, query latency at 1k/10k/100k chunks, issue 10's latency (~235-character
questions at ~3k chunks), memory, cold start, a Chroma server run, a load test and the textbook
LangChain RAG as yardstick; one table and a JSON file. Every step uses the configured embedding
model (`VVP_EMBEDDING`, default e5-small).

    python -m bench.run                      # everything (about 25-60 minutes with e5 on 2 cores)
    python -m bench.run --quick              # 1k and 10k only, shorter load test
    python -m bench.run --sizes 1k,10k --load-seconds 30 --requests 100
    python -m bench.run --only-long-questions  # issue 10's /api/ask figure at 3k alone (a few minutes)

Results go to bench/results/bench-<timestamp>.json and bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from rich.console import Console

from bench.corpus import materialise_regeerakkoord, write_documents
from bench.data import REPO, LongQuestionStream, QuestionStream, bench_questions
from bench.during_ingest import ask_during_ingest
from bench.http_load import SEARCH, run_sequential
from bench.ocr import measure_ocr
from bench.queries import load_test, measure_long_questions, measure_server
from bench.report import checks, render
from bench.server import ApiServer, ChromaServer, bench_env, executable
from knowledge.embeddings import DEFAULT_EMBEDDING

RESULTS = REPO / "bench" / "results"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
LONG_QUESTION_CHUNKS = 3_000  # issue 10: /api/ask at ~3k chunks, questions of ~235 characters
GENERATED_DOCS = 40  # with the regeerakkoord's ~770 chunks this makes the ~1k corpus
console = Console(stderr=True)


def _job(args: list[str], env: dict[str, str], out: Path, timeout: float) -> dict:
    """Run `python -m bench.<module> ...` in its own process and read its JSON result."""
    command = [sys.executable, "-m", *args, "--out", str(out)]
    completed = subprocess.run(command, env=env, cwd=REPO, timeout=timeout, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed:\n{completed.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def prepare_documents(work: Path, notes: list[str]) -> list[tuple[str, Path]]:
    """The 1k corpus as Markdown files: the regeerakkoord, and generated documents (+ the VVP texts)."""
    corpora = []
    regeerakkoord = materialise_regeerakkoord(work / "docs" / "regeerakkoord")
    if regeerakkoord is None:
        notes.append("regeerakkoord corpus not found (VVP_SHARED_DIR or ../shared): its ingest was skipped")
    else:
        corpora.append(("regeerakkoord", regeerakkoord))
    generated = work / "docs" / "generated"
    write_documents(generated, GENERATED_DOCS, seed=7)
    for path in (REPO / "knowledge" / "documents").glob("*.md"):
        shutil.copyfile(path, generated / path.name)
    corpora.append(("generated", generated))
    return corpora


def run_ingest(work: Path, corpora, questions: list[str]) -> tuple[dict, Path]:
    data_dir = work / "data-1k"
    questions_file = work / "questions.json"
    questions_file.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    corpus_args = [part for label, folder in corpora for part in ("--corpus", label, str(folder))]
    console.print("ingest: real path into a fresh knowledge base …")
    result = _job(["bench.jobs", "ingest", *corpus_args, "--questions", str(questions_file)],
                  bench_env(VVP_DATA_DIR=str(data_dir)), work / "ingest.json", timeout=5400)
    return result, data_dir


def run_yardstick(work: Path, ours: dict, search_http: dict | None) -> dict:
    console.print("yardstick: textbook LangChain RAG …")
    textbook = _job(["bench.yardstick", "--docs", str(work / "docs"), "--questions", str(work / "questions.json")],
                    bench_env(), work / "yardstick.json", timeout=1800)
    result = {"textbook": textbook, "ours_in_process": ours,
              "speedup_in_process": round(textbook["p50_ms"] / ours["p50_ms"], 2)}
    if search_http:
        result["ours_http"] = search_http
        result["speedup_http"] = round(textbook["p50_ms"] / search_http["p50_ms"], 2)
    return result


def scale_corpus(work: Path, chunks: int, budget: int | None = None) -> dict:
    console.print(f"scale corpus {chunks:,} chunks (cached under data/bench/) …")
    extra = ["--sentence-budget", str(budget)] if budget else []
    return _job(["bench.jobs", "scale", "--chunks", str(chunks), *extra], bench_env(), work / f"scale-{chunks}.json",
                timeout=3600)


def measure_long_questions_at_3k(work: Path, requests: int, budget: int | None, results: dict) -> None:
    """Issue 10's latency figure: its own ~3k-chunk corpus (fast path) and server, long questions."""
    built = scale_corpus(work, LONG_QUESTION_CHUNKS, budget)
    results.setdefault("scale_corpora", {})["3k"] = built
    data_dir = Path(built["data_dir"])
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"conversations.sqlite3{suffix}").unlink(missing_ok=True)
    console.print(f"server long-questions-3k: ~235-character questions at {built['chunks']:,} chunks …")
    with ApiServer(data_dir, log_path=work / "long-questions-3k.log") as server:
        figures = measure_long_questions(server, LongQuestionStream(bench_questions(), seed=23), requests)
    results["long_questions"] = {"size": "3k", "chunks": built["chunks"], **figures}
    console.print(f"long questions at 3k: /api/ask p50 {figures['ask_sequential']['p50_ms']} ms, "
                  f"8 clients {figures['ask_8_clients']['throughput_rps']} answers/s")


def serve_and_measure(name: str, data_dir: Path, stream: QuestionStream, requests: int, *,
                      chroma_url: str | None = None, load_seconds: float = 0.0, chunks: int | None = None,
                      results: dict) -> None:
    for suffix in ("", "-wal", "-shm"):  # a cached corpus starts without history
        (data_dir / f"conversations.sqlite3{suffix}").unlink(missing_ok=True)
    console.print(f"server {name}: starting …")
    with ApiServer(data_dir, chroma_url=chroma_url, log_path=data_dir.parent / f"{name}.log") as server:
        figures = measure_server(server, stream, requests)
        figures["chunks"] = chunks
        results["servers"][name] = figures
        console.print(f"server {name}: /api/ask p50 {figures['ask_sequential']['p50_ms']} ms, "
                      f"RSS {figures['rss_peak_mb']} MB, cold start {figures['cold_start_s']} s")
        if load_seconds:
            console.print(f"load test: 32 clients for {load_seconds:.0f} s on {name} …")
            results["load"] = {"size": name, **load_test(server, stream, load_seconds)}


def chroma_server_copy(work: Path, source: Path, name: str) -> tuple[Path, Path]:
    """A copy of `source`'s Chroma files for `chroma run`, and a data dir with its manifest and BM25."""
    chroma_path = work / f"{name}-chroma-server"
    shutil.copytree(source / "chroma", chroma_path)
    data_dir = work / f"{name}-data"
    data_dir.mkdir()
    for item in ("manifest.sqlite3", "lexical"):
        if (source / item).is_dir():
            shutil.copytree(source / item, data_dir / item)
        elif (source / item).exists():
            shutil.copyfile(source / item, data_dir / item)
    return chroma_path, data_dir


def measure_chroma_server(work: Path, size: str, data: tuple[Path, int], stream: QuestionStream, requests: int,
                          results: dict) -> None:
    chroma_path, data_dir = chroma_server_copy(work, data[0], f"server-{size}")
    with ChromaServer(chroma_path) as chroma:
        serve_and_measure(f"chroma_server-{size}", data_dir, stream, requests, chroma_url=chroma.url, chunks=data[1],
                          results=results)
        results["servers"][f"chroma_server-{size}"]["chroma_rss_mb"] = chroma.rss_mb()


def _step(results: dict, name: str, run) -> None:
    """Run one part of the bench; a failure becomes a note instead of losing every other figure.
    The figures so far are written to bench/results/partial.json after every part."""
    try:
        run()
    except Exception as error:  # noqa: BLE001 - reported in the table's notes and on stderr
        console.print(f"[red]{name} failed: {type(error).__name__}: {error}[/red]")
        results["notes"].append(f"{name} failed ({type(error).__name__}: {str(error)[:200]}); its rows are missing")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "partial.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str),
                                          encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, 20 s load test")
    parser.add_argument("--sizes", default=None, help="comma-separated sizes from 1k,10k,100k (default: all)")
    parser.add_argument("--load-seconds", type=float, default=None, help="load test duration (default 60, quick 20)")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per route and size")
    parser.add_argument("--chroma-server-sizes", default="1k,10k", help="sizes also measured with `chroma run`")
    parser.add_argument("--no-yardstick", action="store_true", help="skip the textbook RAG")
    parser.add_argument("--no-long-questions", action="store_true", help="skip issue 10's 3k long-question run")
    parser.add_argument("--only-long-questions", action="store_true",
                        help="issue 10's 3k long-question run alone (bench/results/long-questions-<time>.json)")
    parser.add_argument("--sentence-budget", type=int, default=None,
                        help="sentence keys the scale corpora embed with the model (default: bench.scale)")
    args = parser.parse_args(argv)
    sizes = (args.sizes or ("1k,10k" if args.quick else "1k,10k,100k")).split(",")
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}: choose from {', '.join(SIZES)}")
    load_seconds = args.load_seconds if args.load_seconds is not None else (20.0 if args.quick else 60.0)
    if args.only_long_questions:
        return only_long_questions(args)

    started = time.perf_counter()
    notes: list[str] = []
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "servers": {}, "notes": notes,
                     "environment": _environment(), "arguments": vars(args)}
    stream = QuestionStream(bench_questions(), seed=11)
    work = Path(tempfile.mkdtemp(prefix="vvp-bench-"))
    try:
        corpora = prepare_documents(work, notes)
        ingest, data_1k = run_ingest(work, corpora, stream.take(2 * args.requests))
        results["ingest"] = ingest
        console.print("ingest beside a running server: /api/ask while vvp ingest hands ~300 chunks over …")
        _step(results, "ask during ingest",
              lambda: results.update(during_ingest=ask_during_ingest(work, data_1k, stream)))
        data_dirs = {"1k": (data_1k, ingest["chunks_total"])}
        for size in sizes:
            if size != "1k":
                built = scale_corpus(work, SIZES[size], args.sentence_budget)
                results.setdefault("scale_corpora", {})[size] = built
                data_dirs[size] = (Path(built["data_dir"]), built["chunks"])
        if not args.no_long_questions:
            _step(results, "long questions at 3k",
                  lambda: measure_long_questions_at_3k(work, args.requests, args.sentence_budget, results))
        load_size = "10k" if "10k" in sizes else sizes[0]
        for size in sizes:
            data_dir, chunks = data_dirs[size]
            _step(results, f"embedded {size}", lambda: serve_and_measure(
                f"embedded-{size}", data_dir, stream, args.requests, chunks=chunks, results=results,
                load_seconds=load_seconds if size == load_size else 0.0))
        for size in [s for s in args.chroma_server_sizes.split(",") if s in sizes]:
            if executable("chroma") is None:
                notes.append("`chroma` executable missing: Chroma server mode skipped")
                break
            _step(results, f"Chroma server {size}",
                  lambda: measure_chroma_server(work, size, data_dirs[size], stream, args.requests, results))
        if not args.no_yardstick:
            search_http = results["servers"].get("embedded-1k", {}).get("search_sequential")
            _step(results, "yardstick", lambda: results.update(
                yardstick=run_yardstick(work, ingest["in_process_search"], search_http)))
        _step(results, "OCR", lambda: results.update(ocr=measure_ocr()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["environment"]["load_after"] = os.getloadavg()
    results["checks"] = [item.as_json() for item in checks(results)]
    notes.append(scale_note(results.get("scale_corpora", {})))
    check, load = results["environment"]["cpu_check"], results["environment"]["load_before"]
    notes.append(f"Machine at the start: load {load[0]:.2f}, Python loop {check['python_loop_ms']} ms, "
                 f"{check['sgemm_gflops_1_thread']} GFLOPS on one core (compare these before comparing runs).")
    _write(results)
    render(results, Console(width=170))
    console.print(f"bench finished in {results['seconds'] / 60:.1f} min → bench/results/latest.json")
    return 0


def only_long_questions(args: argparse.Namespace) -> int:
    """Issue 10's latency figure by itself: a few minutes instead of the whole bench."""
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "servers": {}, "notes": [],
                     "environment": _environment(), "arguments": vars(args)}
    work = Path(tempfile.mkdtemp(prefix="vvp-bench-"))
    try:
        measure_long_questions_at_3k(work, args.requests, args.sentence_budget, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["environment"]["load_after"] = os.getloadavg()
    results["checks"] = [item.as_json() for item in checks(results) if item.key.startswith("long_questions:")]
    results["notes"].append(scale_note(results.get("scale_corpora", {})))
    _write(results, name="long-questions")
    render(results, Console(width=170))
    return 0


def scale_note(corpora: dict) -> str:
    """What the scale corpora's vectors are, in this run's numbers."""
    text = ("Scale corpora (3k, 10k, 100k) are built on a bench-only fast path (bench/scale.py): real loader "
            "and chunker, a chunk's vector the normalised mean of its sentences' vectors")
    if corpora:
        built = max(corpora.values(), key=lambda item: item.get("chunks", 0))
        quality = built.get("derived_quality") or {}
        text += (f"; {built.get('sentences_embedded_total', '?')} sentence keys embedded with {built.get('model')} "
                 f"({built.get('dimensions')} dims), {built.get('sentences_derived', '?')} derived from word means "
                 f"of those")
        if quality:
            text += (f" (cosine with the model's own vector {quality['derived_vs_model_cosine_mean']}, "
                     f"unrelated sentences {quality['unrelated_sentences_cosine_mean']})")
    return text + ". They serve query latency and memory only; ingest speed is measured on the real path."


def _environment() -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return {"cpus": os.cpu_count(), "load_before": os.getloadavg(),
            "embedding": os.environ.get("VVP_EMBEDDING", DEFAULT_EMBEDDING), "python": platform.python_version(),
            "platform": platform.platform(), "commit": commit.stdout.strip() or None, "cpu_check": cpu_check()}


def cpu_check() -> dict:
    """How fast this machine is right now: a shared or throttled VM can vary by half between runs,
    which the load average does not show. Compare these before comparing two bench results."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i * i
    python_ms = (time.perf_counter() - started) * 1000
    matrix = np.random.default_rng(0).random((1024, 1024), dtype=np.float32)
    with threadpool_limits(1, "blas"):
        matrix @ matrix
        started = time.perf_counter()
        for _ in range(5):
            matrix @ matrix
        gflops = 5 * 2 * 1024**3 / (time.perf_counter() - started) / 1e9
    return {"python_loop_ms": round(python_ms, 1), "sgemm_gflops_1_thread": round(gflops, 1)}


def _write(results: dict, name: str = "bench") -> None:
    """bench/results/<name>-<time>.json; a whole bench run is also latest.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, indent=2, ensure_ascii=False, default=str)
    (RESULTS / f"{name}-{stamp}.json").write_text(text, encoding="utf-8")
    if name == "bench":
        (RESULTS / "latest.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
