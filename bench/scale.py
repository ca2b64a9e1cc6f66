"""Scale corpora (10k, 100k chunks) for query latency and memory, built on a bench-only fast path.

Embedding 100k generated chunks with the configured model (e5: ~4 chunks/s on 2 cores) would take
hours, so the scale corpora are built differently from a real ingest (whose speed the bench
measures on the real path, see `bench.jobs.ingest_job`):

1. Generated Markdown documents (`bench.corpus`) go through the real loader and chunker.
2. Sentence keys (a sentence with numbers and names blanked, see `sentence_key`) are embedded
   with the real model, at most `budget` of them (they are kept on disk between runs). A key
   beyond the budget gets a cheap derived vector: the idf-weighted mean of its words' vectors,
   a word's vector being the mean of the embedded sentences that contain it. A chunk's vector is
   the normalised mean of its sentences' vectors: the model's own vector space and dimensions,
   close to (not equal to) the chunk's own embedding. `quality()` says how close.
3. Chunks are written with `VectorStore.add` into the collection the server opens (the base name
   from the settings, one collection per model), documents recorded in the manifest, and the
   lexical index is built from Chroma by `KnowledgeBase.sync_lexical(force=True)`, as another
   process would after a change.

Built corpora are cached under `data/bench/` (keyed by size, generator, analysis, chunking,
collection, model and budget), so a second bench run starts at once.

>>> data_dir = build_scale_corpus(10_000, create_embedder("e5-small"))     # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import shutil
import tempfile
import time
from collections import Counter
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
from knowledge.model_collections import collection_name
from knowledge.unit_vectors import pack, unit_texts

log = logging.getLogger(__name__)

FAST_PATH_VERSION = 3  # bump when the scale vectors change: cached corpora are rebuilt
SENTENCE_BUDGET = 3000  # sentence keys embedded by the model (~2.5-10 min with e5); the rest get derived vectors
EMBED_BATCH = 64
WRITE_BATCH = 4000  # chunks per Chroma write while building
READY = "bench-corpus.json"
_WORD = re.compile(r"\w{2,}")


def _words(key: str) -> set[str]:
    return set(_WORD.findall(key.lower()))


class SentenceVectors:
    """Model vectors of up to `budget` sentence keys (kept on disk), derived vectors for the rest.

    >>> vectors = SentenceVectors(embedder, Path("sentences.npz"), budget=3000)   # doctest: +SKIP
    >>> vectors.chunk_vectors(chunks).shape                                        # doctest: +SKIP
    (len(chunks), 384)
    """

    def __init__(self, embedder: Embedder, path: Path, budget: int = SENTENCE_BUDGET):
        if budget < 1:
            raise ValueError("SentenceVectors needs a budget of at least one embedded sentence")
        self.embedder = embedder
        self.path = path
        self.budget = budget
        self._vectors: dict[str, np.ndarray] = {}
        self._derived: dict[str, np.ndarray] = {}
        self._words: tuple[dict[str, np.ndarray], dict[str, float], np.ndarray] | None = None
        self.embedded = 0
        self.embed_seconds = 0.0
        if path.exists():
            with np.load(path, allow_pickle=False) as stored:
                self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"]))

    @property
    def dimensions(self) -> int:
        return len(next(iter(self._vectors.values())))

    @property
    def stored(self) -> int:
        return len(self._vectors)

    @property
    def derived(self) -> int:
        return len(self._derived)

    def chunk_vectors(self, chunks: list[Chunk]) -> np.ndarray:
        """One normalised mean vector per chunk (its head parts and sentences, equally weighted)."""
        pieces = [_pieces(chunk) for chunk in chunks]
        texts = {key: text for keys in pieces for key, text in keys}
        missing = [key for key in texts if key not in self._vectors]
        room = max(self.budget - len(self._vectors), 0)
        if missing[:room]:
            self._embed({key: texts[key] for key in missing[:room]})
        out = np.empty((len(chunks), self.dimensions), dtype=np.float32)
        for row, keys in enumerate(pieces):
            mean = np.mean([self.vector(key) for key, _ in keys], axis=0)
            out[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return out

    def unit_vectors(self, chunks: list[Chunk]) -> list[str]:
        """Each chunk's packed unit vectors (`knowledge.unit_vectors`), from the same sentence vectors."""
        packed = []
        for chunk in chunks:
            texts = unit_texts(chunk.text)
            vectors = np.array([self.vector(sentence_key(text)) for text in texts], dtype=np.float32)
            packed.append(pack(vectors, texts) if texts else "")
        return packed

    def vector(self, key: str) -> np.ndarray:
        """The model's vector of `key` when it was embedded, otherwise its derived vector."""
        if key in self._vectors:
            return self._vectors[key]
        if key not in self._derived:
            self._derived[key] = self._derive(key, self._word_table())
        return self._derived[key]

    def quality(self, held_out: int = 200) -> dict:
        """How close derived vectors come to the model's: cosine similarity of both for embedded
        keys left out of the word table (when derived vectors were needed at all)."""
        keys = list(self._vectors)
        if not self._derived or len(keys) < 2 * held_out:
            return {}
        table = self._word_table(keys[:-held_out])
        cosines = [float(self._derive(key, table) @ self._vectors[key]) for key in keys[-held_out:]]
        unrelated = [float(self._vectors[a] @ self._vectors[b]) for a, b in zip(keys[-held_out:], keys[:held_out])]
        return {"held_out": held_out, "derived_vs_model_cosine_mean": round(float(np.mean(cosines)), 3),
                "unrelated_sentences_cosine_mean": round(float(np.mean(unrelated)), 3)}

    def _embed(self, texts: dict[str, str]) -> None:
        started = time.perf_counter()
        keys = list(texts)
        for start in range(0, len(keys), EMBED_BATCH):
            batch = keys[start : start + EMBED_BATCH]
            self._vectors.update(zip(batch, self.embedder.embed_documents([texts[key] for key in batch])))
        self.embed_seconds += time.perf_counter() - started
        self.embedded += len(keys)
        self._words = None  # the word table follows the embedded sentences
        self._derived.clear()

    def _word_table(self, keys: list[str] | None = None):
        if keys is None and self._words is not None:
            return self._words
        keys = list(self._vectors) if keys is None else keys
        sums: dict[str, np.ndarray] = {}
        frequency: Counter = Counter()
        for key in keys:
            for word in _words(key):
                sums[word] = sums[word] + self._vectors[key] if word in sums else self._vectors[key].copy()
                frequency[word] += 1
        vectors = {word: total / frequency[word] for word, total in sums.items()}
        idf = {word: math.log(1 + len(keys) / count) for word, count in frequency.items()}
        mean = np.mean([self._vectors[key] for key in keys], axis=0)
        table = (vectors, idf, mean)
        if len(keys) == len(self._vectors):
            self._words = table
        return table

    @staticmethod
    def _derive(key: str, table) -> np.ndarray:
        vectors, idf, mean = table
        known = [word for word in _words(key) if word in vectors]
        total = sum((idf[word] * vectors[word] for word in known), np.zeros_like(mean)) if known else mean
        return (total / max(float(np.linalg.norm(total)), 1e-9)).astype(np.float32)

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


