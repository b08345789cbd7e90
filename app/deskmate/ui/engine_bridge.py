"""Carries engine status from the supervisor's threads to the GUI thread.

Core services call back on their own threads; a Qt signal emitted there is
queued to the receiver's (GUI) thread, so views never touch widgets off-thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from deskmate.core.engines.base import ChatClient


class EngineBridge(QObject):
    status = Signal(object)  # EngineStatus

    def __init__(self, client: ChatClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client

    def on_status(self, status: object) -> None:
        self.status.emit(status)  # called on engine threads
