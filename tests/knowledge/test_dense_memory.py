"""Dense search in memory ranks exactly like a brute-force cosine search, filters like Chroma
(given the admitted chunk ids), follows this process's writes, drops its copy on another
process's write, steps aside for collections larger than its limit, and never makes a query
wait for a write."""

import threading
import time

import numpy as np
import pytest

from ingest.models import Chunk
from knowledge.chunk_cache import ChunkCache
from knowledge.dense_memory import DenseMemory, DenseSnapshot
from knowledge.vector_store import VectorStore, make_client

DIM = 16


class RandomEmbedder:
    model_id = "random-16"

    def embed_documents(self, texts):
        return np.stack([self.embed_query(text) for text in texts]) if texts else np.zeros((0, DIM), np.float32)

    def embed_query(self, text):
        vector = np.random.default_rng(abs(hash(text)) % 2**32).standard_normal(DIM).astype(np.float32)
        return vector / np.linalg.norm(vector)


def chunks_of(document_id: str, count: int, doc_type: str = "andere") -> list[Chunk]:
    return [Chunk(chunk_id=f"{document_id}:{i:04d}", document_id=document_id, title=document_id, section="",
                  page=None, doc_type=doc_type, source="test", position=i, text=f"{document_id} passage {i}",
                  content_hash=f"{document_id}{i}") for i in range(count)]


def store_with(tmp_path, documents: dict[str, tuple[int, str]], **options) -> VectorStore:
    store = VectorStore(make_client(tmp_path, None), "vvp_chunks", RandomEmbedder(), **options)
    for document_id, (count, doc_type) in documents.items():
        chunks = chunks_of(document_id, count, doc_type)
        store.add(chunks, store.embed_chunks(chunks), new=True)
    store.version()
    return store


def brute_force(store: VectorStore, query: np.ndarray, k: int) -> list[str]:
    """Cosine ranking over every stored embedding, read straight from Chroma."""
    stored = store._collection.get(include=["embeddings"])
    scores = dict(zip(stored["ids"], np.asarray(stored["embeddings"]) @ query))
    return sorted(scores, key=lambda cid: -scores[cid])[:k]


def same_ranking(hits: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    return [cid for cid, _ in hits] == [cid for cid, _ in expected] and \
        [score for _, score in hits] == pytest.approx([score for _, score in expected], abs=1e-4)


def test_the_snapshot_ranks_by_cosine_and_filters():
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((50, 8)) * rng.uniform(0.5, 3, (50, 1))  # rows of any length
    ids = [f"c{i}" for i in range(50)]
    snapshot = DenseSnapshot.from_stored(ids, matrix, "v1")
    query = rng.standard_normal(8)
    cosine = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))

    assert [cid for cid, _ in snapshot.search(query, 10)] == [ids[i] for i in np.argsort(-cosine)[:10]]
    allowed = frozenset(ids[i] for i in range(0, 50, 3))
    hits = snapshot.search(query, 100, allowed=allowed)
    expected = [i for i in np.argsort(-cosine) if ids[i] in allowed]
    assert [cid for cid, _ in hits] == [ids[i] for i in expected]
    assert [score for _, score in hits] == pytest.approx([cosine[i] for i in expected], abs=1e-5)
    assert snapshot.search(query, 5, allowed=frozenset()) == []


def test_the_snapshot_applies_upserts_and_deletions_without_changing_the_original():
    snapshot = DenseSnapshot.from_stored(["a", "b"], np.eye(3)[:2], "v1")
    changed = snapshot.upserted(["b", "c"], np.eye(3)[[0, 2]], "v2")
    assert (changed.version, len(changed), len(snapshot)) == ("v2", 3, 2)
    assert sorted(cid for cid, _ in changed.search(np.array([1.0, 0, 0]), 2)) == ["a", "b"]
    assert changed.search(np.array([0, 1.0, 0]), 1)[0][1] == pytest.approx(0.0)  # "b" moved away from axis 1
    emptied = changed.without({"b"}, "v3").without({"a", "c"}, "v4")
    assert len(emptied) == 0 and emptied.search(np.array([1.0, 0, 0]), 3) == []
    assert [cid for cid, _ in snapshot.search(np.array([0, 1.0, 0]), 1)] == ["b"]


