"""Cited answers: time to the first token of `AskRun` with the built-in model, from the moment the
question is asked (search, question embedding and the passages' prefill included).

Baseline in the same run, same engine: the first token for the bare question with no passages
(what any chat costs), so the ratio is what reading the documents adds. The library is the
benchmark corpus's index (bench/docs.py builds it; ``--db`` reuses one), far larger than the
context, so every question goes through retrieval (5 passages).

    PYTHONPATH=tests .venv/bin/python bench/docs_answer.py --db keyword.sqlite3 [--embedding-model MINILM.gguf]
Goal (issue 15): first token of a cited answer <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

QUESTIONS = Path(__file__).with_name("docs_questions.json")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="a docs index (bench/docs.py's keyword.sqlite3)")
    ap.add_argument("--embedding-model", type=Path, default=None)
    ap.add_argument("--model", default=None, help="GGUF (default: the built-in model)")
    ap.add_argument("--per-language", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2, help="the engine's threads")
    args = ap.parse_args()

    from deskmate.core.docs import Library
    from deskmate.core.docs.answer import AskRun
    from deskmate.core.docs.embedding import open_embedder
    from deskmate.core.engines.base import Sampling, msg
    from deskmate.core.engines.factory import local_engine
    from deskmate.core.engines.embedded import embedded_model_path

    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    asked = [q["q"] for lang in ("en", "zh") for q in questions[lang][: args.per_language]]
    print(f"load average at start: {os.getloadavg()}", flush=True)
    engine = local_engine(args.model or embedded_model_path(), n_ctx=4096, threads=args.threads)
    engine.wait_ready(300)
    embedder = open_embedder(args.embedding_model) if args.embedding_model else None
    library = Library(args.db, embedder=embedder)
    if embedder is not None:
        library.search("warm up the vectors", k=5)  # the first search reads the matrix from SQLite
    bare, cited, prompt_tokens, whole = [], [], [], 0
    try:
        t0 = time.perf_counter()
        engine.complete([msg("user", "Hello")], Sampling(max_tokens=1))  # loaded and warm
        print(f"engine ready; a first 'Hello' took {time.perf_counter() - t0:.2f} s", flush=True)
        for q in asked:
            t0 = time.perf_counter()
            first = None
            for _piece in engine.stream([msg("user", q)], Sampling(temperature=0.2, max_tokens=4)):
                first = first or time.perf_counter() - t0
            bare.append(first or time.perf_counter() - t0)
            answer = AskRun(library, q, client=engine, max_tokens=4).run()
            if answer.first_token_seconds is None:
                print(f"no answer for {q!r}: {answer.text!r}", flush=True)
                continue
            cited.append(answer.first_token_seconds)
            print(f"  {q[:50]!r}: bare {bare[-1]:.2f} s, cited {cited[-1]:.2f} s "
                  f"({'whole text' if answer.whole else f'{len(answer.sources)} sources'})", flush=True)
            whole += answer.whole
            if answer.completion is not None:
                prompt_tokens.append(answer.completion.usage.prompt_tokens)
    finally:
        library.close()
        if embedder is not None:
            embedder.close()
        engine.close()
    print(f"{len(cited)} questions ({args.per_language} per language), retrieval for {len(cited) - whole}, "
          f"whole text for {whole}; prompt tokens p50 {statistics.median(prompt_tokens):.0f}")
    print(f"bare question, first token:  p50 {statistics.median(bare):.2f} s, p95 {pct(bare, 95):.2f} s")
    print(f"cited answer, first token:   p50 {statistics.median(cited):.2f} s, p95 {pct(cited, 95):.2f} s, "
          f"max {max(cited):.2f} s ({statistics.median(cited) / statistics.median(bare):.1f}x the bare question)")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
