"""Matching a question against a passage (`assistant.matching`).

A question's term is found in a passage by its stem, by another form of the word, or by the
parts of a compound; character n-grams alone do not make a rare compound present (they are
scattered over other words), which is what lets the support score refuse such a question.

A question that asks for a number, a date or contact details needs one in the passage that
answers it; a question that only mentions such a thing asks something else.
"""

import pytest

from assistant.matching import (
    acronyms_of, answer_type_present, coverage, stem_words, surface_words, terms_of, variant_found,
)
from knowledge.analysis import stem


def term(word: str) -> str:
    return stem_words(word)[0]


@pytest.mark.parametrize("word, passage", [
    ("provinciebesturen", "de besturen van de provincies"),   # compound parts as words
    ("stadsbestuur", "het bestuur van de stad"),               # with a linking s
    ("bijstand", "wie een bijstandsuitkering krijgt"),         # head of a longer compound
    ("Nederlandse", "overleg met Nederland"),                 # derivation
    ("buitenlander", "een buitenlands diploma"),
    ("reintegratie", "het reintegratieplan"),
])
def test_another_form_of_the_word_counts_as_found(word, passage):
    assert variant_found(term(word), terms_of(passage), word.lower())


@pytest.mark.parametrize("word, passage", [
    ("bouwvergunning", "van bouwwerken met een vergunning"),  # every n-gram is there, the word is not
    ("bouwvergunning", "een vergunning"),                     # the tail alone is less specific
    ("vluchten", "recreatieve luchtvaart en vlugge vliegtuigen"),
    ("wegbeheer", "de wegwijzer van de beheerder"),
])
def test_scattered_character_ngrams_do_not_make_a_word_present(word, passage):
    assert not variant_found(term(word), terms_of(passage), word.lower())


def test_coverage_tells_partial_matches_apart():
    weights = {term("bouwvergunning"): 3.0, term("eigenaar"): 1.0}
    found = coverage(weights, "Van bouwwerken kan de eigenaar een vergunning vragen.",
                     surface=surface_words("bouwvergunning eigenaar"))
    assert found.partial == (term("bouwvergunning"),) and found.missing == ()
    assert found.share == pytest.approx((0.8 * 3.0 + 1.0) / 4.0)


@pytest.mark.parametrize("word, passage, found", [
    ("dag", "De raad vergadert elke eerste dinsdag.", True),    # a kind of day
    ("lid", "Elk bestuurslid wordt verkozen.", True),
    ("dag", "De dagelijkse leiding ligt bij de directeur.", False),  # a derivation, not a compound head
    ("raad", "De raden vergaderen.", True),                     # plain inflection, as before
])
def test_a_short_word_is_found_as_the_head_of_a_compound(word, passage, found):
    share = coverage({term(word): 1.0}, passage, surface=surface_words(word)).share
    assert (share > 0) is found


def test_coverage_does_not_depend_on_questions_analysed_before():
    weights = {term("vergunningen"): 1.0}
    passage = "Wie bouwt, vraagt een vergunning aan."
    before = coverage(weights, passage, surface=surface_words("vergunningen"))
    surface_words("vergunninggever vergunningsplicht")  # another question, analysed in between
    assert coverage(weights, passage, surface=surface_words("vergunningen")) == before


def test_a_question_for_a_number_is_not_answered_by_the_article_een():
    assert not answer_type_present("Hoeveel leden telt de raad?", "De raad is een orgaan van de provincie.")
    assert answer_type_present("Hoeveel leden telt de raad?", "De raad telt twaalf leden.")

FOUNDATION = "De VVP werd opgericht in 1990 en telt vijf provincies."
CONTACT = ("VVP, Generaal Lemanstraat 67, 2018 Antwerpen. Tel. 03 240 50 00, info@vvp.be, "
           "www.vvp.be.")
MISSION = "De VVP behartigt de belangen van de provincies bij de Vlaamse overheid."


@pytest.mark.parametrize("question", [
    "Wat is het e-mailadres van de VVP?",
    "Wat is het algemene telefoonnummer van de VVP?",
    "Wat is de website van de VVP?",
    "Wat is het correspondentieadres van de VVP?",
    "What is the VVP's email address?",
    "What's the phone number of the VVP?",
    "Quelle est l'adresse de la VVP ?",
    "Hoeveel provincies telt de VVP?",
    "Wanneer werd de VVP opgericht?",
])
def test_a_question_for_a_detail_needs_that_detail(question):
    assert not answer_type_present(question, MISSION)
    assert answer_type_present(question, CONTACT if "opgericht" not in question else FOUNDATION)


@pytest.mark.parametrize("question", [
    "Kan ik mijn vraag per e-mail stellen?",
    "Hoe geef ik mijn nieuw adres door aan de provincie?",
    "Waarom belt de provincie mij via telefoon?",
    "Wat doet de VVP voor de provincies?",
])
def test_a_question_that_only_mentions_a_detail_asks_something_else(question):
    assert answer_type_present(question, MISSION)


def test_a_question_for_opening_hours_does_not_need_a_date():
    assert answer_type_present("Wanneer is het provinciaal zwembad open?", "Het zwembad is open van negen tot vijf uur.")
    assert not answer_type_present("Wanneer werd de vereniging opgericht?", "De vereniging telt vijf leden.")


def test_an_abbreviation_in_capitals_is_found_where_a_text_spells_it_out():
    question = "Welke steden zijn lid van de VVSG?"
    weights = {term: 1.0 for term in stem_words(question) if term in {stem("steden"), stem("vvsg")}}
    spelled = coverage(weights, "De Vereniging van Vlaamse Steden en Gemeenten telt veel steden.",
                       acronyms=acronyms_of(question))
    assert spelled.share > 0.8 and stem("vvsg") in spelled.partial
    elsewhere = coverage(weights, "Veel steden werken samen in intercommunales.", acronyms=acronyms_of(question))
    assert stem("vvsg") in elsewhere.missing


def test_two_letter_abbreviations_are_not_guessed_from_initials():
    assert acronyms_of("Wat doet de EU voor provincies?") == {}
