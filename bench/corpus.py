"""Corpora for the bench: the regeerakkoord as Markdown, and generated documents of any size.

Generated documents vary real text rather than duplicating it: each paragraph recombines the
sentences of one or two real passages (regeerakkoord sections, policyqa answers) in a new
order, numbers get new values, place and organisation names are swapped, and titles and
section headings are composed from real titles. Verbatim copies would flatter both the
query-embedding cache and BM25 (every term's document frequency multiplied evenly).

>>> generator = DocumentGenerator.from_shared(seed=3)   # doctest: +SKIP
>>> name, markdown = next(generator.documents())       # doctest: +SKIP
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluation import materialise_corpus
from bench.data import REPO, policyqa_corpus, read_jsonl, regeerakkoord_corpus

GENERATOR_VERSION = 2  # bump when the generated text changes: cached scale corpora are rebuilt

PLACES = (
    "Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen", "Gent", "Brugge",
    "Leuven", "Hasselt", "Mechelen", "Kortrijk", "Aalst", "Genk", "Sint-Niklaas", "Turnhout", "Roeselare",
    "Oostende", "Geel", "Lier", "Tongeren", "Ieper", "Dendermonde", "Tienen", "Vilvoorde",
)
ORGANISATIONS = (
    "VVP", "VVSG", "Vlaamse Regering", "provincieraad", "deputatie", "Belastingdienst", "gemeenteraad",
    "Vlaams Parlement", "rijksoverheid", "DUO", "UWV", "SVB", "RDW", "De Lijn", "VDAB",
)
COMMISSIONS = (
    "Commissie Binnenlands Bestuur", "Commissie Ruimtelijke Ordening", "Commissie Mobiliteit",
    "Commissie Economie", "Commissie Onderwijs", "Commissie Welzijn", "Commissie Leefmilieu",
    "Commissie Financiën", "Commissie Cultuur", "Commissie Landbouw",
)
KINDS = (("verslag", "Verslag"), ("commissie", "Nota"), ("decreet", "Ontwerp van decreet"), ("andere", "Toelichting"))
SECTION_WORDS = ("Toelichting", "Bespreking", "Standpunt", "Voorstel", "Besluit", "Context", "Vervolg", "Advies")

_NAMES = re.compile(r"\b(" + "|".join(re.escape(name) for name in sorted(PLACES + ORGANISATIONS, key=len, reverse=True)) + r")\b")
_NUMBER = re.compile(r"\d+")
# Policyqa text is lower-cased, so sentence ends cannot wait for a capital (as ingest's splitter does).
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
MAX_SENTENCE = 400


def sentences_of(text: str) -> list[str]:
    """Sentence-like pieces of `text` of at most about MAX_SENTENCE characters."""
    pieces = []
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        while len(sentence) > MAX_SENTENCE:  # flattened tables and lists: cut at a comma or a space
            cut = max(sentence.rfind(", ", 0, MAX_SENTENCE), sentence.rfind(" ", 0, MAX_SENTENCE // 2))
            cut = cut if cut > 0 else MAX_SENTENCE
            pieces.append(sentence[: cut + 1].strip())
            sentence = sentence[cut + 1 :].strip()
        if sentence:
            pieces.append(sentence)
    return pieces


def sentence_key(sentence: str) -> str:
    """A sentence with its numbers and names blanked: variants of one real sentence share it."""
    return _NUMBER.sub("0", _NAMES.sub("@", " ".join(sentence.split())))


@dataclass(frozen=True)
class Passage:
    title: str
    sentences: tuple[str, ...]


def materialise_regeerakkoord(target: Path) -> Path | None:
    """The regeerakkoord sections as Markdown files (one per section), or None when absent."""
    corpus = regeerakkoord_corpus()
    if not corpus.exists():
        return None
    return materialise_corpus(corpus, target, default_title="Regeerakkoord Vlaanderen 2019-2024")


def shared_passages() -> list[Passage]:
    """Real passages, split into sentences: regeerakkoord sections and policyqa answers.

    The policyqa dataset lower-cased its text; its sentences get their capital back, as in the
    documents the VVP will load (the sentence splitter, and so the answer's evidence units,
    depend on it: without capitals a whole passage is one "sentence").
    """
    passages = []
    for path, default_title in ((regeerakkoord_corpus(), "Regeerakkoord"), (policyqa_corpus(), "")):
        for row in read_jsonl(path):
            sentences = tuple(s[:1].upper() + s[1:] for s in sentences_of(row.get("text", "")) if len(s) > 20)
            if sentences:
                passages.append(Passage((row.get("title") or default_title).strip(), sentences))
    if not passages:  # no shared data: the bundled VVP texts still let the bench run (less varied)
        for path in sorted((REPO / "knowledge" / "documents").glob("*.md")):
            body = path.read_text(encoding="utf-8").split("---")[-1]
            sentences = tuple(s for s in sentences_of(body.replace("#", " ")) if len(s) > 20)
            if sentences:
                passages.append(Passage(path.stem.replace("-", " "), sentences))
    return passages


class DocumentGenerator:
    """Endless Markdown documents recombined from real passages (deterministic for a seed)."""

    def __init__(self, passages: list[Passage], seed: int = 0):
        if not passages:
            raise ValueError("DocumentGenerator needs real passages (is the shared data present?)")
        self._passages = passages
        self._titles = [p.title.split(" - ")[-1].split(" — ")[-1] for p in passages if p.title]
        self._titles = self._titles or ["Provinciaal beleid"]
        self._rng = random.Random(seed)

    @classmethod
    def from_shared(cls, seed: int = 0) -> "DocumentGenerator":
        return cls(shared_passages(), seed)

    def documents(self, prefix: str = "gen") -> Iterator[tuple[str, str]]:
        """(file name, Markdown text) pairs, about 4–9 chunks of 1,000 characters each."""
        number = 0
        while True:
            number += 1
            yield f"{prefix}-{number:06d}.md", self._document()

    def _document(self) -> str:
        rng = self._rng
        doc_type, label = rng.choice(KINDS)
        year = rng.randint(2019, 2034)
        subject = rng.choice(self._titles)
        title = f"{label} {rng.choice(COMMISSIONS)} {rng.randint(1, 28)}/{year}: {subject}"
        parts = [f"---\ntitle: \"{title.replace(chr(34), '')}\"\ntype: {doc_type}\n---\n"]
        for _ in range(rng.randint(2, 4)):
            topic = rng.choice(self._passages)
            other = rng.choice(self._passages)
            heading = topic.title.split(" - ")[-1] if topic.title and rng.random() < 0.6 else rng.choice(SECTION_WORDS)
            parts.append(f"## {heading} ({rng.choice(PLACES)})\n")
            for _ in range(rng.randint(2, 5)):
                parts.append(self._paragraph(topic, other) + "\n")
        return "\n".join(parts)

    def _paragraph(self, topic: Passage, other: Passage) -> str:
        rng = self._rng
        count = min(len(topic.sentences), rng.randint(2, 6))
        sentences = rng.sample(topic.sentences, count)
        if rng.random() < 0.5:
            sentences.insert(rng.randint(0, len(sentences)), rng.choice(other.sentences))
        return " ".join(self._vary(sentence) for sentence in sentences)

    def _vary(self, sentence: str) -> str:
        rng = self._rng

        def number(match: re.Match[str]) -> str:
            digits = match.group(0)
            if len(digits) == 4 and digits[:2] in ("19", "20"):
                return str(rng.randint(2000, 2035))
            return str(rng.randint(10 ** (len(digits) - 1) if len(digits) > 1 else 0, 10 ** len(digits) - 1))

        def name(match: re.Match[str]) -> str:
            pool = PLACES if match.group(0) in PLACES else ORGANISATIONS
            return rng.choice(pool)

        return _NAMES.sub(name, _NUMBER.sub(number, sentence))


def write_documents(target: Path, count: int, seed: int, prefix: str = "gen") -> list[Path]:
    """Write `count` generated Markdown documents to `target` (kept when already identical)."""
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    generator = DocumentGenerator.from_shared(seed)
    for (name, text), _ in zip(generator.documents(prefix), range(count)):
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
