"""Carries engine status and streamed text from worker threads to the GUI thread.

Core services call back on their own threads; Qt signals emitted there are
queued to the receiver's (GUI) thread, so views never touch widgets off-thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from deskmate.core.engines.base import ChatClient, ChatStream, Message, Sampling
from deskmate.core.engines.errors import EngineError


class EngineBridge(QObject):
    status = Signal(object)  # EngineStatus
    delta = Signal(str)
    finished = Signal(object)  # Completion
    failed = Signal(str, str)  # message, partial text

    def __init__(self, client: ChatClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._stream: ChatStream | None = None
        self._thread: threading.Thread | None = None

    def on_status(self, status: object) -> None:
        self.status.emit(status)  # called on engine threads

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self, messages: Sequence[Message], sampling: Sampling) -> None:
        if self.client is None or self.busy:
            return
        stream = self.client.stream(messages, sampling)
        self._stream = stream

        def work() -> None:
            try:
                for piece in stream:
                    self.delta.emit(piece)
                self.finished.emit(stream.result())
            except EngineError as e:
                self.failed.emit(str(e), e.partial or stream.text)
            except Exception as e:  # keep the window alive whatever happens below
                self.failed.emit(f"Unexpected error: {e}", stream.text)

        self._thread = threading.Thread(target=work, name="engine-request", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._stream is not None:
            self._stream.cancel()

    def wait(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
