"""Turn the bytes of a text file (.txt, .md) into str, guessing the encoding conservatively.

Order: UTF-8/UTF-16/UTF-32 byte-order marks, BOM-less UTF-16, then strict UTF-8, then
cp1252 (the usual Windows "ANSI" encoding for Dutch) and latin-1. Binary data is refused.
"""

from __future__ import annotations

import codecs

from ingest import messages
from ingest.errors import UnreadableDocument

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
_MAX_CONTROL_RATIO = 0.02


def decode_text(data: bytes, name: str) -> str:
    """Decode `data`; raise UnreadableDocument when it does not look like text.

    >>> decode_text("café".encode("cp1252"), "x.txt")
    'café'
    """
    text = _decode(data, name)
    if _looks_binary(text):
        raise UnreadableDocument(messages.not_text(name))
    return text


def _decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableDocument(messages.not_text(name)) from exc
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data:
        raise UnreadableDocument(messages.not_text(name))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM shows NUL in every other byte for Latin text."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    encoding = None
    if odd_nuls > 0.4 and even_nuls < 0.05:
        encoding = "utf-16-le"
    elif even_nuls > 0.4 and odd_nuls < 0.05:
        encoding = "utf-16-be"
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    controls = sum(
        1
        for char in sample
        if (ord(char) < 32 and char not in _ALLOWED_CONTROLS) or 0x7F <= ord(char) <= 0x9F
    )
    return "\x00" in sample or controls / len(sample) > _MAX_CONTROL_RATIO
