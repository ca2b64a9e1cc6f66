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
