"""Quick actions in the GUI: palette, Undo, limits, hotkey, copy twice, the CLI against an instance and headless."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QColor, QGuiApplication, QImage

from deskmate.ui.hotkeys import COPY_TWICE_WINDOW, CopyTwiceDetector, GlobalHotkey
from deskmate.ui.quick_palette import QuickPalette
from deskmate.ui.single_instance import InstanceServer, quick_handler, send_request
from deskmate.ui.tray import DeskmateTray

TEXT = "The meeting on Tuesday have been moved to Thursday at 3 pm. Please tell everyone."
CLI = "from deskmate.cli import main; from deskmate.cli.quick import quick; main.add_command(quick); main()"


@pytest.fixture
def clipboard(qapp):
    cb = QGuiApplication.clipboard()
    yield cb
    cb.clear()  # Qt crashes at exit when an offscreen clipboard still holds QMimeData


@pytest.fixture
def palette(qtbot, engine, clipboard):
    p = QuickPalette(engine, clipboard=clipboard)
    qtbot.addWidget(p)
    yield p
    p.worker.cancel()
    p.worker.wait()


def test_palette_action_puts_result_on_clipboard_and_undo_restores(qtbot, palette, clipboard):
    original = QMimeData()
    original.setText(TEXT)
    original.setHtml("<p>The <b>meeting</b></p>")
    clipboard.setMimeData(original)
    assert palette.show_for_clipboard()
    assert palette.isVisible() and TEXT in palette.source_view.toPlainText()
    palette.filter.setText("short")
    assert palette.visible_action_ids() == ["shorter"]
    palette.filter.returnPressed.emit()
    qtbot.waitUntil(lambda: palette.result is not None, timeout=60_000)
    result = palette.result_view.toPlainText()
    assert result and result != TEXT
    assert palette.replace_clipboard()
    assert clipboard.text() == result
    assert palette.undo()
    assert clipboard.text() == TEXT and "<b>meeting</b>" in clipboard.mimeData().html()


def test_grammar_fix_shows_a_diff(qtbot, palette, clipboard):
    clipboard.setText("She have two cat.")
    palette.show_for_clipboard()
    palette.run("grammar")
    qtbot.waitUntil(lambda: palette.result is not None, timeout=60_000)
    assert palette.diff_view.isVisible() and "line-through" in palette.diff_view.toHtml()
    assert "change" in palette.message.text()


def test_image_clipboard_gets_a_clear_message(palette, clipboard):
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    clipboard.setImage(image)
    assert not palette.show_for_clipboard()
    assert "image" in palette.message.text() and not palette.run("shorter")
    palette.undo()
    assert clipboard.mimeData().hasImage()  # Undo keeps even an image


def test_one_megabyte_text_gets_a_clear_message(palette, clipboard):
    clipboard.setText("x" * (1024 * 1024))
    assert not palette.show_for_clipboard()
    assert "1 MB" in palette.message.text()
    assert not palette.run("shorter")


def test_paste_back_explains_when_it_cannot_type(qtbot, palette, clipboard):
    clipboard.setText(TEXT)
    palette.show_for_clipboard()
    palette.run("friendly")
    qtbot.waitUntil(lambda: palette.result is not None, timeout=60_000)
    assert not palette.paste_back()  # offscreen: no keyboard to type into
    assert "Ctrl+V" in palette.message.text() and clipboard.text() == palette.result_view.toPlainText()


class FakeKeys:
    """Stands in for pynput's GlobalHotKeys: same constructor, start() and stop()."""

    made: list[FakeKeys] = []

    def __init__(self, hotkeys):
        self.hotkeys, self.running = hotkeys, False
        FakeKeys.made.append(self)

    def start(self):
        self.running = True

    def stop(self):
        self.running = False

    def press(self, combo):  # a key listener thread calls back off the GUI thread
        if self.running:
            t = threading.Thread(target=self.hotkeys[combo])
            t.start()
            t.join()


