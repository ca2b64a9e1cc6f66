"""Document frequencies read from the BM25 matrix match a count over the documents, also after
the index changes and after a save and load."""

from knowledge.analysis import word_tokens
from knowledge.lexical import LexicalIndex

TEXTS = {
    "a": "De provincie Limburg en de provincie Antwerpen werken samen.",
    "b": "Het provinciebestuur beslist over wegen en fietspaden.",
    "c": "De gemeente en de provincie delen de kosten van de fietspaden.",
}


def counted(texts: dict[str, str], term: str) -> int:
    return sum(term in set(word_tokens(text)) for text in texts.values())


def test_document_frequencies_count_each_document_once(tmp_path):
    index = LexicalIndex("word")
    index.build(list(TEXTS), list(TEXTS.values()))
    terms = ["provincie", "fietspad", "wegen", "onbekend"]
    terms = [word_tokens(term)[0] if word_tokens(term) else term for term in terms]

    assert index.document_frequencies(terms) == {term: counted(TEXTS, term) for term in terms}
    assert index.document_frequencies([word_tokens("provincie")[0]]) == {word_tokens("provincie")[0]: 2}

    index.remove(["c"])
    remaining = {key: TEXTS[key] for key in ("a", "b")}
    assert index.document_frequencies(terms) == {term: counted(remaining, term) for term in terms}

    index.save(tmp_path / "word")
    loaded = LexicalIndex.load(tmp_path / "word")
    assert loaded.document_frequencies(terms) == {term: counted(remaining, term) for term in terms}


def test_an_empty_index_knows_no_term():
    assert LexicalIndex("word").document_frequencies(["provincie"]) == {"provincie": 0}
