"""`vvp eval`: retrieval and answer quality on a question set, printed as one table.

Two question formats:
- `{question, answerable, expect_any}`: a passage is relevant when it contains one of the
  `expect_any` phrases (case-insensitive); unanswerable questions must be refused.
- `{question, relevant_passage_ids}` with a `corpus.jsonl` of `{id, title, text}` passages: a
  chunk is relevant when it comes from a gold passage.

Corpora given as `corpus.jsonl` are written out as Markdown files and ingested through the
normal pipeline, so the evaluation measures the real path.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.fusion import fuse
from assistant.retrieval import Retriever
from assistant.service import AssistantService
from knowledge.base import KnowledgeBase

KS = (1, 3, 5)
CHANNEL_SETS = {"bm25-woord": ("word",), "bm25-teken": ("char",), "dense": ("dense",), "bm25": ("word", "char")}


@dataclass
class Question:
    question: str
    answerable: bool
    expect_any: list[str] = field(default_factory=list)
    relevant_ids: list[str] = field(default_factory=list)
    split: str | None = None


def read_questions(path: Path, split: str | None = None) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if split and row.get("split") not in (None, split):
            continue
        relevant = list(row.get("relevant_passage_ids") or [])
        questions.append(Question(row["question"], bool(row.get("answerable", True)), list(row.get("expect_any") or []),
                                  relevant, row.get("split")))
    return questions


CORPUS_SOURCE = "corpus:"


def materialise_corpus(corpus: Path, target: Path, default_title: str) -> Path:
    """Write `{id, title, text}` passages as Markdown files (rewritten only when changed).

    The passage id travels as the document's source (`corpus:<id>`), so any id works, also one
    that is not a valid file name.
    """
    target.mkdir(parents=True, exist_ok=True)
    for number, line in enumerate(corpus.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        passage_id = str(row["id"])
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", passage_id)[:80].strip(".-") or "passage"
        path = target / f"{number:06d}-{safe}.md"
        title = (row.get("title") or default_title).replace("\n", " ").replace('"', "").strip()
        source = json.dumps(CORPUS_SOURCE + passage_id, ensure_ascii=False)
        content = f"---\ntitle: \"{title}\"\ntype: andere\nsource_url: {source}\n---\n\n{row['text']}\n"
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
    return target


EVAL_LAYOUT = "2"  # bump when materialised corpora change shape: old evaluation stores are not reused


def docs_key(docs: list[Path]) -> str:
    digest = hashlib.sha256(EVAL_LAYOUT.encode())
    for path in sorted(str(p.resolve()) for p in docs):
        digest.update(path.encode())
    return digest.hexdigest()[:12]


class Evaluator:
    """Runs questions through retrieval (per channel set and fused) and through the service."""

    def __init__(self, kb: KnowledgeBase, retriever: Retriever, service: AssistantService):
        self.kb = kb
        self.retriever = retriever
        self.service = service
        self._passage_of = {record.document_id: record.source.removeprefix(CORPUS_SOURCE)
                            for record in kb.documents() if record.source.startswith(CORPUS_SOURCE)}

    def relevant(self, question: Question, text: str, document_id: str) -> bool:
        if question.relevant_ids:
            return self._passage_of.get(document_id) in question.relevant_ids
        lowered = text.lower()
        return any(phrase.lower() in lowered for phrase in question.expect_any)

    def _rank(self, question: Question, ranked: list[tuple[str, str]]) -> int | None:
        for rank, (text, document_id) in enumerate(ranked, 1):
            if self.relevant(question, text, document_id):
                return rank
        return None

    def retrieval_ranks(self, questions: list[Question], k: int = 5) -> dict[str, list[int | None]]:
        """Rank of the first relevant chunk per question, for each channel set and the fusion."""
        ranks: dict[str, list[int | None]] = {name: [] for name in (*CHANNEL_SETS, "hybride")}
        for question in questions:
            channels = self.kb.channel_results(question.question, 40)
            for name, subset in CHANNEL_SETS.items():
                fused = fuse({c: channels[c] for c in subset},
                             lexical_confidence=self.kb.lexical_coverage(question.question)) if len(subset) > 1 else [
                    (cid, score, {}) for cid, score in channels[subset[0]]]
                ids = [cid for cid, _, _ in fused[:k]]
                stored = {chunk.chunk_id: chunk for chunk in self.kb.get_chunks(ids)}
                ranked = [(stored[c].text, stored[c].metadata["document_id"]) for c in ids if c in stored]
                ranks[name].append(self._rank(question, ranked))
            hits = self.retriever.search(question.question, k)
            ranks["hybride"].append(self._rank(question, [(hit.text, hit.document_id) for hit in hits]))
        return ranks

    def answers(self, questions: list[Question]) -> dict[str, float | int]:
        refused_correctly = answered = first_gold = cited_ok = cited_total = unanswerable = answerable = 0
        latencies = []
        failures = []
        for question in questions:
            started = time.perf_counter()
            answer = self.service.ask(question.question)
            latencies.append((time.perf_counter() - started) * 1000)
            if not question.answerable:
                unanswerable += 1
                refused_correctly += not answer.grounded
                if answer.grounded:
                    failures.append(f"niet geweigerd: {question.question}")
                continue
            answerable += 1
            if not answer.grounded:
                failures.append(f"geweigerd: {question.question}")
                continue
            answered += 1
            ok = [self.relevant(question, c.text, c.document_id) for c in answer.citations]
            cited_ok += sum(ok)
            cited_total += len(ok)
            first_gold += bool(ok and ok[0])
            if not (ok and ok[0]):
                failures.append(f"eerste bron niet relevant: {question.question}")
        latencies.sort()
        return {
            "answerable": answerable,
            "answered": answered / answerable if answerable else float("nan"),
            "first_citation_relevant": first_gold / answerable if answerable else float("nan"),
            "citation_precision": cited_ok / cited_total if cited_total else float("nan"),
            "unanswerable": unanswerable,
            "refusal_accuracy": refused_correctly / unanswerable if unanswerable else float("nan"),
            "latency_p50_ms": statistics.median(latencies) if latencies else 0.0,
            "latency_p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0,
            "failures": failures,
        }


def summarise(ranks: list[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    summary = {f"hit@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    summary["mrr"] = sum(1 / r for r in ranks if r is not None) / n
    return summary
