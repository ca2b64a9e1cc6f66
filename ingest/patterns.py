"""Line patterns shared by cleaning and structure detection: bullets, Dutch headings, page numbers.

Kept in one place so the cleaner (which must not glue a heading to the next line) and the
structure parser (which turns lines into blocks) agree on what a heading or list item is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.wordlists import LOWERCASE_PARTICLES

BULLET = "•"

# Symbol bullets, including the private-use glyphs Word's Symbol font leaves in PDF text.
_SYMBOL_BULLET = re.compile(
    r"^\s*[•◦▪▫●○■□‣⁃∙·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]\s*(?=\S)(.*)$"
)
_DASH_BULLET = re.compile(r"^\s*[-*–+]\s+(?=\S)(.*)$")
_NUMBER_BULLET = re.compile(r"^\s*(\d{1,3})\s*([.)°])\s+(?=\S)(.*)$")
_LETTER_BULLET = re.compile(r"^\s*([a-z])([.)])\s+(?=\S)(.*)$")

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")

_NUMBER = (
    r"(?:\d+(?:[./]\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies)|[a-z])?"
    r"|(?-i:[IVXLC]+))(?!\w)"
)
_DUTCH_HEADING = re.compile(
    rf"^(?P<kw>Deel|Boek|Titel|Hoofdstuk|Onderafdeling|Afdeling|Artikel|Art\.|Vraag)"
    rf"\s*(?P<num>{_NUMBER})?(?P<rest>.*)$",
    re.IGNORECASE,
)
_PARAGRAPH_SIGN = re.compile(rf"^§\s*(?P<num>\d+[a-z]?)(?P<rest>.*)$")
_ANSWER = re.compile(r"^(?P<label>Antwoord(?:\s*\d+)?)\s*(?:[:.\-–—]\s*)?(?P<rest>.*)$")
_SEPARATOR = re.compile(r"^\s*[.:\-–—)]\s*")

# Hierarchy of Dutch legal/administrative divisions; Markdown levels 1-6 share the same scale.
HEADING_LEVELS = {
    "deel": 1, "boek": 1, "titel": 2, "hoofdstuk": 3, "afdeling": 4,
    "onderafdeling": 5, "artikel": 6, "art.": 6, "vraag": 6, "§": 7,
}
GUESSED_HEADING_LEVEL = 5
_CHAPTER_LIKE = {"deel", "boek", "titel", "hoofdstuk", "afdeling", "onderafdeling"}
_KEYWORD_DISPLAY = {"art.": "Artikel"}

_PAGE_NUMBER = re.compile(
    r"^(?:(?:pagina|page|pag\.|blz\.?|p\.)\s*)?\d{1,4}(?:\s*(?:van|/|of|de)\s*\d{1,4})?$"
    r"|^[-–—]\s*\d{1,4}\s*[-–—]$",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?…:;][’'\"”)\]]*$")


@dataclass(frozen=True)
class HeadingMatch:
    """A heading found on a line: `label` is the heading text, `body` any text after it."""

    label: str
    level: int
    body: str = ""


def bullet_item(line: str) -> str | None:
    """Return the list item in its normalised form ("• x", "3. x", "2° x", "a) x") or None.

    >>> bullet_item(" ◦ het uitgeven van boeken;")
    '• het uitgeven van boeken;'
    """
    if match := _SYMBOL_BULLET.match(line) or _DASH_BULLET.match(line):
        return f"{BULLET} {match.group(1).strip()}"
    if match := _NUMBER_BULLET.match(line):
        marker = "°" if match.group(2) == "°" else "."
        return f"{match.group(1)}{marker} {match.group(3).strip()}"
    if match := _LETTER_BULLET.match(line):
        return f"{match.group(1)}) {match.group(3).strip()}"
    return None


def is_list_item(line: str) -> bool:
    return bullet_item(line) is not None


def markdown_heading(line: str) -> HeadingMatch | None:
    if match := _MARKDOWN_HEADING.match(line.strip()):
        return HeadingMatch(match.group(2).strip(), len(match.group(1)))
    return None


def dutch_heading(line: str) -> HeadingMatch | None:
    """Recognise "Hoofdstuk 3. Bestuur", "Artikel 5", "Art. 5bis. Tekst…", "§ 2", "Vraag 3".

    "Artikel 5. De vereniging…" yields label "Artikel 5" with the rest as body;
    a short title-like rest ("Artikel 2 – Zetel") stays in the label.
    """
    text = line.strip()
    if match := _PARAGRAPH_SIGN.match(text):
        return _split_rest(f"§ {match.group('num')}", "§", match.group("rest"))
    match = _DUTCH_HEADING.match(text)
    if not match or not text[0].isupper():
        return None
    keyword = match.group("kw").lower()
    number = match.group("num")
    if number is None and keyword != "vraag":
        return None
    display = _KEYWORD_DISPLAY.get(keyword, keyword.capitalize())
    label = f"{display} {number.strip()}" if number else display
    return _split_rest(label, keyword, match.group("rest"))


def _split_rest(label: str, keyword: str, rest: str) -> HeadingMatch | None:
    level = HEADING_LEVELS[keyword]
    if not rest.strip():
        return HeadingMatch(label, level)
    separated = _SEPARATOR.match(rest)
    text = rest[separated.end():].strip() if separated else rest.strip()
    if not separated and not rest.startswith(" "):
        return None  # "Artikel 5a2x" or similar: not a heading
    if not text:
        return HeadingMatch(label, level)
    if not separated and not (text[0].isupper() or text[0] in "§"):
        return None  # "Artikel 5 van de statuten bepaalt…" is a sentence, not a heading
    if keyword == "vraag":
        return HeadingMatch(label, level, text)
    limit, max_words = (100, 12) if keyword in _CHAPTER_LIKE else (60, 6)
    title_like = (
        len(text) <= limit and len(text.split()) <= max_words
        and not SENTENCE_END.search(text) and text[0].isupper()
    )
    if title_like:
        return HeadingMatch(f"{label}. {text}" if separated else f"{label} {text}", level)
    if keyword in _CHAPTER_LIKE and len(text) <= limit and text.endswith(".") and text.count(".") == 1:
        return HeadingMatch(f"{label}. {text[:-1]}", level)
    return HeadingMatch(label, level, text)


def heading(line: str) -> HeadingMatch | None:
    """A Markdown or Dutch-pattern heading on this line, if any."""
    return markdown_heading(line) or dutch_heading(line)


def answer_label(line: str) -> tuple[str, str] | None:
    """Split "Antwoord 3: tekst" into ("Antwoord 3", "tekst"); None for other lines."""
    text = line.strip()
    if match := _ANSWER.match(text):
        rest = match.group("rest")
        if not rest or not rest[0].islower():
            return match.group("label"), rest
    return None


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip()))


def looks_like_title(line: str) -> bool:
    """Short Title Case or ALL CAPS line without closing punctuation (conservative)."""
    text = line.strip()
    words = text.split()
    if not words or len(words) > 8 or len(text) > 70 or SENTENCE_END.search(text):
        return False
    if "|" in text or text.endswith(",") or not text[0].isupper() or not any(c.isalpha() for c in text):
        return False
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        return True
    return all(
        word[0].isupper() or not word[0].isalpha() or word.lower() in LOWERCASE_PARTICLES
        for word in words
    )
