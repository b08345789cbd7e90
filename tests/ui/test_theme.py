"""The light and dark themes: every colour pair a person reads is >= 4.5:1, no widget keeps a literal
colour, a tone is drawn in the current scheme's colour, and the theme and text size chosen are
saved in settings.toml (or say why not). "System" following the desktop is a flow
(tests/flows/test_flow_look.py): the offscreen platform has no colour scheme to follow."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from deskmate.core.settings import UI_ZOOM_STEPS, load_settings_leniently, settings_path
from deskmate.ui import theme
from PySide6.QtGui import QColor, QFontInfo, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel

UI = Path(__file__).resolve().parents[2] / "app" / "deskmate" / "ui"


@pytest.fixture
def app(qapp, deskmate_home):
    yield qapp
    QGuiApplication.styleHints().unsetColorScheme()
    theme.apply(qapp, theme.LIGHT, 100)


@pytest.mark.parametrize("scheme", theme.SCHEMES.values(), ids=lambda s: s.name)
def test_every_pair_a_person_reads_is_at_least_4_5_to_1(scheme):
    low = {(fg, bg): round(theme.contrast(getattr(scheme, fg), getattr(scheme, bg)), 2) for fg, bg in theme.READ_PAIRS}
    assert all(r >= 4.5 for r in low.values()), {k: r for k, r in low.items() if r < 4.5}


def test_the_contrast_formula_is_wcags():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's well-known near miss


def test_no_widget_keeps_a_literal_colour():
    """Colours come from the theme; only the app icon's own drawing keeps its brand colours."""
    literal = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|setStyleSheet\(")
    found = [f"{p.name}:{n}: {line.strip()}" for p in sorted(UI.glob("*.py")) if p.name not in ("theme.py", "icons.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if literal.search(line)]
    assert not found, found


def _nearest(label: QLabel, hex_color: str) -> float:
    """The smallest RGB distance between ``hex_color`` and any pixel of the label as drawn."""
    image = label.grab().toImage()
    want = QColor(hex_color)
    return min(abs(QColor(image.pixel(x, y)).red() - want.red()) + abs(QColor(image.pixel(x, y)).green() - want.green())
               + abs(QColor(image.pixel(x, y)).blue() - want.blue())
               for x in range(image.width()) for y in range(image.height()))


def test_an_error_is_drawn_in_the_schemes_error_colour_and_follows_a_switch(app, qtbot):
    from deskmate.ui.look import Look

    look = Look("light", 100, save=False)
    label = QLabel("█ The file could not be read")
    qtbot.addWidget(label)
    theme.set_tone(label, "error")
    label.show()
    assert _nearest(label, theme.LIGHT.error) < 12 and _nearest(label, theme.DARK.error) > 30
    look.set_theme("dark", remember=False)
    assert _nearest(label, theme.DARK.error) < 12 and _nearest(label, theme.LIGHT.error) > 30
    theme.set_tone(label, "")
    assert _nearest(label, theme.DARK.text) < 12 and _nearest(label, theme.DARK.error) > 30


def test_zoom_walks_the_steps_stops_at_the_ends_and_is_saved(app):
    from deskmate.ui.look import Look

    look = Look("light", 100)
    label = QLabel("Run")
    body = QFontInfo(label.font()).pixelSize()
    look.zoom_in()
    assert look.zoom == 110 and QFontInfo(QLabel("Run").font()).pixelSize() > body
    for _ in range(10):
        look.zoom_in()
    assert look.zoom == UI_ZOOM_STEPS[-1] == 200
    assert QFontInfo(QLabel("Run").font()).pixelSize() >= 2 * body - 1
    for _ in range(10):
        look.zoom_out()
    assert look.zoom == UI_ZOOM_STEPS[0] == 80
    look.reset_zoom()
    look.set_theme("dark")
    saved = tomllib.loads(settings_path().read_text(encoding="utf-8"))["ui"]
    assert saved == {"zoom": 100, "theme": "dark"}
    assert load_settings_leniently().settings.ui.zoom == 100


def test_a_choice_that_cannot_be_saved_says_why_and_still_shows(app):
    from deskmate.ui.look import Look

    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("[ui\nlanguage = 'zh'\n", encoding="utf-8")  # broken by hand
    look = Look("light", 100)
    said: list[str] = []
    look.failed.connect(said.append)
    look.set_theme("dark")
    assert app.palette().color(QPalette.ColorRole.Window).name() == theme.DARK.window
    assert said and str(settings_path()) in said[0] and "Fix that line by hand" in said[0]
    assert settings_path().read_text(encoding="utf-8") == "[ui\nlanguage = 'zh'\n"


def test_the_settings_dialog_saves_theme_and_text_size(app, qtbot):
    from deskmate.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(load_settings_leniently().settings)
    qtbot.addWidget(dialog)
    assert dialog.theme.currentData() == "system" and dialog.zoom.currentData() == 100
    assert [dialog.theme.itemText(i) for i in range(dialog.theme.count())] == ["System", "Light", "Dark"]
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.zoom.setCurrentIndex(dialog.zoom.findData(150))
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted, dialog.error.text()
    assert tomllib.loads(settings_path().read_text(encoding="utf-8"))["ui"] == {"theme": "dark", "zoom": 150}
    assert (dialog.saved.ui.theme, dialog.saved.ui.zoom) == ("dark", 150)


def test_the_window_opens_in_the_saved_theme_and_size(app, qtbot):
    from deskmate.ui.app import DeskmateApp

    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text('[ui]\ntheme = "dark"\nzoom = 125\n', encoding="utf-8")
    session = DeskmateApp(None)  # before load(): what the first paint shows
    qtbot.addWidget(session.window)
    assert app.palette().color(QPalette.ColorRole.Window).name() == theme.DARK.window
    assert session.look.zoom == 125 and QApplication.font().pointSizeF() == theme.body_size(125)


@pytest.mark.parametrize("scheme", theme.SCHEMES.values(), ids=lambda s: s.name)
def test_a_ticked_box_shows_its_tick_in_either_scheme(app, qtbot, scheme):
    """Fusion draws a box's edge from the window colour: on dark it vanished. The theme draws its own."""
    from PySide6.QtWidgets import QCheckBox

    theme.apply(app, scheme, 100)
    ticked, empty = QCheckBox("Offline mode"), QCheckBox("Offline mode")
    ticked.setChecked(True)
    for box in (ticked, empty):
        qtbot.addWidget(box)
        box.show()
    def colours(box):
        image = box.grab().toImage()
        return {QColor(image.pixel(x, y)).name() for x in range(16) for y in range(image.height())}
    assert scheme.accent in colours(ticked) and "#ffffff" in colours(ticked), "no white tick on the accent"
    assert scheme.muted in colours(empty) or any(theme.contrast(c, scheme.window) >= 3 for c in colours(empty)), \
        "the empty box's edge is not visible"
