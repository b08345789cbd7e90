"""Bad model files give a clear error and never take the calling process down."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.errors import ModelInvalidError, ModelNotFoundError
from deskmate.core.engines.factory import local_engine
from deskmate.core.engines.gguf_check import check_gguf

from gguf_factory import rewrite


@pytest.fixture(scope="module")
def bad_models(tmp_path_factory, tiny_model: Path) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad-models")
    real = tiny_model.read_bytes()
    files = {
        "empty": b"",
        "random": os.urandom(4096),
        "truncated": real[: len(real) // 3],
        "wrong_magic": b"GGFU" + real[4:4096],
        "header_only": real[:20],
    }
    out = {}
    for name, data in files.items():
        (d / f"{name}.gguf").write_bytes(data)
        out[name] = d / f"{name}.gguf"
    # Structurally valid, loads in llama.cpp, but every token is an empty string:
    # the first completion fails inside the engine.
    out["broken_tokenizer"] = rewrite(
        tiny_model,
        d / "broken_tokenizer.gguf",
        lambda key, value, *_: [""] * len(value) if key == "tokenizer.ggml.tokens" else value,
    )
    return out


EXPECT = {
    "empty": "empty",
    "random": "not a GGUF model",
    "truncated": "truncated",
    "wrong_magic": "not a GGUF model",
    "header_only": "truncated",
}


@pytest.mark.parametrize("kind", sorted(EXPECT))
def test_header_problems_are_caught_before_any_engine_starts(bad_models, kind):
    with pytest.raises(ModelInvalidError) as info:
        check_gguf(bad_models[kind])
    assert EXPECT[kind] in str(info.value)
    assert bad_models[kind].name in str(info.value)


@pytest.mark.parametrize("kind", sorted(EXPECT) + ["broken_tokenizer"])
def test_engine_reports_bad_model_and_caller_lives(bad_models, kind):
    eng = local_engine(bad_models[kind], threads=1)
    try:
        with pytest.raises(ModelInvalidError) as info:
            eng.complete([msg("user", "hello")], Sampling(max_tokens=4))
        text = str(info.value)
        assert bad_models[kind].name in text
        assert "\n" not in text and len(text) < 400
        assert eng.supervisor.status.phase.value == "failed"
    finally:
        eng.close()


def test_broken_tokenizer_passes_header_check_but_fails_its_first_test(bad_models):
    check_gguf(bad_models["broken_tokenizer"])  # structurally valid
    eng = local_engine(bad_models["broken_tokenizer"], threads=1)
    try:
        with pytest.raises(ModelInvalidError, match="first test"):
            eng.wait_ready(120)
    finally:
        eng.close()


def test_missing_model_file():
    with pytest.raises(ModelNotFoundError, match="not found"):
        local_engine("/nonexistent/model.gguf").complete([msg("user", "hi")])


def _deskmate() -> list[str]:
    exe = shutil.which("deskmate", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "deskmate"]


@pytest.mark.parametrize("kind", ["empty", "random", "truncated", "broken_tokenizer"])
def test_cli_gives_one_line_and_exit_code_3(bad_models, kind):
    proc = subprocess.run(
        _deskmate() + ["--model", str(bad_models[kind]), "chat", "hello"],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskmate: ")
    assert bad_models[kind].name in lines[0]


def test_cli_missing_model_exit_code():
    proc = subprocess.run(_deskmate() + ["--model", "/nope/missing.gguf", "chat", "hi"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "not found" in proc.stderr
