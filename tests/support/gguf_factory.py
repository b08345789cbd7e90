"""Write deliberately broken GGUF files for the malformed-model tests.

Uses the `gguf` package's reader and writer: the broken-tokenizer model is a
real, structurally valid GGUF (it loads) whose tokenizer data is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gguf import GGUFReader, GGUFValueType, GGUFWriter


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
