"""A wrong value in settings.toml, as the window meets it: named plainly, its default used, the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from deskmate.core.settings import load_settings_leniently

BROKEN = """\
# written by hand
[engine]
n_ctx = "big"   # oops
threads = 3

[app]
close_to_tray = "yes"

[images]
model = 7
"""


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DESKMATE_HOME", str(tmp_path / "home"))
    settings = tmp_path / "home" / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text(BROKEN, encoding="utf-8")
    return tmp_path / "home"


def test_the_settings_dialog_names_the_wrong_keys_and_saves_only_what_was_changed(qtbot, home):
    from deskmate.ui.settings_dialog import SettingsDialog

    path = home / "config" / "settings.toml"
    settings = load_settings_leniently(path).settings
    dialog = SettingsDialog(settings, settings_file=path)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = dialog.file_problems.text()
    assert dialog.file_problems.isVisible()
    assert f"{path} [engine] n_ctx: It must be a whole number from 256 to 1048576, not \"big\"" in shown
    assert "[app] close_to_tray" in shown and "[images] model" in shown
    assert dialog.n_ctx.value() == 4096 and dialog.threads.value() == 3, "the default for the wrong key, the file's value for the rest"
    dialog.language.setCurrentIndex(dialog.language.findData("zh"))
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted, dialog.error.text()
    assert path.read_text(encoding="utf-8") == BROKEN + '\n[ui]\nlanguage = "zh"\n', "the wrong lines are left for the person"
    assert dialog.saved.ui.language == "zh" and dialog.saved.engine.threads == 3


def test_a_good_file_shows_no_problem_line(qtbot, tmp_path):
    from deskmate.ui.settings_dialog import SettingsDialog

    path = tmp_path / "settings.toml"
    path.write_text("[engine]\nthreads = 2\n")
    dialog = SettingsDialog(load_settings_leniently(path).settings, settings_file=path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.file_problems.isVisible()
    dialog.accept()
    assert path.read_text() == "[engine]\nthreads = 2\n", "nothing changed, nothing written"


def test_the_app_opens_with_defaults_for_the_wrong_keys_and_says_which(qtbot, home):
    from deskmate.ui.app import DeskmateApp
    from deskmate.ui.main_window import image_model_setting
    from deskmate.ui.tray import close_to_tray_setting

    session = DeskmateApp(None)
    try:
        session.load()
        assert (session.settings.engine.n_ctx, session.settings.engine.threads) == (4096, 3)
        assert session.engine is not None and session.engine.config.n_ctx == 4096
        session.start()
        win = session.window
        qtbot.waitUntil(lambda: win.notice.isVisible(), timeout=10000)
        notice = win.notice.text()
        assert "settings.toml [engine] n_ctx: It must be a whole number" in notice
        assert "[app] close_to_tray: It must be true or false" in notice and "[images] model" in notice
        assert close_to_tray_setting() is False and image_model_setting() is None
    finally:
        session.window.close()
        session.shutdown()
    assert (home / "config" / "settings.toml").read_text(encoding="utf-8") == BROKEN


def test_settings_show_the_language_chosen_in_the_view_menu_and_ok_keeps_it(qtbot, tmp_path, monkeypatch):
    """View → Language → 中文, then File → Settings: the dialog shows 中文 and OK leaves it so."""
    from deskmate.ui.app import DeskmateApp
    from deskmate.ui.settings_dialog import SettingsDialog
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    monkeypatch.setenv("DESKMATE_HOME", str(tmp_path / "home"))
    session = DeskmateApp(None)
    session.load()
    seen: list[str] = []

    def answer_the_dialog() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible())
        seen.append(dialog.language.currentText())
        dialog.accept()

    try:
        session.window.act_chinese.trigger()
        assert session.translations.language == "zh"
        QTimer.singleShot(200, answer_the_dialog)
        session.open_settings()
        assert seen == ["中文（简体）"]
        assert load_settings_leniently(tmp_path / "home" / "config" / "settings.toml").settings.ui.language == "zh"
        assert session.translations.language == "zh"
    finally:
        session.translations.apply("en")
        session.window.close()
        session.shutdown()
