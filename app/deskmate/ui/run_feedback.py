"""What the window says while a task runs: what is happening, tokens so far, time so far.

The engine's own state ("Ready") is true but useless while a run is going: for the length of
a run the status line says what the run is doing instead, ticking every half second, and the
progress bar stays busy through phases that stream nothing (proofreading, the review).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from .task_runner import TaskRunner

TICK_MS = 500
REVIEWED = ("text", "json", "image-prompt")  # the kinds core.tasks.run gives a review pass


class RunFeedback(QObject):
    changed = Signal()  # text() or streaming() changed

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind: str | None = None  # the running task's output kind; None when idle
        self.phase = ""
        self.tokens = 0
        self.started = 0.0
        self.review = False
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.changed)
        runner.started.connect(self._on_started)
        runner.delta.connect(self._on_delta)
        runner.textDone.connect(self._on_text_done)
        runner.busyChanged.connect(self._on_busy)

    @property
    def active(self) -> bool:
        return self.kind is not None

    def expect_review(self, review: bool) -> None:
        """Set before the run starts: the review pass follows the answer."""
        self.review = review

    def _on_started(self, kind: str) -> None:
        self.kind, self.tokens, self.started = kind, 0, time.monotonic()
        self.phase = {"table": "table", "diff": "proofread"}.get(kind, "write")
        self._timer.start()
        self.changed.emit()

    def _on_delta(self, _piece: str) -> None:
        self.tokens += 1  # the engines stream one token per piece
        if self.tokens == 1:
            self.changed.emit()  # the bar stops being busy at the first token

    def _on_text_done(self, result: object) -> None:
        if self.review and getattr(result, "finish_reason", "") != "cancelled" and self.kind in REVIEWED:
            self.phase = "review"
            self.changed.emit()

    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.kind = None
            self._timer.stop()
            self.changed.emit()

    def streaming(self) -> bool:
        """Text is arriving in this phase (else the bar shows the run is busy)."""
        return self.active and self.phase in ("write", "table") and self.tokens > 0

    def text(self) -> str:
        if not self.active:
            return ""
        seconds = int(time.monotonic() - self.started)
        if self.phase == "review":
            return self.tr("Reviewing the answer… {seconds} s").format(seconds=seconds)
        if self.phase == "proofread":
            return self.tr("Proofreading… {seconds} s").format(seconds=seconds)
        if self.phase == "table":
            return self.tr("Making a table… {tokens} tokens, {seconds} s").format(tokens=self.tokens, seconds=seconds)
        return self.tr("Writing… {tokens} tokens, {seconds} s").format(tokens=self.tokens, seconds=seconds)
