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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--model", type=Path, action="append", required=True)
    ap.add_argument("--threads", type=int, action="append", default=None)
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
    configs = [(m, t) for m in args.model for t in (args.threads or [2])]
    embedders = {c: open_embedder(c[0], threads=c[1]) for c in configs}
    seconds: dict[tuple[Path, int], list[float]] = {c: [] for c in configs}
    print(f"{len(texts)} passages, ~{n_tokens} tokens; load {os.getloadavg()}", flush=True)
    try:
        for e in embedders.values():
            e.embed(["warm up"])  # type: ignore[union-attr]
        for _ in range(args.rounds):
            for c, e in embedders.items():
                t0 = time.perf_counter()
                for i in range(0, len(texts), args.batch):
                    e.embed(texts[i : i + args.batch])  # type: ignore[union-attr]
                seconds[c].append(time.perf_counter() - t0)
    finally:
        for e in embedders.values():
            e.close()  # type: ignore[union-attr]
    first = min(seconds[configs[0]])
    for c in configs:
        best = min(seconds[c])
        print(f"{c[0].name}, {c[1]} thread(s): {len(texts) / best:.1f} passages/s, {n_tokens / best:.0f} tokens/s "
              f"(best of {args.rounds}; {first / best:.2f}x the first)")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
