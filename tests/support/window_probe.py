"""Start the real Deskmate window (as `deskmate` does) and write what it shows to a JSON file a few
times a second, for flow tests that drive it from outside with real X input (xdotool).

    python window_probe.py STATE.json

Nothing here feeds the window: it only reads widgets (texts, where they are on screen). Rects are
global screen coordinates [x, y, width, height].
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def rect(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def centre(widget: QWidget, point: QPoint) -> list[int]:
    at = widget.mapToGlobal(point)
    return [at.x(), at.y()]


def state(session: object) -> dict[str, object]:
    win = session.window  # type: ignore[attr-defined]
    view = win.conversation_view
    turns = view.turns
    items = [turns.item(i) for i in range(turns.count())]
    focus = QApplication.focusWidget()
    return {
        "title": win.windowTitle(),
        "focus": focus.accessibleName() if focus is not None else "",
        "box": rect(win.request_box.input),
        "box_text": win.request_box.input.text(),
        "chip": win.request_box.chip.text() if win.request_box.chip.isVisible() else "",
        "why": win.request_box.why.text(),
        "task": win.form.task.id if win.form.task else "",
        "fields": {name: win.form.value(name) for name in win.form.fields},
        "busy": win.runner.busy,
        "output": win.output.toPlainText(),
        "result_view": type(win.results.currentWidget()).__name__,
        "turns_visible": view.isVisible(),
        "turns": [item.text() for item in items],
        "turn_centres": [centre(turns.viewport(), turns.visualItemRect(item).center()) for item in items],
        "insert_button": rect(view.insert_button),
        "draft": win.draft_editor.body.toPlainText(),
        "notice": win.notice.text() if win.notice.isVisible() else "",
    }


def main() -> int:
    out = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    from deskmate.ui.app import DeskmateApp, identify_app

    identify_app(app)
    session = DeskmateApp(None)
    session.start()

    def write() -> None:
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(state(session), ensure_ascii=False))
        os.replace(tmp, out)

    timer = QTimer()
    timer.timeout.connect(write)
    timer.start(150)
    try:
        return app.exec()
    finally:
        session.shutdown()


if __name__ == "__main__":
    sys.exit(main())
