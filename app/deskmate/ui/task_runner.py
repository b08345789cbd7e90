"""Runs one catalog task off the GUI thread and reports back through signals.

Text answers stream piece by piece; table tasks stream their JSON and then
become a Table; proofreading returns a ProofreadResult; an optional review pass
follows the answer. The views only connect to these signals.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from deskmate.core.engines.base import ChatClient, ChatStream, Sampling
from deskmate.core.engines.errors import EngineError
from deskmate.core.tasks import Task, render


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

    def __init__(self, client: ChatClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._stream: ChatStream | None = None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self.last_tokens_per_second = 0.0
        # Optional: task → the ChatClient to use (local, remote or auto with fallback).
        self.route = None
        self.active: ChatClient | None = client

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self, task: Task, values: dict[str, str], *, lang: str, creativity: float, review: bool) -> None:
        """Render now (errors are the caller's to show), then work on a thread."""
        if self.client is None or self.busy:
            return
        messages, sampling = render(task, values, lang=lang, creativity=creativity)
        self.active = self.route(task) if self.route is not None else self.client
        self._cancel.clear()
        self.started.emit(task.output)
        self.busyChanged.emit(True)
        if task.output == "diff":
            main = next((v.name for v in task.variables if v.multiline), task.variables[0].name)
            target = lambda: self._proofread(values.get(main, ""), sampling)  # noqa: E731
        elif task.output == "table":
            target = lambda: self._table(messages, sampling)  # noqa: E731
        else:
            schema = task.json_schema if task.output == "json" else None
            target = lambda: self._text(messages, sampling, schema, review)  # noqa: E731
        self._thread = threading.Thread(target=self._guard, args=(target,), name="task-runner", daemon=True)
        self._thread.start()

    def _guard(self, target) -> None:  # type: ignore[no-untyped-def]
        try:
            target()
        except EngineError as e:
            self.failed.emit(str(e), e.partial or (self._stream.text if self._stream else ""))
        except Exception as e:  # the window must survive whatever happens below
            self.failed.emit(f"Something went wrong: {e}", self._stream.text if self._stream else "")
        finally:
            self.busyChanged.emit(False)

    def _stream_text(self, messages, sampling: Sampling, schema=None):  # type: ignore[no-untyped-def]
        stream = self.active.stream(messages, sampling, schema)  # type: ignore[union-attr]
        self._stream = stream
        if self._cancel.is_set():
            stream.cancel()
        for piece in stream:
            self.delta.emit(piece)
        result = stream.result()
        self.last_tokens_per_second = result.usage.tokens_per_second
        return result

    def _text(self, messages, sampling: Sampling, schema, review: bool) -> None:  # type: ignore[no-untyped-def]
        result = self._stream_text(messages, sampling, schema)
        self.textDone.emit(result)
        if review and result.finish_reason != "cancelled" and result.text.strip() and not self._cancel.is_set():
            from deskmate.core.tasks.review import review as review_pass

            self.reviewDone.emit(review_pass(self.active, messages[-1]["content"], result.text, sampling=sampling))

    def _table(self, messages, sampling: Sampling) -> None:  # type: ignore[no-untyped-def]
        from deskmate.core.tables.generate import table_from_answer
        from deskmate.core.tables.schema import table_schema

        result = self._stream_text(messages, sampling.replace(max_tokens=max(sampling.max_tokens, 900)),
                                   table_schema(20, 8))
        if result.finish_reason == "cancelled":
            self.textDone.emit(result)
            return
        self.tableDone.emit(table_from_answer(result.text, 20, 8))

    def _proofread(self, text: str, sampling: Sampling) -> None:
        from deskmate.core.tasks.proofread import proofread

        self.proofreadDone.emit(proofread(self.active, text, sampling=sampling))  # type: ignore[arg-type]

    def stop(self) -> None:
        self._cancel.set()
        if self._stream is not None:
            self._stream.cancel()
        for client in {self.client, self.active} - {None}:
            client.cancel()

    def wait(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
