"""The public entry point of the ingest layer: a file path in, a chunked `Document` out.

    from ingest.pipeline import load_document, iter_supported_files

    for path in iter_supported_files([Path("corpus")]):
        document = load_document(path)

Only `ingest.errors` exceptions leave `load_document`, each with a Dutch message naming the
file; invalid arguments (such as a negative chunk size) raise ValueError.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ingest import messages, metadata
from ingest.chunking import ChunkDraft, chunk_blocks
from ingest.cleaning import clean_pages
from ingest.errors import (
    DocumentTooLarge,
    EmptyDocument,
    IngestError,
    NeedsOCR,
    UnreadableDocument,
    UnsupportedFormat,
)
from ingest.loaders import LOADERS, Extracted, Loader, LoadOptions, loader_for
from ingest.models import Chunk, Document, sha256_text
from ingest.sentences import split_sentences
from ingest.structure import Block, parse_blocks

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS)
_FRONT_MATTER_KEYS = {"title", "type", "source_url"}


def load_document(
    path: Path,
    *,
    chunk_size: int = 1000,
    chunk_overlap: int = 120,
    max_bytes: int = 25_000_000,
    source: str | None = None,
    original_name: str | None = None,
    ocr: bool = True,
    on_page: Callable[[int, int], None] | None = None,
) -> Document:
    """Load, clean and chunk one file.

    `source` (default: the path as given) identifies the document: the same source gives the
    same `document_id`. `original_name` is the user's file name when `path` is a generated
    upload name; it is used for the suffix check, messages and the fallback title.
    A Markdown front matter `source_url` replaces `source` on the document and its chunks.
    `ocr` lets scanned PDF pages be read by Tesseract (when installed); `on_page(done, total)`
    follows that reading page by page (it can take seconds per page).
    """
    _check_arguments(chunk_size, chunk_overlap, max_bytes)
    path = Path(path)
    name = original_name or path.name
    suffix = Path(name).suffix.lower()
    loader = loader_for(suffix, LoadOptions(ocr=ocr, on_page=on_page))
    if loader is None:
        raise UnsupportedFormat(_unsupported_message(name, suffix))
    data = _read_bytes(path, name, max_bytes)
    extracted = _run_loader(loader, data, name)
    blocks = parse_blocks(clean_pages(extracted.pages, paged=extracted.paged))
    if not any(any(char.isalpha() for char in block.text) for block in blocks):
        if extracted.ocr_pages:
            raise NeedsOCR(messages.ocr_found_no_text(name))
        if extracted.paged:  # only page furniture had text: a scan with a printed header
            raise NeedsOCR(messages.needs_ocr(name))
        raise EmptyDocument(messages.no_text(name))
    return _build_document(path, name, source, data, extracted, blocks, chunk_size, chunk_overlap)


def iter_supported_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield supported files from files and folders (recursive, sorted, hidden ones skipped).

    Explicitly given files are yielded when their suffix is supported; a path is yielded once.
    """
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        candidates = [given] if given.is_file() else _walk(given) if given.is_dir() else []
        if not candidates and not given.exists():
            log.warning("path does not exist, skipped")
        for candidate in candidates:
            if candidate.suffix.lower() in SUPPORTED_SUFFIXES and candidate not in seen:
                seen.add(candidate)
                yield candidate


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not _hidden(name)]
        found.extend(Path(root) / name for name in files if not _hidden(name))
    return sorted(found)


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")  # "~$x.docx": Word lock files


def _check_arguments(chunk_size: int, chunk_overlap: int, max_bytes: int) -> None:
    if chunk_size < 50:
        raise ValueError("chunk_size must be at least 50 characters")
    if not 0 <= chunk_overlap < chunk_size // 2:
        raise ValueError("chunk_overlap must be between 0 and half of chunk_size")
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")


