"""Remove PDF page furniture: running headers/footers and page-number lines.

A line counts as a running header or footer when, with digits normalised, it appears in the
top or bottom lines of at least 60 % of the pages (and on at least two pages). Lines that look
like Dutch headings ("Artikel 3") only count when they repeat exactly, so a page that starts
with "Artikel 4" is not mistaken for furniture.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from ingest import patterns

ZONE_LINES = 3
REPEAT_SHARE = 0.6
_DIGITS = re.compile(r"\d+")


def remove_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Return the pages without page-number lines and repeated header/footer lines."""
    pages = [_drop_page_numbers(lines) for lines in pages]
    if len(pages) < 2:
        return pages
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(line) for line in _zone(lines)})
    needed = max(2, math.ceil(REPEAT_SHARE * len(pages)))
    repeated = {key for key, count in counts.items() if count >= needed}
    return [_drop_repeated(lines, repeated) for lines in pages]


def _zone(lines: list[str]) -> list[str]:
    texts = [line for line in lines if line]
    return texts[:ZONE_LINES] + texts[-ZONE_LINES:]


def _key(line: str) -> str:
    if patterns.heading(line):
        return "exact:" + line
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def _zone_indices(lines: list[str]) -> set[int]:
    filled = [index for index, line in enumerate(lines) if line]
    return set(filled[:ZONE_LINES] + filled[-ZONE_LINES:])


def _drop_page_numbers(lines: list[str]) -> list[str]:
    zone = _zone_indices(lines)
    return [
        line for index, line in enumerate(lines)
        if index not in zone or not patterns.is_page_number(line)
    ]


def _drop_repeated(lines: list[str], repeated: set[str]) -> list[str]:
    zone = _zone_indices(lines)
    return [
        line for index, line in enumerate(lines) if index not in zone or _key(line) not in repeated
    ]
