"""Embedding models: USE multilingual (default) and the sentence-transformers path (packaged MiniLM)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embeddings import EmbeddingConfigError, create_embedder, packaged_minilm_path


def test_use_embeds_dutch_and_english_into_one_space(use_embedder):
    vectors = use_embedder.embed_documents(["De provincie beheert de wegen.", "Het weer is mooi vandaag."])
    query = use_embedder.embed_query("Who maintains the roads of the province?")
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ query > vectors[1] @ query


def test_sentence_transformers_path_loads_a_local_model_directory():
    embedder = create_embedder(f"sentence-transformers:{packaged_minilm_path()}")
    vectors = embedder.embed_documents(["The province maintains roads.", "Cats sleep a lot."])
    query = embedder.embed_query("Who maintains roads?")
    assert embedder.model_id.startswith("sentence-transformers:")
    assert vectors.shape == (2, 384)
    assert vectors[0] @ query > vectors[1] @ query


def test_sentence_transformers_knowledge_base_end_to_end(tmp_path, bundled_copy, make_container):
    embedder = create_embedder(f"sentence-transformers:{packaged_minilm_path()}")
    container = make_container(tmp_path / "data", embedder)
    container.kb.ingest([bundled_copy])
    hits = container.retriever.search("Wie kan bij de studiedienst terecht?", k=3)
    assert any("provinciemandatarissen" in hit.text for hit in hits)


def test_unknown_embedding_spec_is_rejected():
    with pytest.raises(EmbeddingConfigError):
        create_embedder("word2vec")
    with pytest.raises(EmbeddingConfigError):
        create_embedder("sentence-transformers:/nonexistent/model")
