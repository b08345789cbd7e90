"""Run core work on a Python thread and hear about it on the GUI thread.

Core services are plain blocking Python (a generator of events, or a call that
returns a result). ``Worker`` runs one at a time on a daemon thread and relays
everything through a queued signal, so its public signals always fire on the
thread the Worker lives in (the GUI thread) however they are connected:
slots may touch widgets freely.

    worker.events(lambda: Translation(client, text, "zh"))   # each event -> worker.event
    worker.call(export, table, path)                          # return value -> worker.finished
    worker.cancel()                                           # from the GUI, any time
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

from deskmate.core.engines.errors import EngineError

_EVENT, _FINISHED, _FAILED = range(3)


def describe_error(error: BaseException) -> str:
    """What to tell the person: the core's own plain message, never a traceback."""
    if isinstance(error, EngineError):
        return str(error)  # written for people already (see core/engines/errors.py)
    if isinstance(error, PermissionError):
        name = error.filename or ""
        return QCoreApplication.translate(
            "Worker", "Deskmate is not allowed to write “{0}”. Choose another folder."
        ).format(name)
    if isinstance(error, OSError):
        name = error.filename or ""
        reason = error.strerror or str(error)
        return (
            QCoreApplication.translate("Worker", "Could not use “{0}”: {1}.").format(name, reason)
            if name
            else str(reason)
        )
    if isinstance(error, ValueError) and str(error):
        return str(error)  # the core raises ValueError with a sentence for the user
    detail = str(error) or type(error).__name__
    return QCoreApplication.translate("Worker", "Something went wrong: {0}").format(detail)


class Worker(QObject):
    """One job at a time off the GUI thread; ``busy`` until its last signal has been delivered."""

    event = Signal(object)  # one item from ``events()``
    finished = Signal(object)  # the result (a generator's return value, or ``result`` on the iterable)
    failed = Signal(object)  # the exception; show it with describe_error()
    cancelled = Signal()  # cancel() was asked; the job still ends with finished or failed

    _relay = Signal(int, object)

    def __init__(self, parent: QObject | None = None, name: str = "deskmate-worker") -> None:
        super().__init__(parent)
        self._name = name
        self._thread: threading.Thread | None = None
        self._running = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._cancel_hooks: list[Callable[[], None]] = []
        # Explicitly queued: the thread emits, this object's (GUI) thread delivers.
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._running

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Run ``fn(*args, **kwargs)``; its return value arrives as ``finished``. False when busy."""
        return self._start(lambda: self._send(_FINISHED, fn(*args, **kwargs)), None)

    def events(self, make: Callable[[], Iterable[Any]], cancel: Callable[[], None] | None = None) -> bool:
        """Call ``make()`` on the thread and send each item it yields as ``event``. False when busy.

        Cancelling calls ``cancel`` and the iterable's own ``cancel()`` when it has one;
        the iterable then ends by itself and its closing events still arrive. An iterable
        with no way to cancel is simply not read any further."""
        return self._start(lambda: self._iterate(make), cancel)

    def cancel(self) -> None:
        self._stop.set()
        with self._lock:
            hooks = list(self._cancel_hooks)
        for hook in hooks:
            hook()
        if self._running:
            self.cancelled.emit()

    def wait(self, timeout: float = 5.0) -> bool:
        """Join the thread (for closing a window); True when it has ended."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # --- the thread ---------------------------------------------------------
    def _start(self, body: Callable[[], None], cancel: Callable[[], None] | None) -> bool:
        if self._running:
            return False
        self._running = True
        self._stop.clear()
        with self._lock:
            self._cancel_hooks = [cancel] if cancel is not None else []

        def run() -> None:
            try:
                body()
            except BaseException as e:  # noqa: BLE001 - every failure must reach the GUI, not stderr
                self._send(_FAILED, e)

        self._thread = threading.Thread(target=run, name=self._name, daemon=True)
        self._thread.start()
        return True

    def _iterate(self, make: Callable[[], Iterable[Any]]) -> None:
        source = make()
        own_cancel = getattr(source, "cancel", None)
        if callable(own_cancel):
            with self._lock:
                self._cancel_hooks.append(own_cancel)
            if self._stop.is_set():  # Stop came while the job was being set up
                own_cancel()
        can_cancel = bool(self._cancel_hooks)
        iterator = iter(source)
        value: Any = None
        try:
            while True:
                if self._stop.is_set() and not can_cancel:
                    break
                try:
                    item = next(iterator)
                except StopIteration as end:
                    value = end.value
                    break
                if not self._send(_EVENT, item):
                    break
        finally:
            close = getattr(iterator, "close", None)
            if callable(close):
                close()  # runs the generator's cleanup (it cancels its model request)
        if value is None:
            value = getattr(source, "result", None)
        self._send(_FINISHED, value)

    def _send(self, kind: int, payload: object) -> bool:
        try:
            self._relay.emit(kind, payload)
            return True
        except RuntimeError:  # the view was deleted while we worked: nobody is listening
            self._cancel_quietly()
            return False

    def _cancel_quietly(self) -> None:
        self._stop.set()
        with self._lock:
            hooks = list(self._cancel_hooks)
        for hook in hooks:
            with contextlib.suppress(Exception):  # the owner is gone; nobody to tell
                hook()

    # --- the GUI thread -----------------------------------------------------
    def _deliver(self, kind: int, payload: object) -> None:
        if kind == _EVENT:
            self.event.emit(payload)
            return
        # Not busy any more before anyone hears of the end, so a slot may start the next job.
        self._running = False
        with self._lock:
            self._cancel_hooks = []
        if kind == _FINISHED:
            self.finished.emit(payload)
        else:
            self.failed.emit(payload)
