"""A prompt cache that survives restarts: a task's fixed prefix is computed once per model and read
back from disk by the next engine process; never into another model, never for another prompt."""

from __future__ import annotations

import http.client
import json
import os
import shutil
from pathlib import Path

import pytest
from deskmate.core.engines.prompt_cache import MIN_PREFIX, PromptCache, common_prefix
from deskmate.core.engines.supervisor import EngineConfig, Supervisor
from deskmate.core.quick import action
from deskmate.core.tasks import render
from gguf_factory import Shape, random_model

TEXTS = (
    "The meeting have been moved to Thursday because the manager are travelling to Berlin.",
    # It begins like the first: the prefix both share runs into the text and must end before it.
    "The report are late, please send it before friday, we needs it for the board meeting next week.",
    "Our team finish the project early and everyone were happy about the result.",
)


def _engine(model: Path, cache: Path | None, limit: int = 1024**3) -> Supervisor:
    sup = Supervisor(EngineConfig(model, n_ctx=2048, threads=2, prompt_cache_dir=cache, prompt_cache_bytes=limit),
                     auto_restart=False)
    sup.wait_ready(120)
    return sup


def _ask(sup: Supervisor, text: str, action_id: str = "formal") -> tuple[str, dict]:
    """One quick action through the engine's HTTP API; the usage says how much of the prompt was cached."""
    act = action(action_id)
    messages, _ = render(act.task, {"text": text, **act.variables})
    endpoint = sup.endpoint()
    conn = http.client.HTTPConnection(sup.config.host, sup.status.port, timeout=120)
    body = {"messages": messages, "max_tokens": 6, "temperature": 0.0, "stream": False}
    conn.request("POST", "/v1/chat/completions", json.dumps(body),
                 {"Authorization": f"Bearer {endpoint.api_key}", "Content-Type": "application/json"})
    reply = json.loads(conn.getresponse().read())
    conn.close()
    return reply["choices"][0]["message"]["content"], reply["usage"]


def _cached(usage: dict) -> int:
    return usage["prompt_tokens_details"]["cached_tokens"]


@pytest.fixture(scope="module")
def plain_answers(tiny_model) -> dict[str, str]:
    """What the model answers with no prompt cache at all."""
    sup = _engine(tiny_model, None)
    try:
        return {t: _ask(sup, t)[0] for t in TEXTS}
    finally:
        sup.stop()


def test_a_tasks_fixed_prefix_is_read_back_after_a_restart(tiny_model, tmp_path, plain_answers):
    cache = tmp_path / "prompt-cache"
    first = _engine(tiny_model, cache)
    try:
        a, usage_a = _ask(first, TEXTS[0])
        b, usage_b = _ask(first, TEXTS[1])
    finally:
        first.stop()
    assert _cached(usage_a) == 0
    prefix = _cached(usage_b)  # in memory here: the system prompt and the instruction
    assert prefix >= MIN_PREFIX

    second = _engine(tiny_model, cache)  # a new engine process: its memory is empty
    try:
        c, usage_c = _ask(second, TEXTS[2])
        a_again, usage_again = _ask(second, TEXTS[0])
    finally:
        second.stop()
    # The new process read the task's prefix from disk instead of computing it ...
    assert _cached(usage_c) == prefix
    assert usage_c["prompt_tokens"] > prefix
    # ... and a request it saw before restarts with all of its prompt but the last token.
    assert _cached(usage_again) == usage_again["prompt_tokens"] - 1
    # Same greedy answers as without any cache.
    assert (a, b, c, a_again) == (plain_answers[TEXTS[0]], plain_answers[TEXTS[1]], plain_answers[TEXTS[2]],
                                  plain_answers[TEXTS[0]])


def test_saved_states_are_never_loaded_into_another_model(tiny_model, tmp_path):
    cache = tmp_path / "prompt-cache"
    sup = _engine(tiny_model, cache)
    try:
        for t in TEXTS[:2]:
            _ask(sup, t)
    finally:
        sup.stop()
    # Another model with the very same tokenizer and chat template, so its prompts are the same tokens.
    other = random_model(tmp_path / "other.gguf", Shape(layers=2, embedding=256, feed_forward=512, heads=4,
                                                         kv_heads=2, head_dim=64, vocab=49152,
                                                         tied_embeddings=True, context_length=8192),
                         name="other", tokenizer_from=tiny_model)
    sup = _engine(other, cache)
    try:
        _, usage = _ask(sup, TEXTS[2])
    finally:
        sup.stop()
    assert _cached(usage) == 0
    assert len([d for d in cache.iterdir() if d.is_dir()]) == 2  # one folder per model


