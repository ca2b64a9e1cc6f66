"""Word (.docx) via python-docx: heading styles become "# " lines, lists "• ", tables rows.

The zip container is inspected before python-docx opens it, so a zip bomb is refused
without being unpacked.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest import messages
from ingest.errors import DocumentTooLarge, UnreadableDocument
from ingest.loaders.base import Extracted

MAX_UNCOMPRESSED_BYTES = 200_000_000
MAX_COMPRESSION_RATIO = 200
_RATIO_CHECK_MIN_BYTES = 10_000_000
MAX_ENTRIES = 10_000

_HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLES = {"title", "titel"}
_LIST_STYLE = re.compile(r"list|lijst|opsomming", re.IGNORECASE)
_NUMBERED_STYLE = re.compile(r"number|nummer", re.IGNORECASE)


def load_docx(data: bytes, name: str) -> Extracted:
    """Text of the body in document order; the Title style (or None) as title."""
    check_zip_container(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception as exc:  # python-docx/lxml/zipfile raise many types for damaged files
        raise UnreadableDocument(messages.corrupt(name, "Word (.docx)")) from exc
    lines: list[str] = []
    title: str | None = None
    number = 0
    for block in blocks:
        if isinstance(block, Table):
            lines.extend(_table_rows(block))
            lines.append("")
            continue
        line, kind = _paragraph_line(block, number)
        number = number + 1 if kind == "numbered" else 0
        if kind == "title" and title is None:
            title = line[2:]
        if line:
            lines.extend([line] if kind in ("bullet", "numbered") else ["", line, ""])
    return Extracted(pages=["\n".join(lines)], title=title)


def check_zip_container(data: bytes, name: str) -> None:
    """Refuse zip bombs by the declared sizes in the central directory; refuse non-zips."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableDocument(messages.corrupt(name, "Word (.docx)")) from exc
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED_BYTES:
        raise DocumentTooLarge(messages.zip_bomb(name))
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise DocumentTooLarge(messages.zip_bomb(name))


def _paragraph_line(paragraph: Paragraph, number: int) -> tuple[str, str]:
    text = paragraph.text.strip()
    if not text:
        return "", "empty"
    style = _style_name(paragraph)
    if style.lower() in _TITLE_STYLES:
        return f"# {_one_line(text)}", "title"
    if match := _HEADING_STYLE.match(style):
        return f"{'#' * min(int(match.group(1)), 6)} {_one_line(text)}", "heading"
    if _LIST_STYLE.search(style) or _has_numbering(paragraph):
        if _NUMBERED_STYLE.search(style):
            return f"{number + 1}. {text}", "numbered"
        return f"• {text}", "bullet"
    return text, "paragraph"


def _style_name(paragraph: Paragraph) -> str:
    try:
        return (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, AttributeError, ValueError):
        return ""


def _has_numbering(paragraph: Paragraph) -> bool:
    properties = paragraph._p.pPr  # python-docx exposes numbering only at the XML level
    return properties is not None and properties.numPr is not None


def _table_rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _one_line(cell.text)
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _one_line(text: str) -> str:
    return " ".join(text.split())
