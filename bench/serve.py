"""Decode speed served by `deskmate serve` vs the app's own engine path, same model, same run.

The app's path: LocalEngine.stream (our HTTP client straight to an engine child).
Served: the official `openai` package streaming from a `deskmate serve` process (front
server + its own engine child, same GGUF, threads and context). Greedy decoding, so both
produce the same tokens; runs alternate so machine load hits both alike. The two engine
children never run at the same time. Prints tokens/s after the first token and the ratio
served/app (goal >= 0.95).

    .venv/bin/python bench/serve.py [--model PATH] [--tokens 256] [--runs 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.embedded import embedded_model_path
from deskmate.core.engines.factory import local_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from serve_process import Served  # noqa: E402

PROMPT = "Write a detailed weekly report for a small software team: progress, risks, next steps, people."
SAMPLING = Sampling(temperature=0.0, top_p=0.95, top_k=40, repeat_penalty=1.1)


def decode_rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def run_app(engine, tokens: int, seed: int) -> tuple[float, int, str]:
    times = []
    stream = engine.stream([msg("user", PROMPT)], SAMPLING.replace(max_tokens=tokens, seed=seed))
    for _ in stream:
        times.append(time.perf_counter())
    return decode_rate(times), len(times), stream.text


def run_served(client, tokens: int, seed: int) -> tuple[float, int, str]:
    times, text = [], []
    # top_k and repeat_penalty are llama.cpp's fields, not OpenAI's: the SDK sends them as extra_body.
    extra = {"top_k": SAMPLING.top_k, "repeat_penalty": SAMPLING.repeat_penalty}
    for chunk in client.chat.completions.create(model="local", messages=[{"role": "user", "content": PROMPT}],
                                                max_tokens=tokens, temperature=SAMPLING.temperature,
                                                top_p=SAMPLING.top_p, seed=seed, stream=True, extra_body=extra):
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            times.append(time.perf_counter())
            text.append(piece)
    return decode_rate(times), len(times), "".join(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--tokens", type=int, default=256)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-ctx", type=int, default=2048)
    args = ap.parse_args()
    model = Path(args.model or embedded_model_path())

    engine = local_engine(model, n_ctx=args.n_ctx, threads=args.threads)
    engine.wait_ready(300)
    with Served("--own-engine", "--threads", str(args.threads), "--n-ctx", str(args.n_ctx),
                "--max-seconds", "3600", model=model) as served:
        client = served.client()
        run_app(engine, 16, 0)  # warm-ups: first-call allocations are not what we measure
        run_served(client, 16, 0)
        app_rates, served_rates = [], []
        for i in range(args.runs):
            if i % 2 == 0:
                a = run_app(engine, args.tokens, i)
                s = run_served(client, args.tokens, i)
            else:
                s = run_served(client, args.tokens, i)
                a = run_app(engine, args.tokens, i)
            app_rates.append(a[0])
            served_rates.append(s[0])
            same = "same text" if a[2] == s[2] else "texts differ"
            print(f"run {i + 1}: app {a[0]:7.1f} tok/s ({a[1]} chunks)   served {s[0]:7.1f} tok/s ({s[1]} chunks)"
                  f"   {same}")
    engine.close()
    a, s = statistics.median(app_rates), statistics.median(served_rates)
    print(f"model {model.name}, threads {args.threads}, {args.tokens} tokens, {args.runs} runs")
    print(f"median decode: app engine path {a:.1f} tok/s, served (openai client) {s:.1f} tok/s")
    print(f"ratio served/app = {s / a:.3f} (median of per-run ratios "
          f"{statistics.median(x / y for x, y in zip(served_rates, app_rates)):.3f})")


if __name__ == "__main__":
    main()
