"""Picture time through Deskmate's image worker vs a raw diffusers call in this process.

Same pipeline folder, seed, steps, size and thread count. The worker path is
measured from the app's side: send the job, receive every progress event,
and have the PNG (with its metadata) on disk. The raw path is the bare
``pipe(...)`` call that returns a PIL image. Runs alternate so machine load
hits both alike; each side is warmed up first. Prints the median time of each,
the ratio worker/raw (goal <= 1.05), and whether both drew the same pixels.

    .venv/bin/python bench/images.py [--model PATH] [--size 128x128] [--steps 4] [--runs 9] [--threads 1]

Without --model it builds the tiny test pipeline (tests/support/tiny_diffusers.py) in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="diffusers folder (default: build the tiny test pipeline)")
    ap.add_argument("--size", default="128x128")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--guidance", type=float, default=0.0)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--threads", type=int, default=1, help="torch threads on both sides (1 is steadiest on a shared box)")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    from deskmate.core.images import ImageEngine, ImageJob, parse_size

    tmp = Path(tempfile.mkdtemp(prefix="deskmate-bench-images-"))
    if args.model:
        model = Path(args.model)
    else:
        sys.path.insert(0, str(ROOT / "tests" / "support"))
        from tiny_diffusers import tiny_pipeline

        model = tiny_pipeline(tmp)
    width, height = parse_size(args.size)
    job = ImageJob("a red cat on the sea at night", model=model, width=width, height=height, steps=args.steps,
                   guidance=args.guidance, seed=args.seed)

    import torch
    from diffusers import AutoPipelineForText2Image

    torch.set_num_threads(args.threads)
    pipe = AutoPipelineForText2Image.from_pretrained(str(model), local_files_only=True)
    pipe.set_progress_bar_config(disable=True)

    def raw() -> tuple[float, object]:
        t0 = time.perf_counter()
        image = pipe(job.prompt, width=width, height=height, num_inference_steps=args.steps,
                     guidance_scale=args.guidance, generator=torch.Generator("cpu").manual_seed(args.seed)).images[0]
        return time.perf_counter() - t0, image

    engine = ImageEngine(threads=args.threads, idle_timeout=600)

    def worker(i: int) -> tuple[float, Path]:
        t0 = time.perf_counter()
        run = engine.generate(job, tmp / f"worker-{i}.png")
        steps = sum(1 for e in run if e.kind == "step")
        result = run.result()
        elapsed = time.perf_counter() - t0
        assert steps == args.steps, f"expected {args.steps} progress events, got {steps}"
        return elapsed, result.path

    try:
        t0 = time.perf_counter()
        _, first = worker(-1)  # starts the worker and loads the model: not part of the comparison
        start = time.perf_counter() - t0
        _, raw_image = raw()
        raw_times, worker_times = [], []
        for i in range(args.runs):
            raw_times.append(raw()[0])
            worker_times.append(worker(i)[0])
    finally:
        engine.close()

    from PIL import Image

    with Image.open(first) as im:
        same = im.convert("RGB").tobytes() == raw_image.convert("RGB").tobytes()  # type: ignore[attr-defined]
    raw_med, worker_med = statistics.median(raw_times), statistics.median(worker_times)
    print(f"model {model.name}, {width}x{height}, {args.steps} steps, guidance {args.guidance:g}, "
          f"{args.threads} thread(s), {args.runs} runs each")
    print(f"worker start + model load (first job only): {start:.2f} s")
    print(f"raw pipeline call   median {raw_med * 1000:8.1f} ms   runs {' '.join(f'{t * 1000:.0f}' for t in raw_times)}")
    print(f"worker (PNG on disk) median {worker_med * 1000:8.1f} ms   "
          f"runs {' '.join(f'{t * 1000:.0f}' for t in worker_times)}")
    # The fastest run of each shows the fixed cost best when other programs load the machine.
    print(f"ratio worker/raw {worker_med / raw_med:.3f} by median, {min(worker_times) / min(raw_times):.3f} by "
          f"fastest run (goal <= 1.05); same pixels: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
