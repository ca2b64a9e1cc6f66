"""Calibrate the refusal threshold and the evidence weights (development tool, not a test).

Prints, per question, the support score the service compares with `VVP_REFUSAL_THRESHOLD`,
for the VVP dev questions (with the regeerakkoord distractors), extra hand-written questions
below, and the policyqa test split. Run `make eval` first so the evaluation knowledge bases
exist in the data dir.

    .venv/bin/python bench/answer_experiments.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from assistant.container import Container
from assistant.evaluation import docs_key, read_questions
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VVP_SHARED_DIR", ROOT.parent / "shared"))

# Questions the bundled documents do not answer, near the domain on purpose.
EXTRA_UNANSWERABLE = [
    "Wat is het telefoonnummer van de VVP?",
    "Wie is de voorzitter van de VVP?",
    "Hoeveel kost een lidmaatschap van de VVP?",
    "Wanneer werd de VVP opgericht?",
    "Wat is het budget van de provincie Antwerpen?",
    "Hoe vraag ik een bouwvergunning aan?",
    "Hoeveel inwoners heeft Gent?",
    "Wat verdient een gedeputeerde?",
    "Hoeveel werknemers heeft de VVP?",
    "What is the VVP's email address?",
    "Quel est le budget de la province de Liège?",
    "Wie is de gouverneur van West-Vlaanderen?",
]
# Paraphrased and other-language questions the documents do answer.
EXTRA_ANSWERABLE = [
    ("Wat is de basisopdracht van de VVP?", ["basisopdracht"]),
    ("Welke rol speelt de VVP op Europees niveau?", ["Cepli", "Europese"]),
    ("Que fait la VVP à Bruxelles ?", ["politiek Brussel"]),
    ("Who can use the VVP research service?", ["provinciemandatarissen"]),
    ("Geeft de VVP boeken en tijdschriften uit?", ["boeken"]),
    ("Met welke Nederlandse organisatie heeft de VVP contact?", ["Interprovinciaal Overleg"]),
    ("Wie zit er in de ambtelijke commissies?", ["personeelsleden"]),
]


def container_for(docs: list[Path]) -> Container:
    settings = Settings()
    return Container(settings.model_copy(update={"data_dir": settings.data_dir / "eval" / docs_key(docs)}))


def report(container: Container, rows: list[tuple[str, bool, list[str]]]) -> None:
    service = container.service
    for question, answerable, expect in rows:
        hits = container.retriever.search(question, service.top_k)
        units = service.scorer.score(question, hits)
        support = service.scorer.support(question, hits, units)
        best = units[0] if units else None
        good = any(p.lower() in (hits[0].text.lower() if hits else "") for p in expect) if answerable else None
        print(f"{'A' if answerable else 'U'} support={support:.3f} lex={best.lexical if best else 0:.2f} "
              f"dense={best.dense if best else 0:.2f} top-ok={good} {question}")


def main() -> None:
    dev = SHARED / "eval" / "vvp-dev-questions.jsonl"
    distractors = SHARED / "bench" / "regeerakkoord-vlaanderen-2019-2024" / "corpus.jsonl"
    if not dev.exists():
        sys.exit(f"{dev} not found: nothing to calibrate")
    vvp = container_for([ROOT / "knowledge" / "documents", distractors])
    rows = [(q.question, q.answerable, q.expect_any) for q in read_questions(dev)]
    rows += [(q, False, []) for q in EXTRA_UNANSWERABLE] + [(q, True, e) for q, e in EXTRA_ANSWERABLE]
    report(vvp, rows)
    policyqa = SHARED / "bench" / "policyqa-rijksoverheid"
    if (policyqa / "questions.jsonl").exists() and "--policyqa" in sys.argv:
        container = container_for([policyqa / "corpus.jsonl"])
        questions = read_questions(policyqa / "questions.jsonl", "test")
        supports = []
        for q in questions:
            hits = container.retriever.search(q.question, 5)
            units = container.service.scorer.score(q.question, hits)
            supports.append(container.service.scorer.support(q.question, hits, units))
        supports.sort()
        print("policyqa test support quantiles:", json.dumps([round(supports[int(p * (len(supports) - 1))], 3)
                                                              for p in (0, 0.02, 0.05, 0.1, 0.25, 0.5)]))


if __name__ == "__main__":
    main()
