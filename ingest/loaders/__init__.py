"""Format loaders, chosen by file suffix. Adding a format is one module and one line here."""

from __future__ import annotations

from ingest.loaders.base import Extracted, Loader
from ingest.loaders.docx_loader import load_docx
from ingest.loaders.html_loader import load_html
from ingest.loaders.markdown_loader import load_markdown
from ingest.loaders.pdf_loader import load_pdf
from ingest.loaders.text_loader import load_text

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
}


def loader_for(suffix: str) -> Loader | None:
    """The loader for a lower-case suffix such as ".pdf", or None when unsupported."""
    return LOADERS.get(suffix.lower())


__all__ = ["Extracted", "Loader", "LOADERS", "loader_for"]
