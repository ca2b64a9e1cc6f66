"""A sentence splitter for Dutch administrative text.

`split_sentences` keeps list items, headings and table rows as units of their own and never
splits after common Dutch abbreviations ("art.", "o.a.", "m.b.t.", "dhr."), initials
("J. Peeters") or a leading number label ("5. Het bestuur", "Artikel 5. De raad").

>>> split_sentences("Zie art. 5 en o.a. blz. 3. De raad beslist. Dhr. Peeters stemt tegen!")
['Zie art. 5 en o.a. blz. 3.', 'De raad beslist.', 'Dhr. Peeters stemt tegen!']
"""

from __future__ import annotations

import re

from ingest import patterns
from ingest.wordlists import ABBREVIATIONS, END_CAPABLE, REFERENCE_WORDS

_BOUNDARY = re.compile(r"([.!?…]+)([’'\"”)\]]*)(\s+)(?=\S)")
_SENTENCE_START = re.compile(r"[A-ZÀ-ÞĀ-Ž0-9‘'\"“(\[•§¿¡]")
_TERMINATED = re.compile(r"[.!?…:;][’'\"”)\]]*$")
_INITIALS = re.compile(r"^(?:[A-ZÀ-Þ]\.)*[A-ZÀ-Þ]$")
_NUMBER = re.compile(r"^\d{1,3}$")


def split_sentences(text: str) -> list[str]:
    """Split `text` into sentences; list items, headings and table rows stay separate units.

    Soft-wrapped lines of one paragraph are joined first; a list item with several
    sentences is split after its first sentence, which keeps the item marker.
    """
    sentences: list[str] = []
    for unit in logical_units(text):
        sentences.extend(_split_unit(unit))
    return sentences


def logical_units(text: str) -> list[str]:
    """Paragraphs, list items, headings and table rows, with wrapped lines re-joined."""
    units: list[str] = []
    can_continue = False
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            can_continue = False
            continue
        standalone = patterns.is_list_item(line) or patterns.heading(line) or " | " in line
        # A list item only continues on a lower-case line; a paragraph on any line.
        continues_item = line[0].islower() or not patterns.is_list_item(units[-1]) if units else False
        if units and can_continue and not standalone and continues_item:
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
        can_continue = not _TERMINATED.search(units[-1]) and " | " not in line and not patterns.heading(line)
    return units


def _split_unit(unit: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(unit):
        end = match.end(2)
        if _is_boundary(unit, start, match):
            sentences.append(unit[start:end].strip())
            start = match.end()
    tail = unit[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_boundary(unit: str, start: int, match: re.Match[str]) -> bool:
    following = unit[match.end():match.end() + 1]
    if not _SENTENCE_START.match(following):
        return False
    if match.group(1) != ".":
        return True  # "!", "?", "…" and "..." end a sentence before a capital
    words = unit[start:match.start(1)].split()
    if not words:
        return False
    word = words[-1].lstrip("(‘'\"“[").lower()
    if word in END_CAPABLE:
        return True
    if word in ABBREVIATIONS or _INITIALS.match(words[-1].lstrip("(‘'\"“[")):
        return False
    if "." in word and len(word) <= 6 and all(len(part) <= 2 for part in word.split(".")):
        return False  # unknown dotted abbreviation such as "t.e.m"
    if _NUMBER.match(word):
        return not _is_number_label(words)
    return True


def _is_number_label(words: list[str]) -> bool:
    """"5." opening a unit, or "Artikel 5." opening it: a label, not a sentence end."""
    if len(words) == 1:
        return True
    return len(words) == 2 and words[0].rstrip(".").lower() in REFERENCE_WORDS
