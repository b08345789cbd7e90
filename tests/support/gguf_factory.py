"""Write GGUF files for tests and benchmarks.

Uses the `gguf` package's reader and writer: the broken-tokenizer model is a
real, structurally valid GGUF (it loads) whose tokenizer data is wrong; the
random-weight models have a real model's shapes, so they run at its speed
(bench/standins.py writes the catalog's models; tests write small ones).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFReader, GGUFValueType, GGUFWriter, LlamaFileType, TokenType, quants


def rewrite(src: Path, dst: Path, edit: Callable[[str, object, GGUFValueType, GGUFValueType | None], object]) -> Path:
    """Copy src to dst through GGUFWriter; `edit(key, value, type, subtype)` returns the new value."""
    reader = GGUFReader(src, "r")
    arch = reader.fields["general.architecture"].contents()
    writer = GGUFWriter(dst, arch)
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        vtype = field.types[0]
        sub = field.types[-1] if vtype == GGUFValueType.ARRAY else None
        value = edit(key, field.contents(), vtype, sub)
        if value is None:
            continue
        writer.add_key_value(key, value, vtype, sub_type=sub)
    # The same steps as gguf's own gguf_new_metadata.py script.
    for t in reader.tensors:
        writer.add_tensor_info(t.name, t.data.shape, t.data.dtype, t.data.nbytes, t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for t in reader.tensors:
        writer.write_tensor_data(t.data)
    writer.close()
    return dst


# --- random-weight models with real shapes ------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Shape:
    """The numbers that decide a transformer's speed and memory (Qwen2-style: attention biases, SwiGLU)."""

    layers: int
    embedding: int
    feed_forward: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    tied_embeddings: bool
    context_length: int = 32768


# Rows generated and quantized per tensor; the rest repeats them (speed never depends on the values,
# and quantizing every row of a 7B in numpy would take most of an hour).
_ROWS = 64


def _quantized_rows(rng: np.random.Generator, rows: int, cols: int, qtype: GGMLQuantizationType) -> np.ndarray:
    block = rng.standard_normal((min(rows, _ROWS), cols), dtype=np.float32) * np.float32(0.02)
    q = quants.quantize(block, qtype)
    if q.shape[0] == rows:
        return q
    return np.tile(q, (-(-rows // q.shape[0]), 1))[:rows]


def random_model(dst: Path, shape: Shape, *, name: str, qtype: GGMLQuantizationType = GGMLQuantizationType.Q8_0,
                 tokenizer_from: Path, seed: int = 0, arch: str = "qwen2") -> Path:
    """Write a GGUF with ``shape``'s tensors (random values) and the tokenizer of ``tokenizer_from``.

    The tokenizer's vocabulary is padded with plain tokens up to ``shape.vocab`` so the embedding and
    output matrices have their real sizes. Norm weights are ones and biases zeros, so activations stay
    finite. The vocabulary rows of control tokens are zero, so their logit is 0 while the largest of
    the others is positive: greedy decoding then prints visible text to max_tokens, as a real model's
    answer would, instead of invisible special tokens.
    """
    reader = GGUFReader(tokenizer_from, "r")
    tokens = list(reader.fields["tokenizer.ggml.tokens"].contents())
    types = list(reader.fields["tokenizer.ggml.token_type"].contents())
    if len(tokens) > shape.vocab:
        raise ValueError(f"the tokenizer has {len(tokens)} tokens, more than the shape's vocabulary {shape.vocab}")
    pad = shape.vocab - len(tokens)
    tokens += [f"<pad{i}>" for i in range(pad)]
    types += [int(TokenType.USER_DEFINED)] * pad

    w = GGUFWriter(dst, arch)
    w.add_name(name)
    w.add_file_type({GGMLQuantizationType.Q8_0: LlamaFileType.MOSTLY_Q8_0,
                     GGMLQuantizationType.Q4_0: LlamaFileType.MOSTLY_Q4_0,
                     GGMLQuantizationType.F16: LlamaFileType.MOSTLY_F16}[qtype])
    w.add_block_count(shape.layers)
    w.add_context_length(shape.context_length)
    w.add_embedding_length(shape.embedding)
    w.add_feed_forward_length(shape.feed_forward)
    w.add_head_count(shape.heads)
    w.add_head_count_kv(shape.kv_heads)
    w.add_key_length(shape.head_dim)
    w.add_value_length(shape.head_dim)
    w.add_rope_freq_base(1_000_000.0)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_vocab_size(shape.vocab)
    w.add_token_list(tokens)
    w.add_token_types(types)
    for key in ("tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id",
                "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id",
                "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_space_prefix", "tokenizer.chat_template"):
        field = reader.fields.get(key)
        if field is not None:
            vtype = field.types[0]
            sub = field.types[-1] if vtype == GGUFValueType.ARRAY else None
            w.add_key_value(key, field.contents(), vtype, sub_type=sub)

    q_out, kv_out = shape.heads * shape.head_dim, shape.kv_heads * shape.head_dim
    plan: list[tuple[str, tuple[int, ...], bool]] = [("token_embd.weight", (shape.vocab, shape.embedding), True)]
    for i in range(shape.layers):
        b = f"blk.{i}."
        plan += [
            (b + "attn_norm.weight", (shape.embedding,), False),
            (b + "attn_q.weight", (q_out, shape.embedding), True),
            (b + "attn_q.bias", (q_out,), False),
            (b + "attn_k.weight", (kv_out, shape.embedding), True),
            (b + "attn_k.bias", (kv_out,), False),
            (b + "attn_v.weight", (kv_out, shape.embedding), True),
            (b + "attn_v.bias", (kv_out,), False),
            (b + "attn_output.weight", (shape.embedding, q_out), True),
            (b + "ffn_norm.weight", (shape.embedding,), False),
            (b + "ffn_gate.weight", (shape.feed_forward, shape.embedding), True),
            (b + "ffn_up.weight", (shape.feed_forward, shape.embedding), True),
            (b + "ffn_down.weight", (shape.embedding, shape.feed_forward), True),
        ]
    plan.append(("output_norm.weight", (shape.embedding,), False))
    if not shape.tied_embeddings:
        plan.append(("output.weight", (shape.vocab, shape.embedding), True))

    block, type_size = GGML_QUANT_SIZES[qtype]
    for tname, dims, quantized in plan:
        if quantized:
            rows, cols = dims
            w.add_tensor_info(tname, (rows, cols // block * type_size), np.dtype(np.uint8),
                              rows * (cols // block) * type_size, raw_dtype=qtype)
        else:
            w.add_tensor_info(tname, dims, np.dtype(np.float32), 4 * dims[0])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    rng = np.random.default_rng(seed)
    control = [i for i, t in enumerate(types) if t == TokenType.CONTROL]
    for tname, dims, quantized in plan:
        if quantized:
            data = _quantized_rows(rng, dims[0], dims[1], qtype)
            if tname in ("token_embd.weight", "output.weight"):
                data = data.copy()
                data[control] = 0
            w.write_tensor_data(data)
        elif tname.endswith(".bias"):
            w.write_tensor_data(np.zeros(dims, dtype=np.float32))
        else:
            w.write_tensor_data(np.ones(dims, dtype=np.float32))
    w.close()
    return dst
