"""Decode speed through Deskmate's engine path vs raw llama_cpp.Llama in this process.

Same GGUF, threads, context, prompt, seed and token count (greedy decoding, so
both produce the same tokens). Runs alternate so machine load hits both alike.
Prints tokens/s for each and the ratio engine/raw (goal >= 0.95, aim 0.97).

    .venv/bin/python bench/engine_overhead.py [--model PATH] [--tokens 256] [--runs 5] [--threads 2]

Both sides use the engine's own choices for this machine (tuning.py: prompt batch, flash
attention; the KV cache type from the memory plan), so "same settings" holds for any file,
the 7B stand-in included (bench/standins.py). It also prints each side's load time and
resident memory (the engine's is its child process).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from deskmate.core.engines.base import Sampling, msg

# The engine child runs with these (tuning.py); the raw side here must too, for "same settings".
from deskmate.core.engines.tuning import CHILD_ENV  # noqa: E402

for _key, _value in CHILD_ENV.items():
    os.environ.setdefault(_key, _value)

from deskmate.core.engines.embedded import embedded_model_path  # noqa: E402
from deskmate.core.engines.factory import local_engine  # noqa: E402

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


def _rss_gb(pid: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024**2
    return 0.0


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

    from deskmate.core.engines.tuning import tuning

    t = tuning(args.threads)
    t0 = time.perf_counter()
    raw = llama_cpp.Llama(model, n_ctx=args.n_ctx, n_threads=t.threads, n_threads_batch=t.threads, n_batch=t.batch,
                          n_ubatch=t.batch, flash_attn=t.flash_attn, verbose=False)
    raw_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = local_engine(model, n_ctx=args.n_ctx, threads=args.threads)
    engine.wait_ready(900)
    engine_load = time.perf_counter() - t0
    plan = engine.supervisor.plan
    if plan is not None and (plan.n_ctx, plan.kv_type) != (args.n_ctx, "f16"):
        raise SystemExit(f"the engine's memory plan changed the settings ({plan.message}); free memory first")
    print(f"settings: threads {t.threads}, batch {t.batch}, flash attention {t.flash_attn}, context {args.n_ctx}")
    print(f"load: raw {raw_load:.1f} s, engine (process start to ready) {engine_load:.1f} s; RSS: raw process "
          f"{_rss_gb('self'):.2f} GB, engine child {_rss_gb(str(engine.supervisor.pid)):.2f} GB")
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
        print(f"run {i + 1}: raw {r_rate:7.2f} tok/s ({r_n} tokens)   engine {e_rate:7.2f} tok/s ({e_n} tokens)   {same}")
    engine.close()
    r, e = statistics.median(raw_rates), statistics.median(eng_rates)
    print(f"model {model.rsplit('/', 1)[-1]}, threads {args.threads}, {args.tokens} tokens, {args.runs} runs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"median decode: raw {r:.2f} tok/s, engine path {e:.2f} tok/s")
    print(f"ratio engine/raw = {e / r:.3f} (median of per-run ratios {statistics.median(x / y for x, y in zip(eng_rates, raw_rates)):.3f})")


if __name__ == "__main__":
    main()
