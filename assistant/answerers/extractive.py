"""The extractive answerer: a short Dutch answer made only of quotes, each followed by [n].

It never writes text of its own: every sentence of the answer is a literal span of a cited
passage (a list keeps its introducing sentence), so it cannot state anything the documents
do not say.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.evidence import Unit
from assistant.models import Citation, Hit
from knowledge.analysis import word_tokens

MAX_UNITS = 3
MAX_LIST_ITEMS = 10
# A further unit joins the answer when it scores at least this share of the best one.
RELATIVE_CUTOFF = 0.8
# Units sharing more than this share of terms with a chosen one are redundant.
REDUNDANCY = 0.6


@dataclass
class Draft:
    """The composed answer text and its citations (numbered in order of first use)."""

    text: str
    citations: list[Citation]


def _overlap(a: str, b: str) -> float:
    terms_a, terms_b = set(word_tokens(a)), set(word_tokens(b))
    if not terms_a or not terms_b:
        return 0.0
    return len(terms_a & terms_b) / min(len(terms_a), len(terms_b))


def select_units(units: list[Unit], passages: list[list[Unit]], enumeration: bool = False) -> list[Unit]:
    """The best unit with what it needs to read well, plus up to two more non-redundant units.

    A unit ending in ":" brings what it introduces (the next sentence, or its list); a list item
    brings its lead-in. `enumeration` (the question asks for a list) keeps every item of a list.
    """
    if not units:
        return []
    best = units[0]
    chosen: list[Unit] = []

    def add(unit: Unit) -> None:
        if all(unit is not other for other in chosen):
            chosen.append(unit)

    for unit in _with_context(best, passages[best.hit_index], units, enumeration):
        add(unit)
    for unit in units[1:]:
        if len([u for u in chosen if not u.is_list_item]) >= MAX_UNITS or unit.score < RELATIVE_CUTOFF * best.score:
            break
        if unit.is_list_item or unit.text.rstrip().endswith(":"):
            continue  # lists are quoted with their lead-in, through the best unit only
        if any(_overlap(unit.text, other.text) > REDUNDANCY for other in chosen):
            continue
        add(unit)
    return chosen


def _with_context(best: Unit, passage_units: list[Unit], ranked: list[Unit], enumeration: bool) -> list[Unit]:
    """`best` plus the lead-in it belongs to or the text it introduces, in reading order."""
    index = next(i for i, unit in enumerate(passage_units) if unit is best)
    if best.is_list_item and best.lead_in is not None:
        lead = best.lead_in
    elif best.text.rstrip().endswith(":"):
        lead = index
    else:
        return [best]
    following = passage_units[lead + 1 :]
    items = [unit for unit in following if unit.is_list_item and unit.lead_in == lead]
    if not items:
        # "... als volgt omschreven:" followed by a sentence (which may itself introduce a list)
        if not following:
            return [best]
        nxt = following[0]
        if nxt.text.rstrip().endswith(":") and nxt is not best:
            return [passage_units[lead], *_with_context(nxt, passage_units, ranked, enumeration=True)]
        return [passage_units[lead], nxt]
    if not enumeration and best.is_list_item:
        cutoff = RELATIVE_CUTOFF * best.score
        items = [unit for unit in items if unit is best or unit.score >= cutoff]
    return [passage_units[lead], *items[:MAX_LIST_ITEMS]]


ENUMERATION_OPENERS = ("welke", "wat zijn", "waaruit", "noem", "geef", "wie zijn", "which", "what are", "quels", "quelles")


def asks_for_enumeration(question: str) -> bool:
    """"Welke diensten ...?", "Waaruit bestaat ...?": the answer is a list."""
    lowered = question.lower().lstrip("¿¡ ")
    return lowered.startswith(ENUMERATION_OPENERS) and not lowered.startswith(("welke methodiek", "welk "))


def compose(chosen: list[Unit], hits: list[Hit]) -> Draft:
    """Quotes in reading order per passage, each followed by its [n]; list items as bullets."""
    numbers: dict[int, int] = {}
    spans: dict[int, list[Unit]] = {}
    for unit in chosen:
        numbers.setdefault(unit.hit_index, len(numbers) + 1)
        spans.setdefault(unit.hit_index, []).append(unit)
    text = ""
    previous: Unit | None = None
    for hit_index, units in spans.items():
        marker = f"[{numbers[hit_index]}]"
        for unit in sorted(units, key=lambda u: u.start):
            quote = unit.text.strip()
            line = f"- {quote.rstrip(';,')} {marker}" if unit.is_list_item else f"{quote} {marker}"
            breaks = unit.is_list_item or (previous is not None and previous.text.rstrip().endswith(":"))
            text = f"{text}{chr(10) if breaks else ' '}{line}" if text else line
            previous = unit
    citations = []
    for hit_index, number in numbers.items():
        hit = hits[hit_index]
        units = spans[hit_index]
        start, end = min(u.start for u in units), max(u.end for u in units)
        citations.append(Citation.from_hit(number, hit, hit.text[start:end].strip()))
    return Draft(text=text, citations=citations)


class ExtractiveAnswerer:
    """Answers with quotes of the best-scoring units (see `assistant.evidence`).

    >>> ExtractiveAnswerer().draft(units, passages, hits).text       # doctest: +SKIP
    'De VVP vormt het platform voor samenwerking, tussen de 5 Vlaamse provinciebesturen, ... [1]'
    """

    name = "extractive"

    def draft(self, question: str, units: list[Unit], passages: list[list[Unit]], hits: list[Hit]) -> Draft:
        return compose(select_units(units, passages, asks_for_enumeration(question)), hits)
