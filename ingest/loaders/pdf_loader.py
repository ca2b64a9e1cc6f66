"""PDF via pypdf: one text string per page, so chunks can cite the page they start on.

Pages without a text layer (scans) are read by OCR (`ingest.ocr`, Tesseract in Dutch) when it
is installed and allowed; their page numbers are kept and listed in `Extracted.ocr_pages`.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader

from ingest import messages
from ingest.errors import NeedsOCR, UnreadableDocument
from ingest.loaders.base import Extracted, LoadOptions
from ingest.ocr import OcrReader

log = logging.getLogger(__name__)

# Titles that PDF producers fill in by default and that say nothing about the document.
_JUNK_TITLES = {"untitled", "document", "document1", "microsoft word", "titel", "title", "naamloos"}
_WORD_PREFIX = "microsoft word - "


def load_pdf(data: bytes, name: str, options: LoadOptions = LoadOptions()) -> Extracted:
    """Extract page texts, scanned pages by OCR; encrypted or corrupt → UnreadableDocument,
    no text and no OCR available → NeedsOCR."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types for damaged files
        raise UnreadableDocument(messages.corrupt(name, "PDF")) from exc
    if encrypted:
        _decrypt_with_empty_password(reader, name)
    try:
        page_count = len(reader.pages)
    except Exception as exc:
        raise UnreadableDocument(messages.corrupt(name, "PDF")) from exc
    if page_count == 0:
        raise UnreadableDocument(messages.corrupt(name, "PDF"))
    pages = [_page_text(reader, index) for index in range(page_count)]
    if all(page is None for page in pages):
        raise UnreadableDocument(messages.corrupt(name, "PDF"))
    pages = [page or "" for page in pages]
    metadata = {"page_count": str(page_count)}
    ocr_pages = _read_scanned_pages(data, pages, options) if options.ocr else frozenset()
    if ocr_pages:
        metadata["ocr_pages"] = str(len(ocr_pages))
    if not any(char.isalpha() for page in pages for char in page):
        raise NeedsOCR(messages.ocr_found_no_text(name) if ocr_pages else messages.needs_ocr(name))
    return Extracted(pages=pages, paged=True, title=_metadata_title(reader), metadata=metadata, ocr_pages=ocr_pages)


def _read_scanned_pages(data: bytes, pages: list[str], options: LoadOptions) -> frozenset[int]:
    """Replace the text of scanned pages (in place) by OCR text; the 1-based numbers of those pages."""
    reader = OcrReader()
    try:
        scanned = reader.scanned_pages(data, pages)
    except Exception:  # PDFium refusing a file pypdf could open: keep the text layer
        log.warning("pdf: page images could not be inspected; no OCR")
        return frozenset()
    if not scanned or not reader.available():
        return frozenset()
    texts = reader.read_pages(data, scanned, options.on_page)
    log.info("pdf: %d scanned pages read by OCR in %.1f s", len(scanned), reader.seconds)
    for index, text in zip(scanned, texts):
        pages[index] = text
    return frozenset(index + 1 for index in scanned)


def _decrypt_with_empty_password(reader: PdfReader, name: str) -> None:
    """PDFs with only an owner password open with an empty user password."""
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES without the optional crypto dependency
        raise UnreadableDocument(messages.encrypted_pdf(name)) from exc
    if not opened:
        raise UnreadableDocument(messages.encrypted_pdf(name))


def _page_text(reader: PdfReader, index: int) -> str | None:
    """The page's text, or None when this page cannot be decoded (one bad page is skipped)."""
    try:
        return reader.pages[index].extract_text() or ""
    except Exception:
        log.warning("pdf page text extraction failed", extra={"page": index + 1})
        return None


def _metadata_title(reader: PdfReader) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        return None
    if not isinstance(title, str):
        return None
    title = " ".join(title.split())
    if title.lower().startswith(_WORD_PREFIX):
        title = title[len(_WORD_PREFIX):].rsplit(".", 1)[0]
    if not title or title.lower() in _JUNK_TITLES or not any(c.isalpha() for c in title):
        return None
    return title
