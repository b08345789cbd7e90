"""Schema-constrained vs free decoding speed on the built-in model.

Same prompt, seed and token limit for both; the engine runs with 2 threads.
Speed is decode tokens/s (after the first token), so prompt processing and the
one-off grammar build are left out of it and shown separately as time to the
first token. Runs alternate which mode goes first so neither always gets a
warmer cache.

    .venv/bin/python bench/tables.py [--runs 5] [--max-tokens 160] [--unbounded]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from deskmate.core.engines.base import Completion, Sampling
from deskmate.core.engines.embedded import embedded_model_path
from deskmate.core.engines.factory import local_engine
from deskmate.core.tables import table_schema
from deskmate.core.tables.generate import table_messages

REQUEST = "a table of 5 fruits with colour, origin and price per kilo"


def unbounded_schema() -> dict[str, Any]:
    """The same shape with no maxItems/maxLength, for comparison only."""
    return {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
        },
        "required": ["title", "columns", "rows"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=160)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--max-rows", type=int, default=20)
    ap.add_argument("--max-cols", type=int, default=8)
    ap.add_argument("--request", default=REQUEST)
    ap.add_argument("--unbounded", action="store_true", help="also measure a schema without maxItems/maxLength")
    args = ap.parse_args(argv)

    model = embedded_model_path()
    messages = table_messages(args.request, args.max_rows, args.max_cols)
    sampling = Sampling(temperature=0.3, top_p=0.9, repeat_penalty=1.0, max_tokens=args.max_tokens, seed=args.seed)
    modes: dict[str, dict[str, Any] | None] = {
        "bounded schema": table_schema(args.max_rows, args.max_cols),
        "free": None,
    }
    if args.unbounded:
        modes["unbounded schema"] = unbounded_schema()

    print(f"model: {model.name}   threads: 2   request: {args.request!r}")
    print(f"max_tokens={args.max_tokens} seed={args.seed} bounds={args.max_rows}x{args.max_cols} runs={args.runs}")
    results: dict[str, list[Completion]] = {m: [] for m in modes}
    with local_engine(model, threads=2) as engine:
        t0 = time.monotonic()
        engine.wait_ready(300)
        print(f"engine ready in {time.monotonic() - t0:.1f}s")
        for schema in modes.values():  # warm-up: prompt cache and first grammar build
            engine.complete(messages, sampling=sampling, schema=schema)
        names = list(modes)
        for run in range(args.runs):
            order = names if run % 2 == 0 else names[::-1]
            for name in order:
                c = engine.complete(messages, sampling=sampling, schema=modes[name])
                results[name].append(c)
                u = c.usage
                est = " (estimated)" if u.estimated else ""
                print(
                    f"run {run + 1} {name:>16}: {u.completion_tokens:4d} tokens{est} {u.tokens_per_second:6.1f} tok/s  "
                    f"first token {u.first_token_seconds or 0:.2f}s  [{c.finish_reason}]"
                )

    print()
    medians: dict[str, float] = {}
    for name, runs in results.items():
        speeds = [c.usage.tokens_per_second for c in runs]
        firsts = [c.usage.first_token_seconds or 0.0 for c in runs]
        medians[name] = statistics.median(speeds)
        print(
            f"{name:>16}: median {medians[name]:.1f} tok/s (min {min(speeds):.1f}, max {max(speeds):.1f}), "
            f"median first token {statistics.median(firsts):.2f}s"
        )
    free = medians["free"]
    for name in modes:
        if name != "free":
            ratio = medians[name] / free if free else float("nan")
            verdict = "meets" if ratio >= 0.7 else "misses"
            print(f"ratio {name} / free: {ratio:.2f} ({verdict} the 0.7 goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
