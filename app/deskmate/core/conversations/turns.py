"""Conversations: a first request, then turns that refine the last answer, each a TaskRun.

    talk = Conversations(ConversationStore(db), catalog, lang="en")
    turn = talk.begin("Write a slogan for a desk lamp", routed.task, routed.values, client=client)
    for event in turn: ...          # the TaskRun's events (a refined diff adds its ProofreadDone)
    turn = talk.refine(turn.conversation_id, "shorter", client=client)
    for event in turn: ...
    talk.store.get(turn.conversation_id).turns   # both turns, saved as they ran

A turn is saved before it runs and again when it ends, on whatever thread iterates it.
A refinement sends the first request's prompt, the last answer (as the assistant's) and the
instruction; it keeps the last answer's output kind unless the instruction asks for another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from deskmate.core.engines.base import ChatClient, Message, msg
from deskmate.core.store.conversations import ConversationStore, TurnRecord
from deskmate.core.tasks import Catalog, Task, render
from deskmate.core.tasks.run import (
    Event,
    Failed,
    ProofreadDone,
    TaskResult,
    TaskRun,
    TextDone,
    describe,
    main_variable,
)

from .refine import Refinement, refinement, refinement_prompt

TABLE_TASK = "table.make"
TRANSLATE_TASK = "translate.text"
PROOFREAD_TASK = "proofread.check"

ClientFor = ChatClient | Callable[[Task], ChatClient]


class NothingToRefineError(ValueError):
    """A follow-up turn needs an earlier answer."""


@dataclasses.dataclass(frozen=True)
class TurnPlan:
    """What one turn runs: a task, its values and, for a refinement, its own messages."""

    request: str
    task: Task  # the task whose kind, sampling and schema the run uses
    values: dict[str, str]
    kind: str  # the output kind the turn records
    messages: list[Message] | None = None  # None: the task's own prompt
    diff_from: str | None = None  # a refined diff: the text the new version is compared with


class TurnRun:
    """One turn of a conversation. Iterate once for events; ``cancel()`` from any thread."""

    def __init__(self, store: ConversationStore, conversation_id: int, plan: TurnPlan, client: ChatClient,
                 *, lang: str, creativity: float | None = None) -> None:
        self.store = store
        self.conversation_id = conversation_id
        self.plan = plan
        self.kind = plan.kind
        # Built first: a missing value (TaskInputError) reaches the caller before anything is saved.
        self.run = TaskRun(plan.task, plan.values, client=client, lang=lang, creativity=creativity,
                           messages=plan.messages)
        prompt = self.run.messages[-1]["content"] if self.run.messages else ""
        self.record = store.start_turn(conversation_id, request=plan.request, task_id=plan.task.id, kind=plan.kind,
                                       inputs=plan.values, prompt=prompt, source=plan.diff_from or "")
        self.result: TaskResult | None = None
        self._partial = ""
        self._diff: Any = None

    def cancel(self) -> None:
        self.run.cancel()

    def __iter__(self) -> Iterator[Event]:
        result: TaskResult | None = None
        try:
            for event in self.run:
                if isinstance(event, Failed):
                    self._partial = event.partial
                yield event
                if (self.plan.diff_from is not None and isinstance(event, TextDone)
                        and event.completion.finish_reason != "cancelled"):
                    yield self._as_diff(event.completion.text)
            result = self.run.result
        finally:
            result = result or self.run.result or TaskResult(self.plan.task.id, self.kind, cancelled=True)
            self.result = self._save(result)
        return self.result

    def _as_diff(self, text: str) -> ProofreadDone:
        from deskmate.core.tasks.proofread import build_result

        self._diff = build_result(self.plan.diff_from or "", text)
        return ProofreadDone(self._diff)

    def _save(self, result: TaskResult) -> TaskResult:
        if self.plan.diff_from is not None and self._diff is not None:
            result = dataclasses.replace(result, kind="diff", proofread=self._diff, text=self._diff.corrected)
        if result.error is not None:
            state, error = "failed", describe(result.error)
            text = result.text or self._partial
        else:
            state, error, text = ("stopped" if result.cancelled else "done"), "", result.text
        # A table is kept whole as its JSON (a two-step build's last answer holds only its rows), so the
        # next turn shows the model the table it refines.
        answer = result.table.to_json() if result.table is not None and not result.cancelled else result.answer
        self.record = self.store.finish_turn(self.record.id, text=text, answer=answer, state=state, error=error)
        return result


class Conversations:
    """Begin a conversation from a routed request; refine its last answer; everything saved."""

    def __init__(self, store: ConversationStore, catalog: Catalog, *, lang: str = "en") -> None:
        self.store = store
        self.catalog = catalog
        self.lang = lang

    def begin(self, request: str, task: Task, values: Mapping[str, str], *, client: ClientFor,
              creativity: float | None = None) -> TurnRun:
        plan = TurnPlan(request.strip(), task, dict(values), task.output)
        chosen = _client(client, task)
        TaskRun(task, plan.values, client=chosen, lang=self.lang)  # check the values before creating anything
        conversation = self.store.create(request)
        return TurnRun(self.store, conversation.id, plan, chosen, lang=self.lang, creativity=creativity)

    def refine(self, conversation_id: int, instruction: str, *, client: ClientFor) -> TurnRun:
        plan = self.plan_refinement(conversation_id, instruction)
        return TurnRun(self.store, conversation_id, plan, _client(client, plan.task), lang=self.lang)

    def plan_refinement(self, conversation_id: int, instruction: str) -> TurnPlan:
        conversation = self.store.get(conversation_id)
        answered = [t for t in conversation.turns if t.text.strip()]
        if not answered or not instruction.strip():
            raise NothingToRefineError("There is no answer yet to refine: ask something first."
                                       if not answered else "Say how the answer should change, e.g. “shorter”.")
        first, last = conversation.turns[0], answered[-1]
        change = refinement(instruction, last.kind)
        return self._plan(instruction.strip(), first, last, change)

    # --- plans ----------------------------------------------------------------------------
    def _plan(self, instruction: str, first: TurnRecord, last: TurnRecord, change: Refinement) -> TurnPlan:
        if change.kind == "translation" and change.target:
            task = self.catalog.task(TRANSLATE_TASK)
            return TurnPlan(instruction, task, {main_variable(task): last.text, "target": change.target},
                            "translation")
        if change.kind == "diff" and change.changes_kind:
            task = self.catalog.task(PROOFREAD_TASK)
            return TurnPlan(instruction, task, {main_variable(task): last.text}, "diff")
        task, values = self._task_of(last)
        if change.kind == "table" and change.changes_kind:
            task, values = self.catalog.task(TABLE_TASK), {"about": instruction}
        # The assistant's words as it wrote them: a table's JSON when a table follows a table.
        previous = last.answer if change.kind == last.kind == "table" and last.answer else last.text
        messages = self._history(first, previous) + [
            msg("user", refinement_prompt(instruction, last.kind, change.kind, self.lang))]
        runs_as = {"diff": "text", "translation": "text"}.get(change.kind, change.kind)
        if task.output != runs_as:
            task = task.model_copy(update={"output": runs_as})
        return TurnPlan(instruction, task, values, change.kind, messages,
                        diff_from=last.text if change.kind == "diff" else None)

    def _task_of(self, turn: TurnRecord) -> tuple[Task, dict[str, str]]:
        if turn.task_id in self.catalog:
            return self.catalog.task(turn.task_id), dict(turn.inputs)
        # A user task removed since: the refinement still runs, as a plain question.
        task = self.catalog.task("qa.open")
        return task, {main_variable(task): turn.request}

    def _history(self, first: TurnRecord, previous: str) -> list[Message]:
        task, values = self._task_of(first)
        try:
            system, user = render(task, values, lang=self.lang)[0]
            asked = first.prompt or user["content"]
        except ValueError:  # the task changed since: its stored prompt still says what was asked
            system, asked = render("qa.open", {"question": first.request}, lang=self.lang)[0][0], first.prompt
        return [system, msg("user", asked), msg("assistant", previous)]


def _client(client: ClientFor, task: Task) -> ChatClient:
    return client(task) if callable(client) and not hasattr(client, "stream") else client  # type: ignore[return-value]


__all__ = ["Conversations", "NothingToRefineError", "TurnPlan", "TurnRun"]


def turn_diff(turn: TurnRecord, catalog: Catalog) -> Any:
    """A saved proofreading turn as the ProofreadResult it showed (its corrected text against its
    source: the text it refined, else its task's main input); None when there is no source."""
    from deskmate.core.tasks.proofread import build_result

    source = turn.source
    if not source and turn.task_id in catalog:
        source = turn.inputs.get(main_variable(catalog.task(turn.task_id)), "")
    return build_result(source, turn.text) if source and turn.text.strip() else None
