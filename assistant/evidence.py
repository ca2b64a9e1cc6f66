"""Evidence: the sentences (and list items) of the retrieved passages, scored against a question.

Both answerers use it: the extractive answerer quotes the best units, and the refusal decision
for every answerer is `support`, a 0–1 confidence that the passages answer the question.
Units are ranked by idf-weighted coverage of the question's stemmed terms, the similarity of
unit and question in the knowledge base's own model (unit vectors stored at ingest,
`knowledge.unit_vectors`; the question's vector is the one retrieval made) and the passage's
retrieval rank. `support` is a logistic model fitted on real questions with and without their
document in the index (SUPPORT_MODELS): the main model's similarity of question and passage
and its margin over the question's background, term coverage and the best unit's match.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from assistant.matching import (
    acronyms_of, answer_type_present, asked_answer_type, coverage, is_foreign, stem_words, surface_words,
)
from assistant.models import Hit
from ingest.units import Unit, locate_units, partner
from ingest.wordlists import QUESTION_OPENERS, QUESTION_TERM_WORDS, V2_OPENERS
from knowledge.analysis import word_tokens
from knowledge.embeddings import Embedder
from knowledge.unit_vectors import unpack

# Weights of the unit score (set by hand, checked on the policyqa train split): coverage matters
# most, meaning breaks ties and carries questions in other languages, the passage's retrieval
# rank is a prior.
W_LEXICAL, W_DENSE, W_PRIOR = 0.6, 0.25, 0.15
# For questions in another language the Dutch terms cannot match: meaning decides, and the
# passage ranking (whose dense channel compares whole passages) counts more.
W_LEXICAL_FOREIGN, W_DENSE_FOREIGN, W_PRIOR_FOREIGN = 0.2, 0.5, 0.3


@dataclass(frozen=True)
class SupportModel:
    """Logistic weights of `EvidenceScorer.support` for one dense model: `dutch` for Dutch
    questions, `foreign` (no lexical signal) for English and French ones; `background` and
    `reference` are the medians of `dense_background` and `dense_reference` in the fit, used
    when the retriever did not measure them."""

    dutch: dict[str, float]
    foreign: dict[str, float]
    background: float
    reference: float
    # The model's cosine between a question and an unrelated / a matching sentence: a unit's
    # `dense` is its similarity placed on 0-1 between the two.
    unit_floor: float
    unit_ceil: float


# Fitted with bench/answer_calibration.py (`fit`) on the train splits of policyqa (400 questions,
# asked of the mixed knowledge base `make eval` builds: VVP documents, regeerakkoord, policyqa)
# and wetten-nl (51), each question answerable and once more with its document left out of the
# index, both sets weighted equally. Signals, all relative to the question itself:
# - dense_margin: the dense similarity of question and best passage minus the question's mean
#   similarity to the passages of other documents ranked 11-40 (`dense_background`,
#   assistant.retrieval.BACKGROUND_RANKS);
# - coverage: the idf-weighted share of the question's terms the passage holds;
# - unit_reference_margin: the similarity of question and best unit minus the question's mean
#   similarity to fixed everyday sentences (`dense_reference`, assistant/data), which are
#   sentence-sized like the units.
# Raw similarities are left out: their level depends on the texts' style and length (0.84 for a
# matching passage of the VVP text, 0.90 for a policyqa answer) and, for a question in another
# language, on the language pair. A question in English or French is judged without coverage.
SUPPORT_MODELS = {
    "multilingual-e5-small-q4": SupportModel(
        dutch={"dense_margin": 46.89, "coverage": 5.43, "unit_reference_margin": 27.46, "bias": -9.98},
        foreign={"dense_margin": 73.41, "unit_reference_margin": 32.15, "bias": -7.37},
        background=0.838, reference=0.754, unit_floor=0.75, unit_ceil=0.95,
    ),
    # policyqa train only (AUC 0.83), on its own knowledge base
    "use-multilingual-v3": SupportModel(
        dutch={"dense_top": -8.55, "dense_margin": 10.82, "coverage": 4.71, "unit_dense": 2.98, "bias": -3.76},
        foreign={"dense_top": -7.12, "dense_margin": 9.54, "unit_dense": 3.44, "bias": -0.55},
        background=0.234, reference=0.234, unit_floor=0.15, unit_ceil=0.6,
    ),
}
# Any other model (a local sentence-transformers directory): the e5 data fitted on the passage
# margin and coverage alone, whose scale depends least on the model. Not calibrated for that
# model: refit with bench/answer_calibration.py on questions of your own.
GENERIC_SUPPORT_MODEL = SupportModel(
    dutch={"dense_margin": 66.09, "coverage": 5.56, "bias": -7.37},
    foreign={"dense_margin": 101.11, "bias": -4.41},
    background=0.838, reference=0.754, unit_floor=0.75, unit_ceil=0.95,
)
# The support below which the service refuses. Chosen on the same train splits by a rule fixed
# before the run: the value on the 0.05 grid that maximises the mean, over wetten-nl train and
# mixed policyqa train, of (answered with a gold citation + refused with the document left out)
# / 2; ties go to the value nearer 0.5, the midpoint of the fit. With the background over other
# documents (4 Dec) 0.60 gave 0.860 (0.55: 0.855, 0.65: 0.855); see docs/quality.md.
REFUSAL_THRESHOLD = 0.6
ANSWER_TYPE_PENALTY = 0.5
FINITE_VERB_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.5
# Question words and light verbs, stemmed like the question's terms.
QUESTION_TERMS = frozenset(term for word in QUESTION_TERM_WORDS for term in word_tokens(word))
class TermStats(Protocol):
    """Document frequencies of analysed terms (the knowledge base's word index)."""

    def document_frequencies(self, terms: list[str]) -> dict[str, int]: ...

    def __len__(self) -> int: ...


class _VectorCache:
    """LRU of unit embeddings: the same passages come back for related questions."""

    def __init__(self, size: int = 20_000):
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def embed(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = [text for text in dict.fromkeys(texts) if text not in self._items]
        if missing:
            vectors = embedder.embed_documents(missing)
            with self._lock:
                for text, vector in zip(missing, vectors):
                    self._items[text] = vector
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        with self._lock:
            return np.vstack([self._items[text] for text in texts]) if texts else np.zeros((0, 1))


class EvidenceScorer:
    """Scores units of the top passages against a question.

    `term_stats` returns the knowledge base's word index (document frequencies of stemmed
    terms). Terms the corpus never uses get the highest idf, so a question about something
    absent ("postadres") keeps its weight and lowers the coverage.
    """

    def __init__(self, embedder: Embedder, term_stats: Callable[[], TermStats], passages: int = 4,
                 unit_vectors: Callable[[list[str]], dict[str, str]] | None = None):
        """`embedder` is the knowledge base's model (its `model_id` chooses the support model,
        SUPPORT_MODELS): the question's vector is the one retrieval already made, and the units'
        vectors are those stored at ingest, read by `unit_vectors` (chunk ids → packed vectors,
        `knowledge.unit_vectors`). A passage stored without them has its units embedded here."""
        self.embedder = embedder
        self.term_stats = term_stats
        self.passages = passages
        self.unit_vectors = unit_vectors
        self.support_model = SUPPORT_MODELS.get(embedder.model_id, GENERIC_SUPPORT_MODEL)
        self._cache = _VectorCache()

    def idf(self, terms: list[str]) -> dict[str, float]:
        stats = self.term_stats()
        return idf_from_frequencies(stats.document_frequencies(terms), max(len(stats), 1))

    def question_terms(self, question: str) -> dict[str, float]:
        """Stemmed content terms of the question with their idf (question words left out)."""
        terms = [term for term in dict.fromkeys(stem_words(question)) if term not in QUESTION_TERMS]
        weights = self.idf(terms) if terms else {}
        # The finite verb, which documents often phrase differently ("Wie zetelt in ..." against
        # "samengesteld uit", "Richt de VVP studiedagen in?" against "het inrichten van"), counts
        # less. Dutch puts it first in a yes/no question and second after a one-word question
        # word ("wie", "waar", ...); after "welke", "hoeveel" a noun comes first, so no guess there.
        words = [word.strip("¿¡\"'") for word in question.split()]
        verb = None
        if words and words[0].lower() not in QUESTION_OPENERS:
            verb = words[0]
        elif len(words) > 2 and words[0].lower() in V2_OPENERS:
            verb = words[1]
        if verb:
            for term in word_tokens(verb):
                if term in weights and len(weights) > 1:
                    weights[term] *= FINITE_VERB_WEIGHT
        return weights

    def score(self, question: str, hits: list[Hit]) -> list[Unit]:
        """All units of the first `passages` hits, scored, best first."""
        passages = [locate_units(hit.text, index) for index, hit in enumerate(hits[: self.passages])]
        units = [unit for passage in passages for unit in passage]
        if not units:
            return []
        weights = self.question_terms(question)
        surface = surface_words(question)
        acronyms = acronyms_of(question)
        foreign = is_foreign(question)
        w_lexical, w_dense, w_prior = (
            (W_LEXICAL_FOREIGN, W_DENSE_FOREIGN, W_PRIOR_FOREIGN) if foreign else (W_LEXICAL, W_DENSE, W_PRIOR)
        )
        # A question that asks for a number, a date or contact details is answered by a unit that
        # holds one: the others rank as support would judge them, at ANSWER_TYPE_PENALTY.
        wanted = asked_answer_type(question)
        query = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        for passage, vectors in zip(passages, self._vectors(hits, passages)):
            for index, unit in enumerate(passage):
                own = coverage(weights, unit.text, surface=surface, acronyms=acronyms).share
                framed = coverage(weights, *_in_context(unit, hits, units), surface=surface, acronyms=acronyms).share
                # Terms found only in the frame (title, section, lead-in) count for half.
                unit.lexical = own + CONTEXT_WEIGHT * (framed - own)
                # What the unit means: with its lead-in (a list item) or its first item (a lead-in).
                other = partner(index, passage)
                meaning = vectors[index] if other is None else _unit_length(vectors[index] + vectors[other])
                unit.similarity = float(meaning @ query)
                unit.dense = self._dense(unit.similarity)
                typed = 1.0
                if wanted is not None and not wanted.search(_meaning_text(unit, units)):
                    typed = ANSWER_TYPE_PENALTY
                unit.score = typed * (w_lexical * unit.lexical + w_dense * unit.dense + w_prior / (1 + unit.hit_index))
        return sorted(units, key=lambda unit: -unit.score)

    def _vectors(self, hits: list[Hit], passages: list[list[Unit]]) -> list[np.ndarray]:
        """Per passage, its units' vectors: as stored at ingest, else embedded now (and kept)."""
        stored = self.unit_vectors([hits[p[0].hit_index].chunk_id for p in passages if p]) if self.unit_vectors else {}
        matrices = []
        for passage in passages:
            texts = [unit.text for unit in passage]
            vectors = unpack(stored.get(hits[passage[0].hit_index].chunk_id), texts) if passage else None
            matrices.append(vectors if vectors is not None else self._cache.embed(self.embedder, texts))
        return matrices

    def _dense(self, similarity: float) -> float:
        """A unit's similarity on 0-1, between the model's levels for an unrelated and a matching sentence."""
        floor, ceil = self.support_model.unit_floor, self.support_model.unit_ceil
        return float(np.clip((similarity - floor) / (ceil - floor), 0.0, 1.0))

    def support(self, question: str, hits: list[Hit], units: list[Unit],
                context: dict[str, float] | None = None) -> float:
        """0–1 confidence that the passages answer the question; the service refuses below a threshold.

        A logistic model of signals that transfer across corpora (see SUPPORT_MODELS): how close
        the best passage is in meaning (the main model's margin over the passages that are not
        about the question, `context["dense_background"]` from the retriever), the idf-weighted
        share of the question's terms the passage holds, and how close its best unit is, over
        the question's similarity to everyday sentences (`context["dense_reference"]`). A question in English or French cannot match Dutch terms: it is judged on
        meaning alone (the model's `foreign` weights). A question that asks for a number, a date
        or contact details needs one in the quoted text.
        """
        signals = self.signals(question, hits, units, context)
        if not signals:
            return 0.0
        model = self.support_model.foreign if signals["foreign"] else self.support_model.dutch
        z = model["bias"] + sum(weight * signals[name] for name, weight in model.items() if name != "bias")
        support = 1.0 / (1.0 + math.exp(-z))
        if not signals["answer_type"]:
            support *= ANSWER_TYPE_PENALTY
        return float(support)

    def signals(self, question: str, hits: list[Hit], units: list[Unit],
                context: dict[str, float] | None = None) -> dict[str, float]:
        """The inputs of `support` for the best unit's passage (empty without passages)."""
        if not hits or not units:
            return {}
        best = units[0]
        top = hits[best.hit_index]
        weights = self.question_terms(question)
        surface = surface_words(question)
        found = coverage(weights, top.title, top.section, top.text, surface=surface, acronyms=acronyms_of(question))
        context = context or {}
        # A passage only the lexical channels found is at most as close as the dense channel's last.
        dense = float(top.channels["dense"][1]) if "dense" in top.channels else context.get("dense_floor", 0.0)
        background = context.get("dense_background", self.support_model.background)
        reference = context.get("dense_reference", self.support_model.reference)
        return {
            "dense_top": dense,
            "dense_margin": dense - background,
            "coverage": max(found.share, best.lexical),
            "unit_dense": best.dense,
            "unit_similarity": best.similarity,
            "unit_reference_margin": best.similarity - reference,
            # In the unit and its lead-in: a year in the document's title answers no "hoeveel".
            "answer_type": float(answer_type_present(question, _meaning_text(best, units))),
            "foreign": float(is_foreign(question)),
        }

    def features(self, question: str, hits: list[Hit], units: list[Unit],
                 context: dict[str, float] | None = None) -> dict[str, float]:
        """`signals` plus the support they give, for calibration (bench/answer_calibration.py)."""
        signals = self.signals(question, hits, units, context)
        if signals:
            signals["support"] = self.support(question, hits, units, context)
        return signals


def _meaning_text(unit: Unit, units: list[Unit]) -> str:
    """What a unit means: a lead-in with what it introduces, a list item with its lead-in."""
    siblings = [u for u in units if u.hit_index == unit.hit_index]
    other = partner(next(i for i, u in enumerate(siblings) if u is unit), siblings)
    if other is None:
        return unit.text
    first, second = sorted((siblings.index(unit), other))
    return f"{siblings[first].text} {siblings[second].text}"


def _unit_length(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _in_context(unit: Unit, hits: list[Hit], units: list[Unit]) -> tuple[str, ...]:
    """A unit's text with what frames it: its passage's title and section, and a list item's lead-in."""
    hit = hits[unit.hit_index]
    parts = [hit.title, hit.section]
    if unit.lead_in is not None:
        siblings = [u for u in units if u.hit_index == unit.hit_index]
        parts.append(siblings[unit.lead_in].text)
    return (*parts, unit.text)


def idf_from_frequencies(frequencies: dict[str, int], documents: int) -> dict[str, float]:
    """BM25-style idf, with unseen terms at the maximum."""
    top = math.log(1 + (documents + 0.5) / 0.5)
    return {term: (math.log(1 + (documents - df + 0.5) / (df + 0.5)) if df else top) for term, df in frequencies.items()}
