"""Clean raw page texts into logical lines: characters, page furniture, hyphenation, wrapping.

Input is what a loader extracted (one string per page); output is a flat list of `Line`s,
each one paragraph, heading or list item, with the page it starts on. Typical use:

    lines = clean_pages(extracted.pages, paged=extracted.paged)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest import patterns
from ingest.furniture import remove_page_furniture
from ingest.wordlists import COORDINATORS


@dataclass(frozen=True)
class Line:
    """One logical line; `gap_before` is True when a blank line preceded it in the source."""

    text: str
    page: int | None
    gap_before: bool = False


_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile("\r\n|[\r\f\v\u2028\u2029\x0b\x0c\x85]")
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_HYPHENATED_END = re.compile(r"(?<=[^\W\d_])-$|(?<=\d)-$")
_TABLE_CELL = " | "
_MIN_WRAP_WIDTH = 40


def normalize_characters(text: str) -> str:
    """NFC, no soft hyphens/zero-width characters/ligatures, plain spaces and "\\n" breaks."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _SOFT_HYPHEN_BREAK.sub("", text)
    text = _INVISIBLE.sub("", text).translate(_LIGATURES)
    text = _CONTROLS.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def clean_pages(pages: list[str], *, paged: bool) -> list[Line]:
    """Clean all pages and return logical lines (PDF page numbers are 1-based)."""
    page_lines = [normalize_characters(page).split("\n") for page in pages]
    if paged:
        page_lines = remove_page_furniture(page_lines)
    lines = _to_lines(page_lines, paged=paged)
    return join_wrapped_lines(lines)


def _to_lines(page_lines: list[list[str]], *, paged: bool) -> list[Line]:
    lines: list[Line] = []
    for index, texts in enumerate(page_lines):
        page = index + 1 if paged else None
        gap = not paged  # a page break is no paragraph break: text may run on
        for text in texts:
            if not text:
                gap = True
                continue
            lines.append(Line(patterns.bullet_item(text) or text, page, gap or not lines))
            gap = False
    return lines


def join_wrapped_lines(lines: list[Line]) -> list[Line]:
    """Re-join hard-wrapped lines and repair hyphenation at line ends.

    >>> [l.text for l in join_wrapped_lines([Line("de verschil-", 1), Line("lende leden", 1)])]
    ['de verschillende leden']
    """
    width = _wrap_width(lines)
    joined: list[Line] = []
    for line in lines:
        previous = joined[-1] if joined else None
        if previous is not None and not line.gap_before and _continues(previous.text, line.text, width):
            joined[-1] = Line(_glue(previous.text, line.text), previous.page, previous.gap_before)
        else:
            joined.append(line)
    return joined


def _wrap_width(lines: list[Line]) -> int:
    """Typical full line width: lines near it that end mid-sentence were wrapped."""
    lengths = sorted(len(line.text) for line in lines if not patterns.heading(line.text))
    if not lengths:
        return _MIN_WRAP_WIDTH
    typical = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) > 1 else 0]
    return max(_MIN_WRAP_WIDTH, int(typical * 0.7))


def _continues(previous: str, following: str, width: int) -> bool:
    """Does `following` continue the sentence of `previous` (same paragraph)?"""
    if patterns.heading(previous) or patterns.heading(following) or patterns.is_list_item(following):
        return False
    if _TABLE_CELL in previous or _TABLE_CELL in following or patterns.answer_label(following):
        return False
    if _HYPHENATED_END.search(previous):
        return True
    if patterns.SENTENCE_END.search(previous):
        return False
    first = following[0]
    if first.islower():
        return True
    return len(previous) >= width and not patterns.looks_like_title(following)


def _glue(previous: str, following: str) -> str:
    """Join two lines, repairing a hyphen at the end of the first one."""
    if not _HYPHENATED_END.search(previous):
        return f"{previous} {following}"
    next_word = following.split(" ", 1)[0].lower()
    if next_word in COORDINATORS:
        return f"{previous} {following}"  # "ervarings- en kennisuitwisseling"
    before_hyphen = previous[-2]
    if not following[0].islower() or before_hyphen.isupper() or before_hyphen.isdigit():
        return previous + following  # "Noord-Brabant", "VVP-werking", "2020-2025"
    return previous[:-1] + following  # "verschil-lende" → "verschillende"
