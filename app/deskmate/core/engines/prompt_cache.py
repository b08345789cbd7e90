"""KV-cache states of fixed prompt prefixes, kept on disk so that an engine restart does not pay for them again.

Every task sends its system prompt and instruction before the user's text, so two prompts
of the same task share a long token prefix. That shared prefix is found from the prompts
themselves: the longest prefix a new prompt has in common with one of the recent prompts
(remembered on disk too) is a task's fixed prefix. Its KV state is saved once, as a file
named by the prefix's length and a hash of its tokens; a later prompt that starts with
those tokens loads it instead of computing it. No hint from the client is needed, and a
conversation's earlier turns are found the same way.

Safety: states live in a folder per *fingerprint* (the model file's size, modification
time and sampled content, the llama.cpp version, the KV cache type and flash attention),
so a state is never loaded into another model or another cache layout, and each file
holds its own tokens, which are compared before use. A changed prompt has other tokens
and simply misses. The whole cache is bounded: the least recently used files go first.

Plain file handling only; llama_cpp is used by the caller (:mod:`.llama_ext`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

FORMAT = 1
MIN_PREFIX = 32  # fewer tokens are computed faster than a file is found and read
PROMPTS_KEPT = 16
PROMPT_TOKENS_KEPT = 8192
DEFAULT_LIMIT = 1024**3
SAMPLES = 16
SAMPLE_BYTES = 64 * 1024


def _hash(tokens: Sequence[int]) -> str:
    return hashlib.sha256(np.asarray(tokens, dtype=np.int32).tobytes()).hexdigest()[:32]


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    if n == 0:
        return 0
    diff = np.nonzero(np.asarray(a[:n], dtype=np.int64) != np.asarray(b[:n], dtype=np.int64))[0]
    return int(diff[0]) if diff.size else n


def fingerprint(model: Path, **layout: object) -> str:
    """Names one model file and one KV layout; anything else that changes the state belongs in ``layout``."""
    st = model.stat()
    h = hashlib.sha256(f"{FORMAT}|{st.st_size}|{st.st_mtime_ns}|{sorted(layout.items())}".encode())
    with model.open("rb") as f:
        h.update(f.read(1024**2))  # the header: names, shapes, tokenizer
        for i in range(SAMPLES):  # and the weights themselves, sampled across the file
            f.seek(st.st_size * i // SAMPLES)
            h.update(f.read(SAMPLE_BYTES))
    return h.hexdigest()[:24]


@dataclasses.dataclass(frozen=True)
class Entry:
    n_tokens: int
    path: Path


class PromptCache:
    def __init__(self, root: Path, fingerprint: str, limit_bytes: int = DEFAULT_LIMIT) -> None:
        self.root = root
        self.dir = root / fingerprint
        self.limit = limit_bytes
        self._history_path = self.dir / "prompts.json"
        self._history: list[list[int]] = []
        try:
            data = json.loads(self._history_path.read_text())
            self._history = [list(map(int, p)) for p in data if isinstance(p, list)][-PROMPTS_KEPT:]
        except (OSError, ValueError, TypeError):
            pass

    # --- states -------------------------------------------------------------------------------
    def path_for(self, prefix: Sequence[int]) -> Path:
        return self.dir / f"{len(prefix)}-{_hash(prefix)}.kv"

    def entries(self) -> list[Entry]:
        try:
            names = os.listdir(self.dir)
        except OSError:
            return []
        found = []
        for name in names:
            n, _, rest = name.partition("-")
            if rest.endswith(".kv") and n.isdigit():
                found.append(Entry(int(n), self.dir / name))
        return found

    def lookup(self, tokens: Sequence[int]) -> Entry | None:
        """The longest saved prefix of ``tokens`` (it may be all of them: llama-cpp-python then
        evaluates the last token again, as the logits are not part of a state)."""
        for entry in sorted(self.entries(), key=lambda e: -e.n_tokens):
            if entry.n_tokens <= len(tokens) and entry.path == self.path_for(tokens[: entry.n_tokens]):
                return entry
        return None

    def has(self, prefix: Sequence[int]) -> bool:
        return self.path_for(prefix).exists()

    def temp_path(self, prefix: Sequence[int]) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        return self.path_for(prefix).with_suffix(f".{os.getpid()}.part")

    def stored(self, prefix: Sequence[int], temp: Path) -> None:
        """Put a state written to ``temp`` in its place, then keep the cache within its bound."""
        os.replace(temp, self.path_for(prefix))
        self.trim()

    def used(self, entry: Entry) -> None:
        try:
            os.utime(entry.path)  # least recently *used* goes first
        except OSError:
            pass

    def discard(self, entry: Entry) -> None:
        try:
            entry.path.unlink()
        except OSError:
            pass

    def trim(self) -> None:
        """Delete the least recently used states, of any model, until the cache fits its bound."""
        files = []
        for path in self.root.glob("*/*.kv"):
            try:
                st = path.stat()
            except OSError:
                continue
            files.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.limit:
                break
            try:
                path.unlink()
                total -= size
            except OSError:
                pass

    # --- where fixed prefixes end -------------------------------------------------------------
    def boundary(self, tokens: Sequence[int]) -> int:
        """Length of the longest prefix ``tokens`` shares with a recent prompt, if long enough to keep."""
        mine = [int(t) for t in tokens[:PROMPT_TOKENS_KEPT]]
        best = max((common_prefix(p, tokens) for p in self._history if p != mine), default=0)
        best = min(best, len(tokens) - 1)
        return best if best >= MIN_PREFIX else 0

    def remember(self, tokens: Sequence[int]) -> None:
        if len(tokens) < MIN_PREFIX:
            return
        prompt = [int(t) for t in tokens[:PROMPT_TOKENS_KEPT]]
        self._history = [p for p in self._history if p != prompt][-(PROMPTS_KEPT - 1):] + [prompt]
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            tmp = self._history_path.with_suffix(f".{os.getpid()}.part")
            tmp.write_text(json.dumps(self._history))
            os.replace(tmp, self._history_path)
        except OSError:
            pass
