"""Tests for the Dutch analyzers (knowledge.analysis) and the BM25 index (knowledge.lexical)."""

import numpy as np
import pytest

from knowledge.analysis import DUTCH_STOPWORDS, char_ngrams, fold, word_tokens, words
from knowledge.lexical import LexicalIndex

DOCS = {
    "limburg": "De provincie Limburg investeert in fietspaden en natuur.",
    "bestuur": "Het provinciebestuur beslist over de ruimtelijke ordening.",
    "gemeente": "Gemeenten en steden werken samen in de VVSG.",
    "belasting": "Particulieren bewaren hun administratie vijf jaar voor de belastingdienst.",
    "glued": "Dezeprovincie werktsamen bijhet onderwijs.",
}


def build(analyzer="word", docs=DOCS):
    index = LexicalIndex(analyzer)
    index.build(list(docs), list(docs.values()))
    return index


# -- analyzers --------------------------------------------------------------------------
def test_stemming_conflates_plural_and_singular():
    assert word_tokens("provincies") == word_tokens("provincie")


def test_accents_are_folded():
    assert fold("Geïnteresseerd in privé-instellingen") == "geinteresseerd in prive-instellingen"
    assert word_tokens("enquête") == word_tokens("enquete")


def test_stopwords_are_dropped():
    assert word_tokens("de het een van en") == []
    assert {"de", "het", "een", "van"} <= DUTCH_STOPWORDS


def test_hyphenated_words_yield_joined_form_and_parts():
    assert words("samen-werking") == ["samenwerking", "samen", "werking"]
    assert words("schaalvergro-\nting") == ["schaalvergroting"]


def test_char_ngrams_link_compound_and_its_parts():
    compound = set(char_ngrams("provinciebestuur"))
    parts = set(char_ngrams("bestuur van de provincie"))
    unrelated = set(char_ngrams("natuur en fietspaden"))
    assert len(compound & parts) >= 0.6 * len(parts)
    assert len(compound & parts) > 3 * len(compound & unrelated)


def test_char_ngrams_of_short_text():
    assert char_ngrams("") == []
    assert char_ngrams("eu", n=4) == [" eu "]


# -- index ------------------------------------------------------------------------------
def test_top_finds_the_document_for_an_inflected_query():
    assert build().top("provincies Limburg", k=1)[0][0] == "limburg"


def test_char_index_matches_compound_against_its_parts():
    assert build("char").top("bestuur van de provincie", k=1)[0][0] == "bestuur"


def test_char_index_survives_glued_words():
    assert build("char").top("deze provincie werkt samen", k=1)[0][0] == "glued"


def test_scores_align_with_ids_and_unknown_query_gives_zeros():
    index = build()
    scores = index.scores("belastingdienst")
    assert scores.shape == (len(DOCS),)
    assert index.ids[int(np.argmax(scores))] == "belasting"
    assert not index.scores("xyzzy qwerty").any()
    assert not index.scores("").any()
    assert index.top("de het", k=3) == []


def test_top_respects_mask_and_k():
    index = build()
    mask = np.array([doc_id != "limburg" for doc_id in index.ids])
    assert all(doc_id != "limburg" for doc_id, _ in index.top("provincie", k=5, mask=mask))
    assert len(index.top("provincie", k=1)) == 1
    with pytest.raises(ValueError):
        index.top("provincie", k=1, mask=np.ones(2, dtype=bool))


def test_coverage_is_low_for_a_foreign_question():
    index = build()
    assert index.coverage("provincie Limburg") == 1.0
    assert index.coverage("Which county invests in bicycle lanes?") < 0.5


@pytest.mark.parametrize("analyzer", ["word", "char"])
def test_save_load_round_trip(tmp_path, analyzer):
    index = build(analyzer)
    index.save(tmp_path / "idx")
    index.save(tmp_path / "idx")  # overwriting an existing index is atomic too
    loaded = LexicalIndex.load(tmp_path / "idx")
    assert loaded.ids == index.ids and len(loaded) == len(index)
    for query in ("provincie", "belastingdienst bewaren", "samenwerking gemeenten"):
        np.testing.assert_allclose(loaded.scores(query), index.scores(query), rtol=1e-6)
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]
    loaded.add(["nieuw"], ["Een nieuw document over de provincie"])
    assert "nieuw" in loaded.ids


@pytest.mark.parametrize("analyzer", ["word", "char"])
def test_add_and_remove_equal_a_fresh_build(analyzer):
    docs = list(DOCS.items())
    index = LexicalIndex(analyzer)
    index.build([d for d, _ in docs[:3]], [t for _, t in docs[:3]])
    index.add([d for d, _ in docs[3:]], [t for _, t in docs[3:]])
    index.remove(["gemeente", "onbekend"])
    index.add(["limburg"], ["De provincie Limburg heeft een nieuw bestuur."])  # replaces
    expected = {d: t for d, t in docs if d != "gemeente"}
    expected["limburg"] = "De provincie Limburg heeft een nieuw bestuur."
    fresh = LexicalIndex(analyzer)
    fresh.build(list(expected), list(expected.values()))
    assert sorted(index.ids) == sorted(fresh.ids)
    for query in ("provincie bestuur", "belastingdienst", "gemeenten steden", "onderwijs"):
        got = dict(zip(index.ids, index.scores(query)))
        want = dict(zip(fresh.ids, fresh.scores(query)))
        assert got == pytest.approx(want, rel=1e-5)


def test_removing_everything_leaves_an_empty_usable_index():
    index = build()
    index.remove(index.ids)
    assert len(index) == 0
    assert index.top("provincie", k=3) == []


def test_rejects_mismatched_or_duplicate_input():
    with pytest.raises(ValueError):
        LexicalIndex("word").build(["a"], ["x", "y"])
    with pytest.raises(ValueError):
        LexicalIndex("word").build(["a", "a"], ["x", "y"])
    with pytest.raises(ValueError):
        LexicalIndex("trigram")


@pytest.mark.parametrize("analyzer", ["word", "char"])
def test_scores_equal_a_plain_bm25s_index(analyzer):
    from knowledge.analysis import ANALYZERS
    import bm25s

    index = build(analyzer)
    index.k1, index.b = 1.3, 0.6
    index.remove([])  # no-op: keeps the matrix
    index.add(["extra"], ["Nog een tekst over provincies en gemeenten."])
    texts = list(DOCS.values()) + ["Nog een tekst over provincies en gemeenten."]
    plain = bm25s.BM25(k1=1.3, b=0.6, method="lucene")
    plain.index([ANALYZERS[analyzer](t) for t in texts], show_progress=False)
    for query in ("provincie gemeenten", "belastingdienst", "onderwijs samen"):
        terms = [t for t in ANALYZERS[analyzer](query) if t in plain.vocab_dict]
        np.testing.assert_allclose(index.scores(query), plain.get_scores(terms), rtol=1e-5)
