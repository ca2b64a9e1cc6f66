"""The dense half of the knowledge base: one Chroma collection per embedding model, in cosine space.

Chroma is the source of truth for stored chunks: the lexical index and the manifest can always
be rebuilt from it. Vectors of different models never mix: the collection's name carries the
model (`vvp_chunks-multilingual-e5-small-q4`) and its metadata records it, with a `version`
counter that changes on every write, so other processes sharing a Chroma server know when
their lexical index is stale. Opening a knowledge base whose chunks live in another model's
collection is an `EmbeddingMismatch` until `vvp reindex` moves them.

Collections up to `memory_max_chunks` are searched in memory (`knowledge.dense_memory.DenseMemory`):
exact, and several times faster than a Chroma query.
"""

from __future__ import annotations

import uuid
from typing import AbstractSet, Any, Iterator

import chromadb
import numpy as np

from ingest.models import Chunk
from knowledge import model_collections
from knowledge.chroma_client import ChromaEmbeddingFunction, make_client  # noqa: F401 (make_client public here too)
from knowledge.chunk_cache import ChunkCache, StoredChunk
from knowledge.dense_memory import DenseMemory
from knowledge.embeddings import Embedder
from knowledge.model_collections import EmbeddingMismatch, collection_name  # noqa: F401 (public here too)
from knowledge.unit_vectors import UNIT_VECTORS, embed_units

_GET_PAGE = 500  # larger pages make Chroma hold on to more memory, and are no faster
_WRITE_BATCH = 2000


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "document_id": chunk.document_id,
        "title": chunk.title,
        "section": chunk.section,
        "page": chunk.page if chunk.page is not None else -1,
        "doc_type": chunk.doc_type,
        "source": chunk.source,
        "position": chunk.position,
        "content_hash": chunk.content_hash,
        "ocr": chunk.ocr,
    }


