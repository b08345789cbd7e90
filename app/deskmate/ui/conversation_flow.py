"""Between the request box, the open conversation and the window's task page: a routed request
fills the task's fields and runs as a conversation's first turn; a follow-up runs as a turn on
the same runner; a chosen turn shows its answer again in the result area."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from deskmate.core.conversations import NothingToRefineError, Routed, TurnRun, turn_diff
from deskmate.core.store import StoreError
from deskmate.core.store.conversations import ConversationRecord, TurnRecord
from deskmate.core.tasks import TaskInputError


class ConversationFlow(QObject):
    def __init__(self, window: Any) -> None:  # the MainWindow (not imported: it imports this module)
        super().__init__(window)
        self.w = window
        self.running = False  # a turn of ours is on the runner
        box, session, view = window.request_box, window.session, window.conversation_view
        box.requestRouted.connect(self.ask)
        box.routedChanged.connect(self.preview)
        box.refineRequested.connect(self.refine)
        box.newRequested.connect(session.new)
        session.changed.connect(self._changed)
        view.turnChosen.connect(self.show_turn)
        view.insertRequested.connect(window.draft_editor.insert_text)
        window.conversations_panel.conversationOpened.connect(self.open)
        window.runner.runFinished.connect(self._finished)

    def preview(self, routed: Routed) -> None:
        """As the request is typed: its task's form, with the fields the request fills."""
        if not self.w.runner.busy:
            self._fill_form(routed)

    def _fill_form(self, routed: Routed) -> None:
        w = self.w
        task = routed.task
        if w.form.task is None or w.form.task.id != task.id or w.work.currentWidget() is not w.task_page:
            w.sidebar.tree.blockSignals(True)  # the tree follows without switching to the task's own view
            w.sidebar.select(task.id)
            w.sidebar.tree.blockSignals(False)
            w.work.setCurrentWidget(w.task_page)
            for name in list(w.form.fields):
                w.form.set_value(name, "")  # a new request starts from empty fields, not the last one's words
            w.form.set_task(task, w.lang)
        for name in w.form.fields:
            w.form.set_value(name, routed.values.get(name, ""))

    def ask(self, request: str, routed: Routed) -> None:
        """The first turn: the routed task's form, filled from the request, run as a new conversation."""
        w = self.w
        if w.runner.busy:
            return
        task = routed.task
        self._fill_form(routed)
        w.notice.setVisible(False)
        client = w.runner.client_for(task)
        if client is None:
            self._no_model()
            return
        try:
            turn = w.session.begin(request, task, w.form.values(), client, creativity=w.form.creativity_value())
        except TaskInputError as e:
            w._show_notice(str(e), error=True)  # the fields stay filled: complete them and press Run
            return
        self._start(turn)
        w.request_box.set_refining(True)

    def refine(self, instruction: str) -> None:
        w = self.w
        if w.runner.busy:
            return
        if w.runner.client_for(w.catalog.task("qa.open")) is None:
            self._no_model()
            return
        try:
            turn = w.session.refine(instruction, w.runner.client_for)
        except (NothingToRefineError, TaskInputError, StoreError) as e:
            w._show_notice(str(e), error=True)
            return
        w.request_box.input.clear()
        self._start(turn)

    def _no_model(self) -> None:
        self.w._show_notice(QCoreApplication.translate(
            "ConversationFlow", "No model is ready yet: wait for the engine, or choose a model below."), error=True)

    def _start(self, turn: TurnRun) -> None:
        self.running = True
        self.w.conversation_view.set_live_turn(turn.record.id)
        self.w.work.setCurrentWidget(self.w.task_page)
        self.w.runner.start(turn, turn.kind)

    def _finished(self, _result: object) -> None:
        if self.running:
            self.running = False
            self.w.conversation_view.live_turn = None
            self.w.session.turn_finished()
            self.w.conversations_panel.refresh()

    def open(self, conversation_id: int) -> None:
        try:
            self.w.session.open(conversation_id)
        except StoreError as e:
            self.w._show_notice(str(e), error=True)

    def _changed(self, conversation: ConversationRecord | None) -> None:
        self.w.conversation_view.set_conversation(conversation)
        if conversation is None:
            self.w.request_box.set_refining(False)
            return
        if not self.running and conversation.turns:
            self.w.request_box.set_refining(True)
            self.show_turn(conversation.turns[-1])

    def show_turn(self, turn: TurnRecord) -> None:
        """A turn's saved answer in the result area, in its own form (text, grid or changes)."""
        w = self.w
        if w.runner.busy:
            return
        w.work.setCurrentWidget(w.task_page)
        w.notice.setVisible(False)
        w.speed_label.setText("")
        if turn.kind == "table" and turn.text.strip():
            from deskmate.core.tables import parse_table

            try:
                w.table_editor.set_table(parse_table(turn.answer or turn.text))
                w.results.setCurrentWidget(w.table_editor)
                return
            except ValueError:
                pass  # an answer that never became a table: its text below
        diff = turn_diff(turn, w.catalog) if turn.kind == "diff" else None
        if diff is not None:
            w.proofread_view.set_result(diff)
            w.results.setCurrentWidget(w.proofread_view)
            return
        w.output.setPlainText(turn.text or turn.error)
        w.results.setCurrentWidget(w.output)
        if turn.state == "running":
            w._show_notice(QCoreApplication.translate(
                "ConversationFlow", "This turn was interrupted: Deskmate stopped while it was being written. "
                "Ask again to get an answer."))
