"""Translation speed: words per minute for a fixed ~300-word English text into Chinese.

Compares Deskmate's translation pipeline (paragraph by paragraph, context
carried, Markdown kept, output cleaned while streaming) with one raw call that
sends the whole text at once with the same prompt style. Both use the same
engine, threads, sampling and seed; runs alternate so machine load hits both
alike. Words are counted in the English source, so the two rates compare the
same work. Speeds are in stream chunks (about one token each; the local server
sends no usage counts). The raw call is what the pipeline costs against: it has one prompt
to process instead of one per paragraph, but nothing stops it from rambling
or dropping paragraphs.

    .venv/bin/python bench/translate.py [--model PATH] [--runs 2] [--threads 2] [--to zh]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.embedded import embedded_model_path
from deskmate.core.engines.factory import local_engine
from deskmate.core.tasks.translate import DEFAULT_SAMPLING, Translation, split_paragraphs

TEXT = """\
# Office move next month

Our team will move to the new office on the third floor on Monday, June 10. The movers arrive at 8 am, so please pack your desk by Friday afternoon and label every box with your name and new desk number.

The new office has two meeting rooms, a quiet room for calls and a small kitchen. Each desk has a second monitor and a docking station. Printers are near the main door, and the code for the printer room is the same as before.

- Pack personal items in the blue boxes.
- Put laptops in your bag and take them home over the weekend.
- Leave chairs and monitors where they are.

If you need more boxes, ask Maria at the front desk. She also keeps the list of desk numbers, so check with her if you are not sure where you will sit. Parking stays the same, but the bicycle room moves to the basement.

On the first day, coffee and breakfast will be ready in the kitchen from 9 am. At 11 am we will meet in the large meeting room for a short tour and a safety briefing. Please do not miss it, because the fire exits in the new building are different.

During the first week, the IT team will visit every desk to check the network, the phones and the screens. If something does not work, write to the help desk instead of fixing it yourself, so that they can keep track of every problem and solve it once for everyone.

We know a move takes time away from normal work. Deadlines for this week stay as planned, but tell your manager early if something will be late. Thank you for your help, and see you in the new office.
"""


class Metered:
    """The engine, keeping every stream so their token counts can be added up."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.streams: list[object] = []

    def stream(self, messages, sampling=Sampling(), schema=None):  # type: ignore[no-untyped-def]
        s = self.inner.stream(messages, sampling, schema)  # type: ignore[attr-defined]
        self.streams.append(s)
        return s

    def tokens(self) -> int:
        return sum(s.usage.completion_tokens for s in self.streams if s.usage is not None)  # type: ignore[attr-defined]


def words(text: str) -> int:
    return len(text.split())


def run_pipeline(engine: object, target: str, sampling: Sampling) -> tuple[float, int, int, str]:
    client = Metered(engine)
    start = time.perf_counter()
    result = Translation(client, TEXT, target, sampling=sampling).run()  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    return seconds, client.tokens(), len(client.streams), result.text


def run_raw(engine: object, target: str, sampling: Sampling, max_tokens: int) -> tuple[float, int, str]:
    job = Translation(engine, TEXT, target)  # only for its prompt wording
    messages = [job.messages(TEXT, None)[0], msg("user", f"Translate into {job.target.prompt_name}:\n\n{TEXT}")]
    start = time.perf_counter()
    completion = engine.complete(messages, sampling.replace(max_tokens=max_tokens))  # type: ignore[attr-defined]
    seconds = time.perf_counter() - start
    return seconds, completion.usage.completion_tokens, completion.text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--to", default="zh")
    args = ap.parse_args()
    model = args.model or str(embedded_model_path())
    n_words = words(TEXT)
    n_paras = len(split_paragraphs(TEXT).paragraphs)
    sampling = DEFAULT_SAMPLING.replace(seed=42)

    load = os.getloadavg()
    engine = local_engine(model, n_ctx=args.n_ctx, threads=args.threads)
    try:
        engine.wait_ready(120)
        engine.complete([msg("user", "Hello")], Sampling(max_tokens=4))  # warm up
        pipe, raw = [], []
        for _ in range(args.runs):
            p_sec, p_tok, p_calls, p_text = run_pipeline(engine, args.to, sampling)
            # Give the raw call as many tokens as the pipeline produced, at least, so it is not cut short.
            r_sec, r_tok, r_text = run_raw(engine, args.to, sampling, max(p_tok, 2 * n_words))
            pipe.append((p_sec, p_tok, p_calls, p_text))
            raw.append((r_sec, r_tok, r_text))
    finally:
        engine.close()

    p_sec = statistics.median(r[0] for r in pipe)
    r_sec = statistics.median(r[0] for r in raw)
    p_tok = statistics.median(r[1] for r in pipe)
    r_tok = statistics.median(r[1] for r in raw)
    p_wpm = n_words / p_sec * 60
    r_wpm = n_words / r_sec * 60
    out_paras = len(split_paragraphs(pipe[-1][3]).paragraphs)
    raw_paras = len(split_paragraphs(raw[-1][2]).paragraphs)
    print(f"model: {model}")
    print(f"text: {n_words} English words, {n_paras} paragraphs -> {args.to}; threads={args.threads}, runs={args.runs} (median)")
    print(f"load average before/after: {load[0]:.1f} / {os.getloadavg()[0]:.1f} (other work on the machine slows both alike)")
    print(f"pipeline : {p_sec:6.1f} s  {p_wpm:6.1f} words/min  {p_tok:5.0f} chunks  {p_tok / p_sec:5.1f} chunks/s  "
          f"{pipe[-1][2]} model calls  paragraphs kept {out_paras}/{n_paras}")
    print(f"raw call : {r_sec:6.1f} s  {r_wpm:6.1f} words/min  {r_tok:5.0f} chunks  {r_tok / r_sec:5.1f} chunks/s  "
          f"1 model call  paragraphs in output {raw_paras}/{n_paras}")
    print(f"ratio pipeline/raw words per minute: {p_wpm / r_wpm:.2f}")
    # Wall time includes prompt processing: the pipeline reads a prompt per call (rules, the
    # previous paragraph and its translation), which lowers its chunks/s. The rest of a gap in
    # words/min is the pipeline writing more: each paragraph runs to its own stop or budget.
    print(f"ratio pipeline/raw chunks per second: {(p_tok / p_sec) / (r_tok / r_sec):.2f}")


if __name__ == "__main__":
    main()
