"""The "Ontwerpantwoord" for staff: an answer as Markdown with footnotes, and as a Word file.

The answer's [n] markers become footnotes numbered in the order of the sources list, so the
text and the "Bronnen" list always agree, also when an answerer skipped a number.

>>> answer = {"answer": "De VVP behartigt belangen. [1]", "citations": [
...     {"n": 1, "title": "Missie", "section": "Opdrachten", "page": 2, "source": "missie.pdf"}]}
>>> print(draft_markdown(answer, "Wat doet de VVP?"))
**Vraag:** Wat doet de VVP?
<BLANKLINE>
De VVP behartigt belangen. [^1]
<BLANKLINE>
[^1]: Missie, Opdrachten, p. 2 (bron: missie.pdf)
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.models import display_source
from ui import labels

_MARKER = re.compile(r"\[(\d+)\]")
_DRAFT_DIR = "vvp-drafts"
_KEEP_SECONDS = 3600
_TITLE_QUESTION_CHARS = 120
_PROPERTY_CHARS = 255  # the limit of a Word document property

Citation = Mapping[str, object]


def footnote_numbers(citations: Sequence[Citation]) -> dict[int, int]:
    """Citation number → footnote number (1, 2, … in the order of the sources list)."""
    ordered = sorted(citations, key=lambda c: int(c.get("n") or 0))
    return {int(c.get("n") or 0): position for position, c in enumerate(ordered, 1)}


def footnote_text(citation: Citation) -> str:
    """'Title, Section, p. 3 (bron: file.pdf)' — what the reader needs to find the passage."""
    parts = [str(part) for part in (citation.get("title"), citation.get("section")) if part]
    if citation.get("page"):
        parts.append(labels.PAGE.format(page=citation["page"]))
    text = ", ".join(parts)
    source = _readable_source(str(citation.get("source") or ""))
    return f"{text} ({labels.DRAFT_SOURCE_LABEL}: {source})" if source else text


def draft_markdown(answer: Mapping[str, object], question: str = "") -> str:
    """The answer as Markdown with [^n] footnotes and their definitions at the end."""
    citations = _sorted(answer.get("citations") or [])
    numbers = footnote_numbers(citations)
    body = _MARKER.sub(lambda m: f"[^{numbers[int(m.group(1))]}]" if int(m.group(1)) in numbers else m.group(0),
                       str(answer.get("answer") or "").strip())
    blocks = [f"**{labels.DRAFT_QUESTION}:** {question.strip()}"] if question.strip() else []
    blocks.append(body)
    if answer.get("notice"):
        blocks.append(f"> **{labels.DRAFT_NOTICE}:** {answer['notice']}")
    if citations:
        blocks.append("\n".join(f"[^{numbers[int(c.get('n') or 0)]}]: {footnote_text(c)}" for c in citations))
    return "\n\n".join(blocks)


def draft_docx(answer: Mapping[str, object], question: str, target: Path) -> Path:
    """Write the answer as a Word file: question, text with superscript numbers, numbered sources."""
    from docx import Document

    citations = _sorted(answer.get("citations") or [])
    numbers = footnote_numbers(citations)
    document = Document()
    _set_properties(document.core_properties, question)
    document.add_heading(labels.DRAFT_HEADING, level=1)
    if question.strip():
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{labels.DRAFT_QUESTION}: ").bold = True
        paragraph.add_run(question.strip())
    for line in str(answer.get("answer") or "").strip().splitlines():
        if not line.strip():
            continue
        is_item = line.lstrip().startswith("- ")
        paragraph = document.add_paragraph(style="List Bullet" if is_item else None)
        _add_text_with_markers(paragraph, line.lstrip()[2:] if is_item else line, numbers)
    if answer.get("notice"):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{labels.DRAFT_NOTICE}: ").bold = True
        paragraph.add_run(str(answer["notice"])).italic = True
    if citations:
        document.add_heading(labels.DRAFT_SOURCES, level=2)
        for citation in citations:
            document.add_paragraph(footnote_text(citation), style="List Number")
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    return target


def draft_title(question: str) -> str:
    """'Ontwerpantwoord: <question>' (shortened), or just the heading without a question."""
    question = _shorten(question, _TITLE_QUESTION_CHARS)
    return f"{labels.DRAFT_HEADING}: {question}" if question else labels.DRAFT_HEADING


def _set_properties(properties, question: str) -> None:
    """Author, title and dates of this draft, not python-docx's template (author "python-docx", 2013)."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    properties.author = properties.last_modified_by = labels.DRAFT_AUTHOR
    properties.title = draft_title(question)
    properties.subject = _shorten(question, _PROPERTY_CHARS)
    properties.comments = labels.DRAFT_COMMENTS
    properties.language = "nl-BE"
    properties.created = properties.modified = now
    properties.revision = 1


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def new_draft_path() -> Path:
    """A fresh temp file path for a download; drafts older than an hour are removed on the way."""
    root = Path(tempfile.gettempdir()) / _DRAFT_DIR
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - _KEEP_SECONDS
    for old in root.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except FileNotFoundError:  # removed by a concurrent request
            continue
    return root / uuid.uuid4().hex / labels.DRAFT_FILE_NAME


def _add_text_with_markers(paragraph, text: str, numbers: dict[int, int]) -> None:
    position = 0
    for match in _MARKER.finditer(text):
        cited = int(match.group(1))
        if cited not in numbers:
            continue
        paragraph.add_run(text[position:match.start()].rstrip() if match.start() > position else "")
        paragraph.add_run(str(numbers[cited])).font.superscript = True
        position = match.end()
    paragraph.add_run(text[position:])


def _readable_source(source: str) -> str:
    """A web address as is; an upload or a server path by its file name (also for answers stored
    before citations carried the readable source)."""
    return display_source(source)


def _sorted(citations: Sequence[Citation]) -> list[Citation]:
    return sorted(citations, key=lambda c: int(c.get("n") or 0))
