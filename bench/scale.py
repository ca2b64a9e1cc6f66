"""Scale corpora (10k, 100k chunks) for query latency and memory, built on a bench-only fast path.

Embedding 100k generated chunks with USE at ~80 chunks/s would take over 20 minutes, so the
scale corpora are built differently from a real ingest (whose speed the bench measures on the
real path, see `bench.jobs.ingest_job`):

1. Generated Markdown documents (`bench.corpus`) go through the real loader and chunker.
2. Every distinct sentence (numbers and names blanked, see `sentence_key`) is embedded once with
   the real USE model; a chunk's vector is the normalised mean of its sentences' vectors. That
   is the same vector space, close to (not equal to) the chunk's own embedding.
3. Chunks are written with `VectorStore.add`, documents recorded in the manifest, and the lexical
   index is built from Chroma by `KnowledgeBase.sync_lexical(force=True)`, as another process
   would after a change.

Built corpora are cached under `data/bench/` (keyed by size, generator, analysis and model), so
a second bench run starts at once.

>>> data_dir = ensure_scale_corpus(10_000)     # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.corpus import GENERATOR_VERSION, DocumentGenerator, sentence_key, sentences_of
from bench.data import bench_cache_dir, policyqa_corpus, regeerakkoord_corpus
from ingest.models import SECTION_SEPARATOR, Chunk
from ingest.pipeline import load_document
from knowledge.analysis import ANALYSIS_VERSION
from knowledge.base import KnowledgeBase
from knowledge.embeddings import Embedder
from knowledge.manifest import DocumentRecord
from knowledge.vector_store import VectorStore, make_client

log = logging.getLogger(__name__)

COLLECTION = "vvp_chunks"
WRITE_BATCH = 4000  # chunks per Chroma write while building
READY = "bench-corpus.json"


class SentenceVectors:
    """USE vectors of sentence keys, embedded once and kept on disk between runs."""

    def __init__(self, embedder: Embedder, path: Path):
        self.embedder = embedder
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self.embedded = 0
        if path.exists():
            with np.load(path, allow_pickle=False) as stored:
                self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"]))

    def chunk_vectors(self, chunks: list[Chunk]) -> np.ndarray:
        """One normalised mean vector per chunk (its head parts and sentences, equally weighted)."""
        pieces = [_pieces(chunk) for chunk in chunks]
        missing = list(dict.fromkeys(key for keys in pieces for key, _ in keys if key not in self._vectors))
        if missing:
            texts = {key: text for keys in pieces for key, text in keys}
            vectors = self.embedder.embed_documents([texts[key] for key in missing])
            self._vectors.update(zip(missing, vectors))
            self.embedded += len(missing)
        out = np.empty((len(chunks), 512), dtype=np.float32)
        for row, keys in enumerate(pieces):
            mean = np.mean([self._vectors[key] for key, _ in keys], axis=0)
            out[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return out

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.array([self._vectors[k] for k in keys], dtype=np.float32))
        tmp.replace(self.path)


def _pieces(chunk: Chunk) -> list[tuple[str, str]]:
    """(key, text) of the title parts, section and sentences that make up a chunk."""
    head = [part for piece in (chunk.title, chunk.section) for part in piece.replace(SECTION_SEPARATOR, ": ").split(": ")]
    texts = [part.strip() for part in head if part.strip()]
    for line in chunk.text.split("\n"):
        texts.extend(sentences_of(line))
    return [(sentence_key(text), text) for text in texts] or [("", chunk.text or " ")]


def corpus_key(chunks: int, model_id: str) -> str:
    sources = [p.stat().st_size if p.exists() else 0 for p in (regeerakkoord_corpus(), policyqa_corpus())]
    digest = hashlib.sha256(json.dumps([GENERATOR_VERSION, ANALYSIS_VERSION, model_id, sources]).encode())
    return f"scale-{chunks}-{digest.hexdigest()[:10]}"


def cached_corpus(chunks: int, model_id: str) -> Path | None:
    path = bench_cache_dir() / corpus_key(chunks, model_id)
    return path if (path / READY).exists() else None


def build_scale_corpus(chunks_wanted: int, embedder: Embedder, seed: int = 42) -> Path:
    """Build (or reuse) a data dir with about `chunks_wanted` chunks; returns its path."""
    target = bench_cache_dir() / corpus_key(chunks_wanted, embedder.model_id)
    if (target / READY).exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    sentences = SentenceVectors(embedder, bench_cache_dir() / f"sentence-vectors-{embedder.model_id}.npz")
    kb = KnowledgeBase(target, VectorStore(make_client(target, None), COLLECTION, embedder))
    generator = DocumentGenerator.from_shared(seed)
    total, documents, pending = 0, 0, []
    with tempfile.TemporaryDirectory(prefix="vvp-bench-docs-") as tmp:
        for name, text in generator.documents(prefix=f"bench{chunks_wanted}"):
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            document = load_document(path, source=f"bench:{name}")
            path.unlink()
            pending.append(document)
            total += len(document.chunks)
            documents += 1
            if sum(len(d.chunks) for d in pending) >= WRITE_BATCH or total >= chunks_wanted:
                _write(kb, sentences, pending)
                pending = []
                log.info("scale corpus %d: %d chunks written", chunks_wanted, total)
            if total >= chunks_wanted:
                break
    sentences.save()
    lexical_started = time.perf_counter()
    kb.sync_lexical(force=True)
    summary = {
        "chunks": kb.vectors.count(), "documents": documents, "generator_version": GENERATOR_VERSION,
        "sentences_embedded": sentences.embedded, "build_seconds": round(time.perf_counter() - started, 1),
        "lexical_build_seconds": round(time.perf_counter() - lexical_started, 1),
    }
    (target / READY).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return target


def _write(kb: KnowledgeBase, sentences: SentenceVectors, documents) -> None:
    chunks = [chunk for document in documents for chunk in document.chunks]
    kb.vectors.add(chunks, sentences.chunk_vectors(chunks), new=True)
    now = time.time()
    kb.manifest.upsert_ready_many([
        DocumentRecord(document_id=document.document_id, title=document.title, doc_type=document.doc_type,
                       source=document.source, stored_path=None, content_hash=document.content_hash,
                       status="ready", chunks=len(document.chunks), ingested_at=now, updated_at=now)
        for document in documents
    ])


def corpus_summary(data_dir: Path) -> dict:
    path = data_dir / READY
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
