"""The open conversation's turns (each can go into the draft; the whole exports), and the list of
past conversations with full-text search. The logic is core/conversations; these only show it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.conversations import export_conversation
from deskmate.core.store import StoreError
from deskmate.core.store.conversations import ConversationRecord, ConversationStore, TurnRecord
from deskmate.core.tasks import Catalog

from .pdf_export import write_pdf
from .retranslating import Retranslating
from .theme import set_tone, set_type

TURN_ROLE = Qt.ItemDataRole.UserRole + 1
CONVERSATION_ROLE = Qt.ItemDataRole.UserRole + 2
_ONE_LINE = 90


def _one_line(text: str, limit: int = _ONE_LINE) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class ConversationView(Retranslating, QWidget):
    turnChosen = Signal(object)  # TurnRecord: show its answer
    insertRequested = Signal(str)  # a turn's answer, for the draft

    def __init__(self, catalog: Catalog, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.lang = lang
        self.conversation: ConversationRecord | None = None
        self.live_turn: int | None = None  # the turn being written now (else "running" means interrupted)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        set_type(self.title, "title")
        self.turns = QListWidget()
        self.turns.setAccessibleName("Turns")
        self.turns.setWordWrap(True)
        self.turns.setAlternatingRowColors(True)
        self.insert_button = QPushButton()
        self.export_button = QPushButton()
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.insert_button)
        header.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.turns, 1)
        # A click or the arrow keys show a turn's answer; set_conversation moves the selection quietly.
        self.turns.currentItemChanged.connect(self._chosen)
        self.turns.itemClicked.connect(self._chosen)
        self.insert_button.clicked.connect(self.insert_selected)
        self.export_button.clicked.connect(self.export_file)
        self.retranslate()
        self.set_conversation(None)

    def retranslate(self) -> None:
        self.insert_button.setText(self.tr("Insert turn into draft"))
        self.insert_button.setToolTip(self.tr("Insert the selected turn's answer into the draft"))
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Export the conversation as Markdown, Word, HTML or PDF"))
        self.set_conversation(self.conversation)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.set_conversation(self.conversation)

    def set_conversation(self, conversation: ConversationRecord | None) -> None:
        same = (self.conversation is not None and conversation is not None and self.conversation.id == conversation.id
                and len(self.conversation.turns) == len(conversation.turns))
        keep = self.turns.currentRow() if same else -1
        self.conversation = conversation
        self.turns.blockSignals(True)
        self.turns.clear()
        self.turns.blockSignals(False)
        self.setVisible(conversation is not None and bool(conversation.turns))
        if conversation is None:
            self.title.setText("")
            return
        self.title.setText(self.tr("Conversation: {title}").format(title=conversation.title))
        # Chinese glyphs come from a fallback font taller than the list's own: sized by the list's
        # metrics alone, a turn's second line (its answer) is cut off.
        metrics = self.turns.fontMetrics()
        line = int(metrics.height() * 1.4)
        for turn in conversation.turns:
            text = self.turn_text(turn)
            item = QListWidgetItem(text)
            width = max(metrics.horizontalAdvance(part) for part in text.split("\n")) + 24
            item.setSizeHint(QSize(width, 2 * line + 6))
            item.setData(TURN_ROLE, turn)
            item.setToolTip(turn.text[:2000])
            self.turns.addItem(item)
        rows = self.turns.count()
        self.turns.blockSignals(True)
        self.turns.setCurrentRow(keep if 0 <= keep < rows else rows - 1)  # a new turn: the last one
        self.turns.blockSignals(False)

    def turn_text(self, turn: TurnRecord) -> str:
        task = self.catalog.task(turn.task_id).name.get(self.lang) if turn.task_id in self.catalog else turn.task_id
        kinds = {"text": self.tr("text"), "json": self.tr("data"), "table": self.tr("table"),
                 "diff": self.tr("changes"), "translation": self.tr("translation"),
                 "image-prompt": self.tr("drawing prompt")}
        states = {"running": self.tr("writing…") if turn.id == self.live_turn else self.tr("interrupted"),
                  "stopped": self.tr("stopped"), "failed": self.tr("failed")}
        head = f"{turn.position}. {_one_line(turn.request, 60)}   — {task} · {kinds.get(turn.kind, turn.kind)}"
        if turn.state in states:
            head += f" · {states[turn.state]}"
        answer = _one_line(turn.text) if turn.text.strip() else (turn.error or "…")
        return f"{head}\n    {answer}"

    def _chosen(self, item: QListWidgetItem | None, *_: object) -> None:
        if item is not None:
            self.turnChosen.emit(item.data(TURN_ROLE))

    def set_live_turn(self, turn_id: int | None) -> None:
        self.live_turn = turn_id
        self.set_conversation(self.conversation)

    def selected_turn(self) -> TurnRecord | None:
        item = self.turns.currentItem()
        return item.data(TURN_ROLE) if item is not None else None

    def insert_selected(self) -> None:
        turn = self.selected_turn()
        if turn is not None and turn.text.strip():
            self.insertRequested.emit(turn.text)

    def export_to(self, path: str) -> None:
        """Write the open conversation to ``path`` (.md, .docx, .html or .pdf); StoreError says what went wrong."""
        if self.conversation is None:
            raise StoreError("There is no conversation to export yet: ask something first.")
        export_conversation(self.conversation, path, lang=self.lang, pdf=write_pdf, catalog=self.catalog)

    def export_file(self) -> None:
        if self.conversation is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export conversation"), self.conversation.title[:60] + ".docx",
            self.tr("Word (*.docx);;PDF (*.pdf);;Markdown (*.md);;HTML (*.html)"))
        if not path:
            return
        try:
            self.export_to(path)
        except StoreError as e:
            QMessageBox.warning(self, self.tr("Export conversation"), str(e))


class ConversationsPanel(Retranslating, QWidget):
    """Past conversations, newest first; the search box finds words in requests and answers."""

    conversationOpened = Signal(int)

    def __init__(self, store: ConversationStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._stale = True
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search conversations")
        self.list = QListWidget()
        self.list.setAccessibleName("Conversations")
        self.list.setWordWrap(True)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        set_tone(self.empty, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self._pause = QTimer(self, singleShot=True, interval=200)
        self._pause.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._pause.start())
        self.list.itemActivated.connect(self._open)
        self.list.itemClicked.connect(self._open)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Read the list again; while the tab is hidden, only when it is next shown (start-up stays quick)."""
        self._stale = not self.isVisible()
        if self._stale:
            return
        query = self.search.text().strip()
        self.list.clear()
        try:
            if query:
                rows = [(h.conversation, h.snippet) for h in self.store.search(query)]
            else:
                rows = [(c, "") for c in self.store.list(limit=200)]
        except StoreError as e:
            self.empty.setText(str(e))
            self.empty.setVisible(True)
            return
        for conversation, snippet in rows:
            item = QListWidgetItem(conversation.title + (f"\n    {snippet}" if snippet else ""))
            item.setData(CONVERSATION_ROLE, conversation.id)
            self.list.addItem(item)
        self.empty.setText(self.tr("No conversation matches.") if query else
                           self.tr("Your conversations appear here: ask something in the box above."))
        self.empty.setVisible(not rows)

    def _open(self, item: QListWidgetItem) -> None:
        self.conversationOpened.emit(int(item.data(CONVERSATION_ROLE)))
