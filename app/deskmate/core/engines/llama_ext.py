"""llama_cpp.Llama with the two things Deskmate's engine adds: prompt prefixes restored from disk,
and prompt-lookup decoding that can be switched per request. Imported in the engine child only.

Both hook in below ``create_chat_completion``, so formatting, grammars, stop words and
streaming stay llama-cpp-python's own:

* ``generate`` receives the exact prompt tokens. Before llama-cpp-python's own prefix reuse
  runs, the KV cache is made to hold the longest known prefix (from RAM or a file of
  :mod:`.prompt_cache`), and a newly found fixed prefix is saved; once the prompt is
  processed, the whole prompt is saved too (the same request after a restart, e.g. a retry
  after a crash or a hard cancel, then starts at once).
* ``eval`` asks llama.cpp for the logits of every position only in the small verification
  batches of prompt-lookup decoding. llama-cpp-python's own draft support turns on
  ``logits_all`` for the whole context instead: logits for every prompt token (an
  ``n_ctx × n_vocab`` float array, 2.5 GB for a 7B model at 4096 tokens) and the output
  layer run over every prompt token.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import llama_cpp
from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

from .prompt_cache import MIN_PREFIX, Entry, PromptCache, common_prefix
from .speculation import AlignedLookup


class DeskmateLlama(llama_cpp.Llama):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prompt_cache: PromptCache | None = None
        # Per request: prompt tokens not computed (found in RAM or on disk), and how found.
        self.cached_tokens = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.decode_steps = 0  # model evaluations after the first answer token (fewer than tokens: drafts paid)
        self._decoding = False
        # Off for one request that must be evaluated afresh (a seeded one): no saved prefix is loaded.
        self.reuse_prefixes = True

    # --- prompt-lookup decoding ---------------------------------------------------------------
    def set_lookup(self, draft_tokens: int, drafter: str = "aligned") -> None:
        """Draft up to ``draft_tokens`` tokens per step from the prompt (0: plain decoding).
        ``drafter``: "aligned" (speculation.AlignedLookup) or "stock" (llama-cpp-python's own)."""
        if draft_tokens <= 0:
            self.draft_model = None
        elif drafter == "stock":
            self.draft_model = LlamaPromptLookupDecoding(num_pred_tokens=draft_tokens)
        else:
            self.draft_model = AlignedLookup(num_pred_tokens=draft_tokens)  # type: ignore[assignment]

    def eval(self, tokens: Sequence[int]) -> None:
        if self._decoding:
            self.decode_steps += 1
        k = getattr(self.draft_model, "num_pred_tokens", 0)
        if not 1 < len(tokens) <= k + 1:
            super().eval(tokens)
            return
        # A verification batch: the sampled token and its drafted successors, each needing logits.
        self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
        n_past = self.n_tokens
        self._batch.set_batch(batch=tokens, n_past=n_past, logits_all=True)
        self._ctx.decode(self._batch)
        self.input_ids[n_past : n_past + len(tokens)] = tokens
        self.n_tokens += len(tokens)
        self._requires_eval = False

    # --- prompt prefixes ----------------------------------------------------------------------
    def generate(self, tokens: Sequence[int], *args: Any, **kwargs: Any) -> Iterator[int]:  # type: ignore[override]
        tokens = list(tokens)
        self.prompt_tokens = len(tokens)
        self.completion_tokens = 0
        self.decode_steps = 0
        self._decoding = False
        self.cached_tokens = min(self._prepare_prefix(tokens), max(len(tokens) - 1, 0))
        vocab = self._model.vocab
        gen = super().generate(tokens, *args, **kwargs)
        sent = None
        first = True
        while True:
            try:
                token = gen.send(sent) if sent is not None else next(gen)
            except StopIteration:
                return
            if not llama_cpp.llama_vocab_is_eog(vocab, token):
                self.completion_tokens += 1
            sent = yield token
            if first:
                first = False
                self._decoding = True
                # The KV cache holds exactly the prompt now (the first answer token is evaluated
                # next): keep it, so the same request after a restart starts at once.
                self._save_prompt(tokens)

    def _prepare_prefix(self, tokens: list[int]) -> int:
        """Make the KV cache start with as much of ``tokens`` as is known; return how many need no computing."""
        live = common_prefix(self.input_ids[: self.n_tokens], tokens)
        cache = self.prompt_cache
        if cache is None or len(tokens) < 2 or not self.reuse_prefixes:
            return live
        hit = cache.lookup(tokens)
        if hit is not None and hit.n_tokens > live and self._load(hit, tokens):
            live = hit.n_tokens
        known = live
        boundary = self._clean_boundary(tokens, cache.boundary(tokens))
        covered = hit is not None and hit.n_tokens >= boundary  # a longer saved prefix serves this prompt
        if boundary and not covered and not cache.has(tokens[:boundary]):
            try:
                self._save(cache, tokens, boundary, live)
            except Exception as e:  # a full disk must not cost the answer
                print(f"prompt cache: could not save a prefix: {e}", file=sys.stderr)
        cache.remember(tokens)
        return min(known, self.n_tokens)  # saving may have cut the live context back to the prefix

    def _save_prompt(self, tokens: list[int]) -> None:
        cache = self.prompt_cache
        if cache is None or len(tokens) < MIN_PREFIX or self.n_tokens != len(tokens) or cache.has(tokens):
            return
        if len(tokens) * self._state_bytes_per_token() > cache.limit // 8:
            return  # a long document's state would push every task's prefix out of the cache
        try:
            self._write(cache, tokens)
        except Exception as e:
            print(f"prompt cache: could not save the prompt: {e}", file=sys.stderr)

    def _state_bytes_per_token(self) -> int:
        n = max(self.n_tokens, 1)
        return llama_cpp.llama_state_seq_get_size(self._ctx.ctx, 0) // n

    def _clean_boundary(self, tokens: list[int], boundary: int) -> int:
        """Back off to just after the last line break in the shared prefix. Two prompts may share the
        first words of their texts ("The meeting…", "The report…"); a prefix that ends inside the
        text would miss the next text, while instructions, system prompts and chat turns end in a
        line break in every chat template."""
        for i in range(boundary - 1, MIN_PREFIX - 2, -1):
            if b"\n" in self.detokenize([tokens[i]], special=True):
                return i + 1
        return boundary

    def _load(self, entry: Entry, tokens: list[int]) -> bool:
        n = entry.n_tokens
        out = (llama_cpp.llama_token * n)()
        count = ctypes.c_size_t(0)
        self._ctx.kv_cache_seq_rm(0, 0, -1)
        self.n_tokens = 0
        size = llama_cpp.llama_state_seq_load_file(
            self._ctx.ctx, str(entry.path).encode(), 0, out, n, ctypes.byref(count))
        if size == 0 or count.value != n or list(out) != tokens[:n]:
            self._ctx.kv_cache_seq_rm(0, 0, -1)
            self.prompt_cache.discard(entry)  # type: ignore[union-attr]
            print(f"prompt cache: {entry.path.name} did not load; removed", file=sys.stderr)
            return False
        self.input_ids[:n] = tokens[:n]
        self.n_tokens = n
        self._requires_eval = True  # the logits are not part of the state
        self.prompt_cache.used(entry)  # type: ignore[union-attr]
        return True

    def _save(self, cache: PromptCache, tokens: list[int], boundary: int, live: int) -> None:
        if live - boundary > MIN_PREFIX:
            return  # the live context matches far beyond the prefix (a repeated text): keep it for now
        if live < boundary:
            self._ctx.kv_cache_seq_rm(0, live, -1)
            self.n_tokens = live
            self.eval(tokens[live:boundary])  # the prefix now, so it can be saved before the rest
        elif self.n_tokens > boundary:
            # What follows is the previous text: at most a few of its first tokens match this prompt.
            self._ctx.kv_cache_seq_rm(0, boundary, -1)
            self.n_tokens = boundary
            self._requires_eval = True
        self._write(cache, tokens[:boundary])

    def _write(self, cache: PromptCache, prefix: list[int]) -> None:
        """Save the KV cache, which must hold exactly ``prefix``."""
        temp = cache.temp_path(prefix)
        arr = (llama_cpp.llama_token * len(prefix))(*prefix)
        if llama_cpp.llama_state_seq_save_file(self._ctx.ctx, str(temp).encode(), 0, arr, len(prefix)) == 0:
            temp.unlink(missing_ok=True)
            raise OSError("llama.cpp wrote nothing")
        cache.stored(prefix, temp)
