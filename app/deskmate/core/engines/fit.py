"""Will a model run on this computer, and how fast? Weights + KV cache + working memory against
free memory; bytes read per token against the measured memory bandwidth.

The numbers come from the GGUF header (read with :mod:`..engines.gguf_check`'s reader,
never llama_cpp) or, before a download, from the catalog. The estimate follows what
llama.cpp allocates on a CPU (checked against its own log on the stand-ins, docs/benchmarks.md):

* weights: the tensor bytes of the file (memory-mapped; the tensors llama.cpp repacks for
  faster kernels are copied into ordinary memory, and their mapped pages are then left to
  the page cache, so the total stays about the file's size);
* KV cache: keys and values for every layer and every position of the context,
  ``n_ctx × Σ_layers kv_heads × (key_dim + value_dim) × bytes per element`` (f16: 2, q8_0: 34/32);
* compute buffer: the logits of one batch, ``n_vocab × n_batch`` floats, and without flash
  attention the attention scores ``n_ctx × n_batch × heads`` floats when larger;
* a fixed allowance for the engine process itself.

It is an estimate, meant to tell 8 GB from 16 GB machines apart, not to the megabyte.
Sliding-window layers (Gemma 2/3) need less KV cache than counted here.

Speed: decoding a token reads every weight once and dequantizes it, so
``seconds per token = bytes / bandwidth + bytes / (cores × DEQUANT_RATE[type])``. The first
term is the bandwidth limit; the second is what the kernels cost on top. DEQUANT_RATE was
fitted on the stand-ins by bench/laptop.py (docs/benchmarks.md): on two cores the kernels,
not the memory, are most of the time.
"""

from __future__ import annotations

import dataclasses
import mmap
import os
import struct
from pathlib import Path
from typing import Literal

from .gguf_check import SCALARS, Cursor, check_gguf
from deskmate.core.hardware import Hardware, MemoryInfo, system_memory

__all__ = ["MemoryInfo", "system_memory"]  # re-exported: callers read memory through this module

GB = 1000**3
N_BATCH = 512
ENGINE_OVERHEAD = 300 * 1024**2
# Address space the engine process takes besides the model (Python, numpy, llama.cpp, thread
# stacks and malloc arenas) beyond ENGINE_OVERHEAD: VmSize of the engine was 0.8 GB on the built-in
# model and 2.55 GB on the 1.5B stand-in (docs/benchmarks.md); this allowance covers both.
ENGINE_ADDRESS_SPACE = 256 * 1024**2
CONTEXT_STEPS = (2048, 4096, 8192, 16384, 32768)
MIN_CTX = 2048  # below this, documents and longer answers stop working: refuse instead
FITS_SHARE = 0.8  # leave a fifth of the free memory to everything else
KV_BYTES = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
# Tensor types llama.cpp's CPU backend repacks into a second, anonymous copy (AVX2 build).
REPACKED_TYPES = frozenset({"Q4_0", "Q4_K", "IQ4_NL"})
# Bytes per second per core the decode kernels get through, by file type (bench/laptop.py).
DEQUANT_RATE = {"Q4_K_M": 10.0e9, "Q4_0": 12.3e9, "Q8_0": 19.2e9}
DEQUANT_RATE_OTHER = 10.0e9
# A typical position while answering: the KV cache read per token grows with it.
TYPICAL_POSITION = 1000
SLOW_TOKENS_PER_S = 3.0  # slower than about two words a second: a 300-word answer takes over two minutes
Verdict = Literal["fits", "slow", "tight", "wont_fit"]
BADGES = {"fits": "fits", "slow": "slow", "tight": "tight", "wont_fit": "won't fit"}


