"""Chroma, the lexical index and the manifest move together: a write reaches all three, a
delete leaves none behind, a crash halfway is repaired, and a batch saves the lexical index once."""

from __future__ import annotations

from ingest.models import Chunk
from knowledge.lexical_channels import LexicalChannels
from knowledge.manifest import DocumentRecord
from knowledge.stores import Stores
from knowledge.vector_store import VectorStore, make_client
from tests.fakes import LengthEmbedder as FakeEmbedder


def document(document_id: str, *texts: str) -> tuple[DocumentRecord, list[Chunk]]:
    chunks = [Chunk(f"{document_id}:{i:04d}", document_id, document_id.title(), "", None, "andere", "test", i, text,
                    f"h{i}") for i, text in enumerate(texts)]
    record = DocumentRecord(document_id=document_id, title=document_id.title(), doc_type="andere", source="test",
                            stored_path=None, content_hash="c", status="pending", chunks=len(chunks),
                            ingested_at=0.0, updated_at=0.0)
    return record, chunks


def open_stores(data_dir) -> Stores:
    stores = Stores(data_dir, VectorStore(make_client(data_dir, None), "vvp_chunks", FakeEmbedder()))
    stores.recover()
    return stores


def write(stores: Stores, document_id: str, *texts: str) -> None:
    record, chunks = document(document_id, *texts)
    stores.write([(record, chunks)], stores.vectors.embed_chunks(chunks))


def stored_ids(stores: Stores) -> tuple[set[str], set[str]]:
    return {c.chunk_id for c in stores.vectors.iter_all()}, set(stores.lexical.indexes["word"].ids)


def test_a_write_reaches_chroma_the_lexical_index_and_the_manifest(tmp_path):
    stores = open_stores(tmp_path)
    write(stores, "begroting", "De provincieraad keurt de begroting goed.", "Het budget voor wegen stijgt.")
    assert stored_ids(stores) == ({"begroting:0000", "begroting:0001"},) * 2
    assert stores.manifest.get("begroting").status == "ready"
    assert stores.lexical.top("begroting", 5)["word"][0][0] == "begroting:0000"


def test_a_new_version_of_a_document_replaces_all_its_chunks(tmp_path):
    stores = open_stores(tmp_path)
    write(stores, "begroting", "Eerste zin.", "Tweede zin.", "Derde zin.")
    write(stores, "begroting", "Alleen nog deze zin over de begroting.")
    assert stored_ids(stores) == ({"begroting:0000"},) * 2
    assert [c.text for c in stores.vectors.get(["begroting:0000"])] == ["Alleen nog deze zin over de begroting."]


def test_delete_leaves_nothing_behind_and_tells_what_it_removed(tmp_path):
    stores = open_stores(tmp_path)
    write(stores, "begroting", "De provincieraad keurt de begroting goed.")
    write(stores, "statuten", "Artikel 1. De vereniging draagt de naam VVP.")
    found, record = stores.delete("begroting")
    assert found and record.document_id == "begroting"
    assert stored_ids(stores) == ({"statuten:0000"},) * 2
    assert stores.manifest.get("begroting") is None
    assert stores.delete("begroting") == (False, None)


def test_recover_removes_a_document_a_crash_left_pending(tmp_path):
    stores = open_stores(tmp_path)
    write(stores, "begroting", "De provincieraad keurt de begroting goed.")
    stores.manifest.mark_pending(stores.manifest.get("begroting"))  # as if the process died mid-write
    reopened = open_stores(tmp_path)
    assert stored_ids(reopened) == (set(), set())
    assert reopened.manifest.all() == []


def test_a_batch_saves_the_lexical_index_once_at_its_end(tmp_path):
    stores = open_stores(tmp_path)
    with stores.batch():
        write(stores, "begroting", "De provincieraad keurt de begroting goed.")
        assert len(LexicalChannels(tmp_path / "lexical")) == 0  # not on disk yet
    assert set(LexicalChannels(tmp_path / "lexical").indexes["word"].ids) == {"begroting:0000"}


def test_another_writers_change_reaches_the_lexical_index_on_sync(tmp_path):
    reader = open_stores(tmp_path)
    writer = open_stores(tmp_path)  # a second process on the same data dir
    write(writer, "statuten", "Artikel 1. De vereniging draagt de naam VVP.")
    assert stored_ids(reader)[1] == set()
    reader.sync_lexical(force=True)
    assert stored_ids(reader)[1] == {"statuten:0000"}


def test_reset_forgets_every_document(tmp_path):
    stores = open_stores(tmp_path)
    write(stores, "begroting", "De provincieraad keurt de begroting goed.")
    stores.reset()
    assert stored_ids(stores) == (set(), set()) and stores.manifest.all() == []
