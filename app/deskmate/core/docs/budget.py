"""How much passage text one question may carry: what the model's context holds, and what it can
read before the first token is due; a model too slow to read one passage in that time reads the best
passages' best 600 tokens instead.

Prompt processing (prefill) is most of the wait for a cited answer: the built-in 135M model read
35–80 prompt tokens/s on these 2 shared cores (docs/benchmarks.md), so five whole passages
(~1,350 tokens) took 30–80 s. The pace is learned per model from this process's own answers
(prompt tokens, as chunking.tokens counts them, over the time to the first token), so it
follows the machine's load; before the first answer a local model's pace is guessed from its
file size, and a remote server is not held back until it has been timed.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from pathlib import Path

from .chunking import tokens
from .excerpt import excerpt
from .library import Passage

FIRST_TOKEN_SECONDS = 3.0  # issue 15's goal for the first token of a cited answer
# Prompt tokens/s × GB of weights before a local model has been timed: the built-in model (0.1 GB)
# read ~100 tokens/s on the quiet 2 cores and 35–80 at load 6–9 (bench/docs_answer.py); between the two.
LOCAL_PACE_TOKENS_GB = 6.0
MIN_PASSAGE_TOKENS = 40  # a sentence or two: never less than one passage of this
# Each further passage needs at least this much room: fewer, longer pieces kept the answer more
# often than more, shorter ones (0.48 / 0.72 English / Chinese at 180 tokens, against 0.32 / 0.72 at 60).
PASSAGE_TOKENS = 90
LABEL_TOKENS = 8  # "[n] (file.pdf, p. 12)" and the blank line after it
# What a model too slow to read one whole passage in time reads instead: the share of the bench's questions
# whose answer survives the cut (keyword top 5, English / Chinese) is 0.12 / 0.36 at 48 tokens, 0.48 / 0.84 at
# 294, 0.64 / 0.88 at 600 and 0.64 / 0.96 for the five whole (docs/benchmarks.md). Such a model (a 7B on two
# cores reads ~16 prompt tokens/s) is late whatever it reads; an answer from a snippet that lacks it is no use.
FLOOR_TOKENS = 600
DEFAULT_CONTEXT = 4096


def _inner(client: object) -> object | None:
    inner = getattr(client, "client", None)  # a ScopedClient or router wraps the real one
    return inner if inner is not None and inner is not client else None


def context_tokens(client: object) -> int:
    """The model's context size: a local engine's n_ctx, a remote endpoint's context, else 4096."""
    for value in (getattr(getattr(client, "config", None), "n_ctx", None), getattr(client, "context", None)):
        if isinstance(value, int) and value > 0:
            return value
    inner = _inner(client)
    return context_tokens(inner) if inner is not None else DEFAULT_CONTEXT


def model_of(client: object) -> tuple[str, Path | None]:
    """(a key naming the model, its local file or None for a remote one)."""
    model = getattr(getattr(client, "config", None), "model", None)
    if isinstance(model, (str, Path)) and str(model):
        return f"local:{model}", Path(model)
    endpoint = getattr(client, "endpoint", None)
    if endpoint is not None:
        return f"remote:{getattr(endpoint, 'url', '')}:{getattr(endpoint, 'model', '')}", None
    inner = _inner(client)
    return model_of(inner) if inner is not None else (f"client:{type(client).__name__}", None)


class Pace:
    """Prompt tokens per second, per model, as measured: the mean of the last measurement and the pace
    before; and the best pace seen, which tells a slow model from a fast one on a busy machine."""

    def __init__(self, rates: dict[str, float] | None = None) -> None:
        self._rates = dict(rates or {})
        self._best = dict(self._rates)
        self._lock = threading.Lock()

    def observe(self, key: str, prompt_tokens: float, seconds: float, file: Path | None = None) -> None:
        if prompt_tokens <= 0 or seconds <= 0:
            return
        rate = prompt_tokens / seconds
        old = self.rate(key, file)  # the guess from the file's size, before the first measurement
        with self._lock:
            # One quick answer (a prompt the engine had read before, kept in its cache) doubles the pace at most.
            self._rates[key] = rate if old is None else min((old + rate) / 2, 2 * old)
            self._best[key] = max(self._best.get(key, 0.0), self._rates[key])

    def rate(self, key: str, file: Path | None = None) -> float | None:
        """The pace measured for ``key``; for "MODEL|zh" not yet measured, half "MODEL|en"'s (a Chinese
        character is one token to chunking.tokens and often two to a model); else the guess from the file."""
        return self._known(self._rates, key, file)

    def best(self, key: str, file: Path | None = None) -> float | None:
        """The fastest pace ``key`` has kept (the same fallbacks as ``rate``), never below the file's guess."""
        guess = self._known({}, key, file)
        best = self._known(self._best, key, None)
        return max(filter(None, (best, guess)), default=None)

    def _known(self, rates: dict[str, float], key: str, file: Path | None) -> float | None:
        with self._lock:
            known = rates.get(key)
            if known is None and key.endswith("|zh") and key[:-3] + "|en" in rates:
                known = rates[key[:-3] + "|en"] / 2
        if known is not None:
            return known
        try:
            size = file.stat().st_size if file is not None else 0
        except OSError:
            size = 0
        return LOCAL_PACE_TOKENS_GB / (size / 1e9) if size else None


PACE = Pace()  # this process's measurements, shared by every question


def passage_budget(client: object, question: str, max_tokens: int, instructions: str, pace: Pace,
                   key: str | None = None) -> float:
    """Tokens of passages (labels included) the prompt may carry; ``key`` names the pace (default: the model's)."""
    room = context_tokens(client) - max_tokens - tokens(instructions) - tokens(question) - 16
    model, file = model_of(client)
    key = key or model
    rate, best = pace.rate(key, file), pace.best(key, file)
    if rate is not None and best is not None:  # the instructions come first and stay the same: the engine's cache has them
        def in_time(pace: float) -> float:
            return pace * FIRST_TOKEN_SECONDS - tokens(question) - 16
        # A model that at its best reads a whole passage in time keeps to the time, with fewer passages while
        # the machine is busy; one that never does reads the floor's worth.
        keeps_time = in_time(best) >= PASSAGE_TOKENS + LABEL_TOKENS
        room = min(room, in_time(rate) if keeps_time else FLOOR_TOKENS)
    return max(room, MIN_PASSAGE_TOKENS + LABEL_TOKENS)


def fit(ranked: Sequence[Passage], terms: Sequence[str], budget: float) -> list[Passage]:
    """The best passages that fit ``budget``, each cut to the sentences that best match ``terms``.

    Fewer passages when the room is small (each needs PASSAGE_TOKENS); the room is shared out
    so a short passage gives what it does not use to the longer ones.
    """
    n = max(1, min(len(ranked), int(budget // (PASSAGE_TOKENS + LABEL_TOKENS))))
    chosen = list(ranked[:n])
    sizes = [tokens(p.text) for p in chosen]
    allot = [0.0] * n
    left = budget - LABEL_TOKENS * n
    for count, i in enumerate(sorted(range(n), key=lambda j: sizes[j])):
        allot[i] = min(sizes[i], left / (n - count))
        left -= allot[i]
    out = []
    for p, room in zip(chosen, allot, strict=True):
        a, b = excerpt(p.text, terms, max(room, MIN_PASSAGE_TOKENS))
        out.append(p if (a, b) == (0, len(p.text)) else
                   dataclasses.replace(p, text=p.text[a:b], start=p.start + a, end=p.start + a + (b - a)))
    return out
