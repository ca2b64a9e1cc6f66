"""`vvp eval`: retrieval and answer quality on a question set, printed as one table.

Three question formats:
- `{question, answerable, expect_any}`: a passage is relevant when it contains one of the
  `expect_any` phrases (case-insensitive); unanswerable questions must be refused.
- `{question, relevant_passage_ids}` with a `corpus.jsonl` of `{id, title, text}` passages: a
  chunk is relevant when it comes from a gold passage.
- `{question, gold_passages}` (wetten-nl): a chunk is relevant when it shares a run of
  `GOLD_RUN` words (case-insensitive) with a gold passage.

"Leave its document out": every answerable question is asked once more with the documents that
hold its answer filtered out of the index, which makes it a real question whose answer is truly
absent; it must be refused. (The filter removes them from every ranking; term statistics still
count them, a negligible difference at corpus sizes of hundreds of documents.)

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
from knowledge.base import Filters, KnowledgeBase

KS = (1, 3, 5)
CHANNEL_SETS = {"bm25-woord": ("word",), "bm25-teken": ("char",), "dense": ("dense",), "bm25": ("word", "char")}


GOLD_RUN = 8
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


@dataclass
class Question:
    question: str
    answerable: bool
    expect_any: list[str] = field(default_factory=list)
    relevant_ids: list[str] = field(default_factory=list)
    split: str | None = None
    gold_texts: list[str] = field(default_factory=list)


def word_runs(text: str, size: int = GOLD_RUN) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive words, lower-cased (punctuation ignored)."""
    tokens = re.findall(r"\w+", text.lower())
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


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
                                  relevant, row.get("split"), list(row.get("gold_passages") or [])))
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


def eval_data_dir(base: Path, docs: list[Path], embedding: str) -> Path:
    """Where the evaluation knowledge base of `docs` lives: one per document set and embedding model."""
    model = re.sub(r"[^A-Za-z0-9]+", "-", embedding).strip("-")[-40:]
    return base / "eval" / f"{docs_key(docs)}-{model}"


