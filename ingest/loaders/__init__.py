"""Format loaders, chosen by file suffix. Adding a format is one module and one line here.

A loader's module (and its library: pypdf, python-docx, trafilatura) is imported when a file of
its format is first read, not when the server starts (~0.5 s of imports).

>>> loader_for(".TXT").__name__
'load_text'
"""

from __future__ import annotations

from functools import partial
from importlib import import_module

from ingest.loaders.base import Extracted, Loader, LoadOptions

# suffix -> (module in ingest.loaders, function)
LOADERS: dict[str, tuple[str, str]] = {
    ".pdf": ("pdf_loader", "load_pdf"),
    ".docx": ("docx_loader", "load_docx"),
    ".html": ("html_loader", "load_html"),
    ".htm": ("html_loader", "load_html"),
    ".md": ("markdown_loader", "load_markdown"),
    ".markdown": ("markdown_loader", "load_markdown"),
    ".txt": ("text_loader", "load_text"),
}


# Loaders of paged formats also take `LoadOptions` (OCR, page progress).
_WITH_OPTIONS = {".pdf"}


def loader_for(suffix: str, options: LoadOptions | None = None) -> Loader | None:
    """The loader for a suffix such as ".pdf", or None when unsupported."""
    suffix = suffix.lower()
    if suffix not in LOADERS:
        return None
    module, function = LOADERS[suffix]
    loader = getattr(import_module(f"ingest.loaders.{module}"), function)
    if options is not None and suffix in _WITH_OPTIONS:
        return partial(loader, options=options)
    return loader


__all__ = ["Extracted", "Loader", "LoadOptions", "LOADERS", "loader_for"]
