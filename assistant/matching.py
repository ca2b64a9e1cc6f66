"""How a question's words, and the kind of answer it wants, are found in a passage.

Pure functions over text, used by `assistant.evidence`: the coverage of a question's stemmed
terms (by stem, by another form of the word, by the parts of a compound, by character n-grams),
whether a passage holds the kind of answer asked for (a number, a date, contact details), and
whether a question is in English or French rather than Dutch.

>>> coverage({"provincie": 1.0, "bestuur": 1.0}, "De provincies besturen samen.").share
1.0
>>> is_foreign("What is the role of the VVP in Brussels?")
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ingest.wordlists import DUTCH_FUNCTION_WORDS, DUTCH_STOPWORDS, ENGLISH_FUNCTION_WORDS, FRENCH_FUNCTION_WORDS
from knowledge.analysis import char_ngrams, fold, stem, word_tokens, words

# Share of a word's character n-grams that counts it as found: short words ("richt" in
# "oprichten") need less than compounds, whose parts must all be there ("bouwvergunning" is not
# found by "vergunning", "provinciebesturen" is by "besturen van de provincies").
PARTIAL_MATCH_SHORT, PARTIAL_MATCH_LONG, SHORT_WORD = 0.5, 0.7, 7


@dataclass(frozen=True)
class Coverage:
    share: float
    missing: tuple[str, ...]
    partial: tuple[str, ...] = ()  # found by their character n-grams only


@lru_cache(maxsize=50_000)
def terms_of(text: str) -> frozenset[str]:
    return frozenset(word_tokens(text))


@lru_cache(maxsize=50_000)
def _grams(text: str) -> frozenset[str]:
    return frozenset(char_ngrams(text))


# An abbreviation in capitals ("VVP", "WOB"): found in a text that spells it out ("Vereniging van
# de Vlaamse Provincies", "Wet openbaarheid van bestuur"). Two letters would match by chance.
ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")


def acronyms_of(question: str) -> dict[str, str]:
    """Stem -> letters of the question's abbreviations in capitals.

    >>> acronyms_of("Organiseert de VVP congressen?")
    {'vvp': 'vvp'}
    """
    return {stem(fold(found)): fold(found) for found in ACRONYM.findall(question)}


@lru_cache(maxsize=50_000)
def _initials(text: str) -> str:
    return "".join(word[0] for word in re.findall(r"[^\W\d_]+", fold(text)) if word not in DUTCH_STOPWORDS)


def spelled_out(letters: str, *texts: str) -> bool:
    """True when consecutive content words of a text start with `letters`.

    >>> spelled_out("vvp", "Vereniging van de Vlaamse Provincies – missie en werking")
    True
    """
    return any(letters in _initials(text) for text in texts)


def coverage(weights: dict[str, float], *texts: str, surface: Mapping[str, str] | None = None,
             acronyms: Mapping[str, str] | None = None) -> Coverage:
    """Share of the question's idf mass found in `texts`, and the terms not found.

    A term counts as found when its stem occurs, or when most of its character n-grams do
    (compounds and inflections: "provinciebesturen" in "de besturen van de provincies").
    `surface` maps a stem to the question's word it came from (`surface_words`): character
    n-grams need the word, not the stem. `acronyms` (`acronyms_of`): an abbreviation also
    counts as found, as a partial match, where a text spells it out. Each text's analysis is
    cached: the same passages, titles and lead-ins come back for every unit of a passage and
    for related questions.
    """
    surface = surface or {}
    total = sum(weights.values())
    if total <= 0:
        return Coverage(0.0, ())
    terms = frozenset().union(*(terms_of(text) for text in texts))
    grams: frozenset[str] | None = None
    covered, missing, partial = 0.0, [], []
    for term, weight in weights.items():
        if term in terms:
            covered += weight
            continue
        if acronyms and term in acronyms and spelled_out(acronyms[term], *texts):
            covered += 0.8 * weight
            partial.append(term)
            continue
        word = surface.get(term, term)
        if len(word) < 5 and head_of_compound(term, terms):
            covered += 0.8 * weight
            partial.append(term)
            continue
        term_grams = _grams(word) if len(word) >= 5 else frozenset()
        if term_grams:
            grams = grams if grams is not None else frozenset().union(*(_grams(text) for text in texts))
            needed = PARTIAL_MATCH_SHORT if len(word) < SHORT_WORD else PARTIAL_MATCH_LONG
            if len(term_grams & grams) / len(term_grams) >= needed:
                covered += 0.8 * weight
                partial.append(term)
                continue
        missing.append(term)
    return Coverage(covered / total, tuple(missing), tuple(partial))


def head_of_compound(term: str, terms: frozenset[str]) -> bool:
    """A word too short for character n-grams found as the last part of a compound in `terms`:
    a Dutch compound names a kind of its last part ("dinsdag" is a "dag", "bestuurslid" a "lid").

    >>> head_of_compound("dag", frozenset({"eerst", "dinsdag"})), head_of_compound("dag", frozenset({"dagelijk"}))
    (True, False)
    """
    return len(term) >= 3 and any(len(other) >= len(term) + 3 and other.endswith(term) for other in terms)


# Linking sounds between the parts of a Dutch compound: "stad-s-bestuur", "boek-en-kast".
_LINKS = ("", "s", "e", "en")


def variant_found(term: str, terms: frozenset[str], word: str | None = None) -> bool:
    """True when `terms` hold another form of the word behind `term`: another inflection or
    derivation ("nederlands" / "nederland", "buitenlander" / "buitenlands"), a compound built on
    it ("bijstand" in "bijstandsuitkering"), or its parts as words of their own
    ("provinciebesturen" in "de besturen van de provincies"). Not "bouwvergunning" in
    "bouwwerken ... vergunning", whose character n-grams are all there too.

    `word` is the surface word behind `term` (the stem itself when not given).

    >>> variant_found(stem("bouwvergunning"), terms_of("bouwwerken met een vergunning"), "bouwvergunning")
    False
    >>> variant_found(stem("provinciebesturen"), terms_of("de besturen van de provincies"), "provinciebesturen")
    True
    >>> variant_found(stem("bijstand"), terms_of("een bijstandsuitkering"), "bijstand")
    True
    """
    word = word or term
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


def stem_words(text: str) -> list[str]:
    """Stemmed terms of `text`, in order."""
    return [stem(word) for word in words(text)]


def surface_words(text: str) -> dict[str, str]:
    """Stem -> the first word of `text` it came from (for matching by character n-grams).

    >>> surface_words("Hoe vraag ik een bouwvergunning aan?")[stem("bouwvergunning")]
    'bouwvergunning'
    """
    found: dict[str, str] = {}
    for word in words(text):
        found.setdefault(stem(word), word)
    return found

NUMBER = re.compile(
    r"\d|\b(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|dertig|veertig|vijftig|"
    r"honderd|duizend|miljoen|miljard|beide|geen)\b", re.IGNORECASE)
DATE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)\b|\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
    r"november|december|eeuw|jaar|jaren)\b", re.IGNORECASE)
ASKS_NUMBER = re.compile(r"^\s*(?:hoeveel|how many|how much|combien)\b", re.IGNORECASE)
ASKS_DATE = re.compile(
    # "Wanneer werd de VVP opgericht?": the past participle closes the question ("Wanneer is het
    # zwembad open?" asks for opening hours, not a date).
    r"^\s*(?:(?:sinds |tot )?wanneer (?:werd|werden|was|waren|is|zijn)\b.*\b(?:ge\w+|opgericht|\w+d)\W*$|"
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


def asked_answer_type(question: str) -> re.Pattern[str] | None:
    """What the answer must contain for this question (a number, a date, contact details), or
    None when any answer may do.

    >>> asked_answer_type("Hoeveel provincies telt Vlaanderen?") is NUMBER
    True
    >>> asked_answer_type("Wat doet de VVP?") is None
    True
    """
    if ASKS_NUMBER.search(question):
        return NUMBER
    if ASKS_DATE.search(question):
        return DATE
    for asks, shows in ANSWER_TYPES:
        if asks.search(question):
            return shows
    return None


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
    wanted = asked_answer_type(question)
    return wanted is None or bool(wanted.search(text))


def is_foreign(question: str) -> bool:
    """True when the question's function words are mostly English or French, not Dutch."""
    return question_language(question) != "nl"


def question_language(question: str) -> str:
    """"nl", "en" or "fr", by the question's function words (Dutch when undecided).

    >>> question_language("Que fait la VVP à Bruxelles ?"), question_language("Wat doet de VVP?")
    ('fr', 'nl')
    """
    tokens = re.findall(r"[a-zà-ÿ']+", question.lower())
    english = sum(1 for token in tokens if token in ENGLISH_FUNCTION_WORDS)
    french = sum(1 for token in tokens if token in FRENCH_FUNCTION_WORDS)
    dutch = sum(1 for token in tokens if token in DUTCH_FUNCTION_WORDS)
    if max(english, french) <= dutch:
        return "nl"
    return "en" if english >= french else "fr"