class Evaluator:
    """Runs questions through retrieval (per channel set and fused) and through the service."""

    def __init__(self, kb: KnowledgeBase, retriever: Retriever, service: AssistantService):
        self.kb = kb
        self.retriever = retriever
        self.service = service
        self._passage_of = {record.document_id: record.source.removeprefix(CORPUS_SOURCE)
                            for record in kb.documents() if record.source.startswith(CORPUS_SOURCE)}
        self._runs: dict[int, set[tuple[str, ...]]] = {}

    def relevant(self, question: Question, text: str, document_id: str) -> bool:
        if question.relevant_ids:
            return self._passage_of.get(document_id) in question.relevant_ids
        if question.gold_texts:
            key = id(question)
            if key not in self._runs:
                self._runs[key] = set().union(*(word_runs(gold) for gold in question.gold_texts))
            return not self._runs[key].isdisjoint(word_runs(text))
        lowered = text.lower()
        return any(phrase.lower() in lowered for phrase in question.expect_any)

    def answer_documents(self, question: Question) -> set[str]:
        """The documents holding a passage relevant to `question` (what "leave its document out" removes)."""
        if question.relevant_ids:
            return {doc for doc, passage in self._passage_of.items() if passage in question.relevant_ids}
        if not hasattr(self, "_texts"):
            self._texts = {record.document_id: [chunk.text for chunk in self.kb.chunks_of(record.document_id)]
                           for record in self.kb.documents()}
        return {document_id for document_id, texts in self._texts.items()
                if any(self.relevant(question, text, document_id) for text in texts)}

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
                fused = fuse({c: channels[c] for c in subset}, weights=self.retriever.weights,
                             lexical_confidence=self.kb.lexical_coverage(question.question)) if len(subset) > 1 else [
                    (cid, score, {}) for cid, score in channels[subset[0]]]
                ids = [cid for cid, _, _ in fused[:k]]
                stored = {chunk.chunk_id: chunk for chunk in self.kb.get_chunks(ids)}
                ranked = [(stored[c].text, stored[c].metadata["document_id"]) for c in ids if c in stored]
                ranks[name].append(self._rank(question, ranked))
            hits = self.retriever.search(question.question, k)
            ranks["hybride"].append(self._rank(question, [(hit.text, hit.document_id) for hit in hits]))
        return ranks

    def outcomes(self, questions: list[Question], leave_out: bool = False) -> list[dict]:
        """One record per asked question: its confidence, whether it was answered, and whether a
        citation holds the answer. With `leave_out`, each answerable question is asked a second
        time without the documents that answer it (`answerable` is then False)."""
        everything = [record.document_id for record in self.kb.documents()]
        records = []
        # The threshold only decides whether an answer is given: every question is answered here,
        # and `answered` applies the configured threshold afterwards, so that `threshold_table`
        # sees the citations an answer would have at any other threshold too.
        configured, self.service.refusal_threshold = self.service.refusal_threshold, 0.0
        try:
            for question in questions:
                records += self._outcomes(question, leave_out, everything, configured)
        finally:
            self.service.refusal_threshold = configured
        return records

    def _outcomes(self, question: Question, leave_out: bool, everything: list[str], threshold: float) -> list[dict]:
        records = []
        asks = [(question.answerable, None)]
        if leave_out and question.answerable:
            absent = self.answer_documents(question)
            if absent:
                asks.append((False, Filters(document_id=tuple(d for d in everything if d not in absent))))
        for answerable, filters in asks:
            started = time.perf_counter()
            answer = self.service.ask(question.question, filters=filters)
            elapsed = (time.perf_counter() - started) * 1000
            cited = [self.relevant(question, c.text, c.document_id) for c in answer.citations]
            records.append({
                "question": question.question, "answerable": answerable, "left_out": filters is not None,
                "answered": answer.grounded and answer.confidence >= threshold, "confidence": answer.confidence,
                "cited": cited, "ms": elapsed,
            })
        return records

    def answers(self, questions: list[Question], leave_out: bool = False) -> dict:
        """Answer rate, citation quality and refusals (of unanswerable and left-out questions)."""
        records = self.outcomes(questions, leave_out)
        answerable = [r for r in records if r["answerable"]]
        unanswerable = [r for r in records if not r["answerable"]]
        answered = [r for r in answerable if r["answered"]]
        cited = [ok for r in answered for ok in r["cited"]]
        latencies = sorted(r["ms"] for r in records)
        failures = [f"geweigerd: {r['question']}" for r in answerable if not r["answered"]]
        failures += [f"eerste bron niet relevant: {r['question']}" for r in answered if not r["cited"][:1] == [True]]
        failures += [f"niet geweigerd{' (document weggelaten)' if r['left_out'] else ''}: {r['question']}"
                     for r in unanswerable if r["answered"]]
        return {
            "answerable": len(answerable),
            "answered": _share(answered, answerable),
            "answered_with_gold_citation": _share([r for r in answered if any(r["cited"])], answerable),
            # An answer whose citations all miss the passage that holds it: worse than a refusal.
            "answered_without_gold_citation": _share([r for r in answered if not any(r["cited"])], answerable),
            "first_citation_relevant": _share([r for r in answered if r["cited"][:1] == [True]], answerable),
            "citation_precision": sum(cited) / len(cited) if cited else float("nan"),
            "unanswerable": len(unanswerable),
            "refusal_accuracy": _share([r for r in unanswerable if not r["answered"]], unanswerable),
            "latency_p50_ms": statistics.median(latencies) if latencies else 0.0,
            "latency_p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0,
            "thresholds": threshold_table(records),
            "failures": failures,
        }


def _share(part: list, whole: list) -> float:
    return len(part) / len(whole) if whole else float("nan")


def threshold_table(records: list[dict]) -> list[dict]:
    """Per refusal threshold: the share of answerable questions that would be answered with a
    citation holding the answer, and the share of unanswerable ones that would be refused."""
    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]
    rows = []
    for threshold in THRESHOLDS:
        rows.append({
            "threshold": threshold,
            "answered_with_gold_citation": _share(
                [r for r in answerable if r["confidence"] >= threshold and any(r["cited"])], answerable),
            "refused": _share([r for r in unanswerable if r["confidence"] < threshold], unanswerable),
        })
    return rows


def summarise(ranks: list[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    summary = {f"hit@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    summary["mrr"] = sum(1 / r for r in ranks if r is not None) / n
    return summary