def test_a_changed_model_file_or_prompt_misses(tiny_model, tmp_path):
    model = tmp_path / "model.gguf"
    shutil.copyfile(tiny_model, model)
    cache = tmp_path / "prompt-cache"
    sup = _engine(model, cache)
    try:
        for t in TEXTS[:2]:
            _ask(sup, t)
    finally:
        sup.stop()
    # The same prompt family with another instruction (another task) has other tokens: no hit.
    sup = _engine(model, cache)
    try:
        _, shorter = _ask(sup, TEXTS[2], "shorter")
    finally:
        sup.stop()
    assert _cached(shorter) < MIN_PREFIX

    # The file is changed in place (one weight byte): its states no longer apply.
    with model.open("r+b") as f:
        f.seek(model.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 1]))
    sup = _engine(model, cache)
    try:
        _, usage = _ask(sup, TEXTS[2])
    finally:
        sup.stop()
    assert _cached(usage) == 0


def test_a_damaged_state_file_is_dropped_and_the_answer_is_unchanged(tiny_model, tmp_path, plain_answers):
    cache = tmp_path / "prompt-cache"
    sup = _engine(tiny_model, cache)
    try:
        for t in TEXTS[:2]:
            _ask(sup, t)
    finally:
        sup.stop()
    states = sorted(cache.glob("*/*.kv"))
    assert states
    for path in states:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    sup = _engine(tiny_model, cache)
    try:
        answer, usage = _ask(sup, TEXTS[2])
    finally:
        sup.stop()
    assert _cached(usage) == 0
    assert answer == plain_answers[TEXTS[2]]
    assert not any(p.exists() and p.stat().st_size < 1000 for p in states)


def test_the_cache_stays_within_its_bound(tiny_model, tmp_path):
    cache = tmp_path / "prompt-cache"
    limit = 8 * 1024**2  # room for two or three states of these prompts
    sup = _engine(tiny_model, cache, limit)
    try:
        for t, a in zip(TEXTS + TEXTS[:1], ("formal", "formal", "shorter", "shorter")):
            _ask(sup, t, a)
        newest = max(cache.glob("*/*.kv"), key=lambda p: p.stat().st_mtime)
    finally:
        sup.stop()
    sizes = [p.stat().st_size for p in cache.glob("*/*.kv")]
    assert sum(sizes) <= limit
    assert newest.exists()


# --- the cache's own rules, on plain token lists ------------------------------------------------
def test_fixed_prefixes_are_learned_from_recent_prompts(tmp_path):
    cache = PromptCache(tmp_path, "model")
    task = list(range(100, 160))  # 60 tokens of system prompt and instruction
    assert cache.boundary(task + [1, 2, 3]) == 0  # nothing to compare with yet
    cache.remember(task + [1, 2, 3])
    assert cache.boundary(task + [7, 8, 9]) == len(task)
    assert cache.boundary(list(range(100, 120)) + [5] * 40) == 0  # 20 shared tokens: too few to keep
    # The prompts are remembered on disk: a new process knows them too.
    assert PromptCache(tmp_path, "model").boundary(task + [4]) == len(task)
    assert PromptCache(tmp_path, "other model").boundary(task + [4]) == 0
    assert common_prefix([1, 2, 3], [1, 2, 4]) == 2 and common_prefix([], [1]) == 0


def test_lookup_finds_the_longest_saved_prefix_and_trim_drops_the_oldest(tmp_path):
    cache = PromptCache(tmp_path, "model", limit_bytes=2500)
    prompt = list(range(200))
    for n, age in ((40, 300), (80, 200), (120, 100)):
        path = cache.temp_path(prompt[:n])
        path.write_bytes(b"x" * 1000)
        cache.stored(prompt[:n], path)
        os.utime(cache.path_for(prompt[:n]), (1e9 - age, 1e9 - age))
    cache.trim()
    assert [e.n_tokens for e in sorted(cache.entries(), key=lambda e: e.n_tokens)] == [80, 120]  # 40 was oldest
    assert cache.lookup(prompt).n_tokens == 120
    assert cache.lookup(prompt[:100]).n_tokens == 80
    assert cache.lookup([9] + prompt[1:]) is None
