"""One Chroma collection per embedding model: names, and what a change of model finds stored.

Vectors of different models never mix. `VectorStore` opens the collection of its model; when
that one is empty while another model's collection under the same base name holds chunks, the
knowledge base was built with that other model: `EmbeddingMismatch` says so in Dutch, until
`vvp reindex` re-embeds the documents and drops the old collection.
"""

from __future__ import annotations

import re

import chromadb


class EmbeddingMismatch(RuntimeError):
    """The knowledge base was built with another embedding model; the message is Dutch."""

    def __init__(self, stored: str, configured: str):
        super().__init__(
            f"De kennisbank is gebouwd met het embeddingmodel '{stored}', maar ingesteld is '{configured}'. "
            "Voer `vvp reindex` uit om alle documenten opnieuw in te lezen met het nieuwe model "
            "(of zet VVP_EMBEDDING terug)."
        )
        self.stored, self.configured = stored, configured


def collection_name(base: str, model_id: str) -> str:
    """Chroma name of `model_id`'s collection: [a-zA-Z0-9._-], 3-63 characters, alphanumeric ends.

    >>> collection_name("vvp_chunks", "sentence-transformers:multilingual-e5-base")
    'vvp_chunks-sentence-transformers-multilingual-e5-base'
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_id).strip("-._")
    return f"{base}-{slug}"[:63].rstrip("-._")


def _siblings(client: chromadb.api.ClientAPI, base: str, own: str) -> list[str]:
    names = [listed if isinstance(listed, str) else listed.name for listed in client.list_collections()]
    return [name for name in names if name != own and (name == base or name.startswith(base + "-"))]


def other_models(client: chromadb.api.ClientAPI, base: str, own: str, function) -> dict[str, int]:
    """Chunks per embedding model in the other collections under `base`."""
    found: dict[str, int] = {}
    for name in _siblings(client, base, own):
        collection = client.get_collection(name, embedding_function=function)
        model = (collection.metadata or {}).get("embedding_model", name)
        if collection.count():
            found[model] = found.get(model, 0) + collection.count()
    return found


def drop_other_models(client: chromadb.api.ClientAPI, base: str, own: str) -> list[str]:
    dropped = _siblings(client, base, own)
    for name in dropped:
        client.delete_collection(name)
    return dropped


def refuse_other_models(client: chromadb.api.ClientAPI, base: str, own: str, function, model_id: str) -> None:
    """`EmbeddingMismatch` when `own` is empty and another model's collection holds chunks."""
    try:
        if client.get_collection(own, embedding_function=function).count():
            return
    except Exception:  # does not exist yet
        pass
    others = other_models(client, base, own, function)
    if others:
        raise EmbeddingMismatch(max(others, key=others.get), model_id)
