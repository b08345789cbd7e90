"""The local engine on the real tiny model: streaming, cancel, JSON, crash isolation."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.errors import EngineStoppedError
from deskmate.core.engines.supervisor import Phase

ASK = [msg("user", "List ten fruits, one per line, with a short note on each.")]


def test_stream_yields_deltas_then_usage(engine):
    stream = engine.stream([msg("user", "Count from one to ten in words.")], Sampling(max_tokens=48, seed=7))
    pieces = list(stream)
    result = stream.result()
    assert len(pieces) >= 5, "the answer should arrive in many pieces, not one block"
    assert "".join(pieces) == result.text
    assert result.text.strip()
    assert result.finish_reason in ("stop", "length")
    assert result.usage.completion_tokens == len(pieces)
    assert result.usage.tokens_per_second > 0


def test_cancel_mid_stream_keeps_partial_text_and_engine(engine):
    pid = engine.supervisor.pid
    hard_before = engine.supervisor.status.hard_cancels
    stream = engine.stream(ASK, Sampling(max_tokens=400, seed=1))
    seen = []
    started = None
    for piece in stream:
        seen.append(piece)
        if len(seen) == 5:
            started = time.monotonic()
            stream.cancel()
    stopped_after = time.monotonic() - started
    assert stream.cancelled
    assert stream.text == "".join(seen)
    assert 5 <= len(seen) <= 7, "no more than a piece or two may arrive after Stop"
    assert stopped_after < 1.5
    # The soft cancel is honoured at the next token: same process, no hard kill.
    time.sleep(2.5)
    assert engine.supervisor.pid == pid
    assert engine.supervisor.status.hard_cancels == hard_before
    again = engine.complete([msg("user", "Say hi.")], Sampling(max_tokens=8, seed=1))
    assert again.text.strip()


def test_new_request_right_after_cancel_is_not_mistaken_for_a_stuck_engine(engine):
    sup = engine.supervisor
    pid, hard = sup.pid, sup.status.hard_cancels
    first = engine.stream(ASK, Sampling(max_tokens=300, seed=2))
    for i, _ in enumerate(first):
        if i == 3:
            first.cancel()
    # A schema with 40 required items forces a long answer from any model.
    forty = {"type": "array", "items": {"type": "string", "minLength": 8, "maxLength": 16},
             "minItems": 40, "maxItems": 40}
    long = engine.complete([msg("user", "List forty animals.")], Sampling(max_tokens=800, seed=2), schema=forty)
    assert long.usage.seconds > 2.5, "the follow-up must outlast the 2 s cancel grace for this test to mean anything"
    assert sup.pid == pid
    assert sup.status.hard_cancels == hard


def test_cancel_during_long_prompt_kills_and_restarts(engine):
    """Prompt processing cannot be interrupted in llama.cpp: after 2 s the engine is killed."""
    sup = engine.supervisor
    pid = sup.pid
    long_text = "The committee reviewed the quarterly budget, staffing and travel. " * 180  # ~2000 tokens
    stream = engine.stream([msg("user", long_text + "\nSummarise.")], Sampling(max_tokens=64))
    threading.Timer(0.5, stream.cancel).start()
    t0 = time.monotonic()
    assert list(stream) == []
    assert stream.cancelled
    assert time.monotonic() - t0 < 3.0, "Stop must return control at once"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (sup.pid == pid or sup.status.phase is not Phase.READY):
        time.sleep(0.1)
    assert sup.pid != pid, "the stuck engine should have been replaced"
    assert sup.status.hard_cancels >= 1
    assert engine.complete([msg("user", "Say hi.")], Sampling(max_tokens=8)).text.strip()


def test_json_schema_output_parses(engine):
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": 60},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 20}, "minItems": 1, "maxItems": 3},
            "pages": {"type": "integer"},
        },
        "required": ["title", "tags", "pages"],
    }
    result = engine.complete(
        [msg("user", "Describe a short report about office recycling as JSON with title, tags and pages.")],
        Sampling(max_tokens=160, seed=3, temperature=0.3),
        schema=schema,
    )
    data = json.loads(result.text, strict=False)
    assert isinstance(data["title"], str)
    assert 1 <= len(data["tags"]) <= 3
    assert isinstance(data["pages"], int)


def test_twenty_kills_mid_stream_each_reported_and_recovered(engine):
    sup = engine.supervisor
    restarts_before = sup.status.restarts
    for round_ in range(20):
        engine.wait_ready(60)
        pid = sup.pid
        stream = engine.stream(ASK, Sampling(max_tokens=300, seed=round_))
        received = []
        with pytest.raises(EngineStoppedError) as info:
            for piece in stream:
                received.append(piece)
                if len(received) == 3:
                    os.kill(pid, signal.SIGKILL)
            pytest.fail(f"round {round_}: no error after {len(received)} pieces ({stream.finish_reason}): {stream.text!r}")
        err = info.value
        assert "stopped" in str(err) and "kept" in str(err)
        assert err.partial == "".join(received), "the partial answer must be kept exactly"
        assert len(received) >= 3
        answer = engine.complete([msg("user", "Say OK.")], Sampling(max_tokens=6, seed=round_))
        assert answer.text.strip(), f"round {round_}: the next request must succeed"
        assert sup.pid != pid
    assert sup.status.restarts >= restarts_before + 20