class VectorStore:
    """Chunks with their embeddings in one Chroma collection.

    >>> import chromadb
    >>> from knowledge.embeddings import E5Embedder
    >>> store = VectorStore(chromadb.EphemeralClient(), "doctest_chunks", E5Embedder())  # or make_client(data_dir, url)
    >>> texts = ["De VVP behartigt de belangen van de vijf provincies.", "Het zeilkamp begint in juli."]
    >>> chunks = [Chunk(f"vvp-{i}", "vvp", "Missie van de VVP", "", None, "missie", "vvp.md", i, text, "3f2a")
    ...           for i, text in enumerate(texts)]
    >>> store.add(chunks, store.embed_chunks(chunks), new=True)
    >>> [chunk_id for chunk_id, similarity in store.query(store.embed_query("Wie verdedigt de provincies?"), k=1)]
    ['vvp-0']
    """

    def __init__(self, client: chromadb.api.ClientAPI, name: str, embedder: Embedder, *,
                 memory_max_chunks: int = 10_000, allow_model_switch: bool = False):
        if len(name) < 3:
            raise ValueError("Chroma collection names need at least 3 characters")
        self._client = client
        self._base = name
        self._name = collection_name(name, embedder.model_id)
        self._embedder = embedder
        self._function = ChromaEmbeddingFunction(embedder)
        if not allow_model_switch:
            self._refuse_other_models(embedder.model_id)
        self._chunks = ChunkCache()
        self._collection = self._open()
        self.memory = DenseMemory(memory_max_chunks, self._chunks)

    def _open(self):
        collection = self._client.get_or_create_collection(
            self._name,
            embedding_function=self._function,
            metadata={"hnsw:space": "cosine", "embedding_model": self._embedder.model_id, "version": uuid.uuid4().hex},
        )
        built_with = (collection.metadata or {}).get("embedding_model")
        if built_with and built_with != self._embedder.model_id:
            raise EmbeddingMismatch(built_with, self._embedder.model_id)
        return collection

    def other_models(self) -> dict[str, int]:
        """Chunks per other embedding model stored under this base name (old collections)."""
        return model_collections.other_models(self._client, self._base, self._name, self._function)

    def drop_other_models(self) -> list[str]:
        """Delete the other models' collections (after `vvp reindex` moved their documents here)."""
        return model_collections.drop_other_models(self._client, self._base, self._name)

    def _refuse_other_models(self, model_id: str) -> None:
        model_collections.refuse_other_models(self._client, self._base, self._name, self._function, model_id)

    def reconnect(self) -> None:
        """Re-open the collection (after a Chroma server outage)."""
        self._collection = self._open()

    @property
    def model_id(self) -> str:
        return self._embedder.model_id

    def version(self) -> str:
        """Changes on every write, also when another process wrote."""
        version = self.read_version()
        self._chunks.forget_unless(version)  # another process wrote: its documents may have changed
        self.memory.observe(version)  # a snapshot of an older version is reloaded by the next query
        return version

    @property
    def in_memory(self) -> bool:
        """True while dense search runs on an in-memory copy (which also survives a Chroma outage)."""
        return self.memory.snapshot is not None

    def read_version(self) -> str:
        """The collection's version as stored now (no caches touched)."""
        return str(self._client.get_collection(self._name, embedding_function=self._function).metadata.get("version", ""))

    def _bump_version(self) -> str:
        self._chunks.forget_unless(None)
        metadata = dict(self._collection.metadata or {})
        metadata.pop("hnsw:space", None)  # the distance function cannot be modified
        metadata["version"] = uuid.uuid4().hex
        self._collection.modify(metadata=metadata)
        return metadata["version"]

    def embed_chunks(self, chunks: list[Chunk]) -> np.ndarray:
        return self._embedder.embed_documents([chunk.indexed_text for chunk in chunks])

    def embed_units(self, chunks: list[Chunk]) -> list[str]:
        """Each chunk's unit vectors, packed for its metadata (`knowledge.unit_vectors`)."""
        return embed_units(self._embedder, chunks)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embedder.embed_query(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Texts embedded as this collection's passages are, without storing them."""
        return self._embedder.embed_documents(texts)

    def count(self) -> int:
        return self._collection.count()

    def add(self, chunks: list[Chunk], embeddings: np.ndarray, *, new: bool = False,
            units: list[str] | None = None) -> None:
        """Store chunks, with their packed unit vectors when given (`embed_units`). `new=True`
        promises none of the ids is stored yet: Chroma's add is about twice as fast as its
        upsert, which must look every id up first."""
        if not chunks:
            return
        metadatas = [chunk_metadata(chunk) for chunk in chunks]
        for metadata, packed in zip(metadatas, units or []):
            if packed:
                metadata[UNIT_VECTORS] = packed
        step = min(_WRITE_BATCH, self._client.get_max_batch_size())
        write = self._collection.add if new else self._collection.upsert
        with self.memory.lock:
            for start in range(0, len(chunks), step):
                part = chunks[start : start + step]
                write(
                    ids=[chunk.chunk_id for chunk in part],
                    embeddings=embeddings[start : start + step],
                    documents=[chunk.text for chunk in part],
                    metadatas=metadatas[start : start + step],
                )
            self.memory.upserted([chunk.chunk_id for chunk in chunks], embeddings, self._bump_version())

    def delete_document(self, document_id: str) -> None:
        with self.memory.lock:
            ids = self.ids_of_document(document_id) if self.memory.snapshot is not None else []
            self._collection.delete(where={"document_id": document_id})
            self.memory.without(set(ids), self._bump_version())

    def ids_of_document(self, document_id: str) -> list[str]:
        return self._collection.get(where={"document_id": document_id}, include=[])["ids"]

    def get(self, ids: list[str]) -> list[StoredChunk]:
        """The stored chunks of `ids` that exist, in the order of `ids`.

        Recently read chunks come from memory: answering fetches the passages of every hit, and
        popular passages come back often. The memory is forgotten on every write and whenever
        `version()` sees another process's write.
        """
        if not ids:
            return []
        generation = self._chunks.generation
        by_id = self._chunks.get_many(ids)
        missing = [cid for cid in ids if cid not in by_id]
        if missing:
            found = self._collection.get(ids=missing, include=["documents", "metadatas"])
            fetched = [StoredChunk(cid, text, dict(meta))
                       for cid, text, meta in zip(found["ids"], found["documents"], found["metadatas"])]
            self._chunks.put_many(fetched, generation)
            by_id.update((chunk.chunk_id, chunk) for chunk in fetched)
        return [by_id[cid] for cid in ids if cid in by_id]

    def iter_all(self) -> Iterator[StoredChunk]:
        """Every stored chunk, paged so 100k chunks do not load in one response."""
        for page in self.pages(["documents", "metadatas"]):
            for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
                yield StoredChunk(cid, text, dict(meta))

    def pages(self, include: list[str]) -> Iterator[dict[str, Any]]:
        """The stored chunks' `include` fields, one Chroma page at a time."""
        offset = 0
        while True:
            page = self._collection.get(include=include, limit=_GET_PAGE, offset=offset)
            if not page["ids"]:  # a collection of exactly n pages ends with an empty one (shapeless embeddings)
                return
            yield page
            if len(page["ids"]) < _GET_PAGE:
                return
            offset += _GET_PAGE

    def query(self, embedding: np.ndarray, k: int, doc_types: tuple[str, ...] = (),
              document_ids: tuple[str, ...] = (), allowed: AbstractSet[str] | None = None) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), optionally only of some types or documents.

        The in-memory search holds no metadata: with filters it needs `allowed`, the chunk ids
        they admit (without it, a filtered query goes to Chroma). Chroma returns fewer than `k`
        when the collection is smaller (even empty), so no `count()` round trip is needed first.
        """
        filtered = bool(doc_types or document_ids)
        if not filtered or allowed is not None:
            memory = self.memory.current(self)
            if memory is not None:
                return memory.search(embedding, k, allowed if filtered else None)
        clauses = [{field: {"$in": list(values)}}
                   for field, values in (("doc_type", doc_types), ("document_id", document_ids)) if values]
        where = clauses[0] if len(clauses) == 1 else {"$and": clauses} if clauses else None
        result = self._collection.query(query_embeddings=[embedding], n_results=k, where=where, include=["distances"])
        return [(cid, 1.0 - float(distance)) for cid, distance in zip(result["ids"][0], result["distances"][0])]
