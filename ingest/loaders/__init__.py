"""Format loaders, chosen by file suffix. Adding a format is one module and one line here."""

from __future__ import annotations

from functools import partial

from ingest.loaders.base import Extracted, Loader, LoadOptions
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


# Loaders of paged formats also take `LoadOptions` (OCR, page progress).
_WITH_OPTIONS = {".pdf"}


def loader_for(suffix: str, options: LoadOptions | None = None) -> Loader | None:
    """The loader for a suffix such as ".pdf", or None when unsupported."""
    suffix = suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is not None and options is not None and suffix in _WITH_OPTIONS:
        return partial(loader, options=options)
    return loader


__all__ = ["Extracted", "Loader", "LoadOptions", "LOADERS", "loader_for"]
