"""Plain text (.txt): decode and hand over as one page."""

from __future__ import annotations

from ingest.decoding import decode_text
from ingest.loaders.base import Extracted


def load_text(data: bytes, name: str) -> Extracted:
    """Decode a text file (UTF-8/UTF-16 with BOM, cp1252, latin-1)."""
    return Extracted(pages=[decode_text(data, name)])