def test_memory_search_agrees_with_chroma_and_with_brute_force(tmp_path):
    documents = {"wegen": (30, "andere"), "statuten": (20, "statuten"), "missie": (25, "andere")}
    memory = store_with(tmp_path / "a", documents)
    chroma = store_with(tmp_path / "b", documents, memory_max_chunks=0)
    ids = chroma._collection.get(include=[])["ids"]
    for text in ("provinciale wegen", "statuten van de vereniging", "missie"):
        query = RandomEmbedder().embed_query(text)
        in_memory = memory.query(query, 10)
        assert [cid for cid, _ in in_memory] == brute_force(memory, query, 10)
        assert [cid for cid, _ in in_memory] == [cid for cid, _ in chroma.query(query, 10)]
        statuten = frozenset(cid for cid in ids if cid.startswith("statuten:"))
        assert same_ranking(memory.query(query, 10, doc_types=("statuten",), allowed=statuten),
                            chroma.query(query, 10, doc_types=("statuten",)))
        missie = frozenset(cid for cid in ids if cid.startswith("missie:"))
        assert same_ranking(memory.query(query, 5, document_ids=("missie",), allowed=missie),
                            chroma.query(query, 5, document_ids=("missie",)))
        # Without the admitted ids a filtered query goes to Chroma, which knows the metadata.
        assert same_ranking(memory.query(query, 5, document_ids=("missie",)),
                            chroma.query(query, 5, document_ids=("missie",)))
    assert memory.in_memory and not chroma.in_memory


def test_memory_follows_own_writes_and_another_process_writes(tmp_path):
    writer = store_with(tmp_path, {"wegen": (5, "andere")})
    reader = VectorStore(make_client(tmp_path, None), "vvp_chunks", RandomEmbedder())  # a second process
    reader.version()
    query = RandomEmbedder().embed_query("nieuw")
    writer.query(query, 3), reader.query(query, 3)
    assert writer.in_memory and reader.in_memory

    fresh = chunks_of("nieuw", 1)
    writer.add(fresh, np.stack([query]), new=True)  # the new chunk's vector is the query itself
    assert writer.query(query, 1)[0][0] == "nieuw:0000"
    assert reader.query(query, 1)[0][0] != "nieuw:0000"  # remembered until its version check
    reader.version()
    assert reader.query(query, 1) == [("nieuw:0000", pytest.approx(1.0, abs=1e-5))]

    writer.delete_document("nieuw")
    assert "nieuw:0000" not in [cid for cid, _ in writer.query(query, 10)]
    reader.version()
    assert "nieuw:0000" not in [cid for cid, _ in reader.query(query, 10)]
    assert len(writer.query(query, 10)) == len(reader.query(query, 10)) == 5


def test_a_collection_above_the_limit_is_searched_in_chroma(tmp_path):
    store = store_with(tmp_path, {"wegen": (6, "andere")}, memory_max_chunks=8)
    query = RandomEmbedder().embed_query("wegen")
    first = store.query(query, 4)
    assert store.in_memory
    more = chunks_of("meer", 4)
    store.add(more, store.embed_chunks(more), new=True)  # 10 chunks: more than the limit
    assert not store.in_memory
    assert [cid for cid, _ in store.query(query, 4)] == brute_force(store, query, 4)
    assert not store.in_memory
    store.delete_document("meer")  # back under the limit: held in memory again
    assert same_ranking(store.query(query, 4), first) and store.in_memory


def test_a_query_during_a_write_asks_chroma_instead_of_waiting(tmp_path):
    store = store_with(tmp_path, {"wegen": (6, "andere")})
    query = RandomEmbedder().embed_query("wegen")
    held, release = threading.Event(), threading.Event()

    def writer_holding_the_lock():
        with store.memory.lock:  # as add() does while it writes to Chroma
            held.set()
            release.wait(10)

    thread = threading.Thread(target=writer_holding_the_lock)
    thread.start()
    held.wait(10)
    try:
        started = time.perf_counter()
        hits = store.query(query, 3)
        assert time.perf_counter() - started < 1.0
        assert [cid for cid, _ in hits] == brute_force(store, query, 3) and not store.in_memory
    finally:
        release.set()
        thread.join()
    store.query(query, 3)
    assert store.in_memory


