"""What a loader hands to the pipeline: the raw text of a file, page by page, plus hints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Extracted:
    """Raw text of one file before cleaning.

    `pages` holds one string per PDF page, or a single string for other formats. Text uses a
    light Markdown convention the structure parser understands: "# " headings, "• " list items.
    `title` is the loader's own title (front matter, DOCX Title style, HTML <title>, PDF
    metadata); the pipeline falls back to the first H1 and then to the file name.
    """

    pages: list[str]
    paged: bool = False
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    ocr_pages: frozenset[int] = frozenset()  # 1-based numbers of pages whose text came from OCR


@dataclass(frozen=True)
class LoadOptions:
    """How paged formats are read: `ocr` lets the PDF loader read scanned pages with Tesseract
    (when installed); `on_page(done, total)` is told after each page OCR read, for progress."""

    ocr: bool = True
    on_page: Callable[[int, int], None] | None = None


class Loader(Protocol):
    """Reads the bytes of one file; `name` is the user's file name, used in error messages."""

    def __call__(self, data: bytes, name: str) -> Extracted: ...
