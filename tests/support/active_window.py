"""Making a test's window the active one, and saying what held the activation when it cannot be."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QApplication, QWidget


def make_active(qtbot: Any, widget: QWidget, timeout_ms: int = 10_000) -> None:
    """Ask until the window is active: offscreen Qt hands activation over through queued window-system
    events, and a window an earlier test left to be deleted can take it back once in a long run
    (CI, 1 in ~1,000 tests). One request then a bare wait failed there; asking again is what a
    window manager would do for a window the person clicked."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not widget.isActiveWindow():
        if time.monotonic() > deadline:
            raise AssertionError(f"{type(widget).__name__} could not become the active window: {holders()}")
        widget.activateWindow()
        qtbot.wait(50)


def holders() -> str:
    app = QApplication.instance()
    shown = [f"{type(w).__name__}({w.windowTitle()!r})" for w in QApplication.topLevelWidgets() if w.isVisible()]
    return (f"active={type(QApplication.activeWindow()).__name__}, "
            f"popup={type(QApplication.activePopupWidget()).__name__}, "
            f"modal={type(QApplication.activeModalWidget()).__name__}, focus window={app.focusWindow()!r}, "
            f"visible windows: {', '.join(shown) or 'none'}")
