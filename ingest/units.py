"""Units: the quotable spans of a passage (sentences and list items, each list with its lead-in).

The evidence step scores units against a question and the extractive answer quotes them; the
knowledge base embeds each unit at ingest (`knowledge.unit_vectors`), so both must split a
passage the same way: this module is that one way.

>>> [unit.text for unit in locate_units("De VVP steunt op:\\n • commissies;\\n • een studiedienst.", 0)]
['De VVP steunt op:', 'commissies;', 'een studiedienst.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.sentences import split_sentences

LIST_ITEM = re.compile(r"^\s*(?:[-•*◦▪–]|\d+[.)]|[a-z][.)])\s+")


@dataclass
class Unit:
    """A quotable span of a passage: `passage[start:end] == text`."""

    hit_index: int
    text: str
    start: int
    end: int
    is_list_item: bool
    lead_in: int | None = None  # index (in the same passage's units) of the sentence introducing the list
    lexical: float = 0.0
    dense: float = 0.0
    similarity: float = 0.0  # the model's cosine of unit (with its lead-in or first item) and question
    score: float = 0.0


def _marker_kind(text: str) -> str:
    """"bullet", "number" or "letter": which level of an enumeration a list item's marker is."""
    marker = text.lstrip()[:1]
    if marker.isdigit():
        return "number"
    return "letter" if marker.isalpha() else "bullet"


def locate_units(passage: str, hit_index: int) -> list[Unit]:
    """Split a passage into units and find each one's exact span, so quotes stay literal.

    A unit ending in ":" introduces the list items after it (its `lead_in`); lists nest by
    marker kind, as in statutes: "1. ... voor zover dit:" introduces "a." to "d.", and the next
    "2." belongs to the list of the "1." again.
    """
    units: list[Unit] = []
    cursor = 0
    open_leads: list[tuple[str | None, int]] = []  # (marker kind of the items it introduces, unit index)
    for sentence in split_sentences(passage):
        sentence = sentence.strip()
        if not sentence:
            continue
        start = passage.find(sentence, cursor)
        if start < 0:  # the splitter normalised whitespace: match flexibly
            pattern = r"\s+".join(re.escape(part) for part in sentence.split())
            found = re.compile(pattern).search(passage, cursor)
            if not found:
                continue
            start, end = found.span()
        else:
            end = start + len(sentence)
        cursor = end
        previous = units[-1] if units else None
        if previous is not None and previous.is_list_item and "\n" not in passage[previous.end : start]:
            # A further sentence of the same list item: the item is quoted whole.
            previous.end, previous.text = end, passage[previous.start : end]
            if previous.text.rstrip().endswith(":"):
                open_leads.append((None, len(units) - 1))
            continue
        line_start = passage.rfind("\n", 0, start) + 1
        is_item = bool(LIST_ITEM.match(passage[line_start : end])) and passage[line_start:start].strip() in ("", "-", "•", "*")
        text = passage[start:end]
        lead_in = None
        if is_item:
            kind = _marker_kind(passage[line_start:end])
            marker = LIST_ITEM.match(text)
            if marker:  # quote the item without its bullet
                start += marker.end()
                text = passage[start:end]
            # The innermost open list of this marker kind (or a lead-in still waiting for its
            # first item) takes the item; lists opened inside it are closed ("2." after "a."-"d.").
            while open_leads and open_leads[-1][0] not in (None, kind):
                open_leads.pop()
            if open_leads:
                open_leads[-1] = (kind, open_leads[-1][1])
                lead_in = open_leads[-1][1]
        else:
            open_leads.clear()
        units.append(Unit(hit_index, text, start, end, is_item, lead_in=lead_in))
        if text.rstrip().endswith(":"):
            open_leads.append((None, len(units) - 1))
    return units


def partner(unit_index: int, units: list[Unit]) -> int | None:
    """The unit that completes the meaning of `units[unit_index]` (units of one passage): a list
    item's lead-in, or the first item after a lead-in ending in ":"; None for a plain sentence."""
    unit = units[unit_index]
    if unit.lead_in is not None:
        return unit.lead_in
    if unit.text.rstrip().endswith(":") and unit_index + 1 < len(units):
        return unit_index + 1
    return None
