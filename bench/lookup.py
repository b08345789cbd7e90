"""Prompt-lookup decoding: where does it pay? Acceptance × verification cost, measured.

    .venv/bin/python bench/lookup.py acceptance            # the built-in model's real answers, per task
    .venv/bin/python bench/lookup.py cost --model FILE     # c(n): one batch of n tokens vs one token
    .venv/bin/python bench/lookup.py predict               # the table: predicted speed-up per task and size
    .venv/bin/python bench/lookup.py validate --model FILE [--task proofread.check]   # measured vs predicted

acceptance: each task's answer is generated greedily by the built-in model; then the
drafter llama-cpp-python uses (LlamaPromptLookupDecoding, 2-gram match) is replayed over
prompt + answer: at each step it drafts up to k tokens, the answer says how many of them
greedy verification would accept, and the step yields those plus one. Greedy
verification yields exactly the plain answer, so replaying it is exact.

cost: after a 400-token prompt, one batch of n tokens with logits for every position (the
engine's verification batch, llama_ext.DeskmateLlama.eval) timed against one token;
sizes interleaved and repeated so machine load hits all alike.

predict: speed-up(k) = answer tokens / Σ_steps c(drafted + 1), in single-token times;
the best k per task and model size, on where ≥ speculation.MIN_GAIN. For the tasks with a
reference answer (a faithful correction, a real translation) that answer decides: the
built-in model's own answers there are not what a 7B writes.

Results go to artifacts/lookup-*.json (artifacts/ is not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# The engine child runs with these (tuning.py); the raw side here must too, for "same settings".
from deskmate.core.engines.tuning import CHILD_ENV  # noqa: E402

for _key, _value in CHILD_ENV.items():
    os.environ.setdefault(_key, _value)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "artifacts"
DRAFTS = (2, 4, 6, 8, 10, 12, 16)

# About 300 words with the errors a proofreader is for, in three paragraphs.
PROOF_TEXT = (
    "Last week our team have finished the first version of the new booking system, and the feedback from the "
    "pilot customers were mostly positive. Several of them said that the the new calendar view is much more "
    "easier to use then the old one, and that they can now see at a glance which rooms is free. However, two "
    "customers reported that the confirmation emails arrives late, sometimes after more then an hour, which "
    "cause confusion when a room is booked twice.\n\n"
    "We looked into the problem and found that the email service were sending messages in batches only every "
    "sixty minutes. This setting was chose during the early tests to avoid sending to many emails, but nobody "
    "remembered to change it before the pilot started. We has now changed the interval to one minute and added "
    "a alert that warns us when the queue grows longer then expected. Since the change, no customer have "
    "complained about late emails, and the double bookings has stopped.\n\n"
    "For the next month we plan to focus on three things. First, we wants to improve the search, because users "
    "often cant find a room by it's name. Second, we will add a simple report that show how often each room "
    "is used, which the facilities team asked for. Third, we need to write better documentation, as many "
    "questions we receive could be answered by a clear help page. If everything goes good, the system will be "
    "ready for all departments at the end of next quarter, and we will present the results in the monthly meeting."
)
# What a faithful proofreader returns for PROOF_TEXT: the same text with the errors fixed, nothing else.
PROOF_REFERENCE = (
    "Last week our team has finished the first version of the new booking system, and the feedback from the "
    "pilot customers was mostly positive. Several of them said that the new calendar view is much easier to "
    "use than the old one, and that they can now see at a glance which rooms are free. However, two customers "
    "reported that the confirmation emails arrive late, sometimes after more than an hour, which causes "
    "confusion when a room is booked twice.\n\n"
    "We looked into the problem and found that the email service was sending messages in batches only every "
    "sixty minutes. This setting was chosen during the early tests to avoid sending too many emails, but nobody "
    "remembered to change it before the pilot started. We have now changed the interval to one minute and added "
    "an alert that warns us when the queue grows longer than expected. Since the change, no customer has "
    "complained about late emails, and the double bookings have stopped.\n\n"
    "For the next month we plan to focus on three things. First, we want to improve the search, because users "
    "often can't find a room by its name. Second, we will add a simple report that shows how often each room "
    "is used, which the facilities team asked for. Third, we need to write better documentation, as many "
    "questions we receive could be answered by a clear help page. If everything goes well, the system will be "
    "ready for all departments at the end of next quarter, and we will present the results in the monthly meeting."
)
# A translation of PROOF_TEXT's first paragraph (errors and all) into Chinese.
TRANSLATE_REFERENCE = (
    "上周，我们团队完成了新预订系统的第一个版本，试点客户的反馈大多是正面的。其中几位客户说，新的日历视图比旧的"
    "好用得多，现在他们一眼就能看出哪些会议室是空闲的。不过，有两位客户反映确认邮件到得很晚，有时要一个多小时"
    "以后才到，这在同一间会议室被重复预订时造成了混乱。"
)
REFERENCE_ROW = " (reference answer)"
REFERENCES = {"proofread.check": PROOF_REFERENCE.split("\n\n"), "translate.text": [TRANSLATE_REFERENCE]}
TABLE_TEXT = (
    "Orders this week: Anna Berg ordered 12 chairs at 45.50 EUR each on Monday; Carlos Diaz ordered 3 desks at "
    "210 EUR each on Tuesday; Mei Lin ordered 40 notebooks at 2.20 EUR each on Wednesday; Omar Haddad ordered "
    "2 printers at 189.99 EUR each on Thursday; Sara Novak ordered 6 lamps at 24 EUR each on Friday."
)
CODE_TEXT = (
    "def average(values):\n    total = 0\n    for v in values:\n        total += v\n    return total / len(value)\n\n"
    "def largest(values):\n    best = values[0]\n    for v in values:\n        if v > best:\n            best = v\n"
    "    return bets\n"
)


def sampling_of(task: str):
    """The sampling the app uses for the task (temperature, penalties), with a fixed seed."""
    from deskmate.core.tasks import proofread, translate
    from deskmate.core.tasks.render import render

    if task == "proofread.check":
        base = proofread.DEFAULT_SAMPLING
    elif task == "translate.text":
        base = translate.DEFAULT_SAMPLING
    else:
        base = render(task, _values(task, "x") | ({"text": "x"} if _has_var(task, "text") else {}))[1]
    return base.replace(seed=1)


def cases() -> dict[str, list[list[dict[str, str]]]]:
    """Each task's requests (one or more message lists), built the way the app builds them."""
    from deskmate.core.engines.base import msg
    from deskmate.core.tasks import proofread
    from deskmate.core.tasks.render import render
    from deskmate.core.tasks.translate import Translation

    paragraph = PROOF_TEXT.split("\n\n")[0]
    out = {
        # the proofreading service corrects the 300-word text paragraph by paragraph, with its own prompt
        "proofread.check": [[msg("system", proofread.SYSTEM), msg("user", p)] for p in PROOF_TEXT.split("\n\n")],
        "proofread.polish": render("proofread.polish", {"text": paragraph})[0],
        "rewrite.formal": render("rewrite.formal", {"text": paragraph})[0],
        "rewrite.shorter": render("rewrite.shorter", {"text": paragraph})[0],
        "summarize.summary": render("summarize.summary", {"text": PROOF_TEXT})[0],
        "table.extract": render("table.extract", {"text": TABLE_TEXT})[0],
        "extract.todos": render("extract.todos", {"text": PROOF_TEXT.split("\n\n")[2]})[0],
        "code.fix": render("code.fix", {"code": CODE_TEXT})[0] if _has_var("code.fix", "code") else None,
        "writing.email": render("writing.email", _values("writing.email"))[0],
        "reply.email_reply": render("reply.email_reply", _values("reply.email_reply", paragraph))[0],
    }
    tr = Translation.__new__(Translation)  # only its prompt builder is used
    try:
        from deskmate.core.tasks.langdetect import resolve_language

        tr.source, tr.target, tr.glossary = resolve_language("en"), resolve_language("zh"), {}
        out["translate.text"] = tr.messages(paragraph, None)
    except Exception as e:  # the translation service changed shape: say so, measure the rest
        print(f"translate.text skipped: {e}", file=sys.stderr)
    return {k: (v if isinstance(v[0], list) else [v]) for k, v in out.items() if v}


