"""Where prompt-lookup decoding pays: by task and model size, from measurements (docs/benchmarks.md).

Prompt-lookup decoding drafts the next tokens by finding the last two tokens earlier in
the prompt and copying what followed; one batch then checks the draft. A step that
drafts ``k`` tokens costs ``c(k+1)`` (one batch of k+1 tokens, relative to one token) and
yields the accepted tokens plus one. It pays only where answers copy their input
(proofreading) *and* a batch costs little more than one token: true of bandwidth-bound
models (1.5B and up on a laptop CPU), false of the compute-bound built-in 135M model.

The table holds, per task, the draft length with the best *predicted* speed-up
``tokens per step / c(k+1)`` (acceptance measured on the built-in model's real answers,
``c`` on the stand-ins, ``bench/lookup.py``) for each model size where that prediction is
at least MIN_GAIN; everywhere else decoding is plain.
"""

from __future__ import annotations

import dataclasses
import os

MIN_GAIN = 1.2
# Model size classes by the weight bytes one decoded token reads (the stand-ins: 1.5B 0.98 GB,
# 3B ~1.9 GB, 7B 4.4 GB at Q4_K_M); below the first the model is compute-bound.
SIZE_CLASSES = ((3.0e9, "7b"), (1.5e9, "3b"), (0.6e9, "1.5b"))
# task id → {size class: draft tokens}: the DRAFT_TOKENS `bench/lookup.py predict` printed
# (docs/benchmarks.md, "Prompt-lookup decoding"). On two cores a batch costs nearly as much per
# token as single tokens do (7B Q4_K_M: 5 tokens 3.0× one), so only a faithful proofreading
# answer on a 7B, drafting 4 tokens, is predicted to gain (1.25×).
DRAFT_TOKENS: dict[str, dict[str, int]] = {"proofread.check": {"7b": 4}}


def size_class(read_bytes: int) -> str:
    return next((name for limit, name in SIZE_CLASSES if read_bytes >= limit), "small")


@dataclasses.dataclass(frozen=True)
class LookupPolicy:
    size: str

    def draft_tokens(self, task: object) -> int:
        if not isinstance(task, str):
            return 0
        return DRAFT_TOKENS.get(task, {}).get(self.size, 0)

    @classmethod
    def for_model(cls, path: str | os.PathLike[str]) -> "LookupPolicy":
        from deskmate.core.engines.fit import shape_from_gguf

        shape = shape_from_gguf(path)
        return cls(size_class(shape.read_bytes or shape.weights_bytes))


class AlignedLookup:
    """A prompt-lookup drafter for answers that copy their input, in order.

    llama-cpp-python's LlamaPromptLookupDecoding drafts from the *first* place the last two
    tokens occur. In a text being copied that is often the wrong place ("of the" occurs many
    times), and right after a correction ("have" → "has") the last tokens occur nowhere. Here
    the longest match of the last 1–4 tokens wins, among equally long ones the one where the
    previous draft's source continues; and with no match at all the draft continues where the
    copy was (a corrected word is usually replaced, not inserted). On the proofreading reference
    this drafts 6.2 accepted tokens a step against 4.6 for the stock drafter (docs/benchmarks.md).
    """

    def __init__(self, num_pred_tokens: int = 10, max_ngram: int = 4) -> None:
        self.num_pred_tokens = num_pred_tokens
        self.max_ngram = max_ngram
        self._source = -1  # where in input_ids the previous draft came from ...
        self._seen = 0  # ... and how long input_ids was then

    def __call__(self, input_ids, /, **kwargs):  # type: ignore[no-untyped-def]
        import numpy as np

        ids = np.asarray(input_ids)
        length = ids.shape[0]
        expect = self._source + (length - self._seen) if self._source >= 0 else -1
        start = -1
        for n in range(min(self.max_ngram, length - 1), 0, -1):
            windows = np.lib.stride_tricks.sliding_window_view(ids[:-1], n)
            starts = np.nonzero((windows == ids[-n:]).all(axis=1))[0] + n  # where each continuation begins
            if starts.size:
                start = int(starts[np.argmin(np.abs(starts - expect))]) if expect >= 0 else int(starts[0])
                break
        if start < 0 and 0 <= expect < length - 1:
            start = expect
        if start < 0:
            self._source = -1
            return np.array([], dtype=np.intc)
        self._source, self._seen = start, length
        return ids[start : start + self.num_pred_tokens].astype(np.intc)