@dataclasses.dataclass(frozen=True)
class ModelShape:
    name: str
    architecture: str
    weights_bytes: int
    parameters: int | None
    quantization: str
    context_length: int | None  # trained context
    layers: int
    heads: int
    kv_heads_total: int  # summed over layers (models may vary it per layer)
    key_dim: int
    value_dim: int
    embedding: int
    vocab: int
    # Weight bytes read to decode one token: everything but the embedding table, unless the
    # output layer reuses it (tied embeddings). None: unknown, taken as the whole file.
    read_bytes: int | None = None
    repacked_bytes: int = 0  # bytes llama.cpp copies out of the mapping (REPACKED_TYPES)

    @property
    def kv_elements_per_token(self) -> int:
        return self.kv_heads_total * (self.key_dim + self.value_dim)

    @property
    def kv_bytes_per_token(self) -> int:  # f16
        return 2 * self.kv_elements_per_token

    @property
    def bytes_per_token(self) -> int:
        """Bytes a decoded token reads: the weights it uses plus the KV cache at a typical position."""
        return (self.read_bytes or self.weights_bytes) + self.kv_bytes_per_token * TYPICAL_POSITION


@dataclasses.dataclass(frozen=True)
class Estimate:
    n_ctx: int
    weights: int
    kv_cache: int
    compute: int
    overhead: int
    kv_type: str = "f16"
    flash_attn: bool = False

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.compute + self.overhead

    def breakdown(self) -> str:
        kv = f"KV cache {human_gb(self.kv_cache)} for {self.n_ctx} tokens"
        if self.kv_type != "f16":
            kv += f" ({self.kv_type})"
        return f"weights {human_gb(self.weights)}, {kv}, working memory {human_gb(self.compute + self.overhead)}"


@dataclasses.dataclass(frozen=True)
class Speed:
    tokens_per_s: float  # expected decode speed
    bandwidth_limit: float  # tokens/s if reading the weights were all it took
    hardware: Hardware

    @property
    def label(self) -> str:
        return f"~{self.tokens_per_s:.1f} tokens/s" if self.tokens_per_s < 10 else f"~{self.tokens_per_s:.0f} tokens/s"


@dataclasses.dataclass(frozen=True)
class Fit:
    verdict: Verdict
    estimate: Estimate
    memory: MemoryInfo
    recommended_ctx: int | None
    message: str
    speed: Speed | None = None

    @property
    def badge(self) -> str:
        return BADGES[self.verdict]


# --- model shape ------------------------------------------------------------------------
def _walk_header(path: Path) -> tuple[dict[str, object], int, dict[int, int], dict[str, int]]:
    """Metadata (small numeric arrays kept as lists), parameter count, bytes per tensor type and per tensor name."""
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        _, tensor_count, kv_count = struct.unpack_from("<IQQ", buf, 4)
        cur = Cursor(buf, 24)
        meta: dict[str, object] = {}
        for _ in range(kv_count):
            key = cur.string()
            vtype = int(cur.unpack("<I"))  # type: ignore[arg-type]
            if vtype == 9:
                at = cur.pos
                etype = int(cur.unpack("<I"))  # type: ignore[arg-type]
                count = int(cur.unpack("<Q"))  # type: ignore[arg-type]
                if etype in SCALARS and count <= 4096:
                    fmt = SCALARS[etype]
                    meta[key] = [cur.unpack(fmt) for _ in range(count)]
                    continue
                cur.pos = at
            meta[key] = cur.value(vtype, True)
        params = 0
        by_type: dict[int, int] = {}
        by_name: dict[str, int] = {}
        for _ in range(tensor_count):
            name = cur.string()
            n_dims = int(cur.unpack("<I"))  # type: ignore[arg-type]
            elements = 1
            for _ in range(n_dims):
                elements *= int(cur.unpack("<Q"))  # type: ignore[arg-type]
            ttype = int(cur.unpack("<I"))  # type: ignore[arg-type]
            cur.unpack("<Q")
            block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
            params += elements
            size = elements // block * type_size
            by_type[ttype] = by_type.get(ttype, 0) + size
            by_name[name] = size
    return meta, params, by_type, by_name


