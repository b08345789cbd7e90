"""The window's side of a task run: a core TaskRun on a Worker thread, its events as signals.

What to do for each output kind lives in ``core/tasks/run.py``; the views only
connect to these signals, which always arrive on the GUI thread.

Streamed text is handed to the GUI thread in batches: while one hand-over is waiting in the
event queue, further pieces join it instead of queueing their own. A window drawing ``text``
therefore draws once per event-loop pass however fast tokens come or however late the GUI
thread gets to run (on a loaded machine it can be descheduled for a while), never once per
token behind a backlog.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, Signal

from deskmate.core.conversations import TurnRun
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


class _Batched:
    """A TaskRun whose Delta pieces are collected for the GUI thread instead of sent one by one.

    Iterated on the worker thread: it yields every other event as it comes, and for text one
    ``_TEXT`` marker per batch; :meth:`take` (GUI thread) empties the batch when the marker arrives.
    Pieces before any later event are always in an earlier batch: the order of events is kept."""

    def __init__(self, run: TaskRun | TurnRun) -> None:
        self.run = run
        self._lock = threading.Lock()
        self._pieces: list[str] = []
        self._queued = False  # a marker is on its way: new pieces join its batch

    def cancel(self) -> None:
        self.run.cancel()

    @property
    def result(self) -> TaskResult | None:
        return getattr(self.run, "result", None)

    def __iter__(self) -> Iterator[object]:
        events = iter(self.run)
        try:
            for event in events:
                if not isinstance(event, Delta):
                    yield event
                    continue
                with self._lock:
                    self._pieces.append(event.text)
                    if self._queued:
                        continue
                    self._queued = True
                yield _TEXT
        finally:
            events.close()  # Stop: the run's generator cancels its model request

    def take(self) -> list[str]:
        with self._lock:
            pieces, self._pieces, self._queued = self._pieces, [], False
        return pieces


_TEXT = object()  # "a batch of text is waiting"


class TaskRunner(QObject):
    started = Signal(str)  # output kind
    delta = Signal(str)  # one streamed piece (a token): for counting
    text = Signal(str)  # the pieces of one batch, joined: what a view draws
    textDone = Signal(object)  # Completion
    tableDone = Signal(object)  # core Table
    proofreadDone = Signal(object)  # ProofreadResult
    reviewDone = Signal(object)  # ReviewResult
    failed = Signal(str, str)  # message, partial text
    busyChanged = Signal(bool)
    runFinished = Signal(object)  # the TaskResult, or None when the run crashed
    notice = Signal(str)  # e.g. "the remote server could not be reached; answered locally"

    def __init__(self, client: ClientSource | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client  # a ChatClient, or a function giving the current one
        # Optional: task → the ChatClient to use (local, remote or auto with fallback).
        self.route: Callable[[Task], ChatClient] | None = None
        self.active: ChatClient | None = None  # the client the last run used
        self.last_tokens_per_second = 0.0
        self._run: _Batched | None = None
        self.worker = Worker(self, name="task-runner")
        self.worker.event.connect(self._on_event)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_crashed)
        self._events = {
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
        active = self.client_for(task)
        if active is None or self.busy:
            return
        self.start(TaskRun(task, values, client=active, lang=lang, creativity=creativity, review=review),
                   task.output, active)

    def client_for(self, task: Task) -> ChatClient | None:
        """The client a run of ``task`` uses now; None while there is none."""
        client = current_client(self.client)
        if client is None:
            return None
        return self.route(task) if self.route is not None else client

    def start(self, run: TaskRun | TurnRun, kind: str, active: ChatClient | None = None) -> None:
        """Iterate a prepared run (a task run or a conversation's turn) on the worker thread, its text in batches."""
        batched = _Batched(run)
        self._run, self.active = batched, active
        self.started.emit(kind)
        self.busyChanged.emit(True)
        self.worker.events(lambda: batched)

    def stop(self) -> None:
        """Stop this window's run; other work on the same engine carries on."""
        if self._run is not None:
            self._run.cancel()

    def wait(self, timeout: float = 5.0) -> None:
        self.worker.wait(timeout)

    def _on_event(self, event: object) -> None:
        self._hand_over_text()  # before any other event: the text came first
        handler = self._events.get(type(event))
        if handler is not None:
            handler(event)

    def _hand_over_text(self) -> None:
        pieces = self._run.take() if self._run is not None else []
        if pieces:
            for piece in pieces:
                self.delta.emit(piece)
            self.text.emit("".join(pieces))

    def _on_text_done(self, event: TextDone) -> None:
        self.last_tokens_per_second = event.completion.usage.tokens_per_second
        self.textDone.emit(event.completion)

    def _on_finished(self, result: TaskResult | None) -> None:
        self._hand_over_text()
        self._run = None
        self.busyChanged.emit(False)
        self.runFinished.emit(result)

    def _on_crashed(self, error: BaseException) -> None:  # a bug below: the window must survive it
        self._hand_over_text()
        self._run = None
        self.failed.emit(describe_error(error), "")
        self.busyChanged.emit(False)
        self.runFinished.emit(None)
