"""A question's term is found in a passage by its stem, by another form of the word, or by the
parts of a compound; character n-grams alone do not make a rare compound present (they are
scattered over other words), which is what lets the support score refuse such a question."""

import pytest

from assistant.evidence import _terms, coverage, stem_words, variant_found


def term(word: str) -> str:
    return stem_words(word)[0]  # also remembers the surface word, as analysing a question does


@pytest.mark.parametrize("word, passage", [
    ("provinciebesturen", "de besturen van de provincies"),   # compound parts as words
    ("stadsbestuur", "het bestuur van de stad"),               # with a linking s
    ("bijstand", "wie een bijstandsuitkering krijgt"),         # head of a longer compound
    ("Nederlandse", "overleg met Nederland"),                 # derivation
    ("buitenlander", "een buitenlands diploma"),
    ("reintegratie", "het reintegratieplan"),
])
def test_another_form_of_the_word_counts_as_found(word, passage):
    assert variant_found(term(word), _terms(passage))


@pytest.mark.parametrize("word, passage", [
    ("bouwvergunning", "van bouwwerken met een vergunning"),  # every n-gram is there, the word is not
    ("bouwvergunning", "een vergunning"),                     # the tail alone is less specific
    ("vluchten", "recreatieve luchtvaart en vlugge vliegtuigen"),
    ("wegbeheer", "de wegwijzer van de beheerder"),
])
def test_scattered_character_ngrams_do_not_make_a_word_present(word, passage):
    assert not variant_found(term(word), _terms(passage))


def test_coverage_tells_partial_matches_apart():
    weights = {term("bouwvergunning"): 3.0, term("eigenaar"): 1.0}
    found = coverage(weights, "Van bouwwerken kan de eigenaar een vergunning vragen.")
    assert found.partial == (term("bouwvergunning"),) and found.missing == ()
    assert found.share == pytest.approx((0.8 * 3.0 + 1.0) / 4.0)
