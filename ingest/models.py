"""Typed values that leave the ingest layer: a loaded `Document` and its `Chunk`s."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

DOC_TYPES = ("statuten", "missie", "commissie", "verslag", "decreet", "andere")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Between the levels of a section path ("Hoofdstuk 2 › Artikel 5") and between title and section.
SECTION_SEPARATOR = " › "


def source_label(title: str, section: str, page: int | None = None, page_label: str = "p. {page}") -> str:
    """Where a passage stands, as readers see it: 'Title › Section', with its page when known.

    >>> source_label("Statuten", "Artikel 5", 3), source_label("", "Artikel 5")
    ('Statuten › Artikel 5, p. 3', 'Artikel 5')
    """
    label = SECTION_SEPARATOR.join(part for part in (title, section) if part)
    return f"{label}, {page_label.format(page=page)}" if page else label


def contextual_text(title: str, section: str, text: str) -> str:
    """What the indices see: title and section path give a passage its context."""
    head = source_label(title, section)
    return f"{head}\n{text}" if head else text


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage.

    `text` is what users see; `indexed_text` (title and section path prefixed) is what the
    lexical and dense indices see, so a passage under "Artikel 5" is found by "artikel 5".
    `ocr` marks text recognised from a scanned page: staff should check it against the scan.
    """

    chunk_id: str
    document_id: str
    title: str
    section: str
    page: int | None
    doc_type: str
    source: str
    position: int
    text: str
    content_hash: str
    ocr: bool = False

    @property
    def indexed_text(self) -> str:
        return contextual_text(self.title, self.section, self.text)


@dataclass
class Document:
    """A loaded, cleaned and chunked file."""

    document_id: str
    title: str
    doc_type: str
    source: str
    content_hash: str
    chunks: list[Chunk] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