def _unsupported_message(name: str, suffix: str) -> str:
    if not suffix:
        return messages.missing_suffix(name, SUPPORTED_SUFFIXES)
    return messages.unsupported_suffix(suffix, SUPPORTED_SUFFIXES)


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UnreadableDocument(messages.not_found(name))
        if size > max_bytes:
            raise DocumentTooLarge(messages.too_large(name, size, max_bytes))
        if size == 0:
            raise EmptyDocument(messages.empty_file(name))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UnreadableDocument(messages.not_found(name)) from exc
    if len(data) > max_bytes:  # the file grew after stat()
        raise DocumentTooLarge(messages.too_large(name, len(data), max_bytes))
    if not data:
        raise EmptyDocument(messages.empty_file(name))
    return data


def _run_loader(loader: Loader, data: bytes, name: str) -> Extracted:
    try:
        return loader(data, name)
    except IngestError:
        raise
    except Exception as exc:  # a library failing in an unforeseen way must not leak
        log.exception("loader failed unexpectedly")
        raise UnreadableDocument(messages.unreadable(name)) from exc


def _build_document(
    path: Path,
    name: str,
    source: str | None,
    data: bytes,
    extracted: Extracted,
    blocks: list[Block],
    chunk_size: int,
    chunk_overlap: int,
) -> Document:
    identity = source if source is not None else str(path)
    doc_id = metadata.document_id(name, identity)
    front = extracted.metadata
    title = extracted.title or _first_h1(blocks) or metadata.pretty_stem(name)
    opening = _opening_sentence(blocks)
    doc_type = metadata.guess_doc_type(
        declared=front.get("type"), folder=path.parent.name, title=title, opening=opening,
        name=name, heading=_first_heading(blocks),
    )
    shown_source = front.get("source_url") or identity
    drafts = _distinct(chunk_blocks(blocks, chunk_size=chunk_size, chunk_overlap=chunk_overlap, title=title))
    if not drafts:
        raise EmptyDocument(messages.no_text(name))
    document = Document(
        document_id=doc_id,
        title=title,
        doc_type=doc_type,
        source=shown_source,
        content_hash=hashlib.sha256(data).hexdigest(),
        metadata=_document_metadata(name, front),
    )
    document.chunks = [_chunk(document, position, draft, extracted.ocr_pages) for position, draft in enumerate(drafts)]
    return document


def _distinct(drafts: list[ChunkDraft]) -> list[ChunkDraft]:
    """Drop repeats of a passage within its section: a file of 100k identical lines becomes a
    few chunks, not thousands of identical ones to embed and to crowd the search results."""
    seen: set[tuple[str, str]] = set()
    distinct = []
    for draft in drafts:
        key = (draft.section, draft.text)
        if key not in seen:
            seen.add(key)
            distinct.append(draft)
    return distinct


def _opening_sentence(blocks: list[Block]) -> str:
    first = next((block.text for block in blocks if block.kind == "paragraph"), "")
    sentences = split_sentences(first)
    return sentences[0] if sentences else ""


def _first_heading(blocks: list[Block]) -> str:
    return next((block.text for block in blocks if block.kind == "heading"), "")


def _first_h1(blocks: list[Block]) -> str | None:
    return next((block.text for block in blocks if block.kind == "heading" and block.level == 1), None)


def _document_metadata(name: str, front: dict[str, str]) -> dict[str, str]:
    result = {"file_name": name, "format": Path(name).suffix.lower().lstrip(".")}
    result.update({key: value for key, value in front.items() if key not in _FRONT_MATTER_KEYS})
    return result


def _chunk(document: Document, position: int, draft: ChunkDraft, ocr_pages: frozenset[int]) -> Chunk:
    return Chunk(
        chunk_id=metadata.chunk_id(document.document_id, position, draft.text),
        document_id=document.document_id,
        title=document.title,
        section=draft.section,
        page=draft.page,
        doc_type=document.doc_type,
        source=document.source,
        position=position,
        text=draft.text,
        content_hash=sha256_text(draft.text),
        ocr=draft.page in ocr_pages,
    )


def identify(path: Path, *, source: str | None = None, original_name: str | None = None) -> tuple[str, str]:
    """The `document_id` and `content_hash` that `load_document` would give, without parsing.

    Lets the knowledge base skip unchanged files cheaply. Raises `OSError` when unreadable.
    """
    path = Path(path)
    name = original_name or path.name
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return metadata.document_id(name, source if source is not None else str(path)), digest.hexdigest()