def _has_var(task_id: str, name: str) -> bool:
    from deskmate.core.tasks.catalog import default_catalog

    return any(v.name == name for v in default_catalog().task(task_id).variables)


def _values(task_id: str, text: str = "") -> dict[str, str]:
    """Plausible values for a task's required variables."""
    from deskmate.core.tasks.catalog import default_catalog

    task = default_catalog().task(task_id)
    filler = {"text": text, "email": text, "message": text, "topic": "the new booking system pilot",
              "recipient": "the pilot customers", "purpose": "thank them and announce the next steps",
              "points": "late emails fixed; search next; report for facilities"}
    return {v.name: filler.get(v.name, text or "the new booking system pilot") for v in task.variables if v.required}


def stock(k: int):
    """llama-cpp-python's drafter: the first place the last two tokens occur."""
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    return LlamaPromptLookupDecoding(max_ngram_size=2, num_pred_tokens=k)


def aligned(k: int):
    from deskmate.core.engines.speculation import AlignedLookup

    return AlignedLookup(num_pred_tokens=k)


DRAFTERS = {"stock": stock, "aligned": aligned}


def until_it_loops(llama, answer: list[int]) -> list[int]:
    """The answer up to where it starts repeating a line it already wrote (small models loop; a 7B
    does not, and a loop is what prompt lookup predicts best, so it would flatter the figures)."""
    seen: set[str] = set()
    line = b""
    for i, t in enumerate(answer):
        line += llama.detokenize([t])
        if b"\n" in line:
            head, _, line = line.rpartition(b"\n")
            last = head.split(b"\n")[-1].strip()
            if len(last) >= 20 and last in seen:
                return answer[: i + 1 - len(llama.tokenize(last + b"\n" + line, add_bos=False))]
            seen.add(last)
    return answer


