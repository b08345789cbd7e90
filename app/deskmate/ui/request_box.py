"""The request box: ask in your own words; the task it goes to shows as a chip you can change,
with why it was chosen. Enter runs it; once there is an answer, Enter refines it.

Routing is core/conversations (keyword pass as you type, the model at Enter when the keywords
are unsure); this widget only shows it and says what was asked.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QToolButton, QVBoxLayout, QWidget

from deskmate.core.conversations import Routed, route_request
from deskmate.core.engines.base import ChatClient
from deskmate.core.tasks import Catalog
from deskmate.core.tasks.routing import CONFIDENT

from .background import Worker, describe_error
from .retranslating import Retranslating
from .theme import set_tone, set_type

_TYPING_PAUSE_MS = 150


class RequestBox(Retranslating, QWidget):
    requestRouted = Signal(str, object)  # the request, its Routed (task, filled values, why)
    routedChanged = Signal(object)  # as you type: the Routed the request would run with now
    refineRequested = Signal(str)  # a follow-up turn for the open conversation
    newRequested = Signal()  # start over: the next request begins a new conversation

    def __init__(self, catalog: Catalog, lang: str = "en", client: Callable[[], ChatClient | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.lang = lang
        self.client = client or (lambda: None)
        self.routed: Routed | None = None
        self.override: str | None = None  # a task the person chose on the chip
        self.refining = False  # a conversation is open: Enter refines its last answer
        self.input = QLineEdit()
        self.input.setClearButtonEnabled(True)
        self.input.setAccessibleName("Request")
        set_type(self.input, "request")
        self.chip = QToolButton()
        self.chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.chip.setAccessibleName("Task for this request")
        set_tone(self.chip, "chip")
        self.chip.setMenu(QMenu(self.chip))
        self.chip.menu().aboutToShow.connect(self._fill_menu)  # built when opened: ~70 tasks cost start-up time
        self.new_button = QPushButton()
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.TextFormat.PlainText)
        set_tone(self.why, "muted")
        self.why.setAccessibleName("Why this task")
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.chip)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addLayout(row)
        layout.addWidget(self.why)
        self._pause = QTimer(self, singleShot=True, interval=_TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._route_as_typed)
        self._router = Worker(self, name="request-router")
        self._router.finished.connect(self._model_routed)
        self._router.failed.connect(lambda e: self._show_why_text(describe_error(e)))
        self._pending = ""
        self.input.textChanged.connect(self._typed)
        self.input.returnPressed.connect(self.submit)
        self.new_button.clicked.connect(self.start_over)
        self.retranslate()
        self._show()

    # --- language ------------------------------------------------------------------
    def retranslate(self) -> None:
        self.new_button.setText(self.tr("New"))
        self.new_button.setToolTip(self.tr("Start a new conversation"))
        self.chip.setToolTip(self.tr("The task this request goes to; click to choose another"))
        self._placeholder()
        self._show()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self._show()

    def _placeholder(self) -> None:
        if self.refining:
            self.input.setPlaceholderText(self.tr("Refine the answer: shorter, more formal, as a table, "
                                                  "in English…"))
        else:
            self.input.setPlaceholderText(self.tr("Ask in your own words, e.g. “Write a thank-you email to a "
                                                  "client” or “把这段话翻译成英文：…”"))

    # --- routing ---------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        if not self.refining:
            self._pause.start()

    def _route_as_typed(self) -> None:
        text = self.input.text().strip()
        # As you type: the keyword pass only (instant, free); the model is asked at Enter.
        self.routed = route_request(text, self.catalog, override=self.override) if text else None
        self._show()
        if self.routed is not None:
            self.routedChanged.emit(self.routed)

    def choose_task(self, task_id: str) -> None:
        """The chip: this request goes to ``task_id`` whatever the routing said."""
        self.override = task_id
        self._route_as_typed()

    def submit(self) -> None:
        text = self.input.text().strip()
        if not text or self._router.busy:
            return
        if self.refining:
            self.refineRequested.emit(text)
            return
        self._pause.stop()
        routed = route_request(text, self.catalog, override=self.override)
        unsure = routed.why.method == "default" or routed.why.confidence < CONFIDENT
        client = self.client()
        if self.override is None and unsure and client is not None:
            self._pending = text
            self.why.setText(self.tr("Choosing a task for your request…"))
            self._router.call(route_request, text, self.catalog, client)
            return
        self.routed = routed
        self._show()
        self.requestRouted.emit(text, routed)

    def _model_routed(self, routed: Routed) -> None:
        self.routed = routed
        self._show()
        if self._pending and self.input.text().strip() == self._pending:
            self.requestRouted.emit(self._pending, routed)
        self._pending = ""

    # --- conversation mode ----------------------------------------------------------
    def set_refining(self, refining: bool) -> None:
        """After a first answer, Enter refines it; ``start_over`` goes back to new requests."""
        self.refining = refining
        self.input.clear()
        self.override = None
        self.routed = None
        self._placeholder()
        self._show()

    def start_over(self) -> None:
        self.set_refining(False)
        self.newRequested.emit()
        self.input.setFocus()

    # --- showing ---------------------------------------------------------------------
    def _show(self) -> None:
        self.chip.setVisible(not self.refining)
        if self.refining:
            self.why.setText(self.tr("Each follow-up refines the last answer and keeps its form (a table stays a "
                                     "table) unless you ask for another."))
            return
        task = self.routed.task if self.routed else None
        self.chip.setText(task.name.get(self.lang) if task else self.tr("Task: automatic"))
        if self.routed is None:
            self.why.setText(self.tr("Deskmate picks the task from your words; the button shows which, and you can "
                                     "change it."))
            return
        self._show_why_text(self.why_text(self.routed))

    def _show_why_text(self, text: str) -> None:
        self.why.setText(text)

    def why_text(self, routed: Routed) -> str:
        why = routed.why
        if why.method == "override":
            return self.tr("Why this task: you chose it.")
        if why.method == "model" and why.words:
            return self.tr("Why this task: the model chose it for your request (it mentions “{words}”).").format(
                words="”, “".join(why.words))
        if why.method == "model":
            return self.tr("Why this task: the model chose it for your request; no keyword was sure.")
        if why.method == "keyword":
            return self.tr("Why this task: your request mentions “{words}”.").format(words="”, “".join(why.words))
        return self.tr("Why this task: nothing in the request points to a task, so it is answered as a question. "
                       "Click the button to choose another.")

    def _fill_menu(self) -> None:
        menu = self.chip.menu()
        menu.clear()
        alternatives = [t for t in (self.routed.alternatives if self.routed else ()) if t in self.catalog]
        for task_id in alternatives:
            self._menu_task(menu, task_id)
        if alternatives:
            menu.addSeparator()
        for category in self.catalog.categories:
            sub = menu.addMenu(category.name.get(self.lang))
            for task in category.tasks:
                self._menu_task(sub, task.id)
        if self.override is not None:
            menu.addSeparator()
            automatic = QAction(self.tr("Choose automatically again"), menu)
            automatic.triggered.connect(lambda _=False: self._clear_override())
            menu.addAction(automatic)

    def _menu_task(self, menu: QMenu, task_id: str) -> None:
        action = QAction(self.catalog.task(task_id).name.get(self.lang), menu)
        action.setData(task_id)
        action.triggered.connect(lambda _=False, t=task_id: self.choose_task(t))
        menu.addAction(action)

    def _clear_override(self) -> None:
        self.override = None
        self._route_as_typed()
