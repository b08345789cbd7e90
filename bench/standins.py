"""Write random-weight GGUF stand-ins with the real shapes of the catalog's text models.

Speed does not depend on the weights' values, so a random model with a real model's
tensors (sizes and quantization types) decodes at that model's speed. The tokenizer is
the built-in model's, padded to the real vocabulary size. Files go outside the repo
(several GB each; never commit them):

    .venv/bin/python bench/standins.py [--out /work/standins] [--models 7b,3b,1.5b] [--types Q4_K_M,Q4_0,Q8_0]

A Q8_0 file is written with the `gguf` package (GGUFWriter + gguf.quants.quantize);
Q4_K_M and Q4_0 are made from it by llama.cpp's own quantizer (llama_model_quantize),
which picks the per-tensor types (Q6_K for some) exactly as for a real download: the
`gguf` package cannot write K-quants. The printed size is compared with the catalog's
size of the real file.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gguf import GGMLQuantizationType  # noqa: E402
from gguf_factory import Shape, random_model  # noqa: E402

from deskmate.core.models.catalog import load_catalog  # noqa: E402
from deskmate.core.engines.embedded import embedded_model_path  # noqa: E402

DEFAULT_OUT = Path(os.environ.get("DESKMATE_STANDINS", "/work/standins"))
# What the catalog's `arch` does not hold (from each model's config.json on the Hub).
EXTRA = {
    "qwen2.5-7b-instruct": {"feed_forward": 18944, "tied_embeddings": False},
    "qwen2.5-3b-instruct": {"feed_forward": 11008, "tied_embeddings": True},
    "qwen2.5-1.5b-instruct": {"feed_forward": 8960, "tied_embeddings": True},
}
SHORT = {"7b": "qwen2.5-7b-instruct", "3b": "qwen2.5-3b-instruct", "1.5b": "qwen2.5-1.5b-instruct"}
FTYPES = {"Q4_0": 2, "Q8_0": 7, "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18}


def standin_path(out: Path, model_id: str, qtype: str) -> Path:
    return out / f"{model_id}-{qtype}-standin.gguf"


def shape_of(model_id: str) -> Shape:
    entry = load_catalog().get(model_id)
    a = entry.arch
    return Shape(layers=a.layers, embedding=a.embedding, heads=a.heads, kv_heads=a.kv_heads, head_dim=a.head_dim,
                 vocab=a.vocab, context_length=entry.context_length, **EXTRA[model_id])


def requantize(src: Path, dst: Path, qtype: str, threads: int) -> None:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.nthread = threads
    params.ftype = FTYPES[qtype]
    params.allow_requantize = True
    tmp = dst.with_suffix(".part")
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(tmp).encode(), ctypes.byref(params))
    if rc != 0:
        raise SystemExit(f"llama_model_quantize failed ({rc}) for {dst.name}")
    os.replace(tmp, dst)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--models", default="7b,3b,1.5b")
    ap.add_argument("--types", default="Q4_K_M,Q4_0,Q8_0")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog()
    for short in args.models.split(","):
        model_id = SHORT.get(short, short)
        entry = catalog.get(model_id)
        src = standin_path(args.out, model_id, "Q8_0")
        if not src.exists():
            t0 = time.perf_counter()
            part = src.with_suffix(".part")
            random_model(part, shape_of(model_id), name=f"{entry.name} (random-weight stand-in)",
                         qtype=GGMLQuantizationType.Q8_0, tokenizer_from=embedded_model_path())
            os.replace(part, src)
            print(f"{src.name}: written in {time.perf_counter() - t0:.0f} s, {src.stat().st_size / 1e9:.2f} GB",
                  flush=True)
        for qtype in args.types.split(","):
            dst = standin_path(args.out, model_id, qtype)
            if qtype != "Q8_0" and not dst.exists():
                t0 = time.perf_counter()
                requantize(src, dst, qtype, args.threads)
                print(f"{dst.name}: quantized in {time.perf_counter() - t0:.0f} s", flush=True)
            note = ""
            if qtype == entry.quantization:
                note = f" (the real file: {entry.size_bytes / 1e9:.2f} GB, ratio {dst.stat().st_size / entry.size_bytes:.3f})"
            print(f"{dst.name}: {dst.stat().st_size / 1e9:.2f} GB{note}", flush=True)
        if "Q8_0" not in args.types.split(","):
            src.unlink()


if __name__ == "__main__":
    main()