def _int(meta: dict[str, object], key: str, default: int | None = None) -> int | None:
    value = meta.get(key, default)
    if isinstance(value, list):
        return max((int(v) for v in value), default=default)  # type: ignore[arg-type]
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _quantization(meta: dict[str, object], by_type: dict[int, int]) -> str:
    from gguf.constants import GGMLQuantizationType, LlamaFileType

    ftype = meta.get("general.file_type")
    if isinstance(ftype, int):
        try:
            return LlamaFileType(ftype).name.removeprefix("MOSTLY_")
        except ValueError:
            pass
    if by_type:
        return GGMLQuantizationType(max(by_type, key=by_type.__getitem__)).name
    return "unknown"


def shape_from_gguf(path: str | os.PathLike[str]) -> ModelShape:
    """Read a GGUF header; raises the engines' ModelInvalidError/ModelNotFoundError for bad files."""
    from gguf.constants import GGMLQuantizationType

    summary = check_gguf(path)
    meta, params, by_type, by_name = _walk_header(summary.path)
    arch = summary.architecture
    layers = _int(meta, f"{arch}.block_count", 1) or 1
    embedding = _int(meta, f"{arch}.embedding_length", 0) or 0
    heads = _int(meta, f"{arch}.attention.head_count", 1) or 1
    kv = meta.get(f"{arch}.attention.head_count_kv", heads)
    if isinstance(kv, list):
        kv_total = sum(int(v) for v in kv)  # type: ignore[arg-type]
    else:
        kv_total = (_int(meta, f"{arch}.attention.head_count_kv", heads) or heads) * layers
    head_dim = embedding // heads if heads else 0
    key_dim = _int(meta, f"{arch}.attention.key_length", head_dim) or head_dim
    value_dim = _int(meta, f"{arch}.attention.value_length", head_dim) or head_dim
    vocab = _int(meta, f"{arch}.vocab_size") or _int(meta, "tokenizer.ggml.tokens") or 32000
    tokens = meta.get("tokenizer.ggml.tokens")
    if isinstance(tokens, list):  # a small vocabulary came back as the list itself
        vocab = len(tokens)
    weights = sum(by_type.values()) or summary.size
    # A decoded token looks up one row of the embedding table; the output layer reads all of it
    # only when it is the same matrix (no output.weight).
    read = weights - by_name.get("token_embd.weight", 0) if "output.weight" in by_name else weights
    repacked = sum(n for t, n in by_type.items() if GGMLQuantizationType(t).name in REPACKED_TYPES)
    return ModelShape(
        name=summary.name,
        architecture=arch,
        weights_bytes=weights,
        parameters=params or None,
        quantization=_quantization(meta, by_type),
        context_length=_int(meta, f"{arch}.context_length"),
        layers=layers,
        heads=heads,
        kv_heads_total=kv_total,
        key_dim=key_dim,
        value_dim=value_dim,
        embedding=embedding,
        vocab=vocab,
        read_bytes=read,
        repacked_bytes=repacked,
    )


def shape_from_catalog(entry: object) -> ModelShape:
    """The same numbers for a catalog entry that is not downloaded yet."""
    arch = entry.arch  # type: ignore[attr-defined]
    if arch is None:
        raise ValueError(f"{entry.id} is not a text model")  # type: ignore[attr-defined]
    size = entry.size_bytes  # type: ignore[attr-defined]
    params = entry.parameters  # type: ignore[attr-defined]
    embedding_table = size * arch.vocab * arch.embedding // params if params else 0
    return ModelShape(
        name=entry.name,  # type: ignore[attr-defined]
        architecture="",
        weights_bytes=size,
        parameters=params,
        quantization=entry.quantization,  # type: ignore[attr-defined]
        context_length=entry.context_length,  # type: ignore[attr-defined]
        layers=arch.layers,
        heads=arch.heads,
        kv_heads_total=arch.kv_heads * arch.layers,
        key_dim=arch.head_dim,
        value_dim=arch.head_dim,
        embedding=arch.embedding,
        vocab=arch.vocab,
        read_bytes=size if arch.tied_embeddings else size - embedding_table,
        # K-quant files keep about a fifth in Q6_K, which is not repacked (the stand-ins' split).
        repacked_bytes=int(size * 0.8) if entry.quantization.startswith(("Q4_K", "Q4_0")) else 0,  # type: ignore[attr-defined]
    )


