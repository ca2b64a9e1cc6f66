"""The retriever's background vectors: embedded once per model, kept in the model cache between
starts, and recomputed when the cache cannot be read or written."""

from __future__ import annotations

import numpy as np

from assistant.retrieval import Retriever, background_texts
from tests.fakes import LengthEmbedder

QUESTION = "Wie beheert de provinciale wegen?"


def knowledge_base(make_container, tmp_path):
    document = tmp_path / "wegen.md"
    document.write_text("De provincie beheert de wegen en de fietspaden langs de kanalen.\n", encoding="utf-8")
    container = make_container(tmp_path / "data", LengthEmbedder())
    assert container.kb.ingest([document]).count("failed") == 0
    return container.kb


def test_the_background_is_embedded_once_and_read_back_at_the_next_start(make_container, tmp_path, monkeypatch):
    kb = knowledge_base(make_container, tmp_path)
    first = {}
    Retriever(kb, cache_dir=tmp_path / "cache").search(QUESTION, k=1, context=first)
    assert len(list((tmp_path / "cache").glob("background-*.npy"))) == 1
    assert not list((tmp_path / "cache").glob("*.partial"))

    def no_model(texts):
        raise AssertionError("the cached background should have been read")

    monkeypatch.setattr(kb.vectors, "embed_passages", no_model)
    again = {}
    Retriever(kb, cache_dir=tmp_path / "cache").search(QUESTION, k=1, context=again)
    assert again == first


def test_a_damaged_or_unwritable_cache_only_costs_the_embedding(make_container, tmp_path):
    kb = knowledge_base(make_container, tmp_path)
    expected = {}
    Retriever(kb).search(QUESTION, k=1, context=expected)

    cache = tmp_path / "cache"
    Retriever(kb, cache_dir=cache).search(QUESTION, k=1, context={})
    for path in cache.glob("background-*.npy"):
        path.write_bytes(b"not a numpy file")
    damaged = {}
    Retriever(kb, cache_dir=cache).search(QUESTION, k=1, context=damaged)
    assert damaged == expected
    assert np.load(next(cache.glob("background-*.npy"))).shape[0] == len(background_texts())  # written again

    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the cache folder should be")
    unwritable = {}
    Retriever(kb, cache_dir=blocked).search(QUESTION, k=1, context=unwritable)
    assert unwritable == expected


class TopicEmbedder:
    """Vectors from two topic words: texts about roads point one way, texts about art another,
    everything else (the everyday background texts) nearly nowhere."""

    model_id = "fake-topics"

    def embed_documents(self, texts):
        rows = np.array([[text.lower().count("weg"), text.lower().count("kunst"), 0.1] for text in texts],
                        dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def embed_query(self, text):
        return self.embed_documents([text])[0]


def test_the_background_leaves_out_the_best_documents_other_passages(make_container, tmp_path):
    # A law of 15 articles on roads: its other articles share its topic, but they are not what
    # "not about this question" looks like; the articles of another document are.
    roads = tmp_path / "wegen.md"
    roads.write_text("".join(f"## Artikel {n}\n\nDe provincie beheert weg nummer {n} en de bermen langs die weg.\n\n"
                             for n in range(1, 16)), encoding="utf-8")
    art = tmp_path / "kunst.md"
    art.write_text("".join(f"## Artikel {n}\n\nDe provincie koopt kunst voor museum {n}.\n\n" for n in range(1, 16)),
                   encoding="utf-8")
    container = make_container(tmp_path / "data", TopicEmbedder())
    assert container.kb.ingest([roads, art]).count("failed") == 0
    assert container.kb.stats()["chunks"] >= 30

    context = {}
    hits = Retriever(container.kb).search(QUESTION, k=3, context=context)

    assert hits[0].document_id.startswith("wegen")
    # With the road articles counted, ranks 11-15 would be theirs (similarity ~1) and the
    # background ~0.25; among the other documents and the everyday texts it is ~0.1.
    assert context["dense_background"] < 0.15
