"""Flows on the look (issue 17, build point 1): View → Theme → Dark turns the window dark and stays
after a restart; Ctrl+= / Ctrl+- / Ctrl+0 change the size of all text, the layout holds at 200 %
and the size stays after a restart; and in light and dark, in English and Chinese, every text on
the main window, its menus, the quick palette and every dialog is readable (contrast >= 4.5:1,
measured from the pixels on screen), with a screenshot of each in docs/screenshots/theme-*.png.

Each dialog is opened the way a person opens it (keys, menus, buttons), from one list: DIALOGS.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"  # where conftest's AppWindow.screenshot writes
AppWindow = Any  # conftest.AppWindow (the fixture's type; conftest is not importable by name)
LP = "__import__('look_probe')"
MIN_CONTRAST = 4.5
THEMES = ("system", "light", "dark")  # the order of View → Theme


def shown(cls: str) -> str:
    return f"[d for d in app.topLevelWidgets() if type(d).__name__ == {cls!r} and d.isVisible()]"


def choose_theme(win: AppWindow, name: str) -> None:
    """View → Theme → ``name`` with the keyboard."""
    win.key("alt+v")
    win.wait_for("w.menu_view.isVisible()")
    win.key("Down", "Right")  # from Language (active as the menu opens) to Theme ▸
    win.wait_for("any(type(m).__name__ == 'QMenu' and m.isVisible() and m.title() in ('Theme', '主题') for m in app.topLevelWidgets())",
                 timeout=10, what="View → Theme open")
    win.key(*["Down"] * THEMES.index(name), "Return")
    win.wait_for(f"s.look.choice == {name!r} and not w.menu_view.isVisible()")


def click_menu(win: AppWindow, menu: str, action: str) -> None:
    """Open ``menu`` of the menu bar and click its entry ``action``."""
    geometry = win.ask(f"[w.menuBar().actionGeometry({menu}.menuAction()).center().x(), w.menuBar().height() // 2]")
    bar = win.ask("point(w.menuBar(), 0, 0)")
    win.desktop.click(bar["x"] + geometry[0], bar["y"] + geometry[1])
    win.wait_for(f"{menu}.isVisible()")
    at = win.ask(f"(lambda g: [g.x(), g.y()])({menu}.mapToGlobal({menu}.actionGeometry({action}).center()))")
    win.desktop.click(*at)


def settings_toml(home: Path) -> dict:
    return tomllib.loads((home / "config" / "settings.toml").read_text(encoding="utf-8"))


# --- the dialogs, each opened as a person opens it -----------------------------------------------
@dataclass(frozen=True)
class Dialog:
    name: str  # in the screenshot's file name
    cls: str  # the window's class, as app.topLevelWidgets() lists it
    open: Callable[[AppWindow], None]
    close_keys: tuple[str, ...] = ("Escape",)
    texts: int = 3  # at least this many texts sampled on it


def _palette(win: AppWindow) -> None:
    win.click("w.draft_editor.body")
    win.key("ctrl+a", "ctrl+c", "ctrl+c")  # copy twice: the quick palette comes up with the copied text


def _endpoint(win: AppWindow) -> None:
    click_menu(win, "w.menu_file", "w.act_endpoints")
    win.wait_for(f"len({shown('RemoteServersDialog')}) == 1")
    win.click(f"{shown('RemoteServersDialog')}[0].add_button")


def _import_failed(win: AppWindow) -> None:
    broken = win.home / "broken.docx"
    broken.write_bytes(b"this is not a Word document")
    win.key("ctrl+o")
    win.wait_for(f"len({shown('QFileDialog')}) == 1")
    win.type(str(broken))
    win.key("Return")


DIALOGS = (
    Dialog("settings", "SettingsDialog", lambda win: win.key("ctrl+comma")),
    Dialog("models", "ModelsDialog", lambda win: click_menu(win, "w.menu_file", "w.act_models")),
    Dialog("remote-servers", "RemoteServersDialog", lambda win: click_menu(win, "w.menu_file", "w.act_endpoints")),
    Dialog("endpoint", "EndpointDialog", _endpoint, ("Escape", "Escape")),
    Dialog("history", "HistoryDialog", lambda win: win.key("ctrl+h")),
    Dialog("export", "QFileDialog", lambda win: win.key("ctrl+e")),
    Dialog("import-failed", "QMessageBox", _import_failed, texts=2),
    Dialog("palette", "QuickPalette", _palette),
    Dialog("task-editor", "TaskEditor", lambda win: click_menu(win, "w.menu_task", "w.act_new_task")),
)


def test_every_dialog_of_the_app_is_in_the_list():
    """A QDialog (or the palette) added to ui/ without a line in DIALOGS fails here."""
    declared = set()
    for path in (ROOT / "app" / "deskmate" / "ui").glob("*.py"):
        declared |= set(re.findall(r"^class (\w+)\([^)]*\bQDialog\b", path.read_text(encoding="utf-8"), re.MULTILINE))
    listed = {d.cls for d in DIALOGS}
    assert declared, "no QDialog subclasses found: the pattern is wrong"
    assert declared <= listed, f"dialogs with no line in DIALOGS: {sorted(declared - listed)}"


def unreadable(samples: list[dict]) -> list[dict]:
    return [s for s in samples if s["ratio"] < MIN_CONTRAST]


def check_readable(win: AppWindow, top: str, where: str, min_samples: int) -> None:
    samples = win.ask(f"{LP}.contrast({top})")
    assert len(samples) >= min_samples, f"{where}: only {len(samples)} texts sampled: {samples}"
    bad = unreadable(samples)
    assert not bad, f"{where}: text below {MIN_CONTRAST}:1 contrast: {bad}"


def test_every_view_is_readable_in_light_and_dark_in_english_and_chinese(deskmate_window):
    win = deskmate_window()
    # Something in the draft: the history has a version, the palette has text.
    win.click("w.draft_editor.body")
    win.type("Dear team, the numbers are in.")
    win.key("ctrl+s")
    win.wait_for("len(s.store.versions(w.draft_editor.draft_id)) >= 1")
    for lang in ("en", "zh"):
        if lang == "zh":
            win.choose_chinese()
        for scheme in ("light", "dark"):
            choose_theme(win, scheme)
            win.wait_for(f"s.look.scheme.name == {scheme!r}")
            tag = f"{scheme}-{{}}-{lang}"
            win.screenshot("theme-" + tag.format("main"))
            check_readable(win, "w", f"main window ({scheme}, {lang})", 40)
            win.key("alt+v")
            win.wait_for("w.menu_view.isVisible()")
            bad = unreadable(win.ask(f"{LP}.menu_contrast(w.menu_view)"))
            assert not bad, f"View menu ({scheme}, {lang}): {bad}"
            win.key("Escape")
            win.wait_for("not w.menu_view.isVisible()")
            for dialog in DIALOGS:
                dialog.open(win)
                top = f"{shown(dialog.cls)}[0]"
                win.wait_for(f"len({shown(dialog.cls)}) == 1", what=f"the {dialog.name} dialog open")
                win.wait_for(f"{top}.isActiveWindow()", timeout=10)
                assert win.ask(f"{LP}.on_screen({top})"), f"{dialog.name} is partly off the screen: " + win.ask(
                    f"str({top}.geometry())")
                win.ask(f"{LP}.save_window({top}, {str(SCREENSHOTS / ('theme-' + tag.format(dialog.name) + '.png'))!r})")
                check_readable(win, top, f"{dialog.name} ({scheme}, {lang})", dialog.texts)
                assert not win.ask(f"{LP}.clipped({top})"), f"{dialog.name}: cut text"
                for key in dialog.close_keys:
                    win.key(key)
                    win.wait_for(f"all(not d.isModal() or not d.isVisible() for d in {shown(dialog.cls)})", timeout=10)
                win.wait_for(f"len({shown(dialog.cls)}) == 0 and w.isActiveWindow()",
                             what=f"the {dialog.name} dialog closed")


def test_dark_from_the_view_menu_turns_the_window_dark_and_stays_after_a_restart(deskmate_window, deskmate_home):
    win = deskmate_window()
    assert win.ask(f"{LP}.window_luminance(w)") > 0.5  # no system preference here: light
    choose_theme(win, "dark")
    win.wait_for(f"{LP}.window_luminance(w) < 0.1", what="the window dark")
    assert settings_toml(deskmate_home)["ui"]["theme"] == "dark"
    win.close()

    again = deskmate_window()
    assert again.ask("s.look.choice") == "dark" and again.ask("s.look.scheme.name") == "dark"
    assert again.ask(f"{LP}.window_luminance(w)") < 0.1
    check_readable(again, "w", "main window after the restart", 40)
    choose_theme(again, "light")
    again.wait_for(f"{LP}.window_luminance(w) > 0.5", what="the window light again")


def test_system_follows_the_desktop_switching_to_dark_mode(deskmate_window):
    # The GNOME platform theme, as on a GNOME desktop: Qt hears the desktop's colour scheme through it.
    win = deskmate_window({"QT_QPA_PLATFORMTHEME": "gnome"})
    assert win.ask("s.look.choice") == "system" and win.ask(f"{LP}.window_luminance(w)") > 0.5
    # The desktop turning dark mode on. Here there is no desktop portal to send it, so the same
    # change goes through Qt's own request for a scheme, which emits the signal the portal would.
    scheme = "__import__('PySide6.QtCore').QtCore.Qt.ColorScheme"
    win.ask(f"app.styleHints().setColorScheme({scheme}.Dark)")
    win.wait_for(f"{LP}.window_luminance(w) < 0.1", what="the window dark with the desktop")
    check_readable(win, "w", "main window following the desktop's dark mode", 40)
    choose_theme(win, "light")  # a fixed choice wins over the desktop
    win.wait_for(f"{LP}.window_luminance(w) > 0.5")
    win.ask(f"app.styleHints().setColorScheme({scheme}.Light)")
    win.ask(f"app.styleHints().setColorScheme({scheme}.Dark)")
    assert win.ask(f"{LP}.window_luminance(w)") > 0.5 and win.ask("s.look.scheme.name") == "light"


def test_ctrl_plus_and_minus_zoom_all_text_ctrl_0_resets_and_the_size_stays(deskmate_window, deskmate_home):
    win = deskmate_window()
    widgets = ("w.run_button", "w.form.title", "w.request_box.input", "w.sidebar.tree")
    sizes = "[" + ", ".join(f"{LP}.text_px({x})" for x in widgets) + "]"
    start = win.ask(sizes)
    win.click("w.request_box.input")

    def after(keys: tuple[str, ...], check, what: str) -> list[int]:  # type: ignore[no-untyped-def]
        win.key(*keys)
        return win.wait_for(sizes, timeout=10, check=check, what=f"{what} (from {start})")

    bigger = after(("ctrl+equal",), lambda now: all(b > a for a, b in zip(start, now)), "every text bigger after Ctrl+=")
    after(("ctrl+plus",), lambda now: all(c > b for b, c in zip(bigger, now)), "bigger again after Ctrl++")
    after(("ctrl+0",), lambda now: now == start, "the first size after Ctrl+0")
    after(("ctrl+minus",), lambda now: all(b < a for a, b in zip(start, now)), "every text smaller after Ctrl+-")
    # Past the largest step it stays at 200 %: twice the size.
    largest = after(("ctrl+equal",) * 9, lambda now: all(b >= 1.9 * a for a, b in zip(start, now)), "twice the size")
    assert win.ask("s.look.zoom") == 200 and win.ask("s.look_menu.act_zoom_reset.text()") == "Actual size (now 200 %)"
    win.wait_for(f"{LP}.clipped(w) == []", timeout=10, what="no cut text at 200 %")
    win.screenshot("theme-light-main-200-en")
    assert win.ask(f"{LP}.on_screen(w)"), win.ask("[str(w.geometry()), str(w.minimumSizeHint())]")
    assert settings_toml(deskmate_home)["ui"]["zoom"] == 200
    win.close()

    again = deskmate_window()
    assert again.ask(sizes) == largest, "the size did not survive the restart"
    again.key("ctrl+0")
    again.wait_for(sizes, timeout=10, check=lambda now: now == start, what="the first size after Ctrl+0")
    assert settings_toml(deskmate_home)["ui"]["zoom"] == 100


def test_settings_dialog_theme_and_text_size_apply_at_once(deskmate_window, deskmate_home):
    win = deskmate_window()
    start = win.ask(f"{LP}.text_px(w.run_button)")
    dialog = f"{shown('SettingsDialog')}[0]"
    win.key("ctrl+comma")
    win.wait_for(f"len({shown('SettingsDialog')}) == 1")
    for combo, key in (("theme", "End"), ("zoom", "End")):  # Dark; 200 %
        win.click(f"{dialog}.{combo}")
        win.wait_for(f"{dialog}.{combo}.view().isVisible()", timeout=10)
        win.key(key, "Return")
        win.wait_for(f"not {dialog}.{combo}.view().isVisible()", timeout=10)
    assert win.ask(f"[{dialog}.theme.currentText(), {dialog}.zoom.currentText()]") == ["Dark", "200 %"]
    win.key("Return")  # OK
    win.wait_for(f"len({shown('SettingsDialog')}) == 0")
    win.wait_for(f"{LP}.window_luminance(w) < 0.1", timeout=10, what="the window dark")
    assert win.ask(f"{LP}.text_px(w.run_button)") >= 1.9 * start
    assert settings_toml(deskmate_home)["ui"] == {"theme": "dark", "zoom": 200}
    assert win.ask("s.look_menu.theme_actions['dark'].isChecked()"), "View → Theme does not show the choice"
