"""Importing a local GGUF: a file that would abort llama.cpp is refused, and the caller lives."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from deskmate.core.engines.errors import ModelInvalidError
from deskmate.core.models.importer import check_loads, import_model
from deskmate.core.models.registry import ModelNotInstalledError, Registry, verify
from deskmate.core.settings import SettingsError, load_settings, set_engine_model, set_value
from gguf_factory import rewrite


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    """Each test gets its own settings.toml and models folder."""
    monkeypatch.setenv("DESKMATE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def broken_tokenizer(tmp_path_factory, tiny_model: Path) -> Path:
    # Structurally valid and loads, but every token is empty: llama.cpp aborts on the first completion.
    return rewrite(
        tiny_model,
        tmp_path_factory.mktemp("import") / "broken-tokenizer.gguf",
        lambda key, value, *_: [""] * len(value) if key == "tokenizer.ggml.tokens" else value,
    )


def test_good_model_is_checked_linked_registered_and_made_default(home, tiny_model, tmp_path):
    src = tmp_path / "mine.gguf"
    src.write_bytes(tiny_model.read_bytes())
    reg = Registry()
    model = import_model(src, registry=reg)
    assert model.source == "import" and model.link == "hardlink"  # same disk: no space used
    assert Path(model.path).parent == home / "data" / "models" / "imported"
    assert verify(model).ok
    assert import_model(src, registry=reg).id == model.id  # a second import reuses it
    reg.set_default(model.id)
    assert Path(load_settings().engine.model).samefile(model.path)
    _, was_default = reg.remove(model.id)
    assert was_default and load_settings().engine.model is None
    assert not Path(model.path).exists() and src.exists()  # our copy went, the user's file stayed
    with pytest.raises(ModelNotInstalledError, match="mine"):
        reg.get(model.id)


def test_broken_tokenizer_is_refused_while_the_caller_lives(home, broken_tokenizer):
    reg = Registry()
    with pytest.raises(ModelInvalidError) as info:
        import_model(broken_tokenizer, registry=reg)
    text = str(info.value)
    assert broken_tokenizer.name in text and "first test" in text and "\n" not in text
    assert reg.list() == []
    assert not (reg.root / "imported").exists() or not any((reg.root / "imported").iterdir())


def test_truncated_file_is_refused_before_any_process_starts(home, tiny_model, tmp_path):
    cut = tmp_path / "cut.gguf"
    with tiny_model.open("rb") as f:
        cut.write_bytes(f.read(tiny_model.stat().st_size // 3))
    with pytest.raises(ModelInvalidError, match="truncated"):
        import_model(cut, registry=Registry())


def test_load_check_passes_a_good_model(tiny_model):
    assert check_loads(tiny_model, timeout=120).seconds > 0


def test_cli_import_refuses_broken_file_with_one_line(home, broken_tokenizer, tmp_path):
    env = dict(os.environ, DESKMATE_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "deskmate", "models", "import", str(broken_tokenizer)],
                          env=env, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("deskmate: ") and broken_tokenizer.name in last


def test_settings_edit_keeps_comments_and_other_values(home):
    path = home / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text('# my settings\n[engine]\nn_ctx = 8192  # long letters\n\n[ui]\ntheme = "dark"\n')
    set_engine_model("C:\\Models\\模型 \"x\".gguf")
    text = path.read_text()
    assert text.startswith("# my settings\n[engine]\nn_ctx = 8192  # long letters\nmodel = ")
    data = tomllib.loads(text)
    assert data["engine"] == {"n_ctx": 8192, "model": 'C:\\Models\\模型 "x".gguf'} and data["ui"] == {"theme": "dark"}
    set_engine_model(None)
    assert tomllib.loads(path.read_text())["engine"] == {"n_ctx": 8192}
    with pytest.raises(SettingsError, match="n_ctx"):
        set_value("engine", "n_ctx", 10)  # the app would refuse it: nothing is written
    assert tomllib.loads(path.read_text())["engine"] == {"n_ctx": 8192}
