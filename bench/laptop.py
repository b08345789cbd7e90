"""The engine on a laptop-class CPU: the stand-ins of the catalog's models against the memory bandwidth.

    .venv/bin/python bench/laptop.py quant      [--models 7b,3b,1.5b] [--types Q4_K_M,Q4_0,Q8_0]
    .venv/bin/python bench/laptop.py settings   [--model 7b] [--type Q4_K_M]
    .venv/bin/python bench/laptop.py agreement  # flash attention / q8_0 KV vs the default, greedy, built-in model
    .venv/bin/python bench/laptop.py estimate   # the memory estimate vs what llama.cpp allocates
    .venv/bin/python bench/laptop.py omp [--model-file FILE]   # OpenMP threads that sleep vs spin

quant: for each stand-in (bench/standins.py writes them), raw llama-cpp-python in this process:
load time (page cache warm), RSS after load, prompt tokens/s (a 256-token prompt), decode
tokens/s (greedy, after the first token), and decode as a fraction of the bandwidth limit:
bandwidth ÷ bytes read per token, the bandwidth measured (numpy float32 matrix-vector product,
all cores) just before and just after each model, the better of the two taken.

settings: one stand-in under each setting the engine could choose: threads, prompt batch
size, flash attention, KV cache type; prompt and decode speed relative to the engine's
default in the same run.

agreement: greedy answers of the built-in model to eight prompts under flash attention and
a q8_0 KV cache, compared token by token with the default (f16 KV, no flash attention).

Decode through Deskmate's engine vs raw on the same file and settings is bench/engine_overhead.py
(--model FILE). Load averages are printed with every figure: the machine is shared.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from lookup import PROOF_TEXT  # noqa: E402
from standins import DEFAULT_OUT, SHORT, standin_path  # noqa: E402

from deskmate.core.hardware import measure_bandwidth  # noqa: E402

# The engine child runs with these (tuning.py); the raw side here must too, for "same settings".
from deskmate.core.engines.tuning import CHILD_ENV  # noqa: E402

if os.environ.get("OMP_WAIT_POLICY") == "ACTIVE_UNSET":  # `laptop.py omp` asks for OpenMP's default
    del os.environ["OMP_WAIT_POLICY"]
else:
    for _key, _value in CHILD_ENV.items():
        os.environ.setdefault(_key, _value)
from deskmate.core.engines import fit  # noqa: E402

KV_TYPES = {"f16": 1, "q8_0": 8}


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_model(path: Path, threads: int = 2, batch: int = 512, flash_attn: bool = False, kv: str = "f16"):
    import llama_cpp

    t0 = time.perf_counter()
    llama = llama_cpp.Llama(str(path), n_ctx=2048, n_threads=threads, n_threads_batch=threads, n_batch=batch,
                            n_ubatch=batch, flash_attn=flash_attn, type_k=KV_TYPES[kv], type_v=KV_TYPES[kv],
                            verbose=False)
    return llama, time.perf_counter() - t0


def prompt_tokens(llama, n: int = 256) -> list[int]:
    tokens = llama.tokenize(PROOF_TEXT.encode())
    while len(tokens) < n:
        tokens += tokens
    return tokens[:n]


def prompt_rate(llama, tokens: list[int]) -> float:
    llama.reset()
    t0 = time.perf_counter()
    llama.eval(tokens)
    return len(tokens) / (time.perf_counter() - t0)


def decode_rate(llama, tokens: list[int], n: int) -> float:
    """Greedy tokens per second after the first; ``tokens`` is in the KV cache already (generate reuses it)."""
    stamps = []
    for _ in llama.generate(tokens, temp=0.0, repeat_penalty=1.0):
        stamps.append(time.perf_counter())
        if len(stamps) > n:
            break
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


def cmd_quant(args: argparse.Namespace) -> None:
    print("| model | type | file | load | RSS | prompt tok/s | decode tok/s | bandwidth | limit tok/s | "
          "fraction | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for short in args.models.split(","):
        for qtype in args.types.split(","):
            path = standin_path(args.standins, SHORT[short], qtype)
            if not path.exists():
                print(f"(missing {path.name})", file=sys.stderr)
                continue
            shape = fit.shape_from_gguf(path)
            bw_before = measure_bandwidth()
            base = rss_mb()
            llama, seconds = open_model(path, args.threads)
            tokens = prompt_tokens(llama)
            prompt_rate(llama, tokens[:16])  # first-call allocations are not what we measure
            p = statistics.median(prompt_rate(llama, tokens) for _ in range(2))
            resident = rss_mb() - base
            d = statistics.median(decode_rate(llama, tokens, args.tokens) for _ in range(2))
            del llama
            gc.collect()
            bw = max(bw_before, measure_bandwidth())
            per_token = (shape.read_bytes or shape.weights_bytes) + shape.kv_bytes_per_token * (len(tokens) + args.tokens)
            limit = bw / per_token
            print(f"| {short} | {qtype} | {path.stat().st_size / 1e9:.2f} GB | {seconds:.1f} s | {resident / 1024:.2f} GB "
                  f"| {p:.1f} | {d:.2f} | {bw / 1e9:.1f} GB/s | {limit:.2f} | {d / limit:.2f} | {load()} |", flush=True)


def cmd_settings(args: argparse.Namespace) -> None:
    path = standin_path(args.standins, SHORT[args.model], args.type)
    configs = [
        ("default: 2 threads, batch 512", dict(threads=2, batch=512)),
        ("1 thread", dict(threads=1, batch=512)),
        ("batch 64", dict(threads=2, batch=64)),
        ("batch 128", dict(threads=2, batch=128)),
        ("batch 256", dict(threads=2, batch=256)),
        ("flash attention", dict(threads=2, batch=512, flash_attn=True)),
        ("flash attention + q8_0 KV", dict(threads=2, batch=512, flash_attn=True, kv="q8_0")),
    ]
    results = {}
    print(f"{path.name}, prompt 256 tokens, decode {args.tokens} tokens")
    print("| setting | prompt tok/s | vs default | decode tok/s | vs default | load avg |")
    print("|---|---|---|---|---|---|")
    for rep in range(args.reps):
        for name, cfg in (configs if rep % 2 == 0 else configs[::-1]):
            llama, _ = open_model(path, **cfg)
            tokens = prompt_tokens(llama)
            prompt_rate(llama, tokens[:16])
            p = prompt_rate(llama, tokens)
            d = decode_rate(llama, tokens, args.tokens)
            del llama
            gc.collect()
            results.setdefault(name, []).append((p, d))
    base_p = statistics.median(p for p, _ in results[configs[0][0]])
    base_d = statistics.median(d for _, d in results[configs[0][0]])
    for name, _ in configs:
        p = statistics.median(x for x, _ in results[name])
        d = statistics.median(y for _, y in results[name])
        print(f"| {name} | {p:.1f} | {p / base_p:.2f} | {d:.2f} | {d / base_d:.2f} | {load()} |", flush=True)


AGREEMENT_PROMPTS = (
    "Correct the grammar: The meeting have been moved to Thursday because the manager are travelling.",
    "Write a short email to a colleague asking for the sales figures of the last quarter.",
    "Summarise in two sentences: " + PROOF_TEXT.split("\n\n")[1],
    "List five ideas for a team-building event in autumn.",
    "Translate into French: The new booking system will be ready at the end of next quarter.",
    "Explain what a spreadsheet formula is to someone who has never used one.",
    "Rewrite more formally: hey guys, the printer on floor two is broken again, pls don't use it.",
    "Write a slogan for a small bakery that opens early in the morning.",
)


def cmd_agreement(args: argparse.Namespace) -> None:
    from deskmate.core.engines.embedded import embedded_model_path

    model = Path(args.model_file) if args.model_file else embedded_model_path()
    variants = {"default": {}, "flash attention": {"flash_attn": True},
                "flash attention + q8_0 KV": {"flash_attn": True, "kv": "q8_0"}}
    answers: dict[str, list[list[int]]] = {}
    for name, cfg in variants.items():
        llama, _ = open_model(model, **cfg)
        answers[name] = []
        for prompt in AGREEMENT_PROMPTS:
            llama.reset()
            out = llama.create_chat_completion([{"role": "user", "content": prompt}], max_tokens=args.tokens,
                                               temperature=0.0, repeat_penalty=1.0)
            answers[name].append(llama.tokenize(out["choices"][0]["message"]["content"].encode(), add_bos=False))
        del llama
        gc.collect()
    base = answers["default"]
    print(f"{model.name}: {len(AGREEMENT_PROMPTS)} prompts, up to {args.tokens} tokens, greedy")
    for name in list(variants)[1:]:
        same = sum(a == b for a, b in zip(answers[name], base))
        shared = [_common(a, b) / max(len(b), 1) for a, b in zip(answers[name], base)]
        print(f"{name}: identical answers {same}/{len(base)}; tokens before the first difference: "
              f"{statistics.mean(shared):.0%} of the answer on average (lowest {min(shared):.0%}); {load()}")


def cmd_estimate(args: argparse.Namespace) -> None:
    """fit.estimate against what llama.cpp itself reports allocating (its log), for each stand-in."""
    import ctypes
    import re

    import llama_cpp

    lines: list[str] = []

    @llama_cpp.llama_log_callback
    def keep(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        lines.append(text.decode("utf-8", "replace"))

    llama_cpp.llama_log_set(keep, ctypes.c_void_p(0))
    mib = 1024**2
    print("| model | context | flash attn | KV est. / llama.cpp | compute est. / llama.cpp | total est. | RSS after load |")
    print("|---|---|---|---|---|---|---|")
    for short in args.models.split(","):
        path = standin_path(args.standins, SHORT[short], args.type)
        shape = fit.shape_from_gguf(path)
        for n_ctx, fa in ((4096, False), (16384, False), (16384, True)):
            lines.clear()
            base = rss_mb()
            llama = llama_cpp.Llama(str(path), n_ctx=n_ctx, n_threads=args.threads, flash_attn=fa, verbose=True)
            resident = rss_mb() - base
            del llama
            gc.collect()
            log = "".join(lines)
            kv = float(re.search(r"KV buffer size =\s*([\d.]+) MiB", log).group(1))
            compute = float(re.search(r"compute buffer size =\s*([\d.]+) MiB", log).group(1))
            est = fit.estimate(shape, n_ctx, flash_attn=fa)
            print(f"| {short} {args.type} | {n_ctx} | {'on' if fa else 'off'} | {est.kv_cache / mib:.0f} / {kv:.0f} MiB "
                  f"| {est.compute / mib:.0f} / {compute:.0f} MiB | {est.total / 1e9:.2f} GB | {resident / 1024:.2f} GB |",
                  flush=True)


def cmd_omp(args: argparse.Namespace) -> None:
    """OpenMP's waiting policy: passive (the engine's, tuning.CHILD_ENV) vs the default (spin first)."""
    import json
    import subprocess

    from deskmate.core.engines.embedded import embedded_model_path

    model = args.model_file or str(embedded_model_path())
    rates: dict[str, list[tuple[float, float]]] = {"PASSIVE": [], "default": []}
    for rep in range(args.reps):
        for policy in (("PASSIVE", "default") if rep % 2 == 0 else ("default", "PASSIVE")):
            env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
            if policy == "PASSIVE":
                env["OMP_WAIT_POLICY"] = "PASSIVE"
            else:
                env["OMP_WAIT_POLICY"] = "ACTIVE_UNSET"  # a marker: removed again in the child
            out = subprocess.run([sys.executable, __file__, "_one", "--model-file", model, "--tokens", str(args.tokens)],
                                 env=env, capture_output=True, text=True, check=True).stdout
            rates[policy].append(tuple(json.loads(out.strip().splitlines()[-1])))
    p = {k: statistics.median(x for x, _ in v) for k, v in rates.items()}
    d = {k: statistics.median(y for _, y in v) for k, v in rates.items()}
    print(f"{Path(model).name}: prompt tok/s passive {p['PASSIVE']:.1f}, default {p['default']:.1f} "
          f"(ratio {p['PASSIVE'] / p['default']:.2f}); decode tok/s passive {d['PASSIVE']:.2f}, default "
          f"{d['default']:.2f} (ratio {d['PASSIVE'] / d['default']:.2f}); {args.reps} runs each; {load()}")


def cmd_one(args: argparse.Namespace) -> None:
    import json

    llama, _ = open_model(Path(args.model_file), args.threads)
    tokens = prompt_tokens(llama)
    prompt_rate(llama, tokens[:16])
    p = prompt_rate(llama, tokens)
    print(json.dumps([p, decode_rate(llama, tokens, args.tokens)]))


def _common(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("part", choices=("quant", "settings", "agreement", "estimate", "omp", "_one"))
    ap.add_argument("--standins", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--models", default="7b,3b,1.5b")
    ap.add_argument("--types", default="Q4_K_M,Q4_0,Q8_0")
    ap.add_argument("--model", default="7b")
    ap.add_argument("--type", default="Q4_K_M")
    ap.add_argument("--model-file", default=None, help="agreement: another GGUF than the built-in model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tokens", type=int, default=32)
    ap.add_argument("--reps", type=int, default=2)
    args = ap.parse_args()
    {"quant": cmd_quant, "settings": cmd_settings, "agreement": cmd_agreement, "estimate": cmd_estimate, "omp": cmd_omp,
     "_one": cmd_one}[args.part](args)


if __name__ == "__main__":
    main()
