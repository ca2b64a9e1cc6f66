"""Chunks read back from Chroma are remembered, but never across a write: not this process's
(the cache is dropped) and not another process's (dropped when `version()` sees the new version)."""

import numpy as np

from ingest.models import Chunk
from knowledge.vector_store import VectorStore, make_client


class FakeEmbedder:
    model_id = "fake-4"

    def embed_documents(self, texts):
        return np.ones((len(texts), 4), dtype=np.float32) / 2

    def embed_query(self, text):
        return np.ones(4, dtype=np.float32) / 2


def chunk(title: str, text: str = "De provincie beheert de wegen.") -> Chunk:
    return Chunk(chunk_id="doc:0000", document_id="doc", title=title, section="", page=None, doc_type="andere",
                 source="test", position=0, text=text, content_hash="h")


def write(store: VectorStore, title: str) -> None:
    store.delete_document("doc")
    store.add([chunk(title)], np.ones((1, 4), dtype=np.float32) / 2)


def test_a_reader_sees_another_writers_change_after_the_version_check(tmp_path):
    client = make_client(tmp_path, None)
    writer = VectorStore(client, "vvp_chunks", FakeEmbedder())
    reader = VectorStore(client, "vvp_chunks", FakeEmbedder())  # as a second process would
    write(writer, "Oude titel")
    reader.version()
    assert reader.get(["doc:0000"])[0].metadata["title"] == "Oude titel"

    write(writer, "Nieuwe titel")
    assert reader.get(["doc:0000"])[0].metadata["title"] == "Oude titel"  # remembered until it checks
    reader.version()
    assert reader.get(["doc:0000"])[0].metadata["title"] == "Nieuwe titel"

    writer.delete_document("doc")
    reader.version()
    assert reader.get(["doc:0000"]) == []


def test_own_writes_drop_what_was_remembered(tmp_path):
    store = VectorStore(make_client(tmp_path, None), "vvp_chunks", FakeEmbedder())
    write(store, "Oude titel")
    assert [c.metadata["title"] for c in store.get(["doc:0000", "unknown"])] == ["Oude titel"]
    write(store, "Nieuwe titel")
    assert store.get(["doc:0000"])[0].metadata["title"] == "Nieuwe titel"