# --- the estimate ---------------------------------------------------------------------------
def estimate(shape: ModelShape, n_ctx: int, n_batch: int = N_BATCH, kv_type: str = "f16",
             flash_attn: bool = False) -> Estimate:
    ubatch = min(n_batch, n_ctx)
    kv = int(shape.kv_elements_per_token * n_ctx * KV_BYTES[kv_type])
    scores = 0 if flash_attn else 4 * n_ctx * ubatch * shape.heads
    logits = 4 * shape.vocab * ubatch
    activations = 4 * ubatch * shape.embedding * 8
    return Estimate(n_ctx, shape.weights_bytes, kv, max(scores, logits) + activations, ENGINE_OVERHEAD,
                    kv_type, flash_attn)


def address_space_needed(shape: ModelShape, est: Estimate) -> int:
    """What an address-space limit (RLIMIT_AS) must allow: the whole mapping plus the repacked copies."""
    return est.total + shape.repacked_bytes + ENGINE_ADDRESS_SPACE


def expected_speed(shape: ModelShape, hw: Hardware) -> Speed:
    per_token = shape.bytes_per_token
    rate = DEQUANT_RATE.get(shape.quantization, DEQUANT_RATE_OTHER)
    seconds = per_token / hw.bandwidth + per_token / (max(hw.cores, 1) * rate)
    return Speed(1 / seconds, hw.bandwidth / per_token, hw)


def _contexts(shape: ModelShape) -> list[int]:
    trained = shape.context_length or CONTEXT_STEPS[-1]
    steps = [c for c in CONTEXT_STEPS if c <= trained]
    return steps or [trained]


def _default_hardware() -> Hardware:
    from deskmate.core import paths
    from deskmate.core.hardware import hardware

    return hardware(paths.cache_dir() / "hardware.json")


def assess(shape: ModelShape, n_ctx: int | None = None, memory: MemoryInfo | None = None,
           hw: Hardware | None = None) -> Fit:
    """Verdict at ``n_ctx`` (default: the recommended size), the largest context that fits, and the speed."""
    memory = memory or system_memory()
    comfortable = memory.available * FITS_SHARE
    # Closing other programs can free memory: up to this much counts as "tight", not "won't fit".
    possible = max(memory.available, memory.total * FITS_SHARE)
    steps = _contexts(shape)
    totals = {c: estimate(shape, c).total for c in steps}
    # The largest comfortable context; on a starved machine no more than 4096, to keep the pressure low.
    recommended = max((c for c in steps if totals[c] <= comfortable), default=None) or max(
        (c for c in steps if totals[c] <= possible and c <= 4096), default=None
    )
    ctx = n_ctx or recommended or steps[0]
    est = estimate(shape, ctx)
    speed = expected_speed(shape, hw or _default_hardware())
    need, free = human_gb(est.total), human_gb(memory.available)
    pace = f" Expected speed on this computer: {speed.label}."
    if est.total <= comfortable:
        verdict: Verdict = "fits" if speed.tokens_per_s >= SLOW_TOKENS_PER_S else "slow"
        message = f"{shape.name} needs about {need} at context {ctx}; {free} of memory is free." + pace
        if verdict == "slow":
            message += " That is slow for long answers: a smaller model answers faster."
    elif est.total <= possible:
        verdict = "tight"
        message = (
            f"{shape.name} needs about {need} at context {ctx} and {free} is free: it may run slowly. "
            "Close other programs" + (f" or use context {recommended}." if recommended and recommended < ctx else ".")
        ) + pace
    else:
        verdict = "wont_fit"
        message = f"{shape.name} needs about {need} at context {ctx}, more than this computer's {human_gb(memory.total)} allow."
        if recommended:
            message += f" It can run at context {recommended}."
        else:
            message += " Choose a smaller model."
    return Fit(verdict, est, memory, recommended, message, speed)


