"""`vvp eval`'s report: builds the evaluation knowledge base, runs `Evaluator`, prints the tables.

Every run says what its questions are for: `rooktest` (the VVP dev questions: examples, not
targets), `afstemming` (a train split: what the evidence model and thresholds were fitted on)
or `test` (a held-back split: the figures the README reports).
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from assistant.container import Container
from assistant.evaluation import Evaluator, eval_data_dir, materialise_corpus, read_questions, summarise
from assistant.settings import Settings

ROLES = {
    "rooktest": "rooktest — voorbeeldvragen, geen doel om op af te stemmen",
    "afstemming": "afstemmingsset — hierop zijn het bewijsmodel en de drempel gefit",
    "test": "testsplit — niet gebruikt bij het afstemmen; deze cijfers staan in de README",
}


def eval_sources(data_dir: Path, docs: list[Path]) -> list[Path]:
    """Folders and files as given; a `corpus.jsonl` is written out as Markdown documents first."""
    sources = []
    for path in docs:
        if path.suffix == ".jsonl":
            name = path.parent.name or "corpus"
            sources.append(materialise_corpus(path, data_dir / "corpora" / name, default_title=name))
        else:
            sources.append(path)
    return sources


def evaluation_container(docs: list[Path], console: Console) -> Container:
    settings = Settings()
    if not docs:
        return Container(settings)
    settings = settings.model_copy(update={"data_dir": eval_data_dir(settings.data_dir, docs, settings.embedding)})
    container = Container(settings)
    report = container.kb.ingest(eval_sources(settings.data_dir, docs))
    console.print(f"Kennisbank voor evaluatie: {container.kb.stats()['chunks']} fragmenten, model "
                  f"{container.embedder.model_id} ({report.count('added')} nieuw ingelezen in {report.seconds:.1f} s)")
    return container


def run(questions: Path, docs: list[Path], split: str | None, role: str, leave_out: bool, retrieval_only: bool,
        output: Path | None, console: Console) -> dict:
    items = read_questions(questions, split)
    if not docs and any(q.relevant_ids for q in items) and (questions.parent / "corpus.jsonl").exists():
        docs = [questions.parent / "corpus.jsonl"]
    label = f"{questions.parent.name}/{questions.name}" + (f" · split {split}" if split else "")
    console.rule(f"{label} · {ROLES.get(role, role)}")
    container = evaluation_container(docs, console)
    evaluator = Evaluator(container.kb, container.retriever, container.service)
    results: dict = {"questions": str(questions), "split": split, "role": role,
                     "embedding": container.embedder.model_id, "retrieval": {}}
    answerable = [q for q in items if q.answerable]
    table = Table(title=f"Retrieval ({len(answerable)} vragen)")
    for column in ("kanaal", "hit@1", "hit@3", "hit@5", "MRR"):
        table.add_column(column)
    for name, values in evaluator.retrieval_ranks(answerable).items():
        summary = summarise(values)
        results["retrieval"][name] = summary
        table.add_row(name, *(f"{summary[key]:.3f}" for key in ("hit@1", "hit@3", "hit@5", "mrr")))
    console.print(table)
    if not retrieval_only:
        answers = evaluator.answers(items, leave_out=leave_out)
        results["answers"] = answers
        print_answers(answers, container.settings.refusal_threshold, leave_out, console)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def print_answers(answers: dict, threshold: float, leave_out: bool, console: Console) -> None:
    refusals = "weggelaten document" if leave_out else "onbeantwoordbaar"
    console.print(
        f"Antwoorden: beantwoord {answers['answered']:.3f} · met een bron die het antwoord bevat "
        f"{answers['answered_with_gold_citation']:.3f} · zonder zo'n bron {answers['answered_without_gold_citation']:.3f}"
        f" · eerste bron relevant {answers['first_citation_relevant']:.3f}"
        f" · bronprecisie {answers['citation_precision']:.3f} · geweigerd ({refusals}, {answers['unanswerable']} vragen) "
        f"{answers['refusal_accuracy']:.3f} · latency p50 {answers['latency_p50_ms']:.1f} ms"
        f", p95 {answers['latency_p95_ms']:.1f} ms"
    )
    if answers["unanswerable"]:
        table = Table(title="Per drempel (VVP_REFUSAL_THRESHOLD; * = ingesteld)")
        for column in ("drempel", "beantwoord met juiste bron", "geweigerd zonder antwoord"):
            table.add_column(column)
        for row in answers["thresholds"]:
            mark = "*" if abs(row["threshold"] - threshold) < 1e-9 else ""
            table.add_row(f"{row['threshold']:.2f}{mark}", f"{row['answered_with_gold_citation']:.3f}",
                          f"{row['refused']:.3f}")
        console.print(table)
    for failure in answers["failures"][:12]:
        console.print(f"  - {failure}", markup=False)
