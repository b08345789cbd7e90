"""Two things llama-cpp-python leaves out of a streamed chat answer, for the engine child.

* A JSON schema it cannot turn into a grammar is dropped *silently* (it falls back to any
  JSON): :func:`schema_problem` finds that first, so the caller gets a 400 instead of
  output that ignores its schema.
* A stream carries no token counts: :class:`TokenCount` counts the prompt and the answer
  the way its non-streamed usage does (the end-of-generation token is not counted).

Child-only: both import llama_cpp.
"""

from __future__ import annotations

import json
from typing import Any


def schema_problem(response_format: Any) -> str | None:
    """Why ``{"type": "json_object", "schema": ...}`` cannot be enforced, or None when it can."""
    if not isinstance(response_format, dict) or "schema" not in response_format:
        return None
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        json_schema_to_gbnf(json.dumps(response_format["schema"]))
    except Exception as e:  # the converter raises ValueError, AssertionError, KeyError...
        return f"The JSON schema cannot be enforced: {e or type(e).__name__}. Simplify the schema."
    return None


class TokenCount:
    """Counts one answer's tokens by watching ``llama.generate`` while the answer streams."""

    def __init__(self, llama: Any) -> None:
        self.llama = llama
        self.prompt = 0
        self.completion = 0

    def __enter__(self) -> "TokenCount":
        import llama_cpp

        original = self.llama.generate
        vocab = self.llama._model.vocab

        def generate(tokens: Any, *args: Any, **kwargs: Any) -> Any:
            self.prompt = len(tokens)
            for token in original(tokens, *args, **kwargs):
                if not llama_cpp.llama_vocab_is_eog(vocab, token):
                    self.completion += 1
                yield token

        self.llama.generate = generate  # an instance attribute shadows the method for this answer only
        return self

    def __exit__(self, *exc: object) -> None:
        self.llama.__dict__.pop("generate", None)

    def usage(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt, "completion_tokens": self.completion,
                "total_tokens": self.prompt + self.completion}
