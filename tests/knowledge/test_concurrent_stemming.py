"""Stemming from many threads at once (concurrent API requests) gives the same stems as one thread.

A shared Snowball stemmer object made 8 concurrent /api/ask requests fail with IndexError and
silently return wrong stems; `knowledge.analysis` keeps one stemmer per thread.
"""

import random
import threading

from knowledge import analysis


def test_stems_are_identical_when_eight_threads_stem_at_once():
    rng = random.Random(5)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 15))) for _ in range(20_000)]
    words += ["provincies", "besturen", "samenwerkingsverbanden", "geïnteresseerde"]
    uncached = analysis.stem.__wrapped__  # bypass the lru_cache: every call really stems
    expected = {word: uncached(word) for word in words}
    wrong: list[str] = []
    errors: list[BaseException] = []

    def work(part: list[str]) -> None:
        try:
            wrong.extend(word for word in part if uncached(word) != expected[word])
        except BaseException as error:  # collected: an exception in a thread would go unseen
            errors.append(error)

    threads = [threading.Thread(target=work, args=(words[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert wrong == []
    assert expected["provincies"] == "provincie"


def test_the_c_stemmer_gives_the_stems_of_the_python_algorithm():
    """PyStemmer (C, ~12x faster) serves `snowballstemmer.stemmer` when installed; saved indexes
    hold stems, so both must agree (they did on all 26,616 words of the bench corpora)."""
    from snowballstemmer.dutch_stemmer import DutchStemmer

    import Stemmer

    c_stemmer, python_stemmer = Stemmer.Stemmer("dutch"), DutchStemmer()
    rng = random.Random(11)
    words = ["".join(rng.choice("abcdeeeghijklmnnoprssttuvz") for _ in range(rng.randint(3, 16))) for _ in range(5_000)]
    words += ["provincies", "besturen", "samenwerkingsverbanden", "geinteresseerde", "gemeenten", "opgeheven"]
    assert [c_stemmer.stemWord(word) for word in words] == [python_stemmer.stemWord(word) for word in words]
    assert type(analysis.stem.__wrapped__("x")) is str and analysis.stem("provincies") == "provincie"
