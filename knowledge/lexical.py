"""BM25 index over one analyzer's terms, wrapping bm25s, with add/remove and atomic save/load.

bm25s has no incremental update, so the index keeps every document's analysed terms (as ids
into its own term table). ``add`` analyses only the new texts; ``add`` and ``remove`` then
rebuild the bm25s matrix from the cached term ids, which skips the costly analysis step.

Example:
    >>> index = LexicalIndex("word")
    >>> index.build(["a", "b"], ["De provincie Limburg", "Het bestuur van Antwerpen"])
    >>> [doc_id for doc_id, _ in index.top("provincies", k=1)]
    ['a']
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import bm25s
import numpy as np
import scipy.sparse as sp

from knowledge.analysis import ANALYZERS

logger = logging.getLogger(__name__)

# Measured on policyqa train (bench/retrieval_experiments.py); used when k1/b are not given.
DEFAULT_PARAMS: dict[str, tuple[float, float]] = {"word": (1.2, 0.75), "char": (0.9, 0.5)}

_META = "lexical.json"
_TERMS = "terms.json"
_DOC_TERMS = "doc_terms.npy"
_DOC_OFFSETS = "doc_offsets.npy"


class LexicalIndex:
    """A BM25 index for one analyzer (``"word"`` or ``"char"``, see ``knowledge.analysis``).

    Scores are aligned with ``ids``; ``top`` returns ``(id, score)`` pairs, best first, and
    leaves out documents scoring 0 (no shared term).
    """

    def __init__(self, analyzer: str, k1: float | None = None, b: float | None = None) -> None:
        if analyzer not in ANALYZERS:
            raise ValueError(f"unknown analyzer {analyzer!r}; choose from {sorted(ANALYZERS)}")
        default_k1, default_b = DEFAULT_PARAMS.get(analyzer, (1.2, 0.75))
        self.analyzer = analyzer
        self.k1 = default_k1 if k1 is None else k1
        self.b = default_b if b is None else b
        self._analyze = ANALYZERS[analyzer]
        self._ids: list[str] = []
        self._doc_terms: list[np.ndarray] = []
        self._term_ids: dict[str, int] = {}
        self._bm25: _NumpyLuceneBM25 | None = None
        self._df: np.ndarray | None = None  # document frequency per term id, computed on demand

    # -- contents -------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """Document ids, in the order of ``scores``."""
        return list(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def build(self, ids: list[str], texts: list[str]) -> None:
        """Replace the whole index with these documents."""
        self._check(ids, texts)
        self._ids, self._doc_terms, self._term_ids = [], [], {}
        self._append(ids, texts)
        self._reindex()

    def add(self, ids: list[str], texts: list[str]) -> None:
        """Add documents; an id already present is replaced by its new text."""
        self._check(ids, texts)
        if set(ids) & set(self._ids):
            self._drop(set(ids))
        self._append(ids, texts)
        self._reindex()

    def copy(self) -> LexicalIndex:
        """An independent copy: change it while readers keep using this one (copy-on-write).

        Cheap: the per-document term arrays are shared, since they are never changed in place.
        """
        other = LexicalIndex(self.analyzer, k1=self.k1, b=self.b)
        other._ids = list(self._ids)
        other._doc_terms = list(self._doc_terms)
        other._term_ids = dict(self._term_ids)
        other._bm25 = self._bm25
        return other

    def remove(self, ids: list[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        if self._drop(set(ids)):
            self._reindex()

    # -- querying -------------------------------------------------------------------------
    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (zeros when no query term is known)."""
        if self._bm25 is None or not self._ids:
            return np.zeros(len(self._ids), dtype=np.float32)
        vocab = self._bm25.vocab_dict
        token_ids = [vocab[t] for t in self._analyze(query) if t in vocab]
        if not token_ids:
            return np.zeros(len(self._ids), dtype=np.float32)
        return self._bm25.get_scores(token_ids)

    def coverage(self, query: str) -> float:
        """Share of the query's terms that occur in the index (0.0 for a query without terms).

        A cheap language/vocabulary signal: Dutch questions about the corpus score near 1,
        English or French ones low. ``assistant.fusion`` uses it to lower lexical weights.
        """
        terms = self._analyze(query)
        if not terms or self._bm25 is None:
            return 0.0
        vocab = self._bm25.vocab_dict
        return sum(t in vocab for t in terms) / len(terms)

    def top(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best ``(id, score)`` pairs with a positive score.

        ``mask`` is a boolean array aligned with ``ids``; documents where it is False are
        never returned (e.g. to restrict a search to one collection).
        """
        scores = self.scores(query)
        if mask is not None:
            if len(mask) != len(scores):
                raise ValueError(f"mask has {len(mask)} entries for {len(scores)} documents")
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.lexsort((best, -scores[best]))]  # score desc, then insertion order
        return [(self._ids[i], float(scores[i])) for i in best]

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many documents contain each analysed term (0 for terms the index never saw)."""
        if self._df is None:
            if self._bm25 is not None:
                # The score matrix stores one entry per (document, term) pair, so a term's column
                # length is its document frequency (counting per document took 1 s at 100k chunks).
                self._df = np.diff(np.asarray(self._bm25.scores["indptr"]))
            else:
                self._df = np.zeros(len(self._term_ids), dtype=np.int64)
        return {t: int(self._df[self._term_ids[t]]) if t in self._term_ids else 0 for t in terms}

    # -- persistence ----------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Write the index to ``directory`` atomically (temp dir, then rename)."""
        target = Path(directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            if self._bm25 is not None:
                self._bm25.save(str(tmp / "bm25"), show_progress=False)
            lengths = np.array([len(t) for t in self._doc_terms], dtype=np.int64)
            offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            flat = np.concatenate(self._doc_terms) if self._doc_terms else np.zeros(0, np.int32)
            np.save(tmp / _DOC_TERMS, flat.astype(np.int32))
            np.save(tmp / _DOC_OFFSETS, offsets)
            (tmp / _TERMS).write_text(json.dumps(list(self._term_ids)), encoding="utf-8")
            meta = {"analyzer": self.analyzer, "k1": self.k1, "b": self.b, "ids": self._ids}
            (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
            old = None
            if target.exists():
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                os.replace(target, old)
            os.replace(tmp, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, directory: str | Path) -> LexicalIndex:
        """Load an index written by ``save``."""
        path = Path(directory)
        meta = json.loads((path / _META).read_text(encoding="utf-8"))
        index = cls(meta["analyzer"], k1=meta["k1"], b=meta["b"])
        index._ids = list(meta["ids"])
        terms = json.loads((path / _TERMS).read_text(encoding="utf-8"))
        index._term_ids = {t: i for i, t in enumerate(terms)}
        flat = np.load(path / _DOC_TERMS)
        offsets = np.load(path / _DOC_OFFSETS)
        index._doc_terms = [flat[offsets[i] : offsets[i + 1]] for i in range(len(index._ids))]
        if (path / "bm25").exists():
            index._bm25 = _NumpyLuceneBM25.load(str(path / "bm25"), show_progress=False)
        return index

    # -- internals ------------------------------------------------------------------------
    @staticmethod
    def _check(ids: list[str], texts: list[str]) -> None:
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate ids")

    def _append(self, ids: list[str], texts: list[str]) -> None:
        term_ids = self._term_ids
        for doc_id, text in zip(ids, texts):
            terms = self._analyze(text)
            # setdefault assigns the next id to an unseen term
            row = [term_ids.setdefault(t, len(term_ids)) for t in terms]
            self._ids.append(doc_id)
            self._doc_terms.append(np.asarray(row, dtype=np.int32))

    def _drop(self, ids: set[str]) -> bool:
        keep = [i for i, d in enumerate(self._ids) if d not in ids]
        if len(keep) == len(self._ids):
            return False
        self._ids = [self._ids[i] for i in keep]
        self._doc_terms = [self._doc_terms[i] for i in keep]
        return True

    def _compact(self) -> None:
        """Drop terms no document uses any more, renumbering the cached term ids."""
        if not self._doc_terms:
            self._term_ids = {}
            return
        lengths = [len(t) for t in self._doc_terms]
        flat = np.concatenate(self._doc_terms)
        used = np.bincount(flat, minlength=len(self._term_ids)) > 0
        if used.all():
            return
        new_id = np.cumsum(used) - 1
        terms = [t for t, keep in zip(self._term_ids, used) if keep]
        self._term_ids = {t: i for i, t in enumerate(terms)}
        self._doc_terms = np.split(new_id[flat].astype(np.int32), np.cumsum(lengths)[:-1])

    def _reindex(self) -> None:
        self._df = None  # term ids change with the documents: recount on demand
        self._compact()
        if not self._ids or not self._term_ids:
            self._bm25 = None
            return
        bm25 = _NumpyLuceneBM25(k1=self.k1, b=self.b, method="lucene")
        bm25.index((self._doc_terms, dict(self._term_ids)), create_empty_token=False, show_progress=False)
        self._bm25 = bm25
        logger.debug("lexical index %s rebuilt: %d docs", self.analyzer, len(self._ids))


class _NumpyLuceneBM25(bm25s.BM25):
    """bm25s's BM25 with its documented override point, `build_index_from_ids`, vectorised.

    bm25s loops over documents in Python there, which took ~30 s for 100k chunks of char n-grams;
    `index`, `get_scores`, `save` and `load` stay bm25s's own.
    """

    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
        if self.method != "lucene":
            raise ValueError(f"only the lucene BM25 variant is vectorised, not {self.method!r}")
        self.nonoccurrence_array = None  # only BM25L and BM25+ add a non-occurrence score
        return _lucene_matrix(corpus_token_ids, len(unique_token_ids), self.k1, self.b)


def _lucene_matrix(doc_terms: list[np.ndarray], n_terms: int, k1: float, b: float) -> dict:
    """The bm25s "lucene" score matrix (CSC, one column per term), computed with numpy.

    Equivalent to ``bm25s.BM25.index`` (checked in tests) but vectorised: bm25s loops over
    documents in Python, which took ~30 s for 100k chunks of char n-grams.
    """
    n_docs = len(doc_terms)
    lengths = np.array([len(t) for t in doc_terms], dtype=np.int64)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
    flat = np.concatenate(doc_terms)
    # COO -> CSC sums duplicate (doc, term) entries into term frequencies (a counting sort)
    counts = sp.csc_matrix(
        (np.ones(len(flat), dtype=np.float32), (doc_of, flat)), shape=(n_docs, n_terms)
    )
    counts.sum_duplicates()
    tf, doc, indptr = counts.data, counts.indices, counts.indptr.astype(np.int64)
    df = np.diff(indptr)
    term = np.repeat(np.arange(n_terms), df)
    idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
    avg_len = lengths.mean()
    norm = k1 * (1.0 - b + b * lengths[doc] / avg_len) if avg_len > 0 else k1
    data = (idf[term] * tf / (tf + norm)).astype(np.float32)
    return {"data": data, "indices": doc.astype(np.int32), "indptr": indptr, "num_docs": n_docs}
