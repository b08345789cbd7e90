"""The session's current chat client, and engine status carried to the GUI thread.

Every view that asks a model reads ``bridge.client`` when it starts work (pass
``lambda: bridge.client`` where a view takes a client), so switching the engine
or choosing a remote server is one ``set_client`` call.

Core services call back on their own threads; a Qt signal emitted there is
queued to the receiver's (GUI) thread, so views never touch widgets off-thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from deskmate.core.engines.base import ChatClient

# A view's client: a fixed one, or a function that gives the current one (None: no model yet).
ClientSource = ChatClient | Callable[[], "ChatClient | None"]


def current_client(source: ClientSource | None) -> ChatClient | None:
    if source is None or hasattr(source, "stream"):
        return source  # type: ignore[return-value]
    return source()  # type: ignore[operator]


class EngineBridge(QObject):
    status = Signal(object)  # EngineStatus
    clientChanged = Signal(object)  # the new ChatClient, or None

    def __init__(self, client: ChatClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client

    def set_client(self, client: ChatClient | None) -> None:
        if client is not self.client:
            self.client = client
            self.clientChanged.emit(client)

    def on_status(self, status: object) -> None:
        self.status.emit(status)  # called on engine threads
