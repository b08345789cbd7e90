"""Cited answers: time to the first token of `AskRun` with the built-in model, from the moment the
question is asked (search, question embedding and the passages' prefill included).

Baseline in the same run, same engine: the first token for the bare question with no passages
(what any chat costs), so the ratio is what reading the documents adds. The library is the
benchmark corpus's index (bench/docs.py builds it; ``--db`` reuses one), far larger than the
context, so every question goes through retrieval: as many passages as the model can read in
time (core/docs/budget.py). Also counted: for how many questions the passages that reached the
model hold the answer (the question set's check, bench/docs.py's recall).

    PYTHONPATH=tests .venv/bin/python bench/docs_answer.py --db keyword.sqlite3 [--embedding-model MINILM.gguf]
Goal (issue 15): first token of a cited answer <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
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

    # A home of its own: the engine's prompt cache on disk would answer a prompt an earlier run
    # read in no time (the engine's cache in memory, of the last prompt, is what is measured).
    os.environ["DESKMATE_HOME"] = tempfile.mkdtemp(prefix="deskmate-bench-answer-")
    from deskmate.core.docs import Library
    from deskmate.core.docs.answer import AskRun, SourcesFound
    from deskmate.core.docs.chunking import tokens
    from deskmate.core.docs.embedding import open_embedder
    from deskmate.core.engines.base import Sampling, msg
    from deskmate.core.engines.embedded import embedded_model_path
    from deskmate.core.engines.factory import local_engine

    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    by_question = {q["q"]: q for lang in ("en", "zh") for q in questions[lang][: args.per_language]}
    asked = list(by_question)
    print(f"load average at start: {os.getloadavg()}", flush=True)
    engine = local_engine(args.model or embedded_model_path(), n_ctx=4096, threads=args.threads)
    engine.wait_ready(300)
    embedder = open_embedder(args.embedding_model) if args.embedding_model else None
    library = Library(args.db, embedder=embedder)
    if embedder is not None:
        library.search("warm up the vectors", k=5)  # the first search reads the matrix from SQLite
    bare, cited, prompt_tokens, given_tokens, whole, reached = [], [], [], [], 0, 0
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
        # The cited answers one after another, as a person asks their documents: the instructions
        # the engine read for the last one are still in its cache (a chat in between would not be).
        for q in asked:
            run = AskRun(library, q, client=engine, max_tokens=4)
            events = list(run)
            answer = run.result
            given = next((e.passages for e in events if isinstance(e, SourcesFound)), [])
            if answer.first_token_seconds is None:
                print(f"no answer for {q!r}: {answer.text!r}", flush=True)
                continue
            cited.append(answer.first_token_seconds)
            spec = by_question[q]
            hit = any(p.path.name == spec["file"] and spec["answer"].lower() in p.text.lower() for p in given)
            reached += hit
            given_tokens.append(sum(tokens(p.text) for p in given))
            print(f"  {q[:50]!r}: cited {cited[-1]:.2f} s, {'whole text' if answer.whole else f'{len(given)} passage(s)'}"
                  f" of {given_tokens[-1]:.0f} tokens, answer {'in' if hit else 'not in'} them", flush=True)
            whole += answer.whole
            if answer.completion is not None and answer.completion.usage.prompt_tokens:
                prompt_tokens.append(answer.completion.usage.prompt_tokens)
    finally:
        library.close()
        if embedder is not None:
            embedder.close()
        engine.close()
    print(f"{len(cited)} questions ({args.per_language} per language), retrieval for {len(cited) - whole}, "
          f"whole text for {whole}; prompt tokens p50 {statistics.median(prompt_tokens or [0]):.0f}, passages' tokens "
          f"p50 {statistics.median(given_tokens):.0f}; the answer reached the model for {reached}")
    print(f"bare question, first token:  p50 {statistics.median(bare):.2f} s, p95 {pct(bare, 95):.2f} s")
    print(f"cited answer, first token:   p50 {statistics.median(cited):.2f} s, p95 {pct(cited, 95):.2f} s, "
          f"max {max(cited):.2f} s ({statistics.median(cited) / statistics.median(bare):.1f}x the bare question)")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
