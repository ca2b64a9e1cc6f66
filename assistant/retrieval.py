"""Hybrid retrieval: per-channel rankings from the knowledge base, fused, deduplicated, reranked.

The fusion itself lives in `assistant.fusion` (pure functions); this module turns fused ids
into `Hit`s with their passages.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

import numpy as np

from assistant.fusion import fuse, weights_for
from assistant.models import Hit
from knowledge.atomic_files import replacing
from knowledge.base import Filters, KnowledgeBase
from knowledge.vector_store import StoredChunk

log = logging.getLogger(__name__)

# Each channel returns this many candidates per wanted hit (at least MIN_CANDIDATES), so the
# fusion can promote a passage that only one channel ranked highly.
CANDIDATES_PER_HIT = 6
MIN_CANDIDATES = 40
# What "not about this question" looks like for a question: its mean dense similarity to the
# passages ranked 11-40 among those of *other documents* than the best passage's. A document's
# other passages share its topic (the other articles of a law, the other answers of a letter)
# and would make a question look unspecific to the one document that answers it. The ranking
# reads the dense channel's first BACKGROUND_POOL candidates. A small knowledge base has too few
# passages to tell: short texts on everyday topics (assistant/data) join its ranking for this
# measurement only, and rank below a large knowledge base's own passages.
BACKGROUND_RANKS = slice(10, 40)
BACKGROUND_POOL = 150
BACKGROUND_TEXTS = Path(__file__).resolve().parent / "data" / "background-nl.txt"


def background_texts(path: Path = BACKGROUND_TEXTS) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


class CrossEncoderReranker:
    """Re-scores the fused top passages with a local sentence-transformers CrossEncoder."""

    def __init__(self, path: Path, top_n: int = 20):
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import CrossEncoder

        if not path.is_dir():
            raise ValueError(f"Reranker directory not found: {path}")
        self._model = CrossEncoder(str(path), device="cpu", local_files_only=True)
        self.top_n = top_n

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        head, tail = hits[: self.top_n], hits[self.top_n :]
        if not head:
            return hits
        scores = self._model.predict([(query, hit.text) for hit in head], show_progress_bar=False)
        for hit, score in zip(head, scores):
            hit.channels["rerank"] = (0, float(score))
            hit.score = float(score)
        return sorted(head, key=lambda hit: -hit.score) + tail


def hit_from_stored(stored: StoredChunk, score: float, channels: dict[str, tuple[int, float]]) -> Hit:
    meta = stored.metadata
    page = meta.get("page", -1)
    return Hit(
        chunk_id=stored.chunk_id, document_id=meta.get("document_id", ""), title=meta.get("title", ""),
        section=meta.get("section", ""), page=page if isinstance(page, int) and page > 0 else None,
        doc_type=meta.get("doc_type", "andere"), source=meta.get("source", ""),
        position=int(meta.get("position", 0)), text=stored.text, score=score, channels=channels,
        ocr=bool(meta.get("ocr", False)),
    )


class Retriever:
    """BM25 (word and character analyzers) + dense, fused.

    >>> retriever = Retriever(kb)                              # doctest: +SKIP
    >>> [hit.title for hit in retriever.search("Wat doet de VVP in Brussel?", k=3)]  # doctest: +SKIP
    """

    def __init__(self, kb: KnowledgeBase, reranker: CrossEncoderReranker | None = None,
                 fusion_method: str | None = None, cache_dir: Path | None = None):
        self.kb = kb
        self.reranker = reranker
        self.fusion_method = fusion_method
        self.weights = weights_for(kb.vectors.model_id)
        self.cache_dir = cache_dir  # where the background's vectors are kept between starts
        self._background = None  # embeddings of the background texts, made on first use
        self._background_lock = threading.Lock()

    def search(self, query: str, k: int = 5, filters: Filters | None = None,
               timings: dict[str, float] | None = None, context: dict[str, float] | None = None) -> list[Hit]:
        """The `k` best passages. `context`, when given, receives what the evidence step needs to
        judge them: `dense_background`, the question's mean dense similarity to the passages of
        other documents than the best hit's, ranked BACKGROUND_RANKS (what "not about this
        question" looks like for this question), `dense_reference`, its mean similarity to the
        everyday background texts, and `dense_floor`, the lowest dense similarity among the
        candidates that entered the fusion."""
        started = time.perf_counter()
        candidates = max(MIN_CANDIDATES, k * CANDIDATES_PER_HIT)
        dense_k = max(candidates, BACKGROUND_POOL) if context is not None else candidates
        channels = self.kb.channel_results(query, candidates, filters, dense_k=dense_k)
        pool = channels.get("dense", [])
        channels["dense"] = pool[:candidates]
        options = {"method": self.fusion_method} if self.fusion_method else {}
        # Low word coverage (a question in English or French) hands the ranking to the dense channel.
        fused = fuse(channels, weights=self.weights, lexical_confidence=self.kb.lexical_coverage(query), **options)
        wanted = max(k, self.reranker.top_n if self.reranker else 0)
        hits = self._hits(fused, wanted)
        if self.reranker:
            hits = self.reranker.rerank(query, hits)
        if context is not None and pool:
            context.update(self._dense_context(query, pool, hits[0].document_id if hits else None))
            context["dense_floor"] = channels["dense"][-1][1]
        if timings is not None:
            timings["retrieve"] = round((time.perf_counter() - started) * 1000, 2)
        return hits[:k]

    def _dense_context(self, query: str, pool: list[tuple[str, float]], best_document: str | None) -> dict[str, float]:
        """The question's background and reference levels in the dense model (see `search`);
        `pool` is the dense ranking, BACKGROUND_POOL long."""
        if self._background is None:
            with self._background_lock:
                if self._background is None:
                    self._background = self._background_vectors()
        reference = (self._background @ self.kb.vectors.embed_query(query)).tolist()
        documents = self.kb.document_ids([cid for cid, _ in pool])
        others = [score for (_, score), document in zip(pool, documents) if document != best_document]
        ranked = sorted(others + reference, reverse=True)[BACKGROUND_RANKS]
        return {"dense_background": sum(ranked) / len(ranked), "dense_reference": sum(reference) / len(reference)}

    def _background_vectors(self) -> np.ndarray:
        """The background texts' vectors, from `cache_dir` when this model made them before
        (embedding the 40 texts takes ~0.7 s of the first answer after a start)."""
        texts = background_texts()
        model_id = self.kb.vectors.model_id
        if self.cache_dir is None:
            return self.kb.vectors.embed_passages(texts)
        key = hashlib.sha256("\n".join([model_id, *texts]).encode()).hexdigest()[:16]
        path = self.cache_dir / f"background-{key}.npy"
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
        except (OSError, ValueError):
            pass
        vectors = self.kb.vectors.embed_passages(texts)
        try:
            with replacing(path) as partial, open(partial, "wb") as out:
                np.save(out, vectors)
        except OSError as error:  # a read-only cache: embed again at the next start
            log.info("background vectors not cached in %s: %s", self.cache_dir, error)
        return vectors

    def _hits(self, fused, wanted: int) -> list[Hit]:
        """The first `wanted` fused ids as hits, dropping passages whose text repeats a better one."""
        hits: list[Hit] = []
        seen_texts: set[str] = set()
        start = 0
        while len(hits) < wanted and start < len(fused):
            batch = fused[start : start + wanted * 2]
            start += len(batch)
            stored = {chunk.chunk_id: chunk for chunk in self.kb.get_chunks([cid for cid, _, _ in batch])}
            for cid, score, provenance in batch:
                chunk = stored.get(cid)
                if chunk is None:  # removed since the lexical index was built
                    continue
                key = " ".join(chunk.text.split()).lower()
                if key in seen_texts:
                    continue
                seen_texts.add(key)
                hits.append(hit_from_stored(chunk, score, provenance))
                if len(hits) == wanted:
                    break
        return hits
