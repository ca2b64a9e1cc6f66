"""Document-level metadata: stable ids, title and document type.

    document_id("Statuten VVP.pdf", "/data/statuten.pdf")  # "statuten-vvp-1a2b3c4d"
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePath

from ingest.models import DOC_TYPES, sha256_text

_MAX_SLUG = 48
_ID_HASH_CHARS = 10
# Words that name a document type, with their plural forms. A folder name must be one of them.
_TYPE_WORDS = {
    "statuten": "statuten", "statuut": "statuten",
    "missie": "missie", "missies": "missie",
    "commissie": "commissie", "commissies": "commissie",
    "verslag": "verslag", "verslagen": "verslag", "notulen": "verslag", "jaarverslag": "verslag",
    "jaarverslagen": "verslag",
    "decreet": "decreet", "decreten": "decreet",
    "andere": "andere", "overige": "andere",
}
# In text, a word counts when it is a type word or a compound ending in one (Dutch compounds put
# the head last: "beleidscommissie", "jaarverslag", "provinciedecreet"). "missie" only counts as
# a word of its own: "commissie", "emissie" and "transmissie" end in it without being about a mission.
_COMPOUND_HEADS = ("statuten", "statuut", "commissie", "commissies", "verslag", "verslagen", "notulen",
                   "decreet", "decreten")
# When one text names several types, what the document is (statuten, a decree, a report) wins
# over what it is about: "verslag van de beleidscommissie" is a report.
_PRECEDENCE = ("statuten", "decreet", "verslag", "commissie", "missie")
_WORD = re.compile(r"[a-z]+")
_MIN_PREFIX = 3  # "overslag" is no report: a compound's first part is a word of its own
_OPENING_CHARS = 400
_ACRONYM = re.compile(r"^[b-df-hj-np-tv-xz]{2,5}$", re.IGNORECASE)


def slugify(text: str) -> str:
    """ASCII, lower-case, words joined by "-": "Statuten VVP (2024)" → "statuten-vvp-2024"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:_MAX_SLUG].rstrip("-") or "document"


def document_id(name: str, source: str) -> str:
    """Stable, URL-safe id: slug of the file stem plus a short hash of `source`."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:_ID_HASH_CHARS]
    return f"{slugify(PurePath(name).stem)}-{digest}"


def chunk_id(doc_id: str, position: int, text: str) -> str:
    return f"{doc_id}:{position:04d}-{sha256_text(text)[:8]}"


def pretty_stem(name: str) -> str:
    """"vvp_missie-en-werking.txt" → "VVP missie en werking" (vowel-less words are acronyms)."""
    words = re.sub(r"[_\-.\x00-\x1f\x7f]+", " ", PurePath(name).stem).split()  # control characters too
    words = [word.upper() if _ACRONYM.match(word) else word for word in words]
    text = " ".join(words) or PurePath(name).name
    return text[:1].upper() + text[1:]


def doc_type_from_word(word: str | None) -> str | None:
    """Map a front-matter type or folder name ("verslagen") to one of `DOC_TYPES`."""
    if not word:
        return None
    key = word.strip().lower()
    if key in DOC_TYPES:
        return key
    return _TYPE_WORDS.get(key)


def guess_doc_type(*, declared: str | None, folder: str | None, title: str, opening: str,
                   name: str = "", heading: str = "") -> str:
    """Front matter wins, then the parent folder, then the first of title, file name, first
    heading and opening text that names a type (whole words or compound heads, not substrings).

    >>> guess_doc_type(declared=None, folder=None, title="Verslag beleidscommissie", opening="")
    'verslag'
    """
    for candidate in (declared, folder):
        if doc_type := doc_type_from_word(candidate):
            return doc_type
    for text in (title, PurePath(name).stem, heading, opening[:_OPENING_CHARS]):
        if doc_type := doc_type_in_text(text):
            return doc_type
    return "andere"


def doc_type_in_text(text: str) -> str | None:
    """The document type named in `text` ("Jaarverslag 2023" → "verslag"), or None."""
    found = {doc_type for word in _words(text) if (doc_type := _type_of_word(word))}
    return next((doc_type for doc_type in _PRECEDENCE if doc_type in found), None)


def _words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(ascii_text.lower())


def _type_of_word(word: str) -> str | None:
    if word in _TYPE_WORDS and _TYPE_WORDS[word] != "andere":  # "andere" in a sentence names no type
        return _TYPE_WORDS[word]
    heads = (head for head in _COMPOUND_HEADS if word.endswith(head) and len(word) >= len(head) + _MIN_PREFIX)
    head = next(heads, None)
    return _TYPE_WORDS[head] if head else None
