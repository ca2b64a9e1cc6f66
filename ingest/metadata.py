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
# Folder names and words that point at a document type; checked as given and in plural.
_TYPE_WORDS = {
    "statuten": "statuten", "statuut": "statuten",
    "missie": "missie", "missies": "missie",
    "commissie": "commissie", "commissies": "commissie",
    "verslag": "verslag", "verslagen": "verslag", "notulen": "verslag", "jaarverslag": "verslag",
    "jaarverslagen": "verslag",
    "decreet": "decreet", "decreten": "decreet",
    "andere": "andere", "overige": "andere",
}
# Keyword rule on title and opening text, in order of precedence.
_KEYWORDS = (
    ("statuten", "statuten"),
    ("missie", "missie"),
    ("commissie", "commissie"),
    ("verslag", "verslag"),
    ("notulen", "verslag"),
    ("decreet", "decreet"),
)
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


def guess_doc_type(*, declared: str | None, folder: str | None, title: str, opening: str) -> str:
    """Front matter wins, then the parent folder, then keywords in title and opening text."""
    for candidate in (declared, folder):
        if doc_type := doc_type_from_word(candidate):
            return doc_type
    for text in (title, opening[:_OPENING_CHARS]):
        lowered = text.lower()
        for keyword, doc_type in _KEYWORDS:
            if keyword in lowered:
                return doc_type
    return "andere"