def replay(prompt: list[int], answer: list[int], k: int, make=stock) -> list[tuple[int, int]]:
    """(drafted, accepted) per step of prompt-lookup decoding over a known greedy answer."""
    drafter = make(k)
    seq = np.array(prompt + answer, dtype=np.intc)
    steps, i = [], 0
    while i < len(answer):
        draft = drafter(seq[: len(prompt) + i])[: len(answer) - i]
        accepted = 0
        for j, t in enumerate(draft):
            if int(t) == answer[i + j]:
                accepted += 1
            else:
                break
        steps.append((len(draft), accepted))
        i += accepted + 1
    return steps


def cmd_acceptance(args: argparse.Namespace) -> None:
    from deskmate.core.engines.llama_ext import DeskmateLlama
    from deskmate.core.engines.embedded import embedded_model_path

    model = args.model or str(embedded_model_path())
    llama = DeskmateLlama(model, n_ctx=4096, n_threads=args.threads, n_threads_batch=args.threads, verbose=False)
    results = {}
    for task, requests in cases().items():
        sampling = sampling_of(task)
        pairs, texts, refs = [], [], []
        for i, messages in enumerate(requests):
            llama.reset()
            reply = llama.create_chat_completion(
                messages, max_tokens=min(args.tokens, sampling.max_tokens), temperature=sampling.temperature,
                top_p=sampling.top_p, top_k=sampling.top_k, repeat_penalty=sampling.repeat_penalty, seed=1)
            seq = [int(t) for t in llama.input_ids[: llama.n_tokens]]
            prompt = seq[: llama.prompt_tokens]
            pairs.append((prompt, until_it_loops(llama, seq[llama.prompt_tokens:])))
            texts.append(reply["choices"][0]["message"]["content"])
            if task in REFERENCES:
                refs.append((prompt, llama.tokenize(REFERENCES[task][i].encode(), add_bos=False)))
        per_k = _replay_all(pairs, args.drafter)
        results[task] = {"requests": len(pairs), "prompt_tokens": sum(len(p) for p, _ in pairs),
                         "answer_tokens": sum(len(a) for _, a in pairs), "per_k": per_k, "answers": texts,
                         "tokens": pairs}
        if refs:
            results[task + REFERENCE_ROW] = {
                "requests": len(refs), "prompt_tokens": sum(len(p) for p, _ in refs),
                "answer_tokens": sum(len(a) for _, a in refs), "per_k": _replay_all(refs, args.drafter),
                "answers": REFERENCES[task], "tokens": refs}
        for name in (task, task + REFERENCE_ROW):
            if name in results:
                r = results[name]
                best = max(r["per_k"].values(), key=lambda x: x["tokens_per_step"])
                print(f"{name:<36} requests {r['requests']}  prompt {r['prompt_tokens']:4d}  answer "
                      f"{r['answer_tokens']:4d}  tokens/step at k=10: {r['per_k'][10]['tokens_per_step']:.2f}  "
                      f"best {best['tokens_per_step']:.2f}", flush=True)
    _write("acceptance", {"model": os.path.basename(model), "results": results})


