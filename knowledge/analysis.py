"""Dutch text analyzers that turn a text into index terms for the lexical (BM25) channels.

Two analyzers, both pure functions of a string:

- ``word_tokens``: folded, stopword-free, Snowball-stemmed words. Precise on clean text.
- ``char_ngrams``: character 4-grams inside each stopword-free word, with boundary markers.
  Survives words glued together by PDF extraction and Dutch compounds that split their meaning
  over several words ("provinciebestuur" vs "bestuur van de provincie").

Both repair PDF line-break hyphenation ("schaalvergro-\\nting") and split in-line hyphenated
words into the joined form plus parts. Choices (n=4, within-word grams, stopwords removed,
negations dropped too) were measured with ``bench/retrieval_experiments.py``.

Example:
    >>> word_tokens("De provincies en het provinciebestuur")
    ['provincie', 'provinciebestuur']
    >>> char_ngrams("het bestuur", n=4)[:3]
    [' bes', 'best', 'estu']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Callable

import snowballstemmer

from ingest.wordlists import DUTCH_STOPWORDS

# A Snowball stemmer keeps the word it is stemming in the object, so threads (concurrent API
# requests) sharing one corrupt each other's words: each thread gets its own.
_STEMMERS = threading.local()
_WORD = re.compile(r"[0-9a-z]+(?:-[0-9a-z]+)*")
# A hyphen before a line break between two letters is PDF hyphenation. "milieu- en klimaat"
# (ellipsis, hyphen then a space on the same line) must stay apart, so only newlines count.
_HYPHENATION = re.compile(r"(?<=[a-zà-ÿ])-[ \t]*\r?\n\s*(?=[a-zà-ÿ])")

DEFAULT_NGRAM = 4


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lowercase, repair hyphenation and strip accents: "Geïnteresseerd" -> "geinteresseerd"."""
    text = _HYPHENATION.sub("", text.lower())
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _fold_char(ch) for ch in text)


def words(text: str) -> list[str]:
    """Folded words without stopwords; a hyphenated word also yields its parts.

    Flattened PDF text keeps hyphenation inside lines ("samen-werking"), while real compounds
    are hyphenated too ("etnisch-culturele"); emitting the joined word and its parts serves both.

    Example:
        >>> words("De samen-werking met Noord-Brabant")
        ['samenwerking', 'samen', 'werking', 'noordbrabant', 'noord', 'brabant']
    """
    out: list[str] = []
    for w in _WORD.findall(fold(text)):
        if "-" in w:
            parts = [p for p in w.split("-") if p not in DUTCH_STOPWORDS]
            out.append(w.replace("-", ""))
            out.extend(parts)
        elif w not in DUTCH_STOPWORDS:
            out.append(w)
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball Dutch stem of one folded word (cached: corpora repeat words a lot)."""
    stemmer = getattr(_STEMMERS, "dutch", None)
    if stemmer is None:
        stemmer = _STEMMERS.dutch = snowballstemmer.stemmer("dutch")
    return stemmer.stemWord(word)


def word_tokens(text: str) -> list[str]:
    """Folded, stopword-free, stemmed word tokens.

    Example:
        >>> word_tokens("Geïnteresseerde provincies")
        ['interesseer', 'provincie']
    """
    return [stem(w) for w in words(text)]


def char_ngrams(text: str, n: int = DEFAULT_NGRAM) -> list[str]:
    """Character n-grams inside each word of ``words(text)``, with " " as boundary marker.

    Interior grams survive words glued together by PDF extraction ("provinciebestuurbeslist")
    and let a compound match its parts ("provinciebestuur" vs "bestuur van de provincie");
    boundary grams (" pro", "uur ") keep whole-word matches ahead. Measured against n-grams
    across the de-spaced text (worse on clean text, no better on glued text).

    Example:
        >>> char_ngrams("de provincie", n=4)
        [' pro', 'prov', 'rovi', 'ovin', 'vinc', 'inci', 'ncie', 'cie ']
    """
    out: list[str] = []
    for word in words(text):
        padded = f" {word} "
        if len(padded) <= n:
            out.append(padded)
        else:
            out.extend([padded[i : i + n] for i in range(len(padded) - n + 1)])
    return out


# Bump when an analyzer changes: saved lexical indexes of another version are rebuilt.
ANALYSIS_VERSION = "2"

# Analyzer registry: the name is what a saved LexicalIndex records.
ANALYZERS: dict[str, Callable[[str], list[str]]] = {"word": word_tokens, "char": char_ngrams}
