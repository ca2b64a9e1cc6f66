"""The scale corpora's fast path: a chunk's vector is the normalised mean of its sentences' vectors,
and variants of one sentence (other numbers, other names) are embedded once."""

import numpy as np

from bench.scale import SentenceVectors
from ingest.models import Chunk


class CountingEmbedder:
    model_id = "fake"

    def __init__(self):
        self.embedded: list[str] = []

    def embed_documents(self, texts):
        self.embedded.extend(texts)
        rng = np.random.default_rng(len(self.embedded))
        vectors = rng.normal(size=(len(texts), 512)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


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
    assert np.allclose(first, second)
    assert np.isclose(np.linalg.norm(first[0]), 1.0, atol=1e-5)

    vectors.save()
    reloaded = SentenceVectors(embedder, tmp_path / "sentences.npz")
    assert np.allclose(reloaded.chunk_vectors([chunk("De provincie Gent legt 1 km fietspad aan. Het kost 2 miljoen euro.")]),
                       first, atol=1e-6)
    assert len(embedder.embedded) == count