def test_hotkey_with_a_fake_key_source_shows_the_palette(qtbot, palette, clipboard):
    clipboard.setText(TEXT)
    hotkey = GlobalHotkey("<ctrl>+<alt>+q", source=FakeKeys)
    hotkey.triggered.connect(palette.show_for_clipboard)
    assert hotkey.start()
    keys = FakeKeys.made[-1]
    keys.press("<ctrl>+<alt>+q")
    qtbot.waitUntil(palette.isVisible, timeout=2000)
    palette.hide()
    hotkey.set_enabled(False)  # turned off: the same keys do nothing
    keys.press("<ctrl>+<alt>+q")
    qtbot.wait(100)
    assert not palette.isVisible() and not hotkey.active


def test_copy_twice_triggers_once(qtbot, clipboard):
    detector = CopyTwiceDetector(clipboard, window=0.8)
    seen: list[str] = []
    detector.triggered.connect(seen.append)
    clipboard.setText("copied once")
    qtbot.wait(50)
    assert seen == []
    clipboard.setText("copied once")
    qtbot.waitUntil(lambda: seen == ["copied once"], timeout=1000)
    clipboard.setText("copied once")  # a third copy right after: debounced
    qtbot.wait(50)
    assert seen == ["copied once"]
    detector.set_enabled(False)
    clipboard.setText("other")
    clipboard.setText("other")
    qtbot.wait(50)
    assert seen == ["copied once"]


def test_a_shut_down_app_no_longer_opens_the_palette_on_copy_twice(qtbot, clipboard, deskmate_home):
    """Quitting must leave nothing listening to the clipboard: a palette of an app that has quit
    opened over the person's next window (and took its activation) when they copied twice."""
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.load()
    session.start()
    qtbot.waitUntil(lambda: getattr(session, "palette", None) is not None, timeout=10000)
    palette = session.palette
    try:
        clipboard.setText("copied while running")
        clipboard.setText("copied while running")
        qtbot.waitUntil(palette.isVisible, timeout=2000)
        palette.hide()
    finally:
        session.window.close()
        session.shutdown()
    qtbot.wait(int(COPY_TWICE_WINDOW * 1000) + 100)
    clipboard.setText("copied after quitting")
    clipboard.setText("copied after quitting")
    qtbot.wait(200)
    assert not palette.isVisible()


def test_tray_degrades_without_a_system_tray(qapp, deskmate_home):
    tray = DeskmateTray()
    assert not tray.available and not tray.show() and "no system tray" in tray.error
    assert not tray.keeps_running  # closing the window must quit when there is no tray
    asked: list[str] = []
    tray.actionRequested.connect(asked.append)
    tray.action_items["translate-zh"].trigger()
    assert asked == ["translate-zh"]
    tray.set_close_to_tray(True)
    from deskmate.ui.tray import close_to_tray_setting

    assert close_to_tray_setting() is True
    tray.set_close_to_tray(False)
    assert close_to_tray_setting() is False


def _cli(*args, **kw):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-c", CLI, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def test_cli_uses_the_running_instance(qtbot, engine, clipboard):
    server = InstanceServer(quick_handler(lambda: engine))
    assert server.listen(), server.error
    answered: list[dict] = []
    server.answered.connect(lambda _req, resp: answered.append(resp))
    try:
        proc = _cli("quick", "shorter", "--print", "--text", TEXT)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=90_000)
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert "running Deskmate" in err and out.strip()
        assert answered and answered[0]["text"] == out.strip()
        assert clipboard.text() == out.strip()  # the long-lived app owns the result
        # A second Deskmate finds the first one instead of listening too.
        second = InstanceServer(quick_handler(lambda: engine))
        assert not second.listen() and "already running" in second.error
    finally:
        server.close()


def test_cli_runs_headless_when_no_instance_answers(tiny_model):
    assert send_request({"action": "ping"}, timeout=1) is None
    proc = _cli("--model", str(tiny_model), "quick", "translate", "--to", "zh", "--print", "--text", "-",
                stdin=subprocess.PIPE)
    out, err = proc.communicate("Good morning, everyone.", timeout=120)
    assert proc.returncode == 0, err
    assert "local model" in err and any("\u4e00" <= ch <= "\u9fff" for ch in out)


def test_cli_refuses_empty_text_plainly():
    proc = _cli("quick", "shorter", "--text", "   ")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "no text" in err and "Traceback" not in err
