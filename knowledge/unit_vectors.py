"""The vectors of a passage's units (sentences and list items), made once at ingest.

The evidence step compares the question with every unit of the top passages. Embedding a dozen
units per question would cost e5 ~150 ms; embedded at ingest, the evidence step only needs the
question's vector, which retrieval already made. The vectors travel in the chunk's own Chroma
record (metadata `UNIT_VECTORS`), so they are written, replaced, deleted and moved by `vvp
reindex` together with the chunk, and cannot drift from it.

Packed as int8 rows with a float16 scale each (a cosine changes by < 0.002), base64, behind a
fingerprint of the unit texts: a passage split differently by a later version of
`ingest.units` no longer matches its stored vectors, and the evidence step embeds it afresh.

>>> import numpy as np
>>> texts = ["Eén zin.", "Een tweede zin."]
>>> vectors = np.array([[0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
>>> restored = unpack(pack(vectors, texts), texts)
>>> bool(np.allclose(restored, vectors, atol=0.01))
True
>>> unpack(pack(vectors, texts), ["Anders gesplitst."]) is None
True
"""

from __future__ import annotations

import base64
import hashlib
from typing import Protocol

import numpy as np

from ingest.models import Chunk
from ingest.units import locate_units

UNIT_VECTORS = "unit_vectors"


class PassageEmbedder(Protocol):
    def embed_documents(self, texts: list[str]) -> np.ndarray: ...


def unit_texts(text: str) -> list[str]:
    """The texts of a passage's units, as the evidence step splits it."""
    return [unit.text for unit in locate_units(text, 0)]


def fingerprint(texts: list[str]) -> str:
    return hashlib.sha1("\x1f".join(texts).encode("utf-8")).hexdigest()[:12]


def pack(vectors: np.ndarray, texts: list[str]) -> str:
    """`fingerprint:base64` of int8 rows, each followed by its float16 scale."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    scale = np.abs(vectors).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    rows = np.round(vectors / scale).astype(np.int8)
    packed = np.hstack([rows.view(np.uint8), scale.astype(np.float16).view(np.uint8)])
    return f"{fingerprint(texts)}:{base64.b64encode(packed.tobytes()).decode('ascii')}"


def unpack(blob: str | None, texts: list[str]) -> np.ndarray | None:
    """The unit vectors of `texts` (float32 rows), or None when `blob` was made for other units."""
    if not blob or not texts:
        return None
    stamp, _, payload = blob.partition(":")
    if stamp != fingerprint(texts):
        return None
    raw = np.frombuffer(base64.b64decode(payload), dtype=np.uint8)
    if raw.size % len(texts):
        return None
    packed = raw.reshape(len(texts), -1)
    dim = packed.shape[1] - 2
    rows = packed[:, :dim].view(np.int8).astype(np.float32)
    scale = packed[:, dim:].copy().view(np.float16).astype(np.float32)
    return rows * scale


def embed_units(embedder: PassageEmbedder, chunks: list[Chunk]) -> list[str]:
    """Each chunk's units embedded as passages (in one model call) and packed; "" for a chunk without units."""
    per_chunk = [unit_texts(chunk.text) for chunk in chunks]
    flat = [text for texts in per_chunk for text in texts]
    vectors = embedder.embed_documents(flat) if flat else np.zeros((0, 1), np.float32)
    packed, start = [], 0
    for texts in per_chunk:
        packed.append(pack(vectors[start : start + len(texts)], texts) if texts else "")
        start += len(texts)
    return packed