def _replay_all(pairs, drafter: str) -> dict[int, dict]:
    per_k = {}
    tokens = sum(len(a) for _, a in pairs)
    for k in DRAFTS:
        steps = [s for prompt, answer in pairs for s in replay(prompt, answer, k, DRAFTERS[drafter])]
        per_k[k] = {"steps": steps, "tokens_per_step": tokens / len(steps),
                    "drafted_share": sum(1 for d, _ in steps if d) / len(steps)}
    return per_k


def cmd_cost(args: argparse.Namespace) -> None:
    from deskmate.core.engines.llama_ext import DeskmateLlama

    llama = DeskmateLlama(args.model, n_ctx=2048, n_threads=args.threads, n_threads_batch=args.threads,
                          n_batch=512, n_ubatch=512, verbose=False)
    prompt = list(np.random.default_rng(0).integers(300, 40000, size=400))
    llama.eval(prompt)
    sizes = (1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 17)
    llama.set_lookup(max(sizes))  # batches up to 17 tokens get logits at every position
    times: dict[int, list[float]] = {n: [] for n in sizes}
    rng = np.random.default_rng(1)
    for rep in range(args.reps):
        for n in (sizes if rep % 2 == 0 else sizes[::-1]):
            llama.n_tokens = len(prompt)
            batch = [int(t) for t in rng.integers(300, 40000, size=n)]
            t0 = time.perf_counter()
            llama.eval(batch)
            times[n].append(time.perf_counter() - t0)
    one = statistics.median(times[1])
    cost = {n: statistics.median(v) / one for n, v in times.items()}
    print(f"{os.path.basename(args.model)}: one token {one * 1000:.0f} ms; "
          + "  ".join(f"c({n})={c:.2f}" for n, c in cost.items()), flush=True)
    _write(f"cost-{_size_name(args.model)}", {"model": os.path.basename(args.model), "one_token_s": one,
                                              "cost": cost, "load": os.getloadavg()[0]})


def _size_name(model: str) -> str:
    from deskmate.core.engines.speculation import size_class
    from deskmate.core.engines.fit import shape_from_gguf

    shape = shape_from_gguf(model)
    return size_class(shape.read_bytes or shape.weights_bytes)


def predicted_gain(steps: list[tuple[int, int]], cost: dict[int, float]) -> float:
    def c(n: int) -> float:
        if n in cost:
            return cost[n]
        lo = max(m for m in cost if m <= n)
        hi = min((m for m in cost if m >= n), default=lo)
        return cost[lo] if hi == lo else cost[lo] + (cost[hi] - cost[lo]) * (n - lo) / (hi - lo)

    tokens = sum(a + 1 for _, a in steps)
    return tokens / sum(c(d + 1) for d, _ in steps)


