"""The dense half of the knowledge base: one Chroma collection per embedding model, in cosine space.

Chroma is the source of truth for stored chunks: the lexical index and the manifest can always
be rebuilt from it. Vectors of different models never mix: the collection's name carries the
model (`vvp_chunks-multilingual-e5-small-q4`) and its metadata records it, with a `version`
counter that changes on every write, so other processes sharing a Chroma server know when
their lexical index is stale. Opening a knowledge base whose chunks live in another model's
collection is an `EmbeddingMismatch` until `vvp reindex` moves them.

Collections up to `memory_max_chunks` are searched in memory (`knowledge.dense_memory`):
exact, and several times faster than a Chroma query.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Any, Iterator

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from ingest.models import Chunk
from knowledge.dense_memory import DenseSnapshot
from knowledge import model_collections
from knowledge.embeddings import Embedder
from knowledge.model_collections import EmbeddingMismatch, collection_name  # noqa: F401 (public here too)

log = logging.getLogger(__name__)

_GET_PAGE = 500  # larger pages make Chroma hold on to more memory, and are no faster
_WRITE_BATCH = 2000


class _ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapter so Chroma never falls back to its own (downloading) default model."""

    def __init__(self, embedder: Embedder):
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_documents(list(input)))

    @staticmethod
    def name() -> str:
        return "vvp-embedder"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self._embedder.model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "_ChromaEmbeddingFunction":
        raise NotImplementedError("the VVP-assistent always passes its embedding function explicitly")


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from Chroma."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]


