"""The shared word lists: plain lower-case words that the analysers and detectors look up as-is."""

from ingest import wordlists

LISTS = {name: value for name, value in vars(wordlists).items() if name.isupper() and isinstance(value, frozenset)}


def test_every_list_holds_single_lower_case_words():
    assert len(LISTS) >= 10
    for name, words in LISTS.items():
        assert words, name
        for word in words:
            assert word == word.lower() and word.strip() == word and " " not in word, (name, word)


def test_abbreviations_are_stored_without_their_final_dot():
    assert {"art", "o.a", "m.b.t", "dhr"} <= wordlists.ABBREVIATIONS
    assert not any(word.endswith(".") for word in wordlists.ABBREVIATIONS | wordlists.END_CAPABLE)

