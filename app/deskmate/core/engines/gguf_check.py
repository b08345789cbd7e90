"""Cheap checks of a GGUF file before an engine process is spent on it.

Runs in any process (it never imports llama_cpp): a missing, empty, foreign or
truncated file is refused here with a message a person understands. A file
that passes can still be broken inside (e.g. its tokenizer); the engine's
warm-up in the child process catches that.
"""

from __future__ import annotations

import dataclasses
import mmap
import os
import struct
from pathlib import Path

from .errors import ModelInvalidError, ModelNotFoundError

GGUF_MAGIC = b"GGUF"


@dataclasses.dataclass(frozen=True)
class GGUFSummary:
    path: Path
    size: int
    version: int
    tensor_count: int
    metadata: dict[str, object]

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", self.path.stem))


# Value-type codes of fixed-size GGUF scalars -> struct format; models/fit.py reads arrays with them too.
SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_KEPT_LIST = 64  # a short list of strings (general.languages, general.tags) is read whole


class _Truncated(Exception):
    pass


class Cursor:
    """Reads GGUF header fields from a memory map; much faster than gguf.GGUFReader (models/fit.py uses it too)."""

    def __init__(self, buf: mmap.mmap, pos: int) -> None:
        self.buf = buf
        self.pos = pos

    def unpack(self, fmt: str) -> object:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise _Truncated
        (value,) = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return value

    def string(self) -> str:
        n = int(self.unpack("<Q"))  # type: ignore[arg-type]
        if self.pos + n > len(self.buf):
            raise _Truncated
        raw = self.buf[self.pos : self.pos + n]
        self.pos += n
        return raw.decode("utf-8", "replace")

    def value(self, vtype: int, keep: bool) -> object:
        if vtype in SCALARS:
            return self.unpack(SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            etype = int(self.unpack("<I"))  # type: ignore[arg-type]
            count = int(self.unpack("<Q"))  # type: ignore[arg-type]
            if etype in SCALARS:
                self.pos += count * struct.calcsize(SCALARS[etype])
                if self.pos > len(self.buf):
                    raise _Truncated
            elif keep and etype == _STRING and count <= _KEPT_LIST:
                return [self.string() for _ in range(count)]
            else:
                for _ in range(count):
                    self.value(etype, False)
            return count  # other arrays (the vocabulary, merges) are summarised by their length
        raise ValueError(f"unknown value type {vtype}")


def check_gguf(path: str | os.PathLike[str]) -> GGUFSummary:
    """Return a summary of the model file, or raise a typed, readable error."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelNotFoundError(f"Model file not found: {p}. Choose another model file or download one.")
    if p.is_dir():
        raise ModelInvalidError(f"{p} is a folder, not a model file. Choose a .gguf file.")
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            head = f.read(24)
            if size == 0:
                raise ModelInvalidError(f"The model file {p.name} is empty (0 bytes). Download it again.")
            if head[:4] != GGUF_MAGIC:
                raise ModelInvalidError(
                    f"{p.name} is not a GGUF model (it does not start with the GGUF signature). "
                    "Deskmate runs .gguf files made for llama.cpp."
                )
            if len(head) < 24:
                raise ModelInvalidError(f"The model file {p.name} is truncated ({size} bytes). Download it again.")
            version, tensor_count, kv_count = struct.unpack("<IQQ", head[4:24])
            if version not in (2, 3):
                raise ModelInvalidError(
                    f"{p.name} uses GGUF version {version}, which this version of Deskmate cannot read."
                )
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                metadata, end = _walk(buf, tensor_count, kv_count)
    except OSError as e:
        raise ModelNotFoundError(f"Cannot read the model file {p}: {e.strerror or e}.") from None
    except _Truncated:
        raise ModelInvalidError(f"The model file {p.name} is truncated ({size:,} bytes). Download it again.") from None
    except (ValueError, UnicodeDecodeError, OverflowError, KeyError) as e:
        raise ModelInvalidError(f"The model file {p.name} is damaged ({e}). Download it again.") from None
    if tensor_count == 0:
        raise ModelInvalidError(f"The model file {p.name} holds no weights. Download it again.")
    if end > size:
        raise ModelInvalidError(
            f"The model file {p.name} is truncated: it has {size:,} bytes but needs {end:,}. Download it again."
        )
    return GGUFSummary(p, size, version, tensor_count, metadata)


def _walk(buf: mmap.mmap, tensor_count: int, kv_count: int) -> tuple[dict[str, object], int]:
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    if kv_count > 1_000_000 or tensor_count > 10_000_000:
        raise ValueError("implausible header counts")
    cur = Cursor(buf, 24)
    metadata: dict[str, object] = {}
    for _ in range(kv_count):
        key = cur.string()
        vtype = int(cur.unpack("<I"))  # type: ignore[arg-type]
        metadata[key] = cur.value(vtype, True)
    tensors_end = 0
    for _ in range(tensor_count):
        cur.string()
        n_dims = int(cur.unpack("<I"))  # type: ignore[arg-type]
        if n_dims > 8:
            raise ValueError("a tensor has more than 8 dimensions")
        elements = 1
        for _ in range(n_dims):
            elements *= int(cur.unpack("<Q"))  # type: ignore[arg-type]
        ttype = int(cur.unpack("<I"))  # type: ignore[arg-type]
        offset = int(cur.unpack("<Q"))  # type: ignore[arg-type]
        block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
        tensors_end = max(tensors_end, offset + elements // block * type_size)
    alignment = int(metadata.get("general.alignment", 32))  # type: ignore[call-overload]
    data_start = (cur.pos + alignment - 1) // alignment * alignment
    return metadata, data_start + tensors_end
