"""What a loader hands to the pipeline: the raw text of a file, page by page, plus hints."""

from __future__ import annotations

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


class Loader(Protocol):
    """Reads the bytes of one file; `name` is the user's file name, used in error messages."""

    def __call__(self, data: bytes, name: str) -> Extracted: ...
