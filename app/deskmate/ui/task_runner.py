"""The window's side of a task run: a core TaskRun on a Worker thread, its events as signals.

What to do for each output kind lives in ``core/tasks/run.py``; the views only
connect to these signals, which always arrive on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from deskmate.core.engines.base import ChatClient
from deskmate.core.tasks import Task
from deskmate.core.tasks.run import (
    Delta,
    Failed,
    Notice,
    ProofreadDone,
    ReviewDone,
    TableDone,
    TaskResult,
    TaskRun,
    TextDone,
)

from .background import Worker, describe_error
from .engine_bridge import ClientSource, current_client


class TaskRunner(QObject):
    started = Signal(str)  # output kind
    delta = Signal(str)
    textDone = Signal(object)  # Completion
    tableDone = Signal(object)  # core Table
    proofreadDone = Signal(object)  # ProofreadResult
    reviewDone = Signal(object)  # ReviewResult
    failed = Signal(str, str)  # message, partial text
    busyChanged = Signal(bool)
    notice = Signal(str)  # e.g. "the remote server could not be reached; answered locally"

    def __init__(self, client: ClientSource | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client  # a ChatClient, or a function giving the current one
        # Optional: task → the ChatClient to use (local, remote or auto with fallback).
        self.route: Callable[[Task], ChatClient] | None = None
        self.active: ChatClient | None = None  # the client the last run used
        self.last_tokens_per_second = 0.0
        self._run: TaskRun | None = None
        self.worker = Worker(self, name="task-runner")
        self.worker.event.connect(self._on_event)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_crashed)
        self._events = {
            Delta: lambda e: self.delta.emit(e.text),
            TextDone: self._on_text_done,
            TableDone: lambda e: self.tableDone.emit(e.table),
            ProofreadDone: lambda e: self.proofreadDone.emit(e.result),
            ReviewDone: lambda e: self.reviewDone.emit(e.review),
            Notice: lambda e: self.notice.emit(e.text),
            Failed: lambda e: self.failed.emit(describe_error(e.error), e.partial),
        }

    @property
    def busy(self) -> bool:
        return self.worker.busy

    def run(self, task: Task, values: dict[str, str], *, lang: str, creativity: float, review: bool) -> None:
        """Render now (errors such as TaskInputError are the caller's to show), then work on a thread."""
        client = current_client(self.client)
        if client is None or self.busy:
            return
        active = self.route(task) if self.route is not None else client
        run = TaskRun(task, values, client=active, lang=lang, creativity=creativity, review=review)
        self._run, self.active = run, active
        self.started.emit(task.output)
        self.busyChanged.emit(True)
        self.worker.events(lambda: run)

    def stop(self) -> None:
        """Stop this window's run; other work on the same engine carries on."""
        if self._run is not None:
            self._run.cancel()

    def wait(self, timeout: float = 5.0) -> None:
        self.worker.wait(timeout)

    def _on_event(self, event: object) -> None:
        handler = self._events.get(type(event))
        if handler is not None:
            handler(event)

    def _on_text_done(self, event: TextDone) -> None:
        self.last_tokens_per_second = event.completion.usage.tokens_per_second
        self.textDone.emit(event.completion)

    def _on_finished(self, _result: TaskResult | None) -> None:
        self._run = None
        self.busyChanged.emit(False)

    def _on_crashed(self, error: BaseException) -> None:  # a bug below: the window must survive it
        self._run = None
        self.failed.emit(describe_error(error), "")
        self.busyChanged.emit(False)