def assess_bytes(name: str, need: int, memory: MemoryInfo | None = None) -> Fit:
    """The same verdict for a model whose need is one number (image pipelines)."""
    memory = memory or system_memory()
    est = Estimate(0, need, 0, 0, 0)
    if need <= memory.available * FITS_SHARE:
        verdict: Verdict = "fits"
    elif need <= max(memory.available, memory.total * FITS_SHARE):
        verdict = "tight"
    else:
        verdict = "wont_fit"
    message = f"{name} needs about {human_gb(need)}; {human_gb(memory.available)} of memory is free."
    return Fit(verdict, est, memory, None, message)


# --- what to load -----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class LoadPlan:
    """The context size, KV cache type and flash attention to load with, or why the model cannot be loaded."""

    fits: bool
    n_ctx: int
    kv_type: str
    flash_attn: bool
    estimate: Estimate
    memory: MemoryInfo
    message: str  # "" when loaded as asked; otherwise what changed, or why it cannot load


def _limit_words(memory: MemoryInfo) -> str:
    if memory.source.startswith("cgroup"):
        return f" (a memory limit of {human_gb(memory.total)} applies to Deskmate)"
    return ""


def plan_load(shape: ModelShape, n_ctx: int, memory: MemoryInfo | None = None, *, flash_attn: bool = False,
              kv_type: str = "auto") -> LoadPlan:
    """Pick the largest context up to ``n_ctx`` that fits the free memory with room to spare, else one
    that fits at all; at each size an f16 KV cache first, then a q8_0 one (half the size; it needs
    flash attention, switched on for it). Refuse when even the smallest does not fit, naming the sizes.
    ``flash_attn`` is the machine's default (tuning.py); ``kv_type`` other than "auto" is kept as given."""
    memory = memory or system_memory()
    if kv_type == "auto":
        layouts = [("f16", flash_attn), ("q8_0", True)]
    else:
        layouts = [(kv_type, flash_attn or kv_type != "f16")]
    top = min(n_ctx, shape.context_length or n_ctx)
    contexts = [top]
    while contexts[-1] // 2 >= MIN_CTX:
        contexts.append(contexts[-1] // 2)
    options = [estimate(shape, c, kv_type=k, flash_attn=fa) for c in contexts for k, fa in layouts]

    def room_for(est: Estimate, share: float) -> bool:
        if memory.address_space is not None and address_space_needed(shape, est) > memory.address_space:
            return False
        return est.total <= memory.available * share

    chosen = next((e for e in options if room_for(e, FITS_SHARE)), None) or next(
        (e for e in options if room_for(e, 1.0)), None)
    if chosen is None:
        smallest = min(options, key=lambda e: e.total)
        if memory.address_space is not None and smallest.total <= memory.available:
            message = (
                f"{shape.name} does not fit: with a context of {smallest.n_ctx} tokens it needs about "
                f"{human_gb(address_space_needed(shape, smallest))} of address space ({smallest.breakdown()}, "
                f"plus the engine and the copies llama.cpp makes of some weights), and Deskmate is limited to "
                f"{human_gb(memory.address_space)} (ulimit -v). Raise that limit or choose a smaller model."
            )
        else:
            message = (
                f"{shape.name} does not fit: with a context of {smallest.n_ctx} tokens it needs about "
                f"{human_gb(smallest.total)} ({smallest.breakdown()}), and only {human_gb(memory.available)} "
                f"of memory is free{_limit_words(memory)}. Close other programs or choose a smaller model."
            )
        return LoadPlan(False, smallest.n_ctx, smallest.kv_type, smallest.flash_attn, smallest, memory, message)
    changes = []
    if chosen.n_ctx < top:
        changes.append(f"a context of {chosen.n_ctx} tokens instead of {top}")
    if chosen.kv_type != layouts[0][0]:
        changes.append(f"a {chosen.kv_type} KV cache")
    message = ""
    if changes:
        message = (f"Loaded with {' and '.join(changes)} to fit the {human_gb(memory.available)} of free memory"
                   f"{_limit_words(memory)}: it needs about {human_gb(chosen.total)}.")
    return LoadPlan(True, chosen.n_ctx, chosen.kv_type, chosen.flash_attn, chosen, memory, message)


def human_gb(n: int | float) -> str:
    return f"{n / GB:.1f} GB"
