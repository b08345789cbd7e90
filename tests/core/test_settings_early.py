"""The window's first paint reads ``[ui] language``, ``theme`` and ``zoom`` without the settings models: it must agree with them."""

from __future__ import annotations

import pytest
from deskmate.core.settings import load_settings_leniently, settings_path, ui_language, ui_look

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


LOOK_FILES = {
    "no file": None,
    "dark, large": '[ui]\ntheme = "dark"\nzoom = 150\n',
    "light": '[ui]\ntheme = "light"\n',
    "not a theme": '[ui]\ntheme = "black"\nzoom = 125\n',
    "zoom between steps": '[ui]\ntheme = "dark"\nzoom = 130\n',
    "zoom as a float": "[ui]\nzoom = 150.0\n",
    "zoom as true": "[ui]\nzoom = true\n",
    "not TOML": '[ui\ntheme = "dark"\n',
}


@pytest.mark.parametrize("name", LOOK_FILES)
def test_the_early_theme_and_zoom_are_the_ones_the_settings_models_give(name):
    content = LOOK_FILES[name]
    if content is not None:
        settings_path().parent.mkdir(parents=True, exist_ok=True)
        settings_path().write_text(content, encoding="utf-8")
    ui = load_settings_leniently().settings.ui
    assert ui_look() == (ui.theme, ui.zoom)
    if name == "dark, large":
        assert ui_look() == ("dark", 150)
    if name == "zoom between steps":
        assert ui_look() == ("dark", 100)
