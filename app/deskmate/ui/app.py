"""Start the GUI: the window first, then the engine in its own process."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from deskmate.core.engines.errors import EngineError
from deskmate.core.settings import SettingsError

from .engine_bridge import EngineBridge
from .main_window import MainWindow


def run_gui(model: str | None = None, argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Deskmate")
    app.setDesktopFileName("deskmate")
    bridge = EngineBridge()
    engine = None
    error = ""
    try:
        from deskmate.core.engines.factory import local_engine

        engine = local_engine(model, listener=bridge.on_status)
        bridge.client = engine
        name = Path(engine.config.model).name
    except (EngineError, SettingsError) as e:
        error = str(e)
        name = "no model"
    window = MainWindow(bridge, name)
    window.show()
    if engine is not None:
        # Start after the first paint so the window never waits for the model.
        QTimer.singleShot(0, engine.start)
    else:
        window.engine_label.setText(f"No model: {error}")
        window.progress.setVisible(False)
        window.run_button.setEnabled(False)
        window.output.setPlainText(error)
    try:
        return app.exec()
    finally:
        if engine is not None:
            engine.close()
