"""Evidence: the sentences (and list items) of the retrieved passages, scored against a question.

Both answerers use it: the extractive answerer quotes the best units, and the refusal decision
for every answerer is `support`, a 0–1 confidence that the passages answer the question.
Scoring combines idf-weighted coverage of the question's stemmed terms (lexical) with the
cosine similarity of unit and question embeddings (dense, which carries paraphrases and
English or French questions).
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from assistant.models import Hit
from ingest.sentences import split_sentences
from knowledge.analysis import char_ngrams, stem, word_tokens, words
from knowledge.embeddings import Embedder

LIST_ITEM = re.compile(r"^\s*(?:[-•*◦▪–]|\d+[.)]|[a-z][.)])\s+")

# Weights of the unit score, fitted on the VVP dev questions and the policyqa train split
# (bench/answer_experiments.py): coverage matters most, meaning breaks ties and carries
# questions in other languages, the passage's retrieval rank is a prior.
W_LEXICAL, W_DENSE, W_PRIOR = 0.6, 0.25, 0.15
# For questions in another language the Dutch terms cannot match: meaning decides, and the
# passage ranking (whose dense channel compares whole passages) counts more.
W_LEXICAL_FOREIGN, W_DENSE_FOREIGN, W_PRIOR_FOREIGN = 0.2, 0.5, 0.3
# Cosine similarities of USE between a question and an unrelated / a matching sentence.
DENSE_FLOOR, DENSE_CEIL = 0.15, 0.6
# A rare name, or rare terms carrying RARE_MISSING_SHARE of the question, missing from the best
# passage halve the support, unless the best unit's meaning match is this strong (a paraphrase).
RARE_MISSING_PENALTY = 0.5
STRONG_DENSE = 0.85
RARE_MISSING_SHARE = 0.3
RARE_SHARE = 0.02
MIN_PASSAGES_FOR_RARITY = 50
DENSE_CANDIDATES = 6
ANSWER_TYPE_PENALTY = 0.5
FOREIGN_DENSE_SCALE = 0.75
YES_NO_VERB_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.5
# Share of a word's character n-grams that counts it as found: short words ("richt" in
# "oprichten") need less than compounds, whose parts must all be there ("bouwvergunning" is not
# found by "vergunning", "provinciebesturen" is by "besturen van de provincies").
PARTIAL_MATCH_SHORT, PARTIAL_MATCH_LONG, SHORT_WORD = 0.5, 0.7, 7

# Question words and light verbs: they say what kind of answer is wanted, not what it is about.
QUESTION_TERMS = frozenset(
    word_tokens(
        "waaruit waarin waarvoor waarmee waarover waarop waarom waar wanneer hoeveel hoe welke welk wat wie "
        "bestaan bestaat bestond doet doen deed gebeurt gebeurde kan kunnen moet moeten mag mogen "
        "zit zitten staat staan heet heten gaat gaan krijg krijgt krijgen vind vindt graag weten "
        "rol speelt spelen betekent betekenen houdt binnen tussen via per sinds tijdens vlakbij dichtbij "
        "word wordt worden werd werden bent hebt kun kunt wil wilt zal zult hoog lang groot veel vaak duur ver oud "
        "daarin daarvan daarover daarmee daarbij daarvoor hierin hiervan hierover hiermee erin ervan erover ermee"
    )
)
QUESTION_OPENERS = frozenset(
    "wat wie welke welk waar wanneer waarom hoe hoeveel waaruit waarin waarvoor waarmee waarover "
    "what who which where when why how quel quelle quels quelles qui que où quand pourquoi comment".split()
)
DUTCH_FUNCTION_WORDS = frozenset("de het een en van is zijn wat wie welke hoe waar wanneer waarom ik je u er in op voor met niet ook".split())
FOREIGN_FUNCTION_WORDS = frozenset(
    """
    the a an and of is are was what who which how where when why does do did can could should would in on for
    with to this that it its their there le la les un une des du est sont que qui quel quelle quels quelles
    comment pourquoi où quand fait font avec pour dans sur au aux ce cette ces
    """.split()
)


class TermStats(Protocol):
    """Document frequencies of analysed terms (the knowledge base's word index)."""

    def document_frequencies(self, terms: list[str]) -> dict[str, int]: ...

    def __len__(self) -> int: ...


@dataclass
class Unit:
    """A quotable span of a passage: `passage[start:end] == text`."""

    hit_index: int
    text: str
    start: int
    end: int
    is_list_item: bool
    lead_in: int | None = None  # index (in the same passage's units) of the sentence introducing the list
    lexical: float = 0.0
    dense: float = 0.0
    score: float = 0.0


def locate_units(passage: str, hit_index: int) -> list[Unit]:
    """Split a passage into units and find each one's exact span, so quotes stay literal."""
    units: list[Unit] = []
    cursor = 0
    last_lead_in: int | None = None
    for sentence in split_sentences(passage):
        sentence = sentence.strip()
        if not sentence:
            continue
        start = passage.find(sentence, cursor)
        if start < 0:  # the splitter normalised whitespace: match flexibly
            pattern = r"\s+".join(re.escape(part) for part in sentence.split())
            found = re.compile(pattern).search(passage, cursor)
            if not found:
                continue
            start, end = found.span()
        else:
            end = start + len(sentence)
        line_start = passage.rfind("\n", 0, start) + 1
        is_item = bool(LIST_ITEM.match(passage[line_start : end])) and passage[line_start:start].strip() in ("", "-", "•", "*")
        text = passage[start:end]
        if is_item:
            marker = LIST_ITEM.match(text)
            if marker:  # quote the item without its bullet
                start += marker.end()
                text = passage[start:end]
        unit = Unit(hit_index, text, start, end, is_item, lead_in=last_lead_in if is_item else None)
        units.append(unit)
        if not is_item:
            last_lead_in = len(units) - 1 if text.rstrip().endswith(":") else None
    return units


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

    def __init__(self, embedder: Embedder, term_stats: Callable[[], TermStats], passages: int = 4):
        self.embedder = embedder
        self.term_stats = term_stats
        self.passages = passages
        self._cache = _VectorCache()

    def idf(self, terms: list[str]) -> dict[str, float]:
        stats = self.term_stats()
        return idf_from_frequencies(stats.document_frequencies(terms), max(len(stats), 1))

    def question_terms(self, question: str) -> dict[str, float]:
        """Stemmed content terms of the question with their idf (question words left out)."""
        terms = [term for term in dict.fromkeys(stem_words(question)) if term not in QUESTION_TERMS]
        weights = self.idf(terms) if terms else {}
        # In a yes/no question the first word is the verb ("Organiseert de VVP congressen?"), which
        # documents often phrase differently ("het inrichten van congressen"): it counts less.
        first = question.split()[0].strip("¿¡\"'") if question.split() else ""
        if first and first.lower() not in QUESTION_OPENERS:
            for term in word_tokens(first):
                if term in weights and len(weights) > 1:
                    weights[term] *= YES_NO_VERB_WEIGHT
        return weights

    def score(self, question: str, hits: list[Hit]) -> list[Unit]:
        """All units of the first `passages` hits, scored, best first."""
        units = [unit for index, hit in enumerate(hits[: self.passages]) for unit in locate_units(hit.text, index)]
        if not units:
            return []
        weights = self.question_terms(question)
        foreign = is_foreign(question)
        w_lexical, w_dense, w_prior = (
            (W_LEXICAL_FOREIGN, W_DENSE_FOREIGN, W_PRIOR_FOREIGN) if foreign else (W_LEXICAL, W_DENSE, W_PRIOR)
        )
        for unit in units:
            own = coverage(weights, unit.text).share
            framed = coverage(weights, *_in_context(unit, hits, units)).share
            # Terms found only in the frame (title, section, lead-in) count for half.
            unit.lexical = own + CONTEXT_WEIGHT * (framed - own)
            unit.score = w_lexical * unit.lexical + w_prior / (1 + unit.hit_index)
        # Embedding sentences is the costly step: for a Dutch question only the lexically most
        # promising units can still win, so only those are embedded.
        candidates = units if foreign else sorted(units, key=lambda u: -u.score)[:DENSE_CANDIDATES]
        vectors = self._cache.embed(self.embedder, [_meaning_text(unit, units) for unit in candidates])
        for unit, similarity in zip(candidates, vectors @ self.embedder.embed_query(question)):
            unit.dense = _dense(similarity)
            unit.score += w_dense * unit.dense
        return sorted(units, key=lambda unit: -unit.score)

    def support(self, question: str, hits: list[Hit], units: list[Unit]) -> float:
        """0–1 confidence that the passages answer the question; the service refuses below a threshold.

        Dutch questions: the idf-weighted share of the question's terms that the best passage
        contains, blended with meaning similarity, and halved when a rare term of the question
        (a name, a specific noun: "Limburg", "postadres") is absent from that passage, unless
        the meaning match is strong. Questions in another language: meaning similarity only.
        """
        if not hits or not units:
            return 0.0
        best = units[0]
        top = hits[best.hit_index]
        passage_dense = _dense(top.channels.get("dense", (0, 0.0))[1]) if "dense" in top.channels else 0.0
        dense = max(max(unit.dense for unit in units[:5]), passage_dense)
        if is_foreign(question):
            # Cross-lingual similarities run lower than Dutch-Dutch ones: calibrated separately.
            support = min(1.0, dense / FOREIGN_DENSE_SCALE)
            if not answer_type_present(question, " ".join(_in_context(best, hits, units))):
                support *= ANSWER_TYPE_PENALTY
            return float(support)
        weights = self.question_terms(question)
        found = coverage(weights, top.title, top.section, top.text)
        lexical = max(found.share, best.lexical)
        support = 0.6 * lexical + 0.4 * dense
        # A compound matched by its n-grams only is missing unless its parts are there as words.
        passage_terms = _terms(top.title) | _terms(top.section) | _terms(top.text)
        absent = found.missing + tuple(term for term in found.partial
                                       if len(SURFACE.get(term, term)) >= SHORT_WORD
                                       and not variant_found(term, passage_terms))
        if self._lacks_key_term(question, weights, absent) and best.dense < STRONG_DENSE:
            support *= RARE_MISSING_PENALTY
        if not answer_type_present(question, " ".join(_in_context(best, hits, units))):
            support *= ANSWER_TYPE_PENALTY
        return float(support)

    def _lacks_key_term(self, question: str, weights: dict[str, float], missing: tuple[str, ...]) -> bool:
        """The passage misses a rare name ("Limburg") or rare terms carrying much of the question.

        Needs a corpus of some size: in a handful of passages every word is "rare", and the
        idf-weighted coverage alone already tells what is missing.
        """
        if len(self.term_stats()) < MIN_PASSAGES_FOR_RARITY:
            return False
        # Numbers are left out: documents often say "de aow-leeftijd" where a question says "65".
        rare = [term for term in missing if self._rare(term, weights) and not term.isdigit()]
        if not rare:
            return False
        if set(rare) & names_in(question):
            return True
        total = sum(weights.values()) or 1.0
        return sum(weights[term] for term in rare) / total >= RARE_MISSING_SHARE

    def _rare(self, term: str, weights: dict[str, float]) -> bool:
        """Found in at most ~2% of the passages (at most 2 in a small corpus), or never."""
        documents = max(len(self.term_stats()), 1)
        df = max(2.0, RARE_SHARE * documents)
        return weights.get(term, 0.0) >= math.log(1 + (documents - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Coverage:
    share: float
    missing: tuple[str, ...]
    partial: tuple[str, ...] = ()  # found by their character n-grams only


@lru_cache(maxsize=50_000)
def _terms(text: str) -> frozenset[str]:
    return frozenset(word_tokens(text))


@lru_cache(maxsize=50_000)
def _grams(text: str) -> frozenset[str]:
    return frozenset(char_ngrams(text))


def coverage(weights: dict[str, float], *texts: str) -> Coverage:
    """Share of the question's idf mass found in `texts`, and the terms not found.

    A term counts as found when its stem occurs, or when most of its character n-grams do
    (compounds and inflections: "provinciebesturen" in "de besturen van de provincies").
    Each text's analysis is cached: the same passages, titles and lead-ins come back for every
    unit of a passage and for related questions.
    """
    total = sum(weights.values())
    if total <= 0:
        return Coverage(0.0, ())
    terms = frozenset().union(*(_terms(text) for text in texts))
    grams: frozenset[str] | None = None
    covered, missing, partial = 0.0, [], []
    for term, weight in weights.items():
        if term in terms:
            covered += weight
            continue
        word = SURFACE.get(term, term)
        term_grams = set(char_ngrams(word)) if len(word) >= 5 else set()
        if term_grams:
            grams = grams if grams is not None else frozenset().union(*(_grams(text) for text in texts))
            needed = PARTIAL_MATCH_SHORT if len(word) < SHORT_WORD else PARTIAL_MATCH_LONG
            if len(term_grams & grams) / len(term_grams) >= needed:
                covered += 0.8 * weight
                partial.append(term)
                continue
        missing.append(term)
    return Coverage(covered / total, tuple(missing), tuple(partial))


# Linking sounds between the parts of a Dutch compound: "stad-s-bestuur", "boek-en-kast".
_LINKS = ("", "s", "e", "en")


def variant_found(term: str, terms: frozenset[str]) -> bool:
    """True when `terms` hold another form of the word behind `term`: another inflection or
    derivation ("nederlands" / "nederland", "buitenlander" / "buitenlands"), a compound built on
    it ("bijstand" in "bijstandsuitkering"), or its parts as words of their own
    ("provinciebesturen" in "de besturen van de provincies"). Not "bouwvergunning" in
    "bouwwerken ... vergunning", whose character n-grams are all there too.

    >>> variant_found(stem_words("bouwvergunning")[0], _terms("bouwwerken met een vergunning"))
    False
    >>> variant_found(stem_words("provinciebesturen")[0], _terms("de besturen van de provincies"))
    True
    >>> variant_found(stem_words("bijstand")[0], _terms("een bijstandsuitkering"))
    True
    """
    word = SURFACE.get(term, term)
    for other in terms:
        if any(len(form) >= 5 and (other.startswith(form) or other.endswith(form)) for form in (term, word)):
            return True
        shared = len(os.path.commonprefix((term, other)))
        if shared >= 5 and shared >= 0.8 * min(len(term), len(other)):
            return True
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if stem(tail) not in terms:
            continue
        for link in _LINKS:
            if head.endswith(link) and len(head) - len(link) >= 3 and stem(head[: len(head) - len(link)]) in terms:
                return True
    return False


SURFACE: dict[str, str] = {}  # stem -> a word it came from (character n-grams need the word)


def stem_words(text: str) -> list[str]:
    """Stemmed terms of `text`, remembering a surface word per stem for partial matching."""
    terms = []
    for word in words(text):
        term = stem(word)
        if len(SURFACE) < 100_000:
            SURFACE.setdefault(term, word)
        terms.append(term)
    return terms


def _meaning_text(unit: Unit, units: list[Unit]) -> str:
    """What a unit means: a lead-in with what it introduces, a list item with its lead-in."""
    siblings = [u for u in units if u.hit_index == unit.hit_index]
    position = next(i for i, u in enumerate(siblings) if u is unit)
    if unit.lead_in is not None:
        return f"{siblings[unit.lead_in].text} {unit.text}"
    if unit.text.rstrip().endswith(":") and position + 1 < len(siblings):
        return f"{unit.text} {siblings[position + 1].text}"
    return unit.text


def _in_context(unit: Unit, hits: list[Hit], units: list[Unit]) -> tuple[str, ...]:
    """A unit's text with what frames it: its passage's title and section, and a list item's lead-in."""
    hit = hits[unit.hit_index]
    parts = [hit.title, hit.section]
    if unit.lead_in is not None:
        siblings = [u for u in units if u.hit_index == unit.hit_index]
        parts.append(siblings[unit.lead_in].text)
    return (*parts, unit.text)


def _dense(similarity: float) -> float:
    return float(np.clip((similarity - DENSE_FLOOR) / (DENSE_CEIL - DENSE_FLOOR), 0.0, 1.0))


NUMBER = re.compile(
    r"\d|\b(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|dertig|veertig|vijftig|"
    r"honderd|duizend|miljoen|miljard|enkele|meerdere|alle|geen|beide|tal)\b", re.IGNORECASE)
DATE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)\b|\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
    r"november|december|eeuw|jaar|jaren)\b", re.IGNORECASE)
ASKS_NUMBER = re.compile(r"^\s*(?:hoeveel|how many|how much|combien)\b", re.IGNORECASE)
ASKS_DATE = re.compile(
    r"^\s*(?:(?:sinds |tot )?wanneer (?:werd|werden|was|waren|is|zijn)\b.*\b(?:ge\w+|opgericht|\w+d)\b|"
    r"in welk jaar|welk jaar|when (?:was|were|did)|en quelle année|quand (?:a|ont|est|fut))", re.IGNORECASE)


# Contact details, in Dutch, English and French: a question that asks for one ("Wat is het
# e-mailadres van ...", "What is the VVP's phone number?") needs one in the answer. Only that
# frame counts: "Kan ik per e-mail reageren?" or "Hoe geef ik mijn nieuw adres door?" ask other
# things. The e-mail address comes first, since "e-mailadres" also says "adres".
_ASKS_FOR = (r"^\s*(?:(?:wat|welk|welke) (?:is|zijn|was) (?:het|de|hun|haar|zijn)|"
             r"what(?:'s| is| are) (?:the|their|its|his|her|[\w-]+'s)|"
             r"quel(?:le)?s? (?:est|sont) (?:le |la |l'|les |son |sa |leur )?)(?:\s?[\w'’-]+){{0,3}}?\s?(?:{noun})\b")


def _asks_for(noun: str) -> re.Pattern[str]:
    return re.compile(_ASKS_FOR.format(noun=noun), re.IGNORECASE)


ANSWER_TYPES = (
    (_asks_for(r"e-?mail(?:adres| address)?|mailadres|courriel|adresse e-mail"),
     re.compile(r"[\w.+-]+@[\w-]+\.\w|\[at\]|\(at\)", re.IGNORECASE)),
    (_asks_for(r"telefoon(?:nummer)?|gsm-?nummer|(?:tele)?phone(?: number)?|num[ée]ro de t[ée]l[ée]phone|t[ée]l[ée]phone"),
     re.compile(r"\+?\d[\d /.-]{6,}\d")),
    (_asks_for(r"website|webadres|webpagina|webstek|url|site (?:web|internet)"),
     re.compile(r"https?://|\bwww\.|\b[\w-]+\.(?:be|nl|eu|com|org|net|vlaanderen|brussels)\b", re.IGNORECASE)),
    (_asks_for(r"(?:post)?adres|(?:postal )?address|adresse(?: postale)?"),
     re.compile(r"\b\d{4}\s+[A-Z][a-z]|\b\w+(?:straat|laan|plein|steenweg|weg|lei|dreef|kaai|markt|square)\s+\d+"
                r"|\b(?:rue|avenue|boulevard)\s+\w+", re.IGNORECASE)),
)


def answer_type_present(question: str, text: str) -> bool:
    """A "hoeveel" question needs a number in the answer, "wanneer werd ..." a date, a question
    for an e-mail address, phone number, website or postal address one of those.

    >>> answer_type_present("Wat is het e-mailadres van de VVP?", "De VVP is een vereniging.")
    False
    >>> answer_type_present("What is the VVP's email address?", "Mail naar info@vvp.be.")
    True
    >>> answer_type_present("Kan ik mijn aangifte per e-mail indienen?", "Dat kan via het loket.")
    True
    """
    if ASKS_NUMBER.search(question):
        return bool(NUMBER.search(text))
    if ASKS_DATE.search(question):
        return bool(DATE.search(text))
    for asks, shows in ANSWER_TYPES:
        if asks.search(question):
            return bool(shows.search(text))
    return True


def names_in(question: str) -> set[str]:
    """Stemmed terms of capitalised words after the first word: names, places, acronyms."""
    words = question.split()[1:]
    return {term for word in words if word[:1].isupper() for term in word_tokens(word)}


def is_foreign(question: str) -> bool:
    """True when the question's function words are mostly English or French, not Dutch."""
    tokens = re.findall(r"[a-zà-ÿ']+", question.lower())
    foreign = sum(1 for token in tokens if token in FOREIGN_FUNCTION_WORDS)
    dutch = sum(1 for token in tokens if token in DUTCH_FUNCTION_WORDS)
    return foreign > dutch


def idf_from_frequencies(frequencies: dict[str, int], documents: int) -> dict[str, float]:
    """BM25-style idf, with unseen terms at the maximum."""
    top = math.log(1 + (documents + 0.5) / 0.5)
    return {term: (math.log(1 + (documents - df + 0.5) / (df + 0.5)) if df else top) for term, df in frequencies.items()}
