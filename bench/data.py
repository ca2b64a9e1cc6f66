"""The bench's inputs: the shared corpora and question sets, and question variation.

Shared data lives outside the repository, in ``VVP_SHARED_DIR`` or ``<repo>/../shared``; a
missing file makes its part of the bench skip cleanly instead of failing.

>>> questions = bench_questions()                 # doctest: +SKIP
>>> varied = QuestionStream(questions, seed=1).take(200)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    env = os.environ.get("VVP_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


def regeerakkoord_corpus() -> Path:
    return shared_dir() / "bench" / "regeerakkoord-vlaanderen-2019-2024" / "corpus.jsonl"


def policyqa_corpus() -> Path:
    return shared_dir() / "bench" / "policyqa-rijksoverheid" / "corpus.jsonl"


def policyqa_questions() -> Path:
    return shared_dir() / "bench" / "policyqa-rijksoverheid" / "questions.jsonl"


def dev_questions() -> Path:
    return shared_dir() / "eval" / "vvp-dev-questions.jsonl"


def bench_cache_dir() -> Path:
    """Built scale corpora are kept here (git-ignored via data/)."""
    return Path(os.environ.get("VVP_BENCH_CACHE", REPO / "data" / "bench"))


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def bench_questions() -> list[str]:
    """Policyqa and VVP dev questions (base forms, no duplicates), in a fixed order."""
    rows = read_jsonl(dev_questions()) + read_jsonl(policyqa_questions())
    questions = [row["question"].strip() for row in rows if row.get("question", "").strip()]
    if not questions:  # no shared data at all: a handful of VVP questions keeps the bench running
        questions = [
            "Wat is de missie van de VVP?", "Welke dienst zet de vereniging op voor de aangesloten leden?",
            "Hoe werken de provincies samen?", "Wat doet de provinciegouverneur?",
        ]
    return list(dict.fromkeys(questions))


# Ways people phrase the same question; every request of a bench run gets its own text, so the
# query-embedding cache never flatters the figures (real traffic repeats more than this).
_FRAMES = (
    "{q}",
    "{q_lower}",
    "Graag wil ik weten: {q}",
    "Kunt u mij zeggen {q_lower}",
    "{q_plain}",
    "Vraag: {q}",
    "Weet je {q_lower}",
    "Ik vroeg me af, {q_lower}",
    "{q} Dank u.",
    "Even een vraag. {q}",
)


class QuestionStream:
    """Endless unique question texts: base questions in a shuffled order, each in a new frame."""

    def __init__(self, questions: list[str], seed: int = 0):
        if not questions:
            raise ValueError("QuestionStream needs at least one question")
        self._questions = list(questions)
        self._rng = random.Random(seed)
        self._rng.shuffle(self._questions)
        self._count = 0

    def next(self) -> str:
        base = self._questions[self._count % len(self._questions)]
        frame = _FRAMES[(self._count // len(self._questions)) % len(_FRAMES)]
        self._count += 1
        text = frame.format(q=base, q_lower=base[:1].lower() + base[1:], q_plain=base.rstrip("?").strip())
        if self._count > len(self._questions) * len(_FRAMES):  # beyond all frames: still unique
            text = f"{text} ({self._count})"
        return text

    def take(self, n: int) -> list[str]:
        return [self.next() for _ in range(n)]


class LongQuestionStream:
    """Endless unique questions of about `target` characters, each joined from real bench questions.

    Issue 10 times `/api/ask` on questions of ~235 characters, four times a typical bench
    question: a long question costs more to embed (e5 works per token) and finds more terms.
    Each text joins the next texts of a `QuestionStream` (its own phrasing each) until it is
    at least `target - slack` long; one that overshoots `target + slack` is cut at a word.

    >>> stream = LongQuestionStream(bench_questions(), seed=1)    # doctest: +SKIP
    >>> len(stream.next())                                       # doctest: +SKIP
    241
    """

    def __init__(self, questions: list[str], target: int = 235, slack: int = 30, seed: int = 0):
        if target <= 2 * slack:
            raise ValueError("LongQuestionStream needs a target longer than twice its slack")
        self._stream = QuestionStream(questions, seed=seed)
        self.target, self.slack = target, slack
        self._seen: set[str] = set()

    def next(self) -> str:
        while True:
            text = self._join()
            if text not in self._seen:
                self._seen.add(text)
                return text

    def _join(self) -> str:
        text = self._stream.next()
        while len(text) < self.target - self.slack:
            text = f"{text} {self._stream.next()}"
        if len(text) > self.target + self.slack:
            cut = text.rfind(" ", 0, self.target)
            text = text[: cut if cut > self.target - self.slack else self.target].rstrip(" ,.;:") + "?"
        return text

    def take(self, n: int) -> list[str]:
        return [self.next() for _ in range(n)]
