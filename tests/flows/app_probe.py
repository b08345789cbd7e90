"""The real Deskmate window, started as a user starts it, plus a read-only probe on stdin.

Run by tests/flows/conftest.py as a subprocess under Xvfb. Everything the person does goes
through X (xdotool key presses and clicks); the probe only answers questions, one Python
expression per line on stdin ("where is this widget", "what does this label say"), as
``ANSWER <json>`` on stdout. Every change of the draft's text is logged as
``TYPED <unix time> <length>`` so a flow can tell what was typed when.
"""

from __future__ import annotations

import json
import sys
import time
import traceback

from PySide6.QtCore import QRect, QSocketNotifier
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListWidget, QTabWidget, QWidget

app = QApplication(sys.argv)
from deskmate.ui.app import DeskmateApp, identify_app
from deskmate.ui.task_sidebar import TASK_ROLE

identify_app(app)
session = DeskmateApp(None)
session.load()  # the probe hooks into the draft editor before the window shows
window = session.window


def point(widget: QWidget, dx: float = 0.5, dy: float = 0.5) -> dict[str, int]:
    """The widget's point (fractions of its size) in screen coordinates, and whether it shows."""
    g = widget.mapToGlobal(widget.rect().topLeft())
    return {"x": g.x() + int(widget.width() * dx), "y": g.y() + int(widget.height() * dy),
            "visible": widget.isVisible()}


def task_point(task_id: str) -> dict[str, int] | None:
    """Where the task's row in the sidebar is on screen (None when it is scrolled away or filtered out)."""
    tree = window.sidebar.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            item = top.child(j)
            if item.data(0, TASK_ROLE) == task_id and not item.isHidden():
                return _shown_at(tree, tree.visualItemRect(item))
    return None


def row_point(view: QListWidget, row: int) -> dict[str, int] | None:
    """Where row ``row`` of a list widget is on screen (None when it is scrolled away)."""
    return _shown_at(view, view.visualItemRect(view.item(row)))


def tab_point(tabs: QTabWidget, page: QWidget) -> dict[str, int]:
    """Where the tab of ``page`` is on screen (tabs move as tabs are added: never a fraction of the bar)."""
    bar = tabs.tabBar()
    g = bar.mapToGlobal(bar.tabRect(tabs.indexOf(page)).center())
    return {"x": g.x(), "y": g.y(), "visible": bar.isVisible()}


def _shown_at(view: QAbstractItemView, rect: QRect) -> dict[str, int] | None:
    """The screen point of an item's centre, None when the item is scrolled out of the view."""
    if rect.isEmpty() or not view.viewport().rect().contains(rect.center()):
        return None
    g = view.viewport().mapToGlobal(rect.center())
    return {"x": g.x(), "y": g.y(), "visible": True}


def conversation() -> dict[str, object]:
    """What the request box, the task form and the conversation's turns show."""
    box, view = window.request_box, window.conversation_view
    return {
        "focus": focused(),
        "box_text": box.input.text(),
        "chip": box.chip.text() if box.chip.isVisible() else "",
        "why": box.why.text(),
        "task": window.form.task.id if window.form.task else "",
        "fields": {name: window.form.value(name) for name in window.form.fields},
        "busy": window.runner.busy,
        "output": window.output.toPlainText(),
        "turns_visible": view.isVisible(),
        "turns": [view.turns.item(i).text() for i in range(view.turns.count())],
        "draft": window.draft_editor.body.toPlainText(),
    }


def focused() -> str:
    w = QApplication.focusWidget()
    return w.accessibleName() or type(w).__name__ if w is not None else ""


body = window.draft_editor.body
body.textChanged.connect(lambda: print("TYPED", repr(time.time()), len(body.toPlainText()), flush=True))
names = {"s": session, "w": window, "app": app, "point": point, "task_point": task_point, "focused": focused,
         "row_point": row_point, "tab_point": tab_point, "conversation": conversation}


def answer() -> None:
    line = sys.stdin.readline()
    if not line:
        notifier.setEnabled(False)
        return
    try:
        result = eval(line, names)  # the test's own questions
        out = {"ok": result}
    except Exception:  # noqa: BLE001 - the flow shows it
        out = {"error": traceback.format_exc()}
    print("ANSWER", json.dumps(out, default=str, ensure_ascii=False), flush=True)


notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
notifier.activated.connect(answer)
session.start()
print("STARTED", flush=True)
try:
    sys.exit(app.exec())
finally:
    session.shutdown()
