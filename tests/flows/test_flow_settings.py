"""Flow: with the UI switched to Chinese in View → Language, File → Settings shows 中文 and OK
leaves settings.toml saying zh (bug 5 of issue 14: it showed "English" and wrote en)."""

from __future__ import annotations

import tomllib

DIALOG = "[d for d in app.topLevelWidgets() if type(d).__name__ == 'SettingsDialog' and d.isVisible()]"


def test_settings_follow_the_language_chosen_in_the_view_menu(deskmate_window, deskmate_home):
    win = deskmate_window()
    win.choose_chinese()
    settings = deskmate_home / "config" / "settings.toml"
    assert tomllib.loads(settings.read_text(encoding="utf-8"))["ui"]["language"] == "zh"

    win.key("ctrl+comma")
    win.wait_for(f"len({DIALOG}) == 1")
    assert win.ask(f"{DIALOG}[0].language.currentText()") == "中文（简体）"
    assert win.ask(f"{DIALOG}[0].windowTitle()") == "设置"
    win.screenshot("flow-settings-language-zh")
    win.key("Return")  # OK
    win.wait_for(f"len({DIALOG}) == 0")
    assert tomllib.loads(settings.read_text(encoding="utf-8"))["ui"]["language"] == "zh"
    assert win.ask("s.translations.language") == "zh" and win.ask("w.run_button.text()") == "运行"
