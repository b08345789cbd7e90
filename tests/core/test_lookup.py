"""Prompt-lookup decoding in Deskmate's engine: the same answer in fewer model steps, switched on per
task and model size, and the task named only to Deskmate's own engine."""

from __future__ import annotations

import http.client
import json
import socket
import threading

import numpy as np
import pytest
from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.openai_client import Endpoint, build_body
from deskmate.core.engines.protocol import TASK_FIELD
from deskmate.core.engines.speculation import DRAFT_TOKENS, LookupPolicy, size_class
from deskmate.core.engines.task_hint import for_task, task_of
from deskmate.core.tasks import proofread
from deskmate.core.tasks.render import render

PARAGRAPH = ("Last week our team have finished the first version of the new booking system, and the feedback from "
             "the pilot customers were mostly positive. Several of them said that the new calendar view is much "
             "more easier to use then the old one.")
MESSAGES = [msg("system", proofread.SYSTEM), msg("user", PARAGRAPH)]


@pytest.fixture(scope="module")
def llama(tiny_model):
    from deskmate.core.engines.llama_ext import DeskmateLlama

    return DeskmateLlama(str(tiny_model), n_ctx=2048, n_threads=2, n_threads_batch=2, verbose=False)


def _answer(llama, draft_tokens: int) -> tuple[str, int, int, list[int]]:
    llama.reset()
    llama.set_lookup(draft_tokens)
    out = llama.create_chat_completion(MESSAGES, max_tokens=80, temperature=0.0, repeat_penalty=1.0)
    ids = [int(t) for t in llama._input_ids[: llama.n_tokens]]  # the prompt and the answer's tokens
    return out["choices"][0]["message"]["content"], llama.completion_tokens, llama.decode_steps, ids


def _logits_after(llama, ids: list[int]) -> np.ndarray:
    llama.reset()
    llama.eval(ids)
    return np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),)).copy()


def test_prompt_lookup_gives_the_same_correction_in_fewer_steps(llama):
    plain, tokens, plain_steps, plain_ids = _answer(llama, 0)
    fast, fast_tokens, fast_steps, fast_ids = _answer(llama, 10)
    assert "the first version of the new booking system" in plain  # a corrected copy of the paragraph
    assert fast_tokens == tokens
    if fast != plain:
        # Greedy lookup equals plain decoding as far as a batch of tokens gets the same logits as one token at a
        # time; llama.cpp's kernels for the two differ in the last bits on some processors (AVX-512 here). So
        # the answers may part only where the model itself is torn between the two tokens.
        at = next(i for i, (a, b) in enumerate(zip(plain_ids, fast_ids)) if a != b)
        logits = _logits_after(llama, plain_ids[:at])
        assert abs(logits[plain_ids[at]] - logits[fast_ids[at]]) < 0.1, "lookup changed a clear choice"
        assert fast.split("\n\n")[:2] == plain.split("\n\n")[:2]  # the corrected text itself is the same
    assert plain_steps >= tokens - 1  # one evaluation per token
    assert fast_steps < 0.75 * tokens  # the corrected sentences were copied from the prompt in batches


def test_the_engine_server_uses_lookup_only_for_the_tasks_and_sizes_it_pays_for(llama):
    from deskmate.core.engines import lean_server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    big = [s for s, k in DRAFT_TOKENS.get("proofread.check", {}).items() if k]
    assert big, "the measured table switches prompt lookup on for proofreading on some model size"
    server = lean_server._Server(sock, llama, "local", None, LookupPolicy(big[-1]))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def ask(task: str | None) -> tuple[str, int]:
        conn = http.client.HTTPConnection("127.0.0.1", sock.getsockname()[1], timeout=120)
        body = {"messages": MESSAGES, "max_tokens": 60, "temperature": 0.0, "repeat_penalty": 1.0}
        if task:
            body[TASK_FIELD] = task
        conn.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
        reply = json.loads(conn.getresponse().read())
        conn.close()
        return reply["choices"][0]["message"]["content"], llama.decode_steps

    try:
        plain, plain_steps = ask(None)
        other, other_steps = ask("writing.email")  # a task whose answers do not copy the prompt
        fast, fast_steps = ask("proofread.check")
    finally:
        server.shutdown()
        server.server_close()
    assert plain == fast == other
    assert fast_steps < 0.75 * plain_steps
    assert other_steps == plain_steps


def test_the_policy_is_off_for_the_compute_bound_built_in_model(tiny_model):
    policy = LookupPolicy.for_model(tiny_model)
    assert policy.size == "small"
    assert all(policy.draft_tokens(task) == 0 for task in DRAFT_TOKENS)
    assert size_class(4.4e9) == "7b" and size_class(0.98e9) == "1.5b"
    assert LookupPolicy("7b").draft_tokens(None) == 0 and LookupPolicy("7b").draft_tokens("no.such.task") == 0


def test_the_task_is_named_to_deskmates_engine_only():
    sampling = for_task(Sampling(temperature=0.1), "proofread.check").replace(max_tokens=99)
    assert task_of(sampling) == "proofread.check" and sampling.max_tokens == 99
    ours = Endpoint("http://127.0.0.1:1/v1", kind="llama_cpp", deskmate_engine=True)
    theirs = Endpoint("http://10.0.0.5:8080/v1", kind="llama_cpp")  # someone's llama.cpp server
    remote = Endpoint("https://api.example.com/v1", kind="openai")
    assert build_body(ours, MESSAGES, sampling, None)[TASK_FIELD] == "proofread.check"
    assert TASK_FIELD not in build_body(theirs, MESSAGES, sampling, None)
    assert TASK_FIELD not in build_body(remote, MESSAGES, sampling, None)
    assert TASK_FIELD not in build_body(ours, MESSAGES, Sampling(), None)


def test_tasks_name_themselves():
    _, sampling = render("proofread.polish", {"text": PARAGRAPH})
    assert task_of(sampling) == "proofread.polish"
    assert sampling.temperature == render("proofread.polish", {"text": PARAGRAPH})[1].temperature


def test_the_aligned_drafter_follows_the_copy_through_a_correction():
    from deskmate.core.engines.speculation import AlignedLookup

    source = [5, 6, 7, 8, 9, 10, 11, 12, 7, 8, 13, 14]  # "7 8" occurs twice
    prompt = [1, 2] + source + [3]
    drafter = AlignedLookup(num_pred_tokens=4)
    # The answer copies the source; after "5 6 7 8" the draft continues from there, not from the first "7 8".
    assert list(drafter(prompt + [5, 6, 7, 8])) == [9, 10, 11, 12]
    # "10" was corrected to "99": "99" occurs nowhere, so the draft goes on where the copy was.
    assert list(drafter(prompt + [5, 6, 7, 8, 9, 99])) == [11, 12, 7, 8]
    assert list(AlignedLookup(num_pred_tokens=4)([1, 2, 3])) == []  # nothing to copy
