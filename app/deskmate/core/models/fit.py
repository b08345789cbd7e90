"""Will a model run on this computer? Weights + KV cache + working memory against free RAM.

The numbers come from the GGUF header (read with :mod:`..engines.gguf_check`'s reader,
never llama_cpp) or, before a download, from the catalog. The estimate follows what
llama.cpp allocates on a CPU:

* weights: the tensor bytes of the file (memory-mapped, so all of them end up resident);
* KV cache: keys and values in f16 for every layer and every position of the context,
  ``2 bytes × n_ctx × Σ_layers kv_heads × (key_dim + value_dim)``;
* compute buffer: without flash attention the attention scores of one batch are an f32
  matrix of ``n_ctx × n_batch × heads``, or the logits ``n_vocab × n_batch`` if larger;
* a fixed allowance for the engine process itself.

It is an estimate, meant to tell 8 GB from 16 GB machines apart, not to the megabyte.
Sliding-window layers (Gemma 2/3) need less KV cache than counted here.

Free memory: Linux reads ``MemAvailable`` from /proc/meminfo (and a cgroup limit, in a
container); Windows asks ``GlobalMemoryStatusEx`` through ctypes; macOS takes the total
from ``os.sysconf`` and the free+inactive+speculative pages from ``vm_stat``. Where all
of that fails, half of the physical memory is assumed and the source says so.
"""

from __future__ import annotations

import dataclasses
import mmap
import os
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Literal

from deskmate.core.engines.gguf_check import SCALARS, Cursor, check_gguf

GB = 1000**3
N_BATCH = 512
ENGINE_OVERHEAD = 300 * 1024**2
CONTEXT_STEPS = (2048, 4096, 8192, 16384, 32768)
FITS_SHARE = 0.8  # leave a fifth of the free memory to everything else
Verdict = Literal["fits", "tight", "wont_fit"]
BADGES = {"fits": "fits", "tight": "tight", "wont_fit": "won't fit"}


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

    @property
    def kv_bytes_per_token(self) -> int:
        return 2 * self.kv_heads_total * (self.key_dim + self.value_dim)


@dataclasses.dataclass(frozen=True)
class MemoryInfo:
    total: int
    available: int
    source: str


@dataclasses.dataclass(frozen=True)
class Estimate:
    n_ctx: int
    weights: int
    kv_cache: int
    compute: int
    overhead: int

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.compute + self.overhead


@dataclasses.dataclass(frozen=True)
class Fit:
    verdict: Verdict
    estimate: Estimate
    memory: MemoryInfo
    recommended_ctx: int | None
    message: str

    @property
    def badge(self) -> str:
        return BADGES[self.verdict]


# --- model shape ------------------------------------------------------------------------
def _walk_header(path: Path) -> tuple[dict[str, object], int, dict[int, int]]:
    """Metadata (small numeric arrays kept as lists), parameter count, and bytes per tensor type."""
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
        for _ in range(tensor_count):
            cur.string()
            n_dims = int(cur.unpack("<I"))  # type: ignore[arg-type]
            elements = 1
            for _ in range(n_dims):
                elements *= int(cur.unpack("<Q"))  # type: ignore[arg-type]
            ttype = int(cur.unpack("<I"))  # type: ignore[arg-type]
            cur.unpack("<Q")
            block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
            params += elements
            by_type[ttype] = by_type.get(ttype, 0) + elements // block * type_size
    return meta, params, by_type


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
    summary = check_gguf(path)
    meta, params, by_type = _walk_header(summary.path)
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
    return ModelShape(
        name=summary.name,
        architecture=arch,
        weights_bytes=sum(by_type.values()) or summary.size,
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
    )


def shape_from_catalog(entry: object) -> ModelShape:
    """The same numbers for a catalog entry that is not downloaded yet."""
    arch = entry.arch  # type: ignore[attr-defined]
    if arch is None:
        raise ValueError(f"{entry.id} is not a text model")  # type: ignore[attr-defined]
    return ModelShape(
        name=entry.name,  # type: ignore[attr-defined]
        architecture="",
        weights_bytes=entry.size_bytes,  # type: ignore[attr-defined]
        parameters=entry.parameters,  # type: ignore[attr-defined]
        quantization=entry.quantization,  # type: ignore[attr-defined]
        context_length=entry.context_length,  # type: ignore[attr-defined]
        layers=arch.layers,
        heads=arch.heads,
        kv_heads_total=arch.kv_heads * arch.layers,
        key_dim=arch.head_dim,
        value_dim=arch.head_dim,
        embedding=arch.embedding,
        vocab=arch.vocab,
    )


