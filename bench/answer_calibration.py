"""Dump the evidence features of real questions, answerable and with their document left out
(development tool for fitting `assistant.evidence`'s support model; not a test).

    .venv/bin/python -m bench.answer_calibration wetten-nl train out.jsonl
    .venv/bin/python -m bench.answer_calibration policyqa train out.jsonl --mixed   # among other documents
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.container import Container
from assistant.evaluation import Evaluator, eval_data_dir, read_questions
from assistant.settings import Settings
from bench.retrieval_datasets import shared_dir
from knowledge.base import Filters

SUITES = {
    "wetten-nl": ("bench/wetten-nl/questions.jsonl", "bench/wetten-nl/corpus"),
    "policyqa": ("bench/policyqa-rijksoverheid/questions.jsonl", "bench/policyqa-rijksoverheid/corpus.jsonl"),
}
# policyqa's passages among other documents (as `make eval`'s mixed run builds it): the bundled
# VVP documents and the 224 regeerakkoord sections. Its questions then meet many near-topic
# government texts of another style, as in a real knowledge base of mixed documents.
MIXED = ("knowledge/documents", "bench/regeerakkoord-vlaanderen-2019-2024/corpus.jsonl",
         "bench/policyqa-rijksoverheid/corpus.jsonl")


def mixed_docs() -> list[Path]:
    here = Path(__file__).resolve().parent.parent
    return [here / MIXED[0], *(shared_dir() / part for part in MIXED[1:])]


def container_for(docs: Path | list[Path], embedding: str | None = None) -> Container:
    settings = Settings() if embedding is None else Settings(embedding=embedding)
    docs = docs if isinstance(docs, list) else [docs]
    return Container(settings.model_copy(update={"data_dir": eval_data_dir(settings.data_dir, docs, settings.embedding)}))


def main(suite: str, split: str, output: str, embedding: str | None = None, mixed: bool = False) -> None:
    """Dump `suite`'s `split` questions, asked of their own corpus or (`mixed`, policyqa) of `MIXED`."""
    questions_path, docs = (shared_dir() / part for part in SUITES[suite])
    container = container_for(mixed_docs() if mixed else docs, embedding)
    evaluator = Evaluator(container.kb, container.retriever, container.service)
    everything = [record.document_id for record in container.kb.documents()]
    scorer = container.scorer
    with open(output, "w", encoding="utf-8") as out:
        for question in read_questions(questions_path, split):
            absent = evaluator.answer_documents(question)
            for left_out in (False, True):
                filters = Filters(document_id=tuple(d for d in everything if d not in absent)) if left_out else None
                context: dict[str, float] = {}
                hits = container.retriever.search(question.question, 5, filters, context=context)
                units = scorer.score(question.question, hits)
                features = scorer.features(question.question, hits, units, context)
                channels = container.kb.channel_results(question.question, 40, filters)
                features["channel_scores"] = {name: [round(score, 5) for _, score in ranked]
                                              for name, ranked in channels.items()}
                features["hit_channels"] = [hit.channels for hit in hits]
                gold = [evaluator.relevant(question, hit.text, hit.document_id) for hit in hits]
                best_gold = bool(units) and gold[units[0].hit_index]
                out.write(json.dumps({"q": question.question, "left_out": left_out, "gold": gold,
                                      "best_unit_gold": best_gold, **features}, ensure_ascii=False) + "\n")




def fit(paths: list[str], names: list[str], l2: float = 1e-3) -> tuple[list[float], float]:
    """Logistic regression (Newton's method) of "answerable, with a gold passage among the scored
    ones" against "its document left out", on dumps of train splits; each dump (data set)
    weighs the same however many questions it has.

        fit(["pq-mixed-train.jsonl", "wetten-train.jsonl"], ["dense_margin", "coverage", "unit_reference_margin"])
    """
    import numpy as np

    rows, weights = [], []
    for path in paths:
        part = [json.loads(line) for line in open(path, encoding="utf-8")]
        part = [r for r in part if "support" in r and (r["left_out"] or any(r["gold"][:4]))]
        rows += part
        weights += [1.0 / len(part)] * len(part)
    x = np.array([[float(r[name]) for name in names] for r in rows])
    y = np.array([0.0 if r["left_out"] else 1.0 for r in rows])
    weight = np.array(weights) / np.mean(weights)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(60):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (weight * (p - y)) + l2 * np.r_[w[:-1], 0]
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + l2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    coefficients = w[:-1] / scale
    bias = w[-1] - float(coefficients @ mean)
    return [float(v) for v in coefficients], float(bias)


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--mixed"]
    main(*arguments, mixed="--mixed" in sys.argv[1:])
