"""The window paints before the settings models, the task catalog, the drafts and the engine exist,
says so while they load, and then is the whole window. A fresh process: only there is the import
state what a user's launch sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    out = {}
    LATER = ("pydantic", "deskmate.core.tasks", "deskmate.core.store", "deskmate.core.engines.supervisor")

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "paint" not in out:
                win = session.window
                out["paint"] = {"label": win.engine_label.text(), "built": win.built,
                                "tabs": [win.top_tabs.isTabEnabled(i) for i in range(3)],
                                "menus": [m.isEnabled() for m in (win.menu_file, win.menu_task, win.menu_view)],
                                "loaded": sorted(m for m in LATER if m in sys.modules)}
            return False

    session = DeskmateApp(None)
    spy = FirstPaint()
    app.installEventFilter(spy)  # the first paint of the window or any widget in it
    session.start()

    def finish():
        win = session.window
        status = win.last_status
        if status is None or status.phase.value != "ready":
            QTimer.singleShot(50, finish)
            return
        out["ready"] = {"label": win.engine_label.text(), "tasks": win.sidebar.tree.topLevelItemCount(),
                        "task": win.form.task.id if win.form.task else None,
                        "tabs": [win.top_tabs.isTabEnabled(i) for i in range(3)],
                        "menus": [m.isEnabled() for m in (win.menu_file, win.menu_task, win.menu_view)],
                        "title": win.windowTitle()}
        print("RESULT", json.dumps(out, ensure_ascii=False), flush=True)
        app.quit()

    QTimer.singleShot(0, finish)
    app.exec()
    session.shutdown()
    """
)


def first_paint_and_ready(home) -> dict:
    env = dict(os.environ, DESKMATE_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=240,
                         check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line is not None, out.stderr[-3000:]
    return json.loads(line[7:])


@pytest.mark.parametrize(("language", "opening", "ready"), [
    ("en", "Opening your tasks and drafts…", "Ready"),
    ("zh", "正在打开任务和草稿…", "就绪"),
])
def test_first_paint_does_not_wait_for_catalog_drafts_or_engine(deskmate_home, language, opening, ready):
    config = deskmate_home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(f'[ui]\nlanguage = "{language}"\n', encoding="utf-8")
    seen = first_paint_and_ready(deskmate_home)
    paint = seen["paint"]
    assert paint["label"] == opening, "the status line says what is under way, in the UI language"
    assert paint["built"] is False and paint["loaded"] == []
    assert paint["tabs"] == [True, False, False], "Images and Documents are not offered before they exist"
    assert paint["menus"] == [False, False, False], "no empty menus to open"
    after = seen["ready"]
    assert after["label"] == ready and after["tasks"] > 5 and after["task"] == "qa.open"
    assert after["tabs"] == [True, True, True] and after["menus"] == [True, True, True]
    assert after["title"].startswith("Deskmate — ") and after["title"] != "Deskmate — "


def test_the_window_loads_even_when_no_paint_reaches_the_window_itself(qtbot):
    """Its children can cover all of it: then the grace timer starts the rest."""
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    try:
        session.start()
        session.window.removeEventFilter(session._paint_watch)  # as if every pixel were a child's
        qtbot.waitUntil(lambda: session.loaded and session.window.built, timeout=20000)
        assert session.window.sidebar.tree.topLevelItemCount() > 5
    finally:
        session.window.close()
        session.shutdown()


BROKEN_HOME = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    from deskmate.ui.app import DeskmateApp

    app = QApplication(sys.argv)

    def answer():
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(50, answer)
            return
        print("BOX", boxes[0].text(), flush=True)
        boxes[0].accept()

    session = DeskmateApp(None)
    session.start()
    QTimer.singleShot(50, answer)
    print("EXIT", app.exec(), flush=True)
    session.shutdown()
    """
)


def test_a_broken_data_folder_found_after_the_first_paint_is_explained(deskmate_home):
    (deskmate_home / "data").write_text("not a folder", encoding="utf-8")  # the drafts cannot be opened
    env = dict(os.environ, DESKMATE_HOME=str(deskmate_home), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", BROKEN_HOME], capture_output=True, text=True, env=env,
                         timeout=240, check=False)
    box = next((ln for ln in out.stdout.splitlines() if ln.startswith("BOX ")), "")
    assert box.startswith("BOX Deskmate could not start: ") and "data" in box, out.stdout + out.stderr[-2000:]
    assert "EXIT 1" in out.stdout
