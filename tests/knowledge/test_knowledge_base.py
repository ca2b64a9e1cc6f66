"""The knowledge base with real Chroma and real BM25 in a temp dir."""

from __future__ import annotations

from pathlib import Path

from knowledge.base import Filters, KnowledgeBase


def chunk_ids_in_chroma(kb: KnowledgeBase) -> set[str]:
    return {chunk.chunk_id for chunk in kb.vectors.iter_all()}


def lexical_ids(kb: KnowledgeBase) -> set[str]:
    return set(kb.lexical.indexes["word"].ids)


def test_ingest_then_search_finds_the_seed_passage(fresh_container, bundled_copy):
    kb = fresh_container.kb
    report = kb.ingest([bundled_copy])
    assert report.count("added") == 3 and report.count("failed") == 0
    hits = fresh_container.retriever.search("Met wie onderhoudt de VVP contacten?", k=3)
    assert "VVSG" in hits[0].text
    assert hits[0].title == "Missie van de VVP"


def test_reingest_of_unchanged_files_is_a_no_op(fresh_container, bundled_copy):
    kb = fresh_container.kb
    kb.ingest([bundled_copy])
    before = chunk_ids_in_chroma(kb)
    version = kb.vectors.version()
    report = kb.ingest([bundled_copy])
    assert report.count("unchanged") == 3 and report.count("added") == 0
    assert chunk_ids_in_chroma(kb) == before
    assert kb.vectors.version() == version


def test_a_changed_file_replaces_all_its_chunks(fresh_container, bundled_copy):
    kb = fresh_container.kb
    kb.ingest([bundled_copy])
    path = bundled_copy / "vvp-werking.md"
    old_ids = {c.chunk_id for c in kb.chunks_of(kb.documents()[-1].document_id)}
    path.write_text(path.read_text(encoding="utf-8") + "\nDe VVP vergadert elke maand in Brussel met de griffiers.\n",
                    encoding="utf-8")
    report = kb.ingest([bundled_copy])
    assert report.count("updated") == 1 and report.count("unchanged") == 2
    record = next(r for r in kb.documents() if r.title == "Werking van de VVP")
    texts = " ".join(c.text for c in kb.chunks_of(record.document_id))
    assert "griffiers" in texts
    assert chunk_ids_in_chroma(kb) == lexical_ids(kb)
    assert not (old_ids - {c.chunk_id for c in kb.chunks_of(record.document_id)}) & chunk_ids_in_chroma(kb)
    hits = fresh_container.retriever.search("Wanneer vergadert de VVP met de griffiers?", k=1)
    assert "griffiers" in hits[0].text


def test_delete_removes_a_document_everywhere(fresh_container, bundled_copy):
    kb = fresh_container.kb
    kb.ingest([bundled_copy])
    record = next(r for r in kb.documents() if r.doc_type == "statuten")
    ids = {c.chunk_id for c in kb.chunks_of(record.document_id)}
    assert kb.delete(record.document_id)
    assert kb.manifest.get(record.document_id) is None
    assert not ids & chunk_ids_in_chroma(kb)
    assert not ids & lexical_ids(kb)
    assert not kb.delete(record.document_id)


def test_prune_removes_documents_whose_file_is_gone(fresh_container, bundled_copy):
    kb = fresh_container.kb
    kb.ingest([bundled_copy])
    (bundled_copy / "vvp-werking.md").unlink()
    removed = kb.prune()
    assert len(removed) == 1
    assert {r.title for r in kb.documents()} == {"Missie van de VVP",
                                                  "Statuten van de VVP – artikel 5 (maatschappelijk doel en middelen)"}


def test_unknown_and_unreadable_files_are_reported_and_skipped(fresh_container, bundled_copy):
    (bundled_copy / "tabel.xlsx").write_bytes(b"PK\x03\x04 not really")
    (bundled_copy / "leeg.txt").write_bytes(b"")
    report = fresh_container.kb.ingest([bundled_copy])
    failed = {Path(r.path).name: r.reason for r in report.results if r.status == "failed"}
    assert set(failed) == {"tabel.xlsx", "leeg.txt"}
    assert ".xlsx" in failed["tabel.xlsx"] and "leeg" in failed["leeg.txt"]
    assert report.count("added") == 3


def test_filters_restrict_both_channels(vvp_container):
    hits = vvp_container.retriever.search("missie van de VVP", k=5, filters=Filters(doc_type=("statuten",)))
    assert hits and all(hit.doc_type == "statuten" for hit in hits)


def test_lexical_index_is_rebuilt_from_chroma_when_its_files_are_lost(fresh_container, bundled_copy, embedder,
                                                                     make_container):
    import shutil
    kb = fresh_container.kb
    kb.ingest([bundled_copy])
    expected = chunk_ids_in_chroma(kb)
    shutil.rmtree(kb.data_dir / "lexical")
    reopened = make_container(kb.data_dir, embedder).kb
    assert lexical_ids(reopened) == expected


def test_an_interrupted_ingest_leaves_no_half_document(fresh_container, bundled_copy, embedder, make_container):
    kb = fresh_container.kb
    kb.ingest([bundled_copy])
    record = kb.documents()[0]
    kb.manifest.mark_pending(record)  # as if the process died between Chroma and the manifest
    reopened = make_container(kb.data_dir, embedder).kb
    assert reopened.manifest.get(record.document_id) is None
    assert record.document_id not in {c.metadata["document_id"] for c in reopened.vectors.iter_all()}
    assert reopened.ingest([bundled_copy]).count("added") == 1


def test_opening_with_another_embedding_model_is_a_clear_error(fresh_container, bundled_copy):
    import pytest

    from knowledge.vector_store import EmbeddingMismatch, VectorStore

    fresh_container.kb.ingest([bundled_copy])

    class OtherModel:
        model_id = "other-model"

    with pytest.raises(EmbeddingMismatch, match="vvp reindex") as raised:
        VectorStore(fresh_container.kb.vectors._client, fresh_container.settings.collection, OtherModel())
    assert "multilingual-e5-small" in str(raised.value) and "other-model" in str(raised.value)


def test_reindex_moves_the_documents_to_the_new_models_collection(fresh_container, bundled_copy, use_embedder,
                                                                   make_container):
    from knowledge.vector_store import EmbeddingMismatch

    kb = fresh_container.kb
    kb.ingest([bundled_copy])
    titles = {record.title for record in kb.documents()}
    settings = {"data_dir": kb.data_dir}
    import pytest

    with pytest.raises(EmbeddingMismatch):
        make_container(kb.data_dir, use_embedder).kb
    from assistant.container import Container

    switching = Container(fresh_container.settings.model_copy(update=settings), embedder=use_embedder,
                          allow_model_switch=True)
    report = switching.kb.reindex()
    assert report.count("failed") == 0
    reopened = make_container(kb.data_dir, use_embedder)
    assert {record.title for record in reopened.kb.documents()} == titles
    assert reopened.kb.vectors.other_models() == {}
    hits = reopened.retriever.search("Wie kan bij de studiedienst terecht?", k=2)
    assert any("provinciemandatarissen" in hit.text for hit in hits)
