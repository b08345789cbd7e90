"""The window's first paint reads ``[ui] language`` without the settings models: it must agree with them."""

from __future__ import annotations

import pytest
from deskmate.core.settings import load_settings_leniently, settings_path, ui_language

FILES = {
    "no file": None,
    "chinese": '[ui]\nlanguage = "zh"\n',
    "english": '[ui]\nlanguage = "en"\n',
    "not a language": '[ui]\nlanguage = "fr"\n',
    "a number": "[ui]\nlanguage = 3\n",
    "ui not a table": 'ui = "zh"\n',
    "another key wrong": '[ui]\nlanguage = "zh"\ncolour = 1\n[engine]\nn_ctx = "big"\n',
    "not TOML": '[ui\nlanguage = "zh"\n',
    "not UTF-8": b'[ui]\nlanguage = "zh"\n# \xff\xfe\n',
}


@pytest.mark.parametrize("name", FILES)
def test_the_early_language_is_the_one_the_settings_models_give(name):
    content = FILES[name]
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    assert ui_language() == load_settings_leniently().settings.ui.language
    if name in ("chinese", "another key wrong"):
        assert ui_language() == "zh"
