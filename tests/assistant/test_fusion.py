"""Tests for assistant.fusion: RRF, score fusion, rerank and confidence weighting."""

import pytest

from assistant.fusion import confidence_weights, fuse, normalise, rrf

WORD = [("a", 9.0), ("b", 5.0), ("c", 1.0)]
CHAR = [("b", 30.0), ("a", 29.0), ("d", 3.0)]
DENSE = [("e", 0.7), ("b", 0.6), ("a", 0.2)]


def ids(fused):
    return [doc_id for doc_id, _, _ in fused]


def test_rrf_orders_by_summed_reciprocal_ranks():
    fused = rrf({"word": WORD, "char": CHAR}, weights={"word": 1, "char": 1}, k=60)
    # a and b both have ranks {1, 2}: tie broken by id; c and d follow
    assert ids(fused)[:2] == ["a", "b"]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert set(ids(fused)) == {"a", "b", "c", "d"}


def test_rrf_weights_change_the_winner():
    fused = rrf({"word": WORD, "char": CHAR}, weights={"word": 1, "char": 3})
    assert ids(fused)[0] == "b"


def test_provenance_records_rank_and_score_per_channel():
    fused = fuse({"word": WORD, "dense": DENSE}, method="rrf")
    prov = dict((d, p) for d, _, p in fused)
    assert prov["a"] == {"word": (1, 9.0), "dense": (3, 0.2)}
    assert prov["e"] == {"dense": (1, 0.7)}  # id in only one channel


def test_channel_without_results_is_ignored():
    for method in ("rrf", "minmax", "zscore", "rerank"):
        fused = fuse({"word": WORD, "char": [], "dense": []}, method=method)
        assert ids(fused)[:3] == ["a", "b", "c"], method


def test_all_channels_empty_gives_empty_ranking():
    assert fuse({"word": [], "dense": []}) == []


def test_ties_are_broken_by_id_deterministically():
    fused = fuse({"word": [("z", 1.0), ("y", 1.0), ("x", 1.0)]}, method="zscore")
    assert ids(fused) == ["x", "y", "z"]


def test_normalise_minmax_and_zscore():
    assert normalise(WORD, "minmax") == {"a": 1.0, "b": 0.5, "c": 0.0}
    z = normalise(WORD, "zscore")
    assert sum(z.values()) == pytest.approx(0.0, abs=1e-9) and z["a"] > z["b"] > z["c"]
    assert normalise([("a", 2.0), ("b", 2.0)], "zscore") == {"a": 0.0, "b": 0.0}


def test_score_fusion_keeps_a_confident_lexical_winner_over_dense():
    fused = fuse({"word": WORD, "char": CHAR, "dense": DENSE})
    assert ids(fused)[0] in {"a", "b"}
    assert "e" in ids(fused)  # dense-only ids are still ranked


def test_low_lexical_confidence_hands_the_ranking_to_dense():
    english = {"word": [("c", 2.0), ("a", 1.0)], "dense": [("e", 0.7), ("a", 0.3), ("c", 0.1)]}
    equal = {"word": 1.0, "dense": 1.0}
    assert ids(fuse(english, weights=equal, lexical_confidence=1.0))[0] == "c"
    assert ids(fuse(english, weights=equal, lexical_confidence=0.1))[0] == "e"


def test_confidence_weights_scale_only_lexical_channels():
    w = confidence_weights({"word": 1.0, "char": 1.0, "dense": 0.75}, 0.4, full_at=0.8)
    assert w == {"word": 0.5, "char": 0.5, "dense": 0.75}
    assert confidence_weights({"word": 1.0}, 1.0) == {"word": 1.0}


def test_rerank_keeps_dense_only_ids_below_lexical_candidates():
    fused = fuse({"word": WORD, "dense": DENSE}, method="rerank", top_n=3)
    assert ids(fused)[-1] == "e"


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError):
        fuse({"word": WORD}, method="borda")


def test_a_single_lexical_match_outranks_weak_dense_neighbours():
    # One passage names "Cepli"; dense spreads small similarities over every passage.
    channels = {
        "word": [("cepli", 0.56)],
        "char": [("cepli", 2.96)],
        "dense": [("mission", 0.057), ("cepli", 0.021), ("tasks", 0.013), ("welcome", -0.013)],
    }
    assert fuse(channels)[0][0] == "cepli"
