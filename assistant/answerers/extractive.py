"""The extractive answerer: a short Dutch answer made only of quotes, each cited with [n].

It never writes text of its own: every sentence of the answer is a literal span of a cited
passage, so it cannot state anything the documents do not say. How it reads:
- the unit that best answers the question comes first (for a yes/no question, the passage
  that settles it), then up to two more sentences that add to it;
- a list comes whole, with the sentence that introduces it ("De VVP-werking steunt op:"), and
  a sentence that announces something ("... als volgt omschreven:") comes with what it
  announces, or not at all;
- one [n] per sentence, and one per list (after its last item);
- a quotation mark that opens in a quoted sentence and closes in one that is not quoted is
  left out, so no quotation stays open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.evidence import Unit
from assistant.models import Citation, Hit
from knowledge.analysis import word_tokens

MAX_UNITS = 3
MAX_LIST_ITEMS = 12
# A further sentence joins the answer when it scores at least this share of the best one.
RELATIVE_CUTOFF = 0.8
# Sentences sharing more than this share of terms with a chosen one are redundant.
REDUNDANCY = 0.6
QUOTE_PAIRS = (("‘", "’"), ("“", "”"), ("«", "»"), ("„", "”"))
ELLIPSIS = " … "
# What may lie between two quoted parts of one passage for them to count as one stretch.
SKIPPABLE = re.compile(r"[\s\-•*◦▪–;,.‘’“”«»„\"'()]*(?:(?:\d+|[a-z])[.)]\s*)?")


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


def _announces(unit: Unit) -> bool:
    return unit.text.rstrip().endswith(":")


def _descendants(lead: int, passage_units: list[Unit]) -> list[Unit]:
    """The list items introduced by unit `lead`, nested lists included, in reading order."""
    members = {lead}
    found = []
    for index, unit in enumerate(passage_units):
        if index > lead and unit.is_list_item and unit.lead_in in members:
            members.add(index)
            found.append(unit)
    return found


def block_of(unit: Unit, passage_units: list[Unit]) -> list[Unit]:
    """`unit` with what it needs to read well: a list item with its lead-in and the whole list,
    an announcing sentence with what it announces. Empty when the announced content is not in
    the passage (the passage was cut after the announcement)."""
    index = next(i for i, other in enumerate(passage_units) if other is unit)
    if unit.is_list_item and unit.lead_in is not None:
        top = unit.lead_in
        while passage_units[top].is_list_item and passage_units[top].lead_in is not None:
            top = passage_units[top].lead_in
        return block_of(passage_units[top], passage_units)
    if not _announces(unit):
        return [unit]
    items = _descendants(index, passage_units)
    if items:
        return [unit, *items[:MAX_LIST_ITEMS]]
    following = passage_units[index + 1 : index + 2]
    if not following:
        return []
    rest = block_of(following[0], passage_units) if _announces(following[0]) else following
    return [unit, *rest] if rest else []


def select_units(units: list[Unit], passages: list[list[Unit]]) -> list[list[Unit]]:
    """Blocks to quote, best first: the best unit's block, then up to two more sentences that
    score close to it and do not repeat what is chosen."""
    blocks: list[list[Unit]] = []
    chosen: list[Unit] = []
    for unit in units:
        block = block_of(unit, passages[unit.hit_index])
        if block:
            blocks.append(block)
            chosen.extend(block)
            best = unit
            break
    else:
        return []
    sentences = 1
    for unit in units:
        if sentences >= MAX_UNITS or unit.score < RELATIVE_CUTOFF * best.score:
            break
        if unit.is_list_item or _announces(unit) or any(unit is other for other in chosen):
            continue  # lists come whole, through the best unit only
        if any(_overlap(unit.text, other.text) > REDUNDANCY for other in chosen):
            continue
        blocks.append([unit])
        chosen.append(unit)
        sentences += 1
    return blocks


def balance_quotes(text: str) -> str:
    """`text` without the quotation marks that open or close outside it.

    >>> balance_quotes("‘De vereniging streeft haar doel na.")
    'De vereniging streeft haar doel na.'
    >>> balance_quotes("Zij spreekt van ‘gebiedsgericht werken’.")
    'Zij spreekt van ‘gebiedsgericht werken’.'
    """
    for opening, closing in QUOTE_PAIRS:
        opens, closes = text.count(opening), text.count(closing)
        if opens > closes:
            text = _drop_first(text, opening, opens - closes)
        elif closes > opens and (opening != "„"):
            text = _drop_last(text, closing, closes - opens)
    if text.count('"') % 2:
        text = text.replace('"', "", 1) if text.lstrip().startswith('"') else text[::-1].replace('"', "", 1)[::-1]
    return text.strip()


def _drop_first(text: str, mark: str, times: int) -> str:
    for _ in range(times):
        text = text.replace(mark, "", 1)
    return text


def _drop_last(text: str, mark: str, times: int) -> str:
    for _ in range(times):
        at = text.rfind(mark)
        text = text[:at] + text[at + 1 :]
    return text


def compose(blocks: list[list[Unit]], hits: list[Hit]) -> Draft:
    """The quotes, best block first, each sentence and each list followed by its [n]."""
    numbers: dict[int, int] = {}
    for block in blocks:
        numbers.setdefault(block[0].hit_index, len(numbers) + 1)
    ordered = blocks[:1] + sorted(blocks[1:], key=lambda b: (numbers[b[0].hit_index], b[0].start))
    paragraphs: list[str] = []
    used: dict[int, list[str]] = {}
    for block in ordered:
        marker = f"[{numbers[block[0].hit_index]}]"
        quotes = [balance_quotes(unit.text) for unit in block]
        used.setdefault(block[0].hit_index, []).extend(quotes)
        items = [quote for unit, quote in zip(block, quotes) if unit.is_list_item and block.index(unit) > 0]
        if items:
            lines = [f"{quote}" for quote in quotes[: len(quotes) - len(items)]]
            lines += [f"- {item.rstrip(';,')}" for item in items]
            lines[-1] += f" {marker}"
            paragraphs.append("\n".join(lines))
        else:
            text = " ".join(quotes)
            if paragraphs and "\n" not in paragraphs[-1]:
                paragraphs[-1] += f" {text} {marker}"
            else:
                paragraphs.append(f"{text} {marker}")
    citations = [Citation.from_hit(number, hits[hit_index], _quote(used[hit_index], hits[hit_index].text))
                 for hit_index, number in numbers.items()]
    return Draft(text="\n\n".join(paragraphs), citations=citations)


def _quote(parts: list[str], passage: str) -> str:
    """What the answer quoted from `passage`, literally: the span from its first to its last
    part, with "…" only where other text lies between two parts (list bullets, white space
    and quotation marks do not count)."""
    located = sorted((passage.find(part), part) for part in dict.fromkeys(parts))
    quote, start_of_run, end = "", None, None
    for start, part in located:
        if start < 0:  # not literally in the passage (cannot happen for units): quote it as used
            quote = f"{quote}{ELLIPSIS if quote else ''}{part}"
            continue
        if start_of_run is not None and SKIPPABLE.fullmatch(passage[end:start]):
            end = max(end, start + len(part))
            continue
        if start_of_run is not None:
            quote = f"{quote}{ELLIPSIS if quote else ''}{passage[start_of_run:end]}"
        start_of_run, end = start, start + len(part)
    if start_of_run is not None:
        quote = f"{quote}{ELLIPSIS if quote else ''}{passage[start_of_run:end]}"
    return quote


class ExtractiveAnswerer:
    """Answers with quotes of the best-scoring units (see `assistant.evidence`).

    >>> ExtractiveAnswerer().draft(question, units, passages, hits).text       # doctest: +SKIP
    'De VVP vormt het platform voor samenwerking, tussen de 5 Vlaamse provinciebesturen, ... [1]'
    """

    name = "extractive"

    def draft(self, question: str, units: list[Unit], passages: list[list[Unit]], hits: list[Hit]) -> Draft:
        return compose(select_units(units, passages), hits)
