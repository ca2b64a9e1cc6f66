"""How the evidence step ranks the units of the top passages. Passages written for these tests;
the sentence model is a fake that finds every sentence equally close, so only the mechanism
under test decides."""

from __future__ import annotations

import numpy as np

from assistant.evidence import EvidenceScorer
from assistant.models import Hit


class FlatEmbedder:
    """Every text gets the same vector: sentence similarity never tells units apart."""

    model_id = "flat"
    dimensions = 4

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.tile(np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32), (len(texts), 1))

    def embed_query(self, text: str) -> np.ndarray:
        return np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32)


class EvenStats:
    """Every term occurs in one document of ten."""

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        return dict.fromkeys(terms, 1)

    def __len__(self) -> int:
        return 10


def hit(text: str, n: int = 0) -> Hit:
    return Hit(chunk_id=f"doc{n}:0000", document_id=f"doc{n}", title=f"Document {n}", section="", page=None,
               doc_type="andere", source=f"doc{n}.md", position=0, text=text, score=1.0)


def scorer() -> EvidenceScorer:
    return EvidenceScorer(FlatEmbedder(), lambda: EvenStats())


PASSAGE = (
    "De gemeenten van de regio werken samen in het streekoverleg over wegen en water. "
    "Aan het streekoverleg nemen 12 gemeenten deel."
)


def test_a_question_asking_how_many_is_answered_by_the_unit_with_a_number():
    units = scorer().score("Hoeveel gemeenten werken samen in het streekoverleg?", [hit(PASSAGE)])
    assert "12 gemeenten" in units[0].text


def test_without_an_asked_answer_type_the_lexically_best_unit_comes_first():
    units = scorer().score("Waarover werken de gemeenten samen in het streekoverleg?", [hit(PASSAGE)])
    assert "wegen en water" in units[0].text


def test_a_question_asking_for_a_date_prefers_the_unit_with_a_date():
    passage = ("Het provinciaal archief bewaart de notulen van de provincieraad. "
               "Het archief werd in 1998 opgericht in Brugge.")
    units = scorer().score("Wanneer werd het provinciaal archief van de notulen opgericht?", [hit(passage)])
    assert "1998" in units[0].text
