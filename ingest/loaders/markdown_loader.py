"""Markdown (.md, .markdown): optional front matter (title, type, source_url, date) and text."""

from __future__ import annotations

from ingest.decoding import decode_text
from ingest.loaders.base import Extracted
from ingest.markup import split_front_matter, strip_markdown


def load_markdown(data: bytes, name: str) -> Extracted:
    """Decode, split front matter into `metadata` and strip inline Markdown.

    Front matter keys end up in `metadata` verbatim (lower-case keys); the pipeline reads
    `title`, `type`, `source_url` and `date` from there.
    """
    front_matter, body = split_front_matter(decode_text(data, name))
    title = front_matter.get("title") or None
    return Extracted(pages=[strip_markdown(body)], title=title, metadata=front_matter)
