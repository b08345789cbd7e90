"""The first window, offscreen with pytest-qt, on the real engine."""

from __future__ import annotations

from deskmate.core.engines.supervisor import Phase
from deskmate.ui.engine_bridge import EngineBridge
from deskmate.ui.main_window import MainWindow


def make_window(qtbot, engine):
    bridge = EngineBridge(engine)
    win = MainWindow(bridge, "SmolLM2")
    engine.supervisor.add_listener(bridge.on_status)  # replays the current state to the new window
    qtbot.addWidget(win)
    win.show()
    return win


def test_window_shows_engine_state_and_streams_an_answer(qtbot, engine):
    win = make_window(qtbot, engine)
    qtbot.waitUntil(lambda: win.last_status is not None and win.last_status.phase is Phase.READY, timeout=60000)
    assert win.engine_label.text() == "Ready"
    assert not win.progress.isVisible()
    win.input.setPlainText("Write two sentences about spring.")
    deltas = []
    win.bridge.delta.connect(deltas.append)
    with qtbot.waitSignal(win.bridge.finished, timeout=120000):
        win.run_button.click()
        assert win.stop_button.isEnabled()
    assert len(deltas) > 3, "the answer should stream in pieces"
    assert win.output.toPlainText() == "".join(deltas)
    assert "tokens" in win.speed_label.text()
    assert win.run_button.isEnabled() and win.copy_button.isEnabled()
    win.copy_button.click()
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text() == win.output.toPlainText()


def test_stop_keeps_partial_answer(qtbot, engine):
    win = make_window(qtbot, engine)
    qtbot.waitUntil(lambda: win.last_status is not None and win.last_status.phase is Phase.READY, timeout=60000)
    win.input.setPlainText("List twenty countries with their capitals.")
    pieces = []

    def on_delta(piece):
        pieces.append(piece)
        if len(pieces) == 4:
            win.stop_button.click()

    win.bridge.delta.connect(on_delta)
    with qtbot.waitSignal(win.bridge.finished, timeout=120000) as done:
        win.run_button.click()
    assert done.args[0].finish_reason == "cancelled"
    assert 4 <= len(pieces) <= 8
    assert win.output.toPlainText() == "".join(pieces)
    assert "stopped" in win.speed_label.text()


def test_engine_crash_shown_and_window_survives(qtbot, engine):
    import os
    import signal

    win = make_window(qtbot, engine)
    qtbot.waitUntil(lambda: win.last_status is not None and win.last_status.phase is Phase.READY, timeout=60000)
    win.input.setPlainText("Tell a long story about a lighthouse keeper.")
    pieces = []

    def on_delta(piece):
        pieces.append(piece)
        if len(pieces) == 3:
            os.kill(engine.supervisor.pid, signal.SIGKILL)

    win.bridge.delta.connect(on_delta)
    with qtbot.waitSignal(win.bridge.failed, timeout=120000) as failed:
        win.run_button.click()
    message, partial = failed.args
    assert "stopped" in message
    assert partial.startswith("".join(pieces))
    assert win.output.toPlainText().startswith(partial)
    assert "[The local engine stopped" in win.output.toPlainText()
    qtbot.waitUntil(lambda: win.last_status.phase is Phase.READY, timeout=60000)
    assert win.run_button.isEnabled()
