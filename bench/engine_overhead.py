"""Decode speed through Deskmate's engine path vs raw llama_cpp.Llama in this process.

Same GGUF, threads, context, prompt, seed and token count (greedy decoding, so
both produce the same tokens). Runs alternate so machine load hits both alike.
Prints tokens/s for each and the ratio engine/raw (goal >= 0.95, aim 0.97).

    .venv/bin/python bench/engine_overhead.py [--model PATH] [--tokens 256] [--runs 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time

from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.embedded import embedded_model_path
from deskmate.core.engines.factory import local_engine

SAMPLING = Sampling(temperature=0.0, top_p=0.95, top_k=40, repeat_penalty=1.1)
PROMPT = "Write a detailed weekly report for a small software team: progress, risks, next steps, people."


def decode_rate(times: list[float]) -> float:
    """Tokens per second after the first token (prompt processing excluded)."""
    if len(times) < 2:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])


def run_raw(llm, tokens: int, seed: int) -> tuple[float, int, str]:
    times, text = [], []
    for chunk in llm.create_chat_completion(
        [{"role": "user", "content": PROMPT}],
        max_tokens=tokens,
        temperature=SAMPLING.temperature,
        top_p=SAMPLING.top_p,
        top_k=SAMPLING.top_k,
        repeat_penalty=SAMPLING.repeat_penalty,
        seed=seed,
        stream=True,
    ):
        piece = chunk["choices"][0]["delta"].get("content")
        if piece:
            times.append(time.perf_counter())
            text.append(piece)
    return decode_rate(times), len(times), "".join(text)


def run_engine(engine, tokens: int, seed: int) -> tuple[float, int, str]:
    times = []
    stream = engine.stream([msg("user", PROMPT)], SAMPLING.replace(max_tokens=tokens, seed=seed))
    for _ in stream:
        times.append(time.perf_counter())
    return decode_rate(times), len(times), stream.text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--tokens", type=int, default=256)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-ctx", type=int, default=2048)
    args = ap.parse_args()
    model = args.model or str(embedded_model_path())

    import llama_cpp

    raw = llama_cpp.Llama(model, n_ctx=args.n_ctx, n_threads=args.threads, n_threads_batch=args.threads, verbose=False)
    engine = local_engine(model, n_ctx=args.n_ctx, threads=args.threads)
    engine.wait_ready(300)
    # One warm-up each: first-call allocations are not what we measure.
    run_raw(raw, 16, 0)
    run_engine(engine, 16, 0)

    raw_rates, eng_rates = [], []
    for i in range(args.runs):
        # Alternate which goes first, so drift in machine load does not favour one side.
        if i % 2 == 0:
            r_rate, r_n, r_text = run_raw(raw, args.tokens, i)
            e_rate, e_n, e_text = run_engine(engine, args.tokens, i)
        else:
            e_rate, e_n, e_text = run_engine(engine, args.tokens, i)
            r_rate, r_n, r_text = run_raw(raw, args.tokens, i)
        raw_rates.append(r_rate)
        eng_rates.append(e_rate)
        same = "same text" if r_text == e_text else "texts differ"
        print(f"run {i + 1}: raw {r_rate:7.1f} tok/s ({r_n} tokens)   engine {e_rate:7.1f} tok/s ({e_n} tokens)   {same}")
    engine.close()
    r, e = statistics.median(raw_rates), statistics.median(eng_rates)
    print(f"model {model.rsplit('/', 1)[-1]}, threads {args.threads}, {args.tokens} tokens, {args.runs} runs")
    print(f"median decode: raw {r:.1f} tok/s, engine path {e:.1f} tok/s")
    print(f"ratio engine/raw = {e / r:.3f} (median of per-run ratios {statistics.median(x / y for x, y in zip(eng_rates, raw_rates)):.3f})")


if __name__ == "__main__":
    main()
