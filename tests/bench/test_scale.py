"""The scale corpora's fast path: a chunk's vector is the normalised mean of its sentences' vectors,
variants of one sentence (other numbers, other names) are embedded once, at most `budget` sentences
are embedded by the model, and a corpus is stored where and as the configured model's server reads it."""

import hashlib
import json

import numpy as np
import pytest

from bench.scale import SentenceVectors, build_scale_corpus, corpus_summary, knowledge_base
from ingest.models import Chunk
from knowledge.model_collections import collection_name


class CountingEmbedder:
    """A 384-dimensional stand-in for e5: each word hashes to a fixed random direction, a text is
    the normalised sum of its words' directions (texts that share words are close)."""

    model_id = "fake-e5-384"
    dimensions = 384

    def __init__(self):
        self.embedded: list[str] = []

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).normal(size=self.dimensions)

    def embed_documents(self, texts):
        self.embedded.extend(texts)
        vectors = np.array([sum((self._word(w) for w in text.lower().split()), np.ones(self.dimensions))
                            for text in texts], dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def embed_query(self, text):
        return self.embed_documents([text])[0]


def chunk(text: str, title: str = "Verslag Commissie Mobiliteit 3/2024: Fietspaden") -> Chunk:
    return Chunk(chunk_id=text[:10], document_id="d", title=title, section="", page=None, doc_type="verslag",
                 source="bench", position=0, text=text, content_hash="h")


def test_chunk_vectors_are_unit_means_and_variants_are_embedded_once(tmp_path):
    embedder = CountingEmbedder()
    vectors = SentenceVectors(embedder, tmp_path / "sentences.npz")
    first = vectors.chunk_vectors([chunk("De provincie Limburg legt 12 km fietspad aan. Het kost 4 miljoen euro.")])
    count = len(embedder.embedded)
    second = vectors.chunk_vectors([chunk("De provincie Antwerpen legt 30 km fietspad aan. Het kost 9 miljoen euro.",
                                          title="Verslag Commissie Mobiliteit 7/2031: Fietspaden")])

    assert len(embedder.embedded) == count  # numbers, names and title numbers changed: nothing new to embed
    assert first.shape == (1, 384) and np.allclose(first, second)
    assert np.isclose(np.linalg.norm(first[0]), 1.0, atol=1e-5)

    vectors.save()
    reloaded = SentenceVectors(embedder, tmp_path / "sentences.npz")
    assert np.allclose(reloaded.chunk_vectors([chunk("De provincie Gent legt 1 km fietspad aan. Het kost 2 miljoen euro.")]),
                       first, atol=1e-6)
    assert len(embedder.embedded) == count


def test_sentences_beyond_the_budget_get_derived_vectors_close_to_sentences_sharing_their_words(tmp_path):
    embedder = CountingEmbedder()
    vectors = SentenceVectors(embedder, tmp_path / "sentences.npz", budget=3)
    vectors.chunk_vectors([chunk("De fietspaden worden verbreed. Het zwembad sluit in de winter.",
                                 title="Nota")])
    assert vectors.stored == 3 and len(embedder.embedded) == 3

    derived = vectors.chunk_vectors([chunk("De fietspaden worden hersteld.", title="Nota")])

    assert len(embedder.embedded) == 3 and vectors.derived == 1  # the budget is spent: nothing more embedded
    assert derived.shape == (1, 384) and np.isclose(np.linalg.norm(derived[0]), 1.0, atol=1e-5)
    title = vectors.vector("Nota")
    near = vectors.vector("De fietspaden worden verbreed.")
    far = vectors.vector("Het zwembad sluit in de winter.")
    mean = (title + vectors.vector("De fietspaden worden hersteld.")) / 2
    assert np.allclose(derived[0], mean / np.linalg.norm(mean), atol=1e-5)
    sentence = vectors.vector("De fietspaden worden hersteld.")
    assert float(sentence @ near) > float(sentence @ far)


def test_a_budget_below_one_is_refused(tmp_path):
    with pytest.raises(ValueError):
        SentenceVectors(CountingEmbedder(), tmp_path / "s.npz", budget=0)


def test_a_scale_corpus_lands_in_the_models_collection_with_its_dimensions(tmp_path, monkeypatch):
    monkeypatch.setenv("VVP_BENCH_CACHE", str(tmp_path / "cache"))
    embedder = CountingEmbedder()
    data_dir = build_scale_corpus(60, embedder, budget=10)

    summary = corpus_summary(data_dir)
    assert summary["chunks"] >= 60 and summary["dimensions"] == 384 and summary["model"] == "fake-e5-384"
    assert summary["collection"] == collection_name("vvp_chunks", "fake-e5-384")
    assert summary["sentences_embedded"] == 10 and summary["sentences_derived"] > 0
    assert data_dir.name.startswith("scale-60-")

    kb = knowledge_base(data_dir, embedder)  # as the server opens it: the same collection, full
    assert kb.vectors.count() == summary["chunks"]
    assert len(kb.vectors.query(embedder.embed_query("provincie"), k=3)) == 3
    embedded = len(embedder.embedded)
    assert build_scale_corpus(60, embedder, budget=10) == data_dir  # cached: reused, nothing embedded
    assert len(embedder.embedded) == embedded
    assert json.loads((data_dir / "bench-corpus.json").read_text())["sentence_budget"] == 10