class _ChunkCache:
    """A thread-safe LRU of stored chunks, valid for one Chroma version.

    `generation` counts the times it was emptied: chunks read from Chroma before a write are not
    put back after it.
    """

    def __init__(self, size: int = 8192):
        self.size = size
        self._items: OrderedDict[str, StoredChunk] = OrderedDict()
        self._version: str | None = None
        self.generation = 0
        self._lock = threading.Lock()

    def get_many(self, ids: list[str]) -> dict[str, StoredChunk]:
        with self._lock:
            found = {cid: self._items[cid] for cid in ids if cid in self._items}
            for cid in found:
                self._items.move_to_end(cid)
            return found

    def put_many(self, chunks: list[StoredChunk], generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return
            for chunk in chunks:
                self._items[chunk.chunk_id] = chunk
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def forget_unless(self, version: str | None) -> None:
        """Empty the cache unless it was filled at `version` (None: always empty it)."""
        with self._lock:
            if version is None or version != self._version:
                self._items.clear()
                self.generation += 1
            self._version = version


def make_client(data_dir: Path, chroma_url: str | None) -> chromadb.api.ClientAPI:
    """An embedded client in `data_dir/chroma`, or an HTTP client when `chroma_url` is set."""
    settings = chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        from urllib.parse import urlparse

        url = urlparse(chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


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
        self._function = _ChromaEmbeddingFunction(embedder)
        if not allow_model_switch:
            self._refuse_other_models(embedder.model_id)
        self._chunks = _ChunkCache()
        self._collection = self._open()
        self._memory_max = memory_max_chunks
        self._memory: DenseSnapshot | None = None
        self._memory_lock = threading.RLock()  # loading and this process's writes, one at a time
        self._seen_version: str | None = None  # the newest version this process read or wrote
        self._too_large_at: str | None = None  # the version at which the collection was too large to hold

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
        version = self._read_version()
        self._chunks.forget_unless(version)  # another process wrote: its documents may have changed
        self._seen_version = version
        memory = self._memory
        if memory is not None and memory.version != version:
            self._memory = None  # reloaded by the next query
        return version

    @property
    def in_memory(self) -> bool:
        """True while dense search runs on an in-memory copy (which also survives a Chroma outage)."""
        return self._memory is not None

    def _read_version(self) -> str:
        return str(self._client.get_collection(self._name, embedding_function=self._function).metadata.get("version", ""))

    def _bump_version(self) -> str:
        self._chunks.forget_unless(None)
        metadata = dict(self._collection.metadata or {})
        metadata.pop("hnsw:space", None)  # the distance function cannot be modified
        metadata["version"] = self._seen_version = uuid.uuid4().hex
        self._collection.modify(metadata=metadata)
        return metadata["version"]

    def embed_chunks(self, chunks: list[Chunk]) -> np.ndarray:
        return self._embedder.embed_documents([chunk.indexed_text for chunk in chunks])

    def embed_query(self, text: str) -> np.ndarray:
        return self._embedder.embed_query(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Texts embedded as this collection's passages are, without storing them."""
        return self._embedder.embed_documents(texts)

    def count(self) -> int:
        return self._collection.count()

    def add(self, chunks: list[Chunk], embeddings: np.ndarray, *, new: bool = False) -> None:
        """Store chunks. `new=True` promises none of the ids is stored yet: Chroma's add is about
        twice as fast as its upsert, which must look every id up first."""
        if not chunks:
            return
        step = min(_WRITE_BATCH, self._client.get_max_batch_size())
        write = self._collection.add if new else self._collection.upsert
        with self._memory_lock:
            for start in range(0, len(chunks), step):
                part = chunks[start : start + step]
                write(
                    ids=[chunk.chunk_id for chunk in part],
                    embeddings=embeddings[start : start + step],
                    documents=[chunk.text for chunk in part],
                    metadatas=[chunk_metadata(chunk) for chunk in part],
                )
            version = self._bump_version()
            if self._memory is not None:
                self._keep_memory(self._memory.upserted([chunk.chunk_id for chunk in chunks], embeddings, version))

    def delete_document(self, document_id: str) -> None:
        with self._memory_lock:
            ids = self.ids_of_document(document_id) if self._memory is not None else []
            self._collection.delete(where={"document_id": document_id})
            version = self._bump_version()
            if self._memory is not None:
                self._keep_memory(self._memory.without(set(ids), version))

    def _keep_memory(self, memory: DenseSnapshot) -> None:
        if len(memory) > self._memory_max:
            self._memory, self._too_large_at = None, memory.version
        else:
            self._memory = memory

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
        for page in self._pages(["documents", "metadatas"]):
            for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
                yield StoredChunk(cid, text, dict(meta))

    def _pages(self, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self._collection.get(include=include, limit=_GET_PAGE, offset=offset)
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
            memory = self._memory or self._load_memory()
            if memory is not None:
                return memory.search(embedding, k, allowed if filtered else None)
        clauses = [{field: {"$in": list(values)}}
                   for field, values in (("doc_type", doc_types), ("document_id", document_ids)) if values]
        where = clauses[0] if len(clauses) == 1 else {"$and": clauses} if clauses else None
        result = self._collection.query(query_embeddings=[embedding], n_results=k, where=where, include=["distances"])
        return [(cid, 1.0 - float(distance)) for cid, distance in zip(result["ids"][0], result["distances"][0])]

    def _load_memory(self) -> DenseSnapshot | None:
        """Read every embedding into memory if the collection is small enough (else None: use Chroma)."""
        if self._memory_max <= 0 or (self._too_large_at is not None and self._too_large_at == self._seen_version):
            return None
        # A write or another load is under way: this query asks Chroma rather than wait for it.
        if not self._memory_lock.acquire(blocking=False):
            return None
        try:
            return self._memory or self._read_memory()
        finally:
            self._memory_lock.release()

    def _read_memory(self) -> DenseSnapshot | None:
        """Read every embedding (and, for a small collection, every passage); the caller holds the lock."""
        version = self._read_version()
        count = self._collection.count()
        if count > self._memory_max:
            self._too_large_at = self._seen_version = version
            return None
        # A collection the chunk cache can hold whole also brings its passages along: answers
        # then never wait for Chroma (a read of 10 passages costs about 1 ms).
        prefill = count <= self._chunks.size
        generation = self._chunks.generation
        ids, parts, chunks = [], [], []
        for page in self._pages(["embeddings", "documents", "metadatas"] if prefill else ["embeddings"]):
            ids.extend(page["ids"])
            parts.append(np.asarray(page["embeddings"], dtype=np.float32))
            if prefill:
                chunks.extend(StoredChunk(cid, text, dict(meta))
                              for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"]))
        if self._read_version() != version:
            return None  # another process wrote meanwhile: the next query loads again
        self._memory = DenseSnapshot.from_stored(ids, np.vstack(parts) if ids else [], version)
        self._seen_version = version
        self._chunks.put_many(chunks, generation)
        log.info("dense search in memory: %d chunks, %.0f MB", len(ids), self._memory.nbytes / 1e6)
        return self._memory
