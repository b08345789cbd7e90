"""A person typing into the real Deskmate window: a script run as its own process (``python -c TYPIST``).

It types a word every 60 ms through real key events into the draft editor and prints
``TYPED <time> <length>`` after each, so the caller can kill -9 it at any moment and compare what
was typed with what the store kept (tests/ui/test_app_process.py, bench/typing_loss.py).
"""

from __future__ import annotations

import textwrap

TYPIST = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.load()  # the views now, not after the first paint: the typing starts at once
    session.start()
    body = session.window.draft_editor.body
    body.setFocus()
    words = iter(f"word{i} " for i in range(100000))

    def type_one():
        QTest.keyClicks(body, next(words))  # real key events through the editor
        print("TYPED", repr(time.time()), len(body.toPlainText()), flush=True)
        QTimer.singleShot(60, type_one)

    QTimer.singleShot(300, type_one)
    app.exec()
    """
)
