"""Fuse the ranked results of several retrieval channels ("word", "char", "dense") into one.

Pure functions; nothing here knows about indexes or models. Every method takes
``{channel: [(id, score), ...]}`` (each list best first) and returns
``[(id, fused_score, {channel: (rank, score)}), ...]`` sorted best first, ties broken by id
so results are deterministic. Ranks are 1-based; a channel that did not return an id is absent
from that id's provenance dict.

Methods:
- ``"rrf"``: weighted reciprocal rank fusion, ``sum_c w_c / (k + rank_c)``.
- ``"minmax"`` / ``"zscore"``: weighted sum of per-channel normalised scores over each
  channel's top-N; an id a channel did not return gets that channel's floor (0 after min-max,
  the lowest z-score seen otherwise).
- ``"rerank"``: lexical z-score fusion; dense only re-orders the lexical top-N.

Default (the method measured with bench/retrieval_experiments.py; the weights tuned with e5 on
the wetten-nl and policyqa train splits by bench/fusion_weights.py, where the mean MRR rises
from 0.930 at dense 0.75 to a plateau of 0.939-0.941 for dense 3-5 and falls above it):
``"zscore"`` over each channel's top 50 with weights word 1.0, char 1.0, dense 4.0, plus
``lexical_confidence`` = the word index's query coverage, which scales the lexical weights
down for questions whose words the corpus does not know (English/French). RRF loses the
score gaps (a confident lexical match counts no more than a weak dense one) and rerank cannot
rescue cross-lingual questions; both measured worse.

Example:
    >>> fuse({"word": [("a", 3.0), ("b", 1.0)], "dense": [("b", 0.9), ("a", 0.5)]},
    ...      method="rrf")[0][0]                  # dense weighs 4 by default
    'b'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Ranked = Sequence[tuple[str, float]]
Fused = list[tuple[str, float, dict[str, tuple[int, float]]]]

DEFAULT_METHOD = "zscore"
# Tuned with e5 on the wetten-nl and policyqa train splits (see the module docstring).
DEFAULT_WEIGHTS: dict[str, float] = {"word": 1.0, "char": 1.0, "dense": 4.0}
# The dense weight follows the model's strength: USE's was tuned on policyqa train
# (bench/retrieval_experiments.py); a model not listed (e5, a local one) gets DEFAULT_WEIGHTS'.
DENSE_WEIGHTS: dict[str, float] = {"use-multilingual-v3": 0.75}
DEFAULT_RRF_K = 60
DEFAULT_TOP_N = 50
DEFAULT_FULL_CONFIDENCE = 0.8
DENSE_CHANNEL = "dense"


def weights_for(model_id: str | None) -> dict[str, float]:
    """The fusion weights for the dense channel of embedding model `model_id`.

    >>> weights_for("use-multilingual-v3")["dense"], weights_for("my-local-model")["dense"]
    (0.75, 4.0)
    """
    return {**DEFAULT_WEIGHTS, "dense": DENSE_WEIGHTS.get(model_id or "", DEFAULT_WEIGHTS["dense"])}


def _provenance(channel_results: Mapping[str, Ranked]) -> dict[str, dict[str, tuple[int, float]]]:
    prov: dict[str, dict[str, tuple[int, float]]] = {}
    for channel, ranked in channel_results.items():
        for rank, (doc_id, score) in enumerate(ranked, start=1):
            prov.setdefault(doc_id, {}).setdefault(channel, (rank, float(score)))
    return prov


def _sorted(fused: dict[str, float], prov: dict[str, dict[str, tuple[int, float]]]) -> Fused:
    order = sorted(fused, key=lambda d: (-fused[d], d))
    return [(d, fused[d], prov.get(d, {})) for d in order]


def _weights(channel_results: Mapping[str, Ranked], weights: Mapping[str, float] | None):
    weights = DEFAULT_WEIGHTS if weights is None else weights
    return {c: float(weights.get(c, 1.0)) for c in channel_results}


def rrf(
    channel_results: Mapping[str, Ranked],
    weights: Mapping[str, float] | None = None,
    k: float = DEFAULT_RRF_K,
) -> Fused:
    """Weighted reciprocal rank fusion: ``score(d) = sum_c w_c / (k + rank_c(d))``."""
    w = _weights(channel_results, weights)
    prov = _provenance(channel_results)
    fused = {
        doc_id: sum(w[c] / (k + rank) for c, (rank, _) in chans.items())
        for doc_id, chans in prov.items()
    }
    return _sorted(fused, prov)


def normalise(ranked: Ranked, how: str = "zscore", top_n: int = DEFAULT_TOP_N,
              zero_padded: bool = False) -> dict[str, float]:
    """Normalised scores of the first ``top_n`` entries of one channel.

    ``"minmax"`` maps to [0, 1]; ``"zscore"`` subtracts the mean and divides by the standard
    deviation of those scores. A flat list (all scores equal) maps to zeros.
    ``zero_padded``: see ``normalise_with_floor``.
    """
    return normalise_with_floor(ranked, how, top_n, zero_padded)[0]


def normalise_with_floor(ranked: Ranked, how: str = "zscore", top_n: int = DEFAULT_TOP_N,
                         zero_padded: bool = False) -> tuple[dict[str, float], float]:
    """``normalise`` plus the value an id the channel did not return gets (its floor).

    ``zero_padded``: the channel leaves out documents scoring 0 (BM25 without a shared term),
    so a short list stands for a top-N padded with zeros. Without this, a single lexical match
    (a name that occurs once) gets z = 0, as if it were no better than the documents without it.
    """
    head = list(ranked)[:top_n]
    if not head:
        return {}, 0.0
    values = [float(s) for _, s in head]
    if how == "minmax":
        lo, hi = min(values), max(values)
        span = hi - lo
        return {d: ((s - lo) / span if span > 0 else 0.0) for (d, _), s in zip(head, values)}, 0.0
    if how == "zscore":
        sample = values + [0.0] * (top_n - len(values)) if zero_padded else values
        mean = sum(sample) / len(sample)
        std = math.sqrt(sum((v - mean) ** 2 for v in sample) / len(sample))
        norm = {d: ((s - mean) / std if std > 0 else 0.0) for (d, _), s in zip(head, values)}
        floor = (0.0 - mean) / std if zero_padded and std > 0 else min(norm.values())
        return norm, floor
    raise ValueError(f"unknown normalisation {how!r}; use 'minmax' or 'zscore'")


def score_fusion(
    channel_results: Mapping[str, Ranked],
    weights: Mapping[str, float] | None = None,
    how: str = "zscore",
    top_n: int = DEFAULT_TOP_N,
) -> Fused:
    """Weighted sum of normalised scores (see ``normalise``); missing ids get the floor.

    Lexical channels are zero-padded (see ``normalise_with_floor``); the dense channel is not.
    """
    w = _weights(channel_results, weights)
    prov = _provenance({c: list(r)[:top_n] for c, r in channel_results.items()})
    fused = dict.fromkeys(prov, 0.0)
    for channel, ranked in channel_results.items():
        norm, floor = normalise_with_floor(ranked, how, top_n, zero_padded=channel != DENSE_CHANNEL)
        if not norm:
            continue
        for doc_id in fused:
            fused[doc_id] += w[channel] * norm.get(doc_id, floor)
    return _sorted(fused, prov)


def rerank_fusion(
    channel_results: Mapping[str, Ranked],
    weights: Mapping[str, float] | None = None,
    top_n: int = DEFAULT_TOP_N,
    dense_channel: str = DENSE_CHANNEL,
) -> Fused:
    """Lexical z-score fusion; the dense channel only re-orders the fused lexical top-N.

    Ids outside the lexical top-N keep their lexical order below it, then dense-only ids.
    Safe for Dutch questions, but it cannot rescue a question whose answer the lexical
    channels miss (English/French questions), so it is not the default.
    """
    w = _weights(channel_results, weights)
    lexical = {c: r for c, r in channel_results.items() if c != dense_channel}
    dense = list(channel_results.get(dense_channel, []))
    prov = _provenance(channel_results)
    base = [(d, s) for d, s, _ in score_fusion(lexical, w, "zscore", top_n)] if lexical else []
    if not base:
        return score_fusion({dense_channel: dense}, w, "zscore", top_n)
    pool = normalise(base, "zscore", top_n)
    dense_norm = normalise(dense, "zscore", len(dense))
    floor = min(dense_norm.values()) if dense_norm else 0.0
    wd = w.get(dense_channel, 0.0)
    fused = {d: z + wd * dense_norm.get(d, floor) for d, z in pool.items()}
    # Everything after the pool sits below it: the lexical tail in order, then dense-only ids.
    low = min(fused.values())
    rest = [d for d, _ in base[top_n:]] + [d for d, _ in dense if d not in fused]
    for i, d in enumerate(dict.fromkeys(rest), start=1):
        fused.setdefault(d, low - i)
    return _sorted(fused, prov)


def confidence_weights(
    weights: Mapping[str, float],
    lexical_confidence: float,
    dense_channel: str = DENSE_CHANNEL,
    full_at: float = DEFAULT_FULL_CONFIDENCE,
) -> dict[str, float]:
    """Scale every lexical channel's weight by the confidence in lexical matching.

    ``lexical_confidence`` in [0, 1] is typically the share of query words the word index
    knows (``LexicalIndex.coverage``): near 1 for a Dutch question, low for an English or
    French one, whose few accidental matches (names, loanwords) must not outvote dense.
    Confidence at or above ``full_at`` keeps the weights unchanged.

    Example:
        >>> confidence_weights({"word": 1.0, "dense": 0.5}, 0.25)
        {'word': 0.3125, 'dense': 0.5}
    """
    scale = max(0.0, min(1.0, lexical_confidence / full_at)) if full_at > 0 else 1.0
    return {c: (v if c == dense_channel else v * scale) for c, v in weights.items()}


_METHODS = {"rrf", "minmax", "zscore", "rerank"}


def fuse(
    channel_results: Mapping[str, Ranked],
    method: str = DEFAULT_METHOD,
    weights: Mapping[str, float] | None = None,
    lexical_confidence: float | None = None,
    **options,
) -> Fused:
    """Fuse per-channel rankings into one ranking; see the module docstring for methods.

    Defaults (measured, see bench/retrieval_experiments.py): method ``"zscore"``, weights
    ``DEFAULT_WEIGHTS`` (word 1, char 1, dense 4), ``top_n=50``. Pass
    ``lexical_confidence=word_index.coverage(question)`` to let dense take over for questions
    in another language (see ``confidence_weights``). ``options`` go to the chosen method
    (``k`` for rrf, ``top_n`` for the others). Channels missing from ``weights`` weigh 1.0.

    Example:
        >>> channels = {"word": [("a", 9.0), ("b", 1.0)], "dense": [("b", 0.6), ("a", 0.2)]}
        >>> fuse(channels, weights={"word": 1.0, "dense": 1.0}, lexical_confidence=1.0)[0][0]
        'a'
        >>> fuse(channels, weights={"word": 1.0, "dense": 1.0}, lexical_confidence=0.1)[0][0]
        'b'
    """
    if method not in _METHODS:
        raise ValueError(f"unknown fusion method {method!r}; choose from {sorted(_METHODS)}")
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    if lexical_confidence is not None:
        weights = confidence_weights(weights, lexical_confidence)
    if method == "rrf":
        return rrf(channel_results, weights, **options)
    if method in ("minmax", "zscore"):
        return score_fusion(channel_results, weights, how=method, **options)
    return rerank_fusion(channel_results, weights, **options)
