"""Time to first token after an app restart, with and without the prompt cache on disk.

    .venv/bin/python bench/prompt_cache.py [--model FILE] [--action formal] [--pairs 1] [--no-document]

Before the "restart", one engine process runs the quick action on two texts (that is how
the engine learns the action's fixed prefix: the tokens both prompts share) and answers
two questions about one ~1,000-token document. Then, in a new engine process each:

* with the disk cache (the folder the first process wrote), and
* without it (an empty folder: the engine's memory is empty after a restart either way),

the first quick action is timed on a new text, then the text from before the restart (a retry,
e.g. after a crash or a hard cancel), then a third question on the document.
Ratios are cached ÷ uncached, measured in the same run; the load average is printed.
Files go to a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from lookup import PROOF_TEXT  # noqa: E402

TEXTS = (
    "Hi team, the quarterly review meeting that was planned for Tuesday morning have been moved to Thursday "
    "afternoon at 3 pm, because the manager are travelling to the Berlin office this week.",
    "Please send me the updated sales figures before friday, we needs them for the board meeting next week.",
    "hey all, the printer on floor two is broken again so pls dont use it until facilities has fixed it",
)
DOCUMENT = "\n\n".join([PROOF_TEXT] * 3)  # ~1,000 tokens
QUESTIONS = ("What went wrong with the confirmation emails?", "What are the plans for next month?",
             "When will the system be ready for all departments?")


def engine(model: str, cache: Path, n_ctx: int):
    from deskmate.core.engines.local import LocalEngine
    from deskmate.core.engines.supervisor import EngineConfig

    eng = LocalEngine(EngineConfig(Path(model), n_ctx=n_ctx, prompt_cache_dir=cache))
    t0 = time.perf_counter()
    eng.wait_ready(900)
    return eng, time.perf_counter() - t0


def quick(eng, action: str, text: str) -> float:
    from deskmate.core.quick import run_action

    return run_action(eng, action, text, max_tokens=2).run().first_token_seconds


def ask(eng, question: str) -> float:
    from deskmate.core.engines.base import Sampling, msg

    messages = [msg("system", "You answer questions about the user's document. Quote it where you can.\n\n"
                              "Document:\n" + DOCUMENT), msg("user", question)]
    stream = eng.stream(messages, Sampling(temperature=0.0, max_tokens=2))
    stream.result()
    return stream.usage.first_token_seconds


def main() -> None:
    from deskmate.core.engines.embedded import embedded_model_path

    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--action", default="formal")
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--pairs", type=int, choices=(1, 2), default=2, help="restarts with and without the cache, each (1 on a busy machine)")
    ap.add_argument("--no-document", action="store_true", help="quick actions only (a 7B on a busy machine)")
    args = ap.parse_args()
    model = args.model or str(embedded_model_path())
    work = Path(tempfile.mkdtemp(prefix="deskmate-prompt-cache-"))
    try:
        warm = work / "kept"
        eng, _ = engine(model, warm, args.n_ctx)
        for t in TEXTS[:2]:
            quick(eng, args.action, t)
        for q in QUESTIONS[:0 if args.no_document else 2]:
            ask(eng, q)
        eng.close()
        kept = sum(p.stat().st_size for p in warm.glob("*/*.kv"))
        print(f"model {Path(model).name}; before the restart the cache kept {kept / 1e6:.0f} MB; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        results: dict[str, dict[str, float]] = {}
        # Alternate which goes first so that drift in the machine's load hits both sides alike.
        order = (("without", work / "empty"), ("with", warm), ("with", warm), ("without", work / "empty2"))
        for label, cache in order[: 2 * args.pairs]:
            if cache.name.startswith("empty"):
                shutil.rmtree(cache, ignore_errors=True)
            eng, started = engine(model, cache, args.n_ctx)
            # The first request after the restart is a new text (the usual case); the text from
            # before the restart comes second, so "without" has the action's prefix in RAM by then.
            runs = {
                "first request: new text, action used before": quick(eng, args.action, TEXTS[2]),
                "second request: the text from before the restart": quick(eng, args.action, TEXTS[0]),
            }
            if not args.no_document:
                runs["third question on a 1,000-token document"] = ask(eng, QUESTIONS[2])
            eng.close()
            for name, seconds in runs.items():
                results.setdefault(name, {}).setdefault(label, []).append(seconds)  # type: ignore[attr-defined]
            print(f"  {label:<7} disk cache: engine ready in {started:.1f} s; " +
                  "; ".join(f"{n}: {s:.2f} s" for n, s in runs.items()), flush=True)
        print(f"time to first token of the first request after a restart (load average {os.getloadavg()[0]:.1f}):")
        for name, sides in results.items():
            w, wo = min(sides["with"]), min(sides["without"])  # type: ignore[type-var]
            print(f"  {name}: with the disk cache {w:.2f} s, without {wo:.2f} s, ratio {w / wo:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