def cmd_predict(args: argparse.Namespace) -> None:
    from deskmate.core.engines.speculation import MIN_GAIN

    acc = _read("acceptance")["results"]
    for r in acc.values():  # replayed again with the chosen drafter from the stored tokens
        r["per_k"] = {str(k): v for k, v in _replay_all(r["tokens"], args.drafter).items()}
    costs = {}
    for path in sorted(OUT.glob("lookup-cost-*.json")):
        data = json.loads(path.read_text())
        costs[path.stem.removeprefix("lookup-cost-")] = {int(n): c for n, c in data["cost"].items()}
    sizes = [s for s in ("small", "1.5b", "3b", "7b") if s in costs]
    print("| task | tokens/step (k=10) | " + " | ".join(f"{s}: best k, predicted" for s in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))
    table: dict[str, dict[str, int]] = {}
    for row, r in acc.items():
        task = row.removesuffix(REFERENCE_ROW)
        # Where a faithful answer is known it decides, not the built-in model's: at 135M the model
        # does not proofread or translate (it rewrites, loops, or echoes the English), a 7B does.
        decides = row.endswith(REFERENCE_ROW) or task + REFERENCE_ROW not in acc
        cells = []
        for s in sizes:
            gains = {int(k): predicted_gain([tuple(x) for x in v["steps"]], costs[s]) for k, v in r["per_k"].items()}
            k, g = max(gains.items(), key=lambda kv: kv[1])
            on = g >= MIN_GAIN and decides
            cells.append(f"k={k}: {g:.2f}×" + (" **on**" if on else ""))
            if on:
                table.setdefault(task, {})[s] = k
        print(f"| {row} | {r['per_k']['10']['tokens_per_step']:.2f} | " + " | ".join(cells) + " |")
    print(f"\ndrafter: {args.drafter}; DRAFT_TOKENS =", json.dumps(table, indent=1))


def cmd_validate(args: argparse.Namespace) -> None:
    """Plain vs prompt-lookup decoding on one task through DeskmateLlama, alternated; and the prediction
    for the same answer from this model's own acceptance replay and c(n)."""
    from deskmate.core.engines.llama_ext import DeskmateLlama

    llama = DeskmateLlama(args.model, n_ctx=4096, n_threads=args.threads, n_threads_batch=args.threads,
                          verbose=False)
    messages = cases()[args.task][0]
    rates: dict[int, list[float]] = {0: [], args.k: []}
    texts = {}
    for rep in range(args.reps):
        for k in ((0, args.k) if rep % 2 == 0 else (args.k, 0)):
            llama.reset()
            llama.set_lookup(k, args.drafter)
            stamps = []
            text = []
            for chunk in llama.create_chat_completion(messages, max_tokens=args.tokens, temperature=0.0,
                                                      repeat_penalty=1.0, stream=True):
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    stamps.append(time.perf_counter())
                    text.append(piece)
            rates[k].append((llama.completion_tokens - 1) / (stamps[-1] - stamps[0]))
            texts[k] = "".join(text)
            if k == 0:
                seq = [int(t) for t in llama.input_ids[: llama.n_tokens]]
                prompt, answer = seq[: llama.prompt_tokens], seq[llama.prompt_tokens:]
    plain, lookup = statistics.median(rates[0]), statistics.median(rates[args.k])
    size = _size_name(args.model)
    cost_path = OUT / f"lookup-cost-{size}.json"
    predicted = None
    if cost_path.exists():
        cost = {int(n): c for n, c in json.loads(cost_path.read_text())["cost"].items()}
        predicted = predicted_gain(replay(prompt, answer, args.k, DRAFTERS[args.drafter]), cost)
    print(f"{os.path.basename(args.model)} {args.task} k={args.k}: plain {plain:.2f} tok/s, lookup {lookup:.2f} "
          f"tok/s, measured {lookup / plain:.2f}×" + (f", predicted {predicted:.2f}×" if predicted else "")
          + f"; same text: {texts[0] == texts[args.k]}; load {os.getloadavg()[0]:.1f}")


def _write(name: str, data: dict) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / f"lookup-{name}.json").write_text(json.dumps(data))


def _read(name: str) -> dict:
    return json.loads((OUT / f"lookup-{name}.json").read_text())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("part", choices=("acceptance", "cost", "predict", "validate"))
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tokens", type=int, default=400)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--task", default="proofread.check")
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--drafter", choices=sorted(DRAFTERS), default="aligned")
    args = ap.parse_args()
    {"acceptance": cmd_acceptance, "cost": cmd_cost, "predict": cmd_predict, "validate": cmd_validate}[args.part](args)


if __name__ == "__main__":
    main()
