"""Tune the fusion weights on the train splits of wetten-nl and policyqa (never on test).

    .venv/bin/python -m bench.fusion_weights [--split train]

Each question's channel rankings (word BM25, character BM25, dense) are computed once; every
weight combination then re-fuses them and prints hit@1/3/5 and MRR per data set. The knowledge
bases are the ones `vvp eval` builds (data/eval/...), with the configured embedding model.
A development tool, not a test; `assistant.fusion.DEFAULT_WEIGHTS` says what it chose.
"""

from __future__ import annotations

import argparse
import itertools

from assistant.evaluation import Evaluator, read_questions
from assistant.fusion import fuse
from bench.answer_calibration import SUITES, container_for
from bench.retrieval_datasets import shared_dir

DEPTH = 100
DENSE_WEIGHTS = (0.75, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0)
CHAR_WEIGHTS = (0.5, 1.0, 1.5)


def channel_rows(suite: str, split: str) -> list[tuple[dict, set[str], float]]:
    """(channel rankings, relevant chunk ids, lexical coverage) per question."""
    questions_path, docs = (shared_dir() / part for part in SUITES[suite])
    container = container_for(docs)
    evaluator = Evaluator(container.kb, container.retriever, container.service)
    rows = []
    for question in read_questions(questions_path, split):
        channels = container.kb.channel_results(question.question, DEPTH)
        ids = {chunk_id for ranked in channels.values() for chunk_id, _ in ranked}
        relevant = {stored.chunk_id for stored in container.kb.get_chunks(list(ids))
                    if evaluator.relevant(question, stored.text, stored.metadata["document_id"])}
        rows.append((channels, relevant, container.kb.lexical_coverage(question.question)))
    return rows


def figures(rows, weights: dict[str, float]) -> dict[str, float]:
    ranks = []
    for channels, relevant, coverage in rows:
        top = [chunk_id for chunk_id, _, _ in fuse(channels, weights=weights, lexical_confidence=coverage)[:10]]
        ranks.append(next((i for i, chunk_id in enumerate(top, 1) if chunk_id in relevant), None))
    n = len(ranks)
    out = {f"hit@{k}": sum(1 for r in ranks if r and r <= k) / n for k in (1, 3, 5)}
    out["mrr"] = sum(1 / r for r in ranks if r) / n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train", choices=("train", "test"))
    args = parser.parse_args()
    data = {suite: channel_rows(suite, args.split) for suite in SUITES}
    for dense, char in itertools.product(DENSE_WEIGHTS, CHAR_WEIGHTS):
        weights = {"word": 1.0, "char": char, "dense": dense}
        parts, mrrs = [], []
        for suite, rows in data.items():
            result = figures(rows, weights)
            mrrs.append(result["mrr"])
            parts.append(f"{suite} {result['hit@1']:.3f}/{result['hit@3']:.3f}/{result['hit@5']:.3f} mrr {result['mrr']:.3f}")
        print(f"word 1 char {char} dense {dense}: " + " | ".join(parts) + f" | mean mrr {sum(mrrs) / len(mrrs):.3f}",
              flush=True)


if __name__ == "__main__":
    main()
