"""Typed values that cross the assistant's layers: `Hit`, `Citation`, `Answer`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

# Re-exported so ui/ builds its source labels through assistant/, never from ingest/.
from ingest.models import source_label as source_label

UPLOAD_PREFIX = "upload:"


def display_source(source: str) -> str:
    """Where a passage comes from, as readers may see it: a web address as is, otherwise the
    original file name. The stored source of a bundled or ingested file is a server path, which
    must not leak into answers; the file itself is served at `/api/documents/{id}/file`.

    >>> display_source("/srv/vvp/knowledge/documents/vvp-missie.md"), display_source("upload:Jaarverslag 2024.pdf")
    ('vvp-missie.md', 'Jaarverslag 2024.pdf')
    """
    if source.startswith(("http://", "https://")):
        return source
    return PurePath(source.removeprefix(UPLOAD_PREFIX)).name


@dataclass
class Hit:
    """A retrieved passage with its fused score and what each channel thought of it."""

    chunk_id: str
    document_id: str
    title: str
    section: str
    page: int | None
    doc_type: str
    source: str
    position: int
    text: str
    score: float
    channels: dict[str, tuple[int, float]] = field(default_factory=dict)
    ocr: bool = False  # the passage was recognised from a scanned page

    def search_json(self) -> dict[str, Any]:
        """The public search result shape (CLI `--json` and `/api/search`)."""
        return {
            "text": self.text,
            "score": round(self.score, 6),
            "chunk_id": self.chunk_id,
            "document_id": self.document_id,
            "title": self.title,
            "section": self.section,
            "page": self.page,
            "doc_type": self.doc_type,
            "source": display_source(self.source),
            "ocr": self.ocr,
        }


@dataclass
class Citation:
    """One numbered source of an answer: `text` is the whole passage, `quote` the part used.

    `source` is the readable source (`display_source`), never a server path.
    """

    n: int
    chunk_id: str
    document_id: str
    title: str
    section: str
    page: int | None
    source: str
    text: str
    quote: str
    score: float
    ocr: bool = False  # text recognised from a scan (OCR): check it against the page

    @classmethod
    def from_hit(cls, n: int, hit: Hit, quote: str) -> "Citation":
        return cls(n=n, chunk_id=hit.chunk_id, document_id=hit.document_id, title=hit.title, section=hit.section,
                   page=hit.page, source=display_source(hit.source), text=hit.text, quote=quote, score=round(hit.score, 6),
                   ocr=hit.ocr)


@dataclass
class Answer:
    """The answer object of the API and `vvp ask --json`. Field names are a public interface."""

    answer: str
    grounded: bool
    citations: list[Citation]
    conversation_id: str = ""
    message_id: str = ""
    answerer: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    notice: str | None = None
    suggestions: list[Citation] = field(default_factory=list)
    standalone_question: str | None = None
    confidence: float = 0.0  # 0-1 support of the passages for the question; below the threshold it refuses

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