# --- the estimate ---------------------------------------------------------------------------
def estimate(shape: ModelShape, n_ctx: int, n_batch: int = N_BATCH) -> Estimate:
    ubatch = min(n_batch, n_ctx)
    kv = shape.kv_bytes_per_token * n_ctx
    scores = 4 * n_ctx * ubatch * shape.heads
    logits = 4 * shape.vocab * ubatch
    activations = 4 * ubatch * shape.embedding * 8
    return Estimate(n_ctx, shape.weights_bytes, kv, max(scores, logits) + activations, ENGINE_OVERHEAD)


def _contexts(shape: ModelShape) -> list[int]:
    trained = shape.context_length or CONTEXT_STEPS[-1]
    steps = [c for c in CONTEXT_STEPS if c <= trained]
    return steps or [trained]


def assess(shape: ModelShape, n_ctx: int | None = None, memory: MemoryInfo | None = None) -> Fit:
    """Verdict at ``n_ctx`` (default: the recommended size) and the largest context that fits."""
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
    need, free = human_gb(est.total), human_gb(memory.available)
    if est.total <= comfortable:
        verdict: Verdict = "fits"
        message = f"{shape.name} needs about {need} at context {ctx}; {free} of memory is free."
    elif est.total <= possible:
        verdict = "tight"
        message = (
            f"{shape.name} needs about {need} at context {ctx} and {free} is free: it may run slowly. "
            "Close other programs" + (f" or use context {recommended}." if recommended and recommended < ctx else ".")
        )
    else:
        verdict = "wont_fit"
        message = f"{shape.name} needs about {need} at context {ctx}, more than this computer's {human_gb(memory.total)} allow."
        if recommended:
            message += f" It can run at context {recommended}."
        else:
            message += " Choose a smaller model."
    return Fit(verdict, est, memory, recommended, message)


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


def human_gb(n: int) -> str:
    return f"{n / GB:.1f} GB"


# --- free memory -------------------------------------------------------------------------------
def system_memory() -> MemoryInfo:
    try:
        if sys.platform.startswith("linux"):
            return _linux()
        if sys.platform == "win32":
            return _windows()
        if sys.platform == "darwin":
            return _macos()
    except (OSError, ValueError, subprocess.SubprocessError, AttributeError):
        pass
    total = _sysconf_total()
    return MemoryInfo(total, total // 2, "guess: half of physical memory")


def _linux(meminfo: str = "/proc/meminfo", cgroup: str = "/sys/fs/cgroup") -> MemoryInfo:
    fields: dict[str, int] = {}
    with open(meminfo, encoding="ascii") as f:
        for line in f:
            m = re.match(r"(\w+):\s+(\d+)\s*kB", line)
            if m:
                fields[m.group(1)] = int(m.group(2)) * 1024
    total = fields["MemTotal"]
    available = fields.get("MemAvailable")
    if available is None:  # kernels before 3.14
        available = fields.get("MemFree", 0) + fields.get("Buffers", 0) + fields.get("Cached", 0)
    source = "/proc/meminfo"
    try:
        limit_text = Path(cgroup, "memory.max").read_text().strip()
        if limit_text != "max":
            limit = int(limit_text)
            used = int(Path(cgroup, "memory.current").read_text().strip())
            if limit < total:
                total, available = limit, min(available, max(limit - used, 0))
                source = "cgroup memory.max"
    except (OSError, ValueError):
        pass
    return MemoryInfo(total, available, source)


def _windows() -> MemoryInfo:
    import ctypes
    from ctypes import wintypes

    class MEMORYSTATUSEX(ctypes.Structure):
        _fields_ = [
            ("dwLength", wintypes.DWORD),
            ("dwMemoryLoad", wintypes.DWORD),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MEMORYSTATUSEX()
    status.dwLength = ctypes.sizeof(MEMORYSTATUSEX)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        raise OSError("GlobalMemoryStatusEx failed")
    return MemoryInfo(status.ullTotalPhys, status.ullAvailPhys, "GlobalMemoryStatusEx")


def _macos() -> MemoryInfo:
    total = _sysconf_total()
    out = subprocess.run(["vm_stat"], capture_output=True, text=True, timeout=5, check=True).stdout
    page = int(re.search(r"page size of (\d+) bytes", out).group(1))  # type: ignore[union-attr]
    pages = 0
    for name in ("Pages free", "Pages inactive", "Pages speculative"):
        m = re.search(rf"{name}:\s+(\d+)", out)
        pages += int(m.group(1)) if m else 0
    return MemoryInfo(total, min(pages * page, total), "vm_stat")


def _sysconf_total() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * GB
