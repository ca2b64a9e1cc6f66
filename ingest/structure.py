"""Turn cleaned lines into typed blocks: headings (with levels), paragraphs and list items.

Headings come from Markdown "#" lines (DOCX heading styles and HTML headings arrive in that
form), from Dutch patterns on their own line ("Hoofdstuk 3", "Artikel 5", "Art. 5bis", "§ 2",
"Vraag 3") and, conservatively, from short Title Case / ALL CAPS lines followed by text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingest import patterns
from ingest.cleaning import Line

BlockKind = Literal["heading", "paragraph", "list_item"]
_CHAPTER_LEVELS = {1, 2, 3, 4, 5}


@dataclass(frozen=True)
class Block:
    """A structural unit of a document.

    `level` is only meaningful for headings (1 = top). `gap_before` records a blank line in the
    source, so the chunker can keep tight lines (table rows, PDF lines) on separate lines.
    """

    kind: BlockKind
    text: str
    level: int = 0
    page: int | None = None
    gap_before: bool = True


def parse_blocks(lines: list[Line]) -> list[Block]:
    """Classify each logical line; "Artikel 5. Tekst" yields a heading and a paragraph."""
    blocks: list[Block] = []
    pending_label: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else None
        text = line.text
        if pending_label is not None and not patterns.heading(text) and not patterns.is_list_item(text):
            text, pending_label = f"{pending_label}: {text}", None
        elif pending_label is not None:
            blocks.append(Block("paragraph", pending_label, page=line.page, gap_before=True))
            pending_label = None
        match = patterns.heading(text)
        if _is_bare_chapter(text, match) and _is_heading_title(following):
            match = patterns.HeadingMatch(_with_title(match.label, following.text), match.level)
            index += 1
        if match:
            blocks.extend(_heading_blocks(match, line))
        elif answer := patterns.answer_label(text):
            label, rest = answer
            if rest:
                blocks.append(Block("paragraph", f"{label}: {rest}", page=line.page, gap_before=True))
            else:
                pending_label = label
        elif item := patterns.bullet_item(text):
            blocks.append(Block("list_item", item, page=line.page, gap_before=line.gap_before))
        elif _is_guessed_heading(line, blocks, following):
            blocks.append(Block("heading", text, patterns.GUESSED_HEADING_LEVEL, line.page))
        else:
            blocks.append(Block("paragraph", text, page=line.page, gap_before=line.gap_before))
        index += 1
    if pending_label is not None:
        blocks.append(Block("paragraph", pending_label, page=lines[-1].page))
    return blocks


def _heading_blocks(match: patterns.HeadingMatch, line: Line) -> list[Block]:
    blocks = [Block("heading", match.label, match.level, line.page)]
    if match.body:
        nested = patterns.dutch_heading(match.body) if match.body.startswith("§") else None
        if nested:  # "Art. 5. § 1. De raad…"
            blocks.extend(_heading_blocks(nested, line))
        else:
            blocks.append(Block("paragraph", match.body, page=line.page, gap_before=True))
    return blocks


def _is_bare_chapter(text: str, match: patterns.HeadingMatch | None) -> bool:
    """"Hoofdstuk I" or "Titel 2" alone on its line (not a Markdown heading)."""
    if match is None or match.body or match.level not in _CHAPTER_LEVELS:
        return False
    return patterns.markdown_heading(text) is None and len(match.label.split()) == 2


def _is_heading_title(following: Line | None) -> bool:
    """"Hoofdstuk I" on one line and its title ("Algemene bepalingen") on the next."""
    if following is None or patterns.heading(following.text) or patterns.is_list_item(following.text):
        return False
    text = following.text
    if " | " in text or patterns.answer_label(text):
        return False
    return len(text) <= 80 and text[0].isupper() and not patterns.SENTENCE_END.search(text)


def _with_title(label: str, title: str) -> str:
    return f"{label}. {title}"


def _is_guessed_heading(line: Line, blocks: list[Block], following: Line | None) -> bool:
    """Short Title Case / ALL CAPS line standing alone before running text."""
    if not patterns.looks_like_title(line.text) or following is None:
        return False
    if patterns.looks_like_title(following.text):
        return False
    if patterns.heading(following.text):
        return True  # a document or part title right above "Hoofdstuk 1"
    if not following.text[0].isupper() and not patterns.is_list_item(following.text):
        return False
    previous = blocks[-1] if blocks else None
    if previous is None or previous.kind == "heading":
        return True
    if previous.kind == "list_item" and not line.gap_before:
        return False
    ends_sentence = bool(patterns.SENTENCE_END.search(previous.text))
    return (line.gap_before or ends_sentence) and not previous.text.rstrip("’'\"”").endswith(":")
