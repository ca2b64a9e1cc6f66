"""Structure-aware chunking of `Block`s into passages of about `chunk_size` characters.

Rules, in order of importance:
- never merge across a heading; the heading path becomes the chunk's `section`;
- keep a list together with its lead-in sentence (the paragraph ending in ":") when it fits in
  `LIST_STRETCH` chunks' worth of characters, so an answer can quote the whole list ("een
  3-tal opdrachten:" with all three); a longer list is split between items and the lead-in is
  repeated on each continuation;
- never split inside a sentence (see `ingest.sentences`); only a sentence longer than
  `chunk_size` is cut, on word boundaries;
- merge small paragraphs of one section up to `chunk_size`; when a section needs several
  chunks, each continuation starts with up to `chunk_overlap` characters of whole sentences.

    drafts = chunk_blocks(blocks, chunk_size=1000, chunk_overlap=120, title="Statuten")
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.models import SECTION_SEPARATOR
from ingest.sentences import split_sentences
from ingest.structure import Block

_LEAD_IN_END = ":"
LIST_STRETCH = 2


@dataclass(frozen=True)
class ChunkDraft:
    """Chunk text with its section path and the (1-based) page it starts on."""

    text: str
    section: str
    page: int | None


@dataclass(frozen=True)
class _Piece:
    """An unbreakable run of text; `context` is a list lead-in to repeat when it opens a chunk."""

    text: str
    page: int | None
    separator: str
    context: str | None = None
    carries_overlap: bool = True


def chunk_blocks(
    blocks: list[Block], *, chunk_size: int, chunk_overlap: int, title: str = ""
) -> list[ChunkDraft]:
    """Split blocks into chunk drafts; chunks without any letter are dropped."""
    drafts: list[ChunkDraft] = []
    for section, body in _sections(blocks, title):
        pieces = _pieces(body, chunk_size)
        for text, page in _pack(pieces, chunk_size, chunk_overlap):
            if any(char.isalpha() for char in text):
                drafts.append(ChunkDraft(text, section, page))
    return drafts


def _sections(blocks: list[Block], title: str) -> list[tuple[str, list[Block]]]:
    """Group body blocks under their heading path; the document title is left out of it."""
    stack: list[tuple[int, str | None]] = []
    sections: list[tuple[str, list[Block]]] = [("", [])]
    for block in blocks:
        if block.kind != "heading":
            sections[-1][1].append(block)
            continue
        while stack and stack[-1][0] >= block.level:
            stack.pop()
        same_as_title = _normalise(block.text) == _normalise(title)
        stack.append((block.level, None if same_as_title else block.text))
        path = SECTION_SEPARATOR.join(text for _, text in stack if text)
        sections.append((path, []))
    return [(path, body) for path, body in sections if body]


def _normalise(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".:")


def _pieces(body: list[Block], size: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    index = 0
    while index < len(body):
        block = body[index]
        lead_in = block if _is_lead_in(block, body, index) else None
        if lead_in or block.kind == "list_item":
            items = _list_run(body, index + 1 if lead_in else index)
            pieces.extend(_list_pieces(lead_in, items, size))
            index += len(items) + (1 if lead_in else 0)
            continue
        pieces.extend(_text_pieces(block.text, block.page, _separator(block), size))
        index += 1
    return pieces


def _is_lead_in(block: Block, body: list[Block], index: int) -> bool:
    following = body[index + 1] if index + 1 < len(body) else None
    introduces = block.text.rstrip("’'\"”) ").endswith(_LEAD_IN_END)
    followed_by_list = following is not None and following.kind == "list_item"
    return block.kind == "paragraph" and introduces and followed_by_list


def _list_run(body: list[Block], start: int) -> list[Block]:
    end = start
    while end < len(body) and body[end].kind == "list_item":
        end += 1
    return body[start:end]


def _separator(block: Block) -> str:
    return "\n\n" if block.gap_before else "\n"


def _list_pieces(lead_in: Block | None, items: list[Block], size: int) -> list[_Piece]:
    """One piece for a list that fits; otherwise item pieces that carry the lead-in."""
    texts = ([lead_in.text] if lead_in else []) + [item.text for item in items]
    page = (lead_in or items[0]).page
    separator = _separator(lead_in or items[0])
    whole = "\n".join(texts)
    if len(whole) <= size * LIST_STRETCH:
        return [_Piece(whole, page, separator, carries_overlap=False)]
    context = lead_in.text if lead_in and len(lead_in.text) <= size // 2 else None
    pieces: list[_Piece] = []
    if lead_in and context is None:
        pieces.extend(_text_pieces(lead_in.text, lead_in.page, separator, size))
    room = size - (len(context) + 1 if context else 0)
    for number, item in enumerate(items):
        item_separator = separator if number == 0 and not lead_in else "\n"
        for part_number, part in enumerate(_fit(item.text, room)):
            part_separator = item_separator if part_number == 0 else " "
            pieces.append(_Piece(part, item.page, part_separator, context, carries_overlap=False))
    if context:  # the lead-in opens the list's first chunk exactly once
        first = pieces[0]
        pieces[0] = _Piece(f"{context}\n{first.text}", first.page, separator, None, False)
    return pieces


def _text_pieces(text: str, page: int | None, separator: str, size: int) -> list[_Piece]:
    parts = _fit(text, size)
    return [_Piece(part, page, separator if number == 0 else " ") for number, part in enumerate(parts)]


def _fit(text: str, size: int) -> list[str]:
    """The text whole if it fits, else its sentences (over-long sentences cut at words)."""
    if len(text) <= size:
        return [text]
    parts: list[str] = []
    for sentence in split_sentences(text) or [text]:
        parts.extend([sentence] if len(sentence) <= size else _split_words(sentence, size))
    return parts


def _split_words(text: str, size: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > size:  # a URL or similar without spaces
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:size])
            word = word[size:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) > size:
            parts.append(current)
            candidate = word
        current = candidate
    if current:
        parts.append(current)
    return parts


def _pack(pieces: list[_Piece], size: int, overlap: int) -> list[tuple[str, int | None]]:
    """Greedy packing of pieces into chunks of at most `size` characters."""
    chunks: list[tuple[str, int | None]] = []
    text, page, last = "", None, None
    for piece in pieces:
        if text and len(text) + len(piece.separator) + len(piece.text) > size:
            chunks.append((text, page))
            text = _continuation_start(piece, last, size, overlap)
            page = None
        text = f"{text}{piece.separator if text else ''}{piece.text}"
        page = piece.page if page is None else page
        last = piece
    if text:
        chunks.append((text, page))
    return chunks


def _continuation_start(piece: _Piece, last: _Piece | None, size: int, overlap: int) -> str:
    """The repeated list lead-in, or trailing whole sentences of the previous chunk."""
    if piece.context:
        start = piece.context
    elif overlap > 0 and last is not None and last.carries_overlap:
        start = _trailing_sentences(last.text, overlap)
    else:
        start = ""
    if start and len(start) + len(piece.separator) + len(piece.text) > size:
        return ""
    return start


def _trailing_sentences(text: str, limit: int) -> str:
    sentences = split_sentences(text)
    kept: list[str] = []
    for sentence in reversed(sentences):
        if sum(len(s) + 1 for s in kept) + len(sentence) > limit:
            break
        kept.insert(0, sentence)
    if len(kept) == len(sentences):
        return text if len(text) <= limit else ""
    return " ".join(kept)
