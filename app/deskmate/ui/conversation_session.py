"""The window's open conversation: begins and refines it through core/conversations and tells the
views when it changed. Turns save themselves as they run (on the worker thread)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from deskmate.core.conversations import Conversations, TurnRun
from deskmate.core.engines.base import ChatClient
from deskmate.core.store import StoreError
from deskmate.core.store.conversations import ConversationRecord, ConversationStore
from deskmate.core.tasks import Catalog, Task


class ConversationSession(QObject):
    changed = Signal(object)  # the open ConversationRecord, or None after "New"

    def __init__(self, store: ConversationStore, catalog: Catalog, lang: str = "en",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.talk = Conversations(store, catalog, lang=lang)
        self.current: ConversationRecord | None = None

    def set_language(self, lang: str) -> None:
        self.talk.lang = lang

    def begin(self, request: str, task: Task, values: dict[str, str], client: ChatClient,
              creativity: float | None = None) -> TurnRun:
        """A new conversation from a routed request (TaskInputError before anything is saved)."""
        turn = self.talk.begin(request, task, values, client=client, creativity=creativity)
        self._reload(turn.conversation_id)
        return turn

    def refine(self, instruction: str, client_for: Callable[[Task], ChatClient | None]) -> TurnRun:
        """A follow-up turn on the open conversation (NothingToRefineError when there is none)."""
        from deskmate.core.conversations import NothingToRefineError

        if self.current is None:
            raise NothingToRefineError("There is no answer yet to refine: ask something first.")
        turn = self.talk.refine(self.current.id, instruction, client=client_for)
        self._reload(turn.conversation_id)
        return turn

    def turn_finished(self) -> None:
        if self.current is not None:
            self._reload(self.current.id)

    def open(self, conversation_id: int) -> None:
        self._reload(conversation_id)

    def open_latest(self) -> None:
        try:
            latest = self.store.latest()
        except StoreError:
            return  # the drafts' own error already reaches the person at startup
        if latest is not None:
            self.current = latest
            self.changed.emit(latest)

    def new(self) -> None:
        self.current = None
        self.changed.emit(None)

    def _reload(self, conversation_id: int) -> None:
        self.current = self.store.get(conversation_id)
        self.changed.emit(self.current)
