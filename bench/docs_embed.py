"""Embedding speed in the embedding child: models and thread counts side by side, in turns, on the same
passages of the benchmark corpus (so machine load hits each alike).

    .venv/bin/python bench/docs_embed.py --db keyword.sqlite3 --model A.gguf --model B.gguf --threads 1 --threads 2

Prints passages/s and tokens/s (wall) per configuration and the ratio to the first one; the
whole corpus time follows from bench/docs.py's passage count. A Q8_0 copy of a model is made with
``llama_cpp.llama_model_quantize`` (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path


def cut(text: str, chars: int) -> str:
    """The first ``chars`` characters, ended at a space when there is one near."""
    if chars <= 0 or len(text) <= chars:
        return text
    space = text.rfind(" ", chars // 2, chars)
    return text[: space if space > 0 else chars]


def parse(spec: str) -> dict[str, int]:
    """"threads=1,batch=32,sort,cut=600" -> {"threads": 1, "batch": 32, "sort": 1, "cut": 600}."""
    out = {"threads": 2, "batch": 32, "sort": 0, "cut": 0}
    for part in filter(None, spec.split(",")):
        key, _, value = part.partition("=")
        out[key] = int(value) if value else 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--model", type=Path, action="append", required=True)
    ap.add_argument("--threads", type=int, action="append", default=None)
    ap.add_argument("--config", action="append", default=None,
                    help='e.g. "threads=1,batch=8,sort,cut=600" (the child\'s threads, passages per request, sorted '
                         "by length, cut to 600 characters); the first is the baseline; overrides --threads")
    ap.add_argument("--passages", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32, help="passages per request (the indexer sends 32)")
    args = ap.parse_args()

    from deskmate.core.docs.chunking import tokens
    from deskmate.core.docs.db import DocsDatabase
    from deskmate.core.docs.embedding import open_embedder

    db = DocsDatabase(args.db)
    rows = [r[0] for r in db.connection().execute("SELECT text FROM chunks ORDER BY id").fetchall()]
    db.close()
    texts = random.Random(0).sample(rows, min(args.passages, len(rows)))
    n_tokens = sum(tokens(t) for t in texts)
    specs = args.config or [f"threads={t},batch={args.batch}" for t in (args.threads or [2])]
    configs = [(m, spec) for m in args.model for spec in specs]
    embedders = {c: open_embedder(c[0], threads=parse(c[1])["threads"]) for c in configs}
    seconds: dict[tuple[Path, str], list[float]] = {c: [] for c in configs}
    print(f"{len(texts)} passages, ~{n_tokens:.0f} tokens; load {os.getloadavg()}", flush=True)
    try:
        for e in embedders.values():
            e.embed(["warm up", "every child"])  # type: ignore[union-attr]
        for _ in range(args.rounds):
            for c, e in embedders.items():
                o = parse(c[1])
                todo = [cut(t, o["cut"]) for t in texts]
                if o["sort"]:
                    todo.sort(key=len)
                t0 = time.perf_counter()
                for i in range(0, len(todo), o["batch"]):
                    e.embed(todo[i : i + o["batch"]])  # type: ignore[union-attr]
                seconds[c].append(time.perf_counter() - t0)
            print(f"  round done, load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        for e in embedders.values():
            e.close()  # type: ignore[union-attr]
    first = min(seconds[configs[0]])
    for c in configs:
        best = min(seconds[c])
        print(f"{c[0].name}, {c[1]}: {len(texts) / best:.1f} passages/s, {n_tokens / best:.0f} tokens/s "
              f"(best of {args.rounds}; {first / best:.2f}x the first)")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