class FakeCollection:
    """A collection as `DenseMemory` reads it; `reads` counts the full reads."""

    def __init__(self, count: int, version: str = "v1"):
        self.ids = [f"c{i}" for i in range(count)]
        self.versions = [version]
        self.reads = 0

    def read_version(self) -> str:
        return self.versions[0] if len(self.versions) == 1 else self.versions.pop(0)

    def count(self) -> int:
        return len(self.ids)

    def pages(self, include):
        self.reads += 1
        page = {"ids": self.ids, "embeddings": np.eye(len(self.ids), DIM, dtype=np.float32)}
        if "documents" in include:
            page |= {"documents": [f"tekst {cid}" for cid in self.ids], "metadatas": [{"title": cid} for cid in self.ids]}
        yield page


def test_dense_memory_loads_once_and_brings_small_collections_passages_along():
    cache = ChunkCache(size=10)
    memory, collection = DenseMemory(100, cache), FakeCollection(3)
    snapshot = memory.current(collection)
    assert snapshot.ids == ["c0", "c1", "c2"] and memory.current(collection) is snapshot
    assert collection.reads == 1
    assert cache.get_many(["c1"])["c1"].text == "tekst c1"


def test_dense_memory_drops_its_snapshot_when_another_version_is_seen():
    memory, collection = DenseMemory(100, ChunkCache()), FakeCollection(3)
    memory.current(collection)
    memory.observe("v1")
    assert memory.snapshot is not None
    memory.observe("v2")  # another process wrote
    assert memory.snapshot is None
    memory.upserted(["c9"], np.ones((1, DIM), np.float32), "v3")  # nothing to update: stays unloaded
    assert memory.snapshot is None


def test_dense_memory_follows_own_writes_until_the_limit():
    memory, collection = DenseMemory(4, ChunkCache()), FakeCollection(3)
    memory.current(collection)
    memory.upserted(["c3"], np.ones((1, DIM), np.float32), "v2")
    assert memory.snapshot.ids == ["c0", "c1", "c2", "c3"] and memory.snapshot.version == "v2"
    memory.without({"c0"}, "v3")
    assert memory.snapshot.ids == ["c1", "c2", "c3"]
    memory.upserted(["c4", "c5"], np.ones((2, DIM), np.float32), "v4")
    assert memory.snapshot is None  # five chunks: above the limit
    assert memory.current(FakeCollection(5, "v4")) is None


def test_dense_memory_reads_a_too_large_collection_again_only_after_a_new_version():
    memory, collection = DenseMemory(2, ChunkCache()), FakeCollection(3)
    assert memory.current(collection) is None and memory.current(collection) is None
    assert collection.reads == 0
    collection.ids.pop()
    assert memory.current(collection) is None  # still the version it was too large at
    memory.observe("v2")
    collection.versions = ["v2"]
    assert memory.current(collection).ids == ["c0", "c1"]


def test_dense_memory_discards_a_load_that_another_write_overtook():
    memory, collection = DenseMemory(100, ChunkCache()), FakeCollection(3)
    collection.versions = ["v1", "v2", "v2"]  # the version changed while the pages were read
    assert memory.current(collection) is None
    assert memory.current(collection).version == "v2"


def test_a_collection_of_exactly_whole_pages_loads_into_memory(tmp_path, monkeypatch):
    import knowledge.vector_store

    monkeypatch.setattr(knowledge.vector_store, "_GET_PAGE", 4)  # 8 chunks: two full pages, then an empty one
    store = store_with(tmp_path, {"doc": (8, "andere")})
    query = RandomEmbedder().embed_query("doc passage 3")

    hits = store.query(query, k=3)

    assert store.in_memory
    assert [cid for cid, _ in hits] == brute_force(store, query, 3)
