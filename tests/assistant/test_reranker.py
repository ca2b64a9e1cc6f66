"""The optional CrossEncoder reranker, loaded from a local directory (never downloaded)."""

from __future__ import annotations

import logging

from assistant.retrieval import CrossEncoderReranker, Retriever
from knowledge.embeddings import packaged_minilm_path


def test_reranker_rescores_the_fused_top_passages(vvp_container):
    # The packaged MiniLM directory stands in for a real CrossEncoder: its scores are untrained,
    # but loading from a path and re-ordering by them is the code path users get.
    logging.getLogger("transformers").setLevel(logging.ERROR)
    reranker = CrossEncoderReranker(packaged_minilm_path(), top_n=5)
    retriever = Retriever(vvp_container.kb, reranker=reranker)
    hits = retriever.search("Met wie onderhoudt de VVP contacten?", k=3)
    assert len(hits) == 3
    assert all("rerank" in hit.channels for hit in hits)
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