def corpus_key(chunks: int, model_id: str, layout: dict, budget: int = SENTENCE_BUDGET) -> str:
    """The cache name of a scale corpus: it changes with anything that changes what is stored."""
    sources = [p.stat().st_size if p.exists() else 0 for p in (regeerakkoord_corpus(), policyqa_corpus())]
    parts = [GENERATOR_VERSION, ANALYSIS_VERSION, FAST_PATH_VERSION, model_id, budget, layout, sources]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode())
    return f"scale-{chunks}-{digest.hexdigest()[:10]}"


def knowledge_base(data_dir: Path, embedder: Embedder) -> KnowledgeBase:
    """The knowledge base a `vvp serve` on `data_dir` opens: the settings' collection base name
    (one Chroma collection per model, `knowledge.model_collections`) and chunking."""
    from assistant.container import Container

    return Container(_settings(data_dir), embedder=embedder).kb


def _settings(data_dir: Path):
    from assistant.settings import Settings

    return Settings(data_dir=data_dir, chroma_url=None)


def layout(embedder: Embedder) -> dict:
    """Where and how chunks are stored: the model's collection name and the chunking."""
    settings = _settings(bench_cache_dir())
    return {"collection": collection_name(settings.collection, embedder.model_id),
            "chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}


def build_scale_corpus(chunks_wanted: int, embedder: Embedder, seed: int = 42, budget: int = SENTENCE_BUDGET) -> Path:
    """Build (or reuse) a data dir with about `chunks_wanted` chunks; returns its path."""
    stored = layout(embedder)
    target = bench_cache_dir() / corpus_key(chunks_wanted, embedder.model_id, stored, budget)
    if (target / READY).exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    sentences = SentenceVectors(embedder, bench_cache_dir() / f"sentence-vectors-{embedder.model_id}.npz", budget)
    kb = knowledge_base(target, embedder)
    generator = DocumentGenerator.from_shared(seed)
    total, documents, pending = 0, 0, []
    with tempfile.TemporaryDirectory(prefix="vvp-bench-docs-") as tmp:
        for name, text in generator.documents(prefix=f"bench{chunks_wanted}"):
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            document = load_document(path, source=f"bench:{name}", chunk_size=kb.chunk_size,
                                     chunk_overlap=kb.chunk_overlap)
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
        "model": embedder.model_id, "dimensions": sentences.dimensions, **stored,
        "sentence_budget": budget, "sentences_embedded": sentences.embedded,
        "sentences_embedded_total": sentences.stored, "sentences_derived": sentences.derived,
        "sentence_embed_seconds": round(sentences.embed_seconds, 1), "derived_quality": sentences.quality(),
        "build_seconds": round(time.perf_counter() - started, 1),
        "lexical_build_seconds": round(time.perf_counter() - lexical_started, 1),
    }
    (target / READY).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return target


def _write(kb: KnowledgeBase, sentences: SentenceVectors, documents) -> None:
    chunks = [chunk for document in documents for chunk in document.chunks]
    kb.vectors.add(chunks, sentences.chunk_vectors(chunks), new=True, units=sentences.unit_vectors(chunks))
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
