"""A first window: ask the local model and watch the answer stream in.

The desktop-app issue replaces this with the full editor; this one proves the
wiring: engine status in the status bar, streaming off the GUI thread, Stop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.engines.base import Completion, Sampling, msg
from deskmate.core.engines.supervisor import EngineStatus, Phase

from .engine_bridge import EngineBridge

PHASE_TEXT = {
    Phase.STOPPED: "Engine stopped",
    Phase.STARTING: "Starting engine…",
    Phase.LOADING: "Loading model…",
    Phase.READY: "Ready",
    Phase.CRASHED: "Engine crashed — restarting",
    Phase.RESTARTING: "Restarting engine…",
    Phase.FAILED: "Engine failed",
}


class MainWindow(QMainWindow):
    def __init__(self, bridge: EngineBridge, model_name: str) -> None:
        super().__init__()
        self.bridge = bridge
        self.setWindowTitle(f"Deskmate — {model_name}")
        self.resize(900, 640)

        self.input = QPlainTextEdit()
        self.input.setPlaceholderText("Ask something, or paste text to work on. Ctrl+Enter runs it.")
        self.input.setAccessibleName("Request")
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setPlaceholderText("The answer appears here as it is written.")
        self.output.setAccessibleName("Answer")
        for w in (self.input, self.output):
            w.setFont(QFont("Sans Serif", 11))

        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Run (Ctrl+Enter)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop (Esc)")
        self.copy_button = QPushButton("Copy answer")
        self.copy_button.setToolTip("Copy answer (Ctrl+Shift+C)")
        self.stop_button.setEnabled(False)
        self.copy_button.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.input)
        split.addWidget(self.output)
        split.setSizes([220, 380])
        layout = QVBoxLayout()
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        self.engine_label = QLabel(PHASE_TEXT[Phase.STARTING])
        self.engine_label.setAccessibleName("Engine state")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 0)
        self.speed_label = QLabel("")
        self.statusBar().addWidget(self.engine_label, 1)
        self.statusBar().addPermanentWidget(self.speed_label)
        self.statusBar().addPermanentWidget(self.progress)

        self._add_action("Run", "Ctrl+Return", self.run_request)
        self._add_action("Stop", "Esc", self.stop_request)
        self._add_action("Copy answer", "Ctrl+Shift+C", self.copy_answer)
        self._add_action("Quit", "Ctrl+Q", self.close)
        self.run_button.clicked.connect(self.run_request)
        self.stop_button.clicked.connect(self.stop_request)
        self.copy_button.clicked.connect(self.copy_answer)

        bridge.status.connect(self.show_status)
        bridge.delta.connect(self.append_delta)
        bridge.finished.connect(self.on_finished)
        bridge.failed.connect(self.on_failed)
        self.last_status: EngineStatus | None = None

    def _add_action(self, text: str, shortcut: str, slot: object) -> None:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)

    # --- engine status -----------------------------------------------------
    def show_status(self, status: EngineStatus) -> None:
        self.last_status = status
        text = PHASE_TEXT[status.phase]
        if status.phase is Phase.FAILED:
            text = f"Engine failed: {status.message}"
        elif status.phase is Phase.CRASHED:
            text = f"Engine crashed ({status.message}) — restarting"
        self.engine_label.setText(text)
        loading = status.phase in (Phase.STARTING, Phase.LOADING, Phase.RESTARTING)
        self.progress.setVisible(loading)
        if status.phase is Phase.LOADING and status.progress is not None:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(status.progress * 100))
        else:
            self.progress.setRange(0, 0)

    # --- requests ----------------------------------------------------------
    def run_request(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.bridge.busy:
            return
        self.output.clear()
        self.speed_label.setText("")
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.copy_button.setEnabled(False)
        self.bridge.run([msg("user", text)], Sampling(max_tokens=1024))

    def stop_request(self) -> None:
        self.bridge.stop()

    def append_delta(self, piece: str) -> None:
        cursor = self.output.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(piece)
        self.output.setTextCursor(cursor)

    def _request_done(self) -> None:
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.copy_button.setEnabled(bool(self.output.toPlainText()))

    def on_finished(self, result: Completion) -> None:
        self._request_done()
        note = "stopped" if result.finish_reason == "cancelled" else f"{result.usage.tokens_per_second:.1f} tokens/s"
        self.speed_label.setText(f"{result.usage.completion_tokens} tokens, {note}")

    def on_failed(self, message: str, partial: str) -> None:
        self._request_done()
        if partial and self.output.toPlainText() != partial:
            self.output.setPlainText(partial)
        self.statusBar().showMessage(message, 15000)
        self.output.appendPlainText(f"\n[{message}]")

    def copy_answer(self) -> None:
        QApplication.clipboard().setText(self.output.toPlainText())
        self.statusBar().showMessage("Answer copied", 3000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.bridge.stop()
        self.bridge.wait(3.0)
        super().closeEvent(event)
