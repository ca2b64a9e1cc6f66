"""Bench steps that run in their own process, so each one's peak memory and threads are its own.

    python -m bench.jobs ingest --regeerakkoord DIR --generated DIR --questions Q.json --out R.json
    python -m bench.jobs scale --chunks 100000 [--sentence-budget 3000] --out R.json

`ingest` measures the real ingest path (`KnowledgeBase.ingest` with progress followed, the
configured embedder) into `VVP_DATA_DIR`, the raw throughput of the same model on the same chunk
texts, an unchanged re-ingest, and then in-process retrieval and answering on that knowledge base. `scale` builds or reuses a cached scale corpus (see `bench.scale`).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import time
from pathlib import Path

import numpy as np

RAW_SAMPLE = 256  # chunks (and their units) embedded by the model alone, for the raw throughput (~2 min with e5)


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _latency(values: list[float]) -> dict:
    array = np.array(values or [float("nan")])
    return {"requests": len(values), "p50_ms": round(float(np.percentile(array, 50)), 2),
            "p95_ms": round(float(np.percentile(array, 95)), 2), "p99_ms": round(float(np.percentile(array, 99)), 2),
            "mean_ms": round(float(array.mean()), 2)}


def _follow(done: int, total: int, detail: str) -> None:
    """Progress is followed as a job or `vvp ingest` follows it (model calls of PROGRESS_STEP chunks)."""


def _ingest(kb, label: str, folder: Path) -> dict:
    report = kb.ingest([folder], progress=_follow)
    added = report.count("added") + report.count("updated")
    return {"corpus": label, "documents": added, "chunks": report.chunks, "failed": report.count("failed"),
            "seconds": round(report.seconds, 2), "chunks_per_s": round(report.chunks / report.seconds, 1),
            "documents_per_s": round(added / report.seconds, 1)}


def ingest_job(corpora: list[tuple[str, Path]], questions: list[str]) -> dict:
    from assistant.container import Container
    from assistant.settings import Settings

    container = Container(Settings())
    started = time.perf_counter()
    container.embedder.embed_query("warm-up")  # the model loads lazily: keep its load out of chunks/s
    result: dict = {"model_load_s": round(time.perf_counter() - started, 2), "ingest": []}
    kb = container.kb
    for label, folder in corpora:
        result["ingest"].append(_ingest(kb, label, folder))
    first = sum(item["seconds"] for item in result["ingest"])
    result["raw_embedding"] = _raw_embedding(container, corpora, result["ingest"])
    report = kb.ingest([folder for _, folder in corpora], progress=_follow)
    result["reingest"] = {"seconds": round(report.seconds, 3), "unchanged": report.count("unchanged"),
                          "share_of_first": round(report.seconds / first, 4) if first else None}
    result["ingest_peak_rss_mb"] = _peak_rss_mb()
    result["chunks_total"] = kb.stats()["chunks"]
    result.update(_in_process_queries(container, questions))
    return result


def _raw_embedding(container, corpora: list[tuple[str, Path]], ingested: list[dict]) -> dict:
    """The model alone on the same chunks, in the same process right after the ingest: the
    ceiling for the ingest's chunks/s (its loader, chunker, Chroma and BM25 work come on top).
    Like the ingest it embeds each chunk and each of the chunk's units (`knowledge.unit_vectors`)."""
    from ingest.pipeline import load_document
    from knowledge.base import EMBED_BATCH
    from knowledge.records import expand_paths
    from knowledge.unit_vectors import embed_units

    kb = container.kb
    chunks = []
    for path in expand_paths([folder for _, folder in corpora]):
        chunks.extend(load_document(path, chunk_size=kb.chunk_size, chunk_overlap=kb.chunk_overlap).chunks)
        if len(chunks) >= RAW_SAMPLE:
            break
    chunks = chunks[:RAW_SAMPLE]
    started = time.perf_counter()
    for start in range(0, len(chunks), EMBED_BATCH):
        batch = chunks[start : start + EMBED_BATCH]
        container.embedder.embed_documents([chunk.indexed_text for chunk in batch])
        embed_units(container.embedder, batch)
    seconds = time.perf_counter() - started
    raw = len(chunks) / seconds
    ingest_rate = sum(item["chunks"] for item in ingested) / sum(item["seconds"] for item in ingested)
    return {"model": container.embedder.model_id, "chunks": len(chunks), "seconds": round(seconds, 2),
            "chunks_per_s": round(raw, 1), "ingest_chunks_per_s": round(ingest_rate, 1),
            "ingest_share_of_raw": round(ingest_rate / raw, 3)}


def _in_process_queries(container, questions: list[str]) -> dict:
    """Our retrieval and our full answer path, called directly (no HTTP), on unique questions."""
    retriever, service = container.retriever, container.service
    service.ask("Wat is de missie van de VVP?")  # warm-up: loads the evidence scorer's state
    search_ms, ask_ms = [], []
    steps: dict[str, list[float]] = {}
    half = len(questions) // 2
    for question in questions[:half]:
        t = time.perf_counter()
        retriever.search(question, k=5)
        search_ms.append((time.perf_counter() - t) * 1000)
    for question in questions[half:]:
        t = time.perf_counter()
        answer = service.ask(question)
        ask_ms.append((time.perf_counter() - t) * 1000)
        for step, ms in (answer.timings_ms or {}).items():
            steps.setdefault(step, []).append(ms)
    return {"in_process_search": _latency(search_ms), "in_process_ask": _latency(ask_ms),
            "ask_steps_mean_ms": {step: round(float(np.mean(ms)), 2) for step, ms in steps.items()}}


def scale_job(chunks: int, budget: int | None = None) -> dict:
    """A scale corpus for the configured embedding model (`VVP_EMBEDDING`), as the server opens it."""
    from assistant.settings import Settings
    from bench.scale import SENTENCE_BUDGET, build_scale_corpus, corpus_summary
    from knowledge.embeddings import create_embedder

    settings = Settings()
    started = time.perf_counter()
    embedder = create_embedder(settings.embedding, threads=settings.embedding_threads, cache_dir=settings.model_cache)
    path = build_scale_corpus(chunks, embedder, budget=budget or SENTENCE_BUDGET)
    return {"data_dir": str(path), "seconds": round(time.perf_counter() - started, 1),
            "peak_rss_mb": _peak_rss_mb(), **corpus_summary(path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="job", required=True)
    ingest = sub.add_parser("ingest")
    ingest.add_argument("--corpus", nargs=2, action="append", metavar=("LABEL", "DIR"), required=True)
    ingest.add_argument("--questions", type=Path, required=True)
    ingest.add_argument("--out", type=Path, required=True)
    scale = sub.add_parser("scale")
    scale.add_argument("--chunks", type=int, required=True)
    scale.add_argument("--sentence-budget", type=int, default=None, help="sentence keys embedded by the model")
    scale.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.job == "ingest":
        questions = json.loads(args.questions.read_text(encoding="utf-8"))
        result = ingest_job([(label, Path(folder)) for label, folder in args.corpus], questions)
    else:
        result = scale_job(args.chunks, args.sentence_budget)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
