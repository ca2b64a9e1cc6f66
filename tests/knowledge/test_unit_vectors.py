"""Unit vectors are made at ingest, stored in the chunk's own record, and used by the evidence step
without running the model; a passage stored without them (or split differently since) still
gets them, embedded when asked. A counting fake model shows which texts were embedded when."""

from __future__ import annotations

import numpy as np

from assistant.evidence import EvidenceScorer
from assistant.retrieval import hit_from_stored
from knowledge.base import KnowledgeBase
from knowledge.unit_vectors import UNIT_VECTORS, pack, unit_texts, unpack
from knowledge.vector_store import VectorStore, make_client

PASSAGE = ("De provincieraad keurt elk jaar de begroting goed. Daarna volgt de jaarrekening.\n\n"
           "De gedeputeerde is bevoegd voor:\n • wegen en mobiliteit;\n • water en natuur.")


class CountingEmbedder:
    """A vector from each text's words (hashed), and a record of every text it embedded."""

    model_id = "counting-fake"

    def __init__(self):
        self.embedded: list[str] = []

    def embed_documents(self, texts):
        self.embedded.extend(texts)
        return np.array([self._vector(text) for text in texts], dtype=np.float32)

    def embed_query(self, text):
        return self._vector(text)

    @staticmethod
    def _vector(text):
        vector = np.zeros(16, dtype=np.float32)
        for word in text.lower().split():
            vector[sum(map(ord, word)) % 16] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-9)


class EvenStats:
    def document_frequencies(self, terms):
        return dict.fromkeys(terms, 1)

    def __len__(self):
        return 10


def knowledge_base(data_dir, embedder) -> KnowledgeBase:
    return KnowledgeBase(data_dir, VectorStore(make_client(data_dir, None), "vvp_chunks", embedder))


def ingested_passage(tmp_path):
    """PASSAGE ingested through the real path: the knowledge base, its model and the one chunk."""
    (tmp_path / "begroting.md").write_text(PASSAGE, encoding="utf-8")
    embedder = CountingEmbedder()
    kb = knowledge_base(tmp_path / "data", embedder)
    kb.ingest([tmp_path / "begroting.md"])
    [stored] = list(kb.vectors.iter_all())
    return kb, embedder, stored


def test_ingest_stores_one_vector_per_unit_in_the_chunk_record(tmp_path):
    kb, embedder, chunk = ingested_passage(tmp_path)
    texts = unit_texts(chunk.text)
    assert texts == ["De provincieraad keurt elk jaar de begroting goed.", "Daarna volgt de jaarrekening.",
                     "De gedeputeerde is bevoegd voor:", "wegen en mobiliteit;", "water en natuur."]
    vectors = unpack(kb.unit_vectors([chunk.chunk_id])[chunk.chunk_id], texts)
    expected = np.array([embedder._vector(text) for text in texts])
    assert vectors is not None and np.allclose(vectors, expected, atol=0.01)


def test_the_evidence_step_uses_stored_vectors_and_embeds_only_passages_without_them(tmp_path):
    kb, embedder, stored = ingested_passage(tmp_path)
    hits = [hit_from_stored(stored, 1.0, {})]
    question = "Waarvoor is de gedeputeerde bevoegd?"

    embedder.embedded.clear()
    with_vectors = EvidenceScorer(embedder, lambda: EvenStats(), unit_vectors=kb.unit_vectors).score(question, hits)
    assert embedder.embedded == []  # the question's vector is not a passage embedding either

    without = EvidenceScorer(embedder, lambda: EvenStats()).score(question, hits)
    assert embedder.embedded == unit_texts(stored.text)
    assert [u.text for u in with_vectors] == [u.text for u in without]
    assert np.allclose([u.similarity for u in with_vectors], [u.similarity for u in without], atol=0.01)


def test_vectors_of_units_split_differently_are_not_used():
    texts = ["Eerste zin.", "Tweede zin."]
    blob = pack(np.eye(2, dtype=np.float32), texts)
    assert unpack(blob, ["Eerste zin. Tweede zin."]) is None
    assert unpack(blob, texts[::-1]) is None
    assert unpack("", texts) is None


def test_chunks_written_without_unit_vectors_have_none_stored(tmp_path):
    """What an older knowledge base (or the bench's fast path without them) holds: the evidence
    step then embeds their units itself (previous test)."""
    from ingest.models import Chunk

    kb = knowledge_base(tmp_path / "data", CountingEmbedder())
    chunk = Chunk("doc:0000", "doc", "Doc", "", None, "andere", "test", 0, PASSAGE, "h")
    kb.vectors.add([chunk], kb.vectors.embed_chunks([chunk]), new=True)
    assert kb.unit_vectors(["doc:0000"]) == {"doc:0000": ""}
    assert UNIT_VECTORS not in kb.get_chunks(["doc:0000"])[0].metadata


def test_a_list_item_is_matched_together_with_its_lead_in(tmp_path):
    """A list item's meaning vector joins its lead-in's: "bevoegd voor: wegen" answers a question
    about the deputy's competences even though the item alone names only roads."""
    kb, embedder, stored = ingested_passage(tmp_path)
    units = EvidenceScorer(embedder, lambda: EvenStats(), unit_vectors=kb.unit_vectors).score(
        "gedeputeerde bevoegd wegen", [hit_from_stored(stored, 1.0, {})])
    item = next(u for u in units if u.text == "wegen en mobiliteit;")
    alone = float(embedder._vector("wegen en mobiliteit;") @ embedder.embed_query("gedeputeerde bevoegd wegen"))
    assert item.similarity > alone
