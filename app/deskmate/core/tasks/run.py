"""Run one catalog task, whatever its output kind: the window, `deskmate write` and the
quick actions all get their answers here.

    run = TaskRun(task, values, client=client, lang="en", creativity=None, review=False)
    for event in run: ...   # Delta, Progress, Paragraph, Notice, TextDone, TableDone,
                            # ProofreadDone, TranslationDone, ReviewDone, Failed
    run.result              # TaskResult, set when iteration ends
    run.cancel()            # any thread: stops this run's requests and no others

The task is rendered in the constructor, so a missing or wrong variable (TaskInputError)
reaches the caller before anything runs. What goes wrong while running ends the events
with ``Failed`` (the text so far kept); iterating never raises it.

Every run ends with exactly one of TextDone (text and json answers, and any stopped run),
TableDone, ProofreadDone, TranslationDone or Failed; ReviewDone may follow TextDone.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Union

from deskmate.core.engines.base import ChatClient, ClientRun, Completion, Message, Usage
from deskmate.core.engines.errors import EngineError

from .render import needs, render, values_for
from .schema import Catalog, Task

# Tables: bounded so a small model cannot loop, with room for the JSON around the cells.
TABLE_ROWS = 20
TABLE_COLS = 8
TABLE_MIN_TOKENS = 900


# ------------------------------------------------------------------ events


@dataclasses.dataclass(frozen=True)
class Delta:
    """More of the answer as it is written (for a table, its JSON)."""

    text: str


@dataclasses.dataclass(frozen=True)
class Progress:
    """A translation started paragraph ``index`` (0-based) of ``total``."""

    index: int
    total: int


@dataclasses.dataclass(frozen=True)
class Paragraph:
    """A translated paragraph with its checks (glossary terms, numbers, kept source words)."""

    index: int
    paragraph: Any  # TranslatedParagraph


@dataclasses.dataclass(frozen=True)
class Notice:
    """Something the person should know that is not the answer."""

    text: str


@dataclasses.dataclass(frozen=True)
class TextDone:
    completion: Completion  # finish_reason "cancelled" when the run was stopped


@dataclasses.dataclass(frozen=True)
class TableDone:
    table: Any  # core.tables.Table
    check: Any = None  # core.tables.build.TableCheck: cells not in the source, rows dropped, counts short


@dataclasses.dataclass(frozen=True)
class ProofreadDone:
    result: Any  # ProofreadResult


@dataclasses.dataclass(frozen=True)
class TranslationDone:
    result: Any  # TranslationResult


@dataclasses.dataclass(frozen=True)
class ReviewDone:
    review: Any  # ReviewResult


@dataclasses.dataclass(frozen=True)
class Failed:
    error: BaseException
    partial: str  # the text that arrived before the failure

    @property
    def message(self) -> str:
        return describe(self.error)


Event = Union[Delta, Progress, Paragraph, Notice, TextDone, TableDone, ProofreadDone, TranslationDone, ReviewDone,
              Failed]


def describe(error: BaseException) -> str:
    """The plain words for a failure: the core's own sentence, or what happened."""
    if isinstance(error, (EngineError, ValueError)) and str(error):
        return str(error)  # both carry a sentence written for people
    return f"Something went wrong: {error or type(error).__name__}"


# ------------------------------------------------------------------ result


@dataclasses.dataclass
class TaskResult:
    task: str
    kind: str
    text: str = ""  # what the person reads: the answer, the table as Markdown, the corrected or translated text
    answer: str = ""  # what the model wrote (a table's JSON; "" for proofreading and translation)
    cancelled: bool = False
    completion: Completion | None = None
    table: Any = None
    table_check: Any = None  # TableCheck
    proofread: Any = None
    translation: Any = None
    review: Any = None
    notices: list[str] = dataclasses.field(default_factory=list)
    error: BaseException | None = None
    seconds: float = 0.0


# ------------------------------------------------------------------ the run


def _deltas(gen: Any) -> Iterator[Event]:
    """Each piece of text a generator yields as a Delta; its return value passed on."""
    while True:
        try:
            piece = next(gen)
        except StopIteration as stop:
            return stop.value
        yield Delta(piece)


def main_variable(task: Task) -> str:
    """The variable holding the text a diff or translation task works on."""
    return next((v.name for v in task.variables if v.multiline), task.variables[0].name)


class TaskRun(ClientRun):
    """One run of one task. Iterate once for events; ``cancel()`` from any thread."""

    def __init__(
        self,
        task: Task | str,
        values: Mapping[str, object] | None = None,
        *,
        client: ChatClient,
        lang: str = "en",
        creativity: float | None = None,
        review: bool = False,
        explain: bool = True,
        glossary: Mapping[str, str] | None = None,
        catalog: Catalog | None = None,
        messages: Sequence[Message] | None = None,
    ) -> None:
        super().__init__(client)
        if isinstance(task, str):
            if catalog is None:
                from .catalog import default_catalog

                catalog = default_catalog()
            task = catalog.task(task)
        self.task = task
        self.kind = task.output
        self.values = dict(values or {})
        self.lang = lang
        self.creativity = creativity
        self.review = review and self.kind in ("text", "json", "image-prompt")
        self.explain = explain  # proofreading: ask the model why each change was made
        self.glossary = dict(glossary or {})
        self.messages, self.sampling = render(task, self.values, lang=lang, creativity=creativity, catalog=catalog)
        self._turn = messages is not None
        if self._turn:  # a conversation's turn: the earlier answer and the person's instruction
            self.messages = list(messages)
        if self.kind == "table":
            # No repeat penalty: JSON punctuation repeats by nature.
            self.sampling = self.sampling.replace(max_tokens=max(self.sampling.max_tokens, TABLE_MIN_TOKENS),
                                                  repeat_penalty=1.0)
        self.target_language = self.source_language = None  # translations: the languages asked for
        if self.kind == "translation":
            self.target_language, self.source_language = self._languages()
        # Every request of this run goes through its own scope, so cancel() stops this run only.
        self.client = client
        self._text = ""

    def run(self) -> TaskResult:
        return super().run()  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Event]:
        self._start_once()
        t0 = time.monotonic()
        result = TaskResult(self.task.id, self.kind)
        body = {"table": self._table, "diff": self._diff, "translation": self._translation}.get(self.kind, self._answer)
        try:
            for event in body(result):
                if isinstance(event, Delta):
                    self._text += event.text
                elif isinstance(event, Notice):
                    result.notices.append(event.text)
                yield event
        except Exception as e:  # every failure reaches the person as an event, with the text so far
            partial = getattr(e, "partial", "") or getattr(e, "answer", "") or self._text
            result.error = e
            yield Failed(e, partial)
        result.cancelled = result.cancelled or self._cancel.is_set()
        result.seconds = time.monotonic() - t0
        self.result = result
        return result

    # --- the kinds ------------------------------------------------------------
    def _stream(self, schema: dict[str, Any] | None) -> Iterator[Event]:
        stream = self._adopt(self._scope.stream(self.messages, self.sampling, schema))
        for piece in stream:
            yield Delta(piece)
        return stream.result()

    def _answer(self, result: TaskResult) -> Iterator[Event]:
        schema = self.task.json_schema if self.kind == "json" else None
        done = yield from self._stream(schema)
        result.completion, result.text, result.answer = done, done.text, done.text
        result.cancelled = done.finish_reason == "cancelled"
        yield TextDone(done)
        if self.review and not result.cancelled and done.text.strip():
            from .review import ReviewError
            from .review import review as review_pass

            try:
                result.review = review_pass(self._scope, self.messages[-1]["content"], done.text,
                                            sampling=self.sampling)
            except ReviewError as e:
                yield Notice(str(e))
                return
            if not self._cancel.is_set():
                yield ReviewDone(result.review)

    def _table_request(self) -> Any:
        """What the table must be: table.make and table.extract from their fields; any other table task
        from its rendered prompt (columns it names; its ``count`` field, if any, as the row count)."""
        import dataclasses as dc

        from deskmate.core.tables.request import TableRequest, named_columns, read_request

        values = values_for(self.task, self.values, self.lang)
        text = lambda name: str(values.get(name) or "").strip()  # noqa: E731
        if self.task.id == "table.make":
            return read_request(text("about"), columns=text("columns"), rows=text("rows"))
        if self.task.id == "table.extract":
            # A routed request arrives whole ("根据下面的内容做表：…"): its instruction names columns or a count.
            asked = read_request(text("text"), columns=text("columns"), extract=True)
            if asked.source:
                return asked
            return dc.replace(read_request("", columns=text("columns"), extract=True), source=text("text"))
        prompt = str(self.messages[-1]["content"])
        count = text("count")
        rows = int(count) if count.isdigit() and 1 <= int(count) <= TABLE_ROWS else None
        return TableRequest(prompt, named_columns(prompt), rows)

    def _table(self, result: TaskResult) -> Iterator[Event]:
        from deskmate.core.tables.build import build_table
        from deskmate.core.tables.export import to_markdown

        if self._turn:
            yield from self._refined_table(result)
            return

        def ask(messages: list[Message], sampling: Any, schema: dict[str, Any]) -> Iterator[str]:
            stream = self._adopt(self._scope.stream(messages, sampling, schema))
            for piece in stream:
                yield piece
            return stream.result()

        system = self.messages[0]["content"] if self.messages and self.messages[0]["role"] == "system" else ""
        build = yield from _deltas(build_table(ask, self._table_request(), sampling=self.sampling,
                                               max_rows=TABLE_ROWS, max_cols=TABLE_COLS, system=str(system)))
        result.completion, result.answer = build.completion, build.answer
        if build.cancelled:
            done = build.completion or Completion("", Usage(None, 0, True, 0.0), "cancelled")
            result.cancelled, result.text = True, build.answer
            yield TextDone(done)
            return
        result.table, result.table_check = build.table, build.check
        result.text = to_markdown(build.table)
        for note in build.check.notes:
            yield Notice(note)
        yield TableDone(build.table, build.check)

    def _refined_table(self, result: TaskResult) -> Iterator[Event]:
        """A conversation's turn on a table: the earlier table (as JSON) and the instruction are in the
        messages, so the whole table comes back at once under the bounded table schema; the two steps
        read columns and a row count from a fresh request, which a turn like "add a column" is not."""
        from deskmate.core.tables.export import to_markdown
        from deskmate.core.tables.generate import table_from_answer
        from deskmate.core.tables.schema import table_schema

        done = yield from self._stream(table_schema(TABLE_ROWS, TABLE_COLS))
        result.completion, result.answer = done, done.text
        if done.finish_reason == "cancelled":
            result.cancelled, result.text = True, done.text
            yield TextDone(done)
            return
        result.table = table_from_answer(done.text, TABLE_ROWS, TABLE_COLS)
        result.text = to_markdown(result.table)
        yield TableDone(result.table)

    def _diff(self, result: TaskResult) -> Iterator[Event]:
        from .proofread import proofread

        t0 = time.monotonic()
        main = main_variable(self.task)

        def ask(paragraph: str) -> list[Message]:
            # The task's own system prompt and instruction, one paragraph at a time.
            return render(self.task, {**self.values, main: paragraph}, lang=self.lang, creativity=self.creativity)[0]

        checked = proofread(self._scope, str(self.values.get(main, "")), explain=self.explain,
                            sampling=self.sampling, ask=ask, lang=self.lang)
        if self._cancel.is_set():
            # Paragraphs cut short would read as dropped sentences: a stopped check changes nothing.
            result.cancelled = True
            yield TextDone(Completion("", Usage(None, 0, True, time.monotonic() - t0), "cancelled"))
            return
        result.proofread, result.text = checked, checked.corrected
        yield ProofreadDone(checked)

    def _languages(self) -> tuple[Any, Any]:
        from .langdetect import resolve_language

        fields = {v.name: v for v in self.task.variables}
        out = []
        for name in ("target", "source"):
            value = str(self.values.get(name) or "").strip()
            try:
                out.append(resolve_language(value) if value else None)
            except ValueError:
                raise needs("bad_language", self.task, [fields[name]], self.lang, value=value) from None
        if out[0] is None:
            raise needs("language", self.task, [fields["target"]], self.lang)
        return out[0], out[1]

    def _translation(self, result: TaskResult) -> Iterator[Event]:
        from .translate import Finished, ParagraphDelta, ParagraphDone, ParagraphStart, Translation

        text = values_for(self.task, self.values, self.lang)[main_variable(self.task)]
        job = self._adopt(Translation(self._scope, text, self.target_language, source=self.source_language,
                                     glossary=self.glossary))
        try:
            for event in job:
                if isinstance(event, ParagraphStart):
                    yield Progress(event.index, event.total)
                    if event.lead:
                        yield Delta(event.lead)
                elif isinstance(event, ParagraphDelta) and event.text:
                    yield Delta(event.text)
                elif isinstance(event, ParagraphDone):
                    yield Paragraph(event.index, event.paragraph)
                elif isinstance(event, Finished):
                    if event.trailing:
                        yield Delta(event.trailing)
                    result.translation, result.text = event.result, event.result.text
                    result.cancelled = event.result.cancelled
                    yield TranslationDone(event.result)
        finally:
            self._release(job)


__all__ = [
    "Delta",
    "Event",
    "Failed",
    "Notice",
    "Paragraph",
    "ProofreadDone",
    "Progress",
    "ReviewDone",
    "TABLE_COLS",
    "TABLE_MIN_TOKENS",
    "TABLE_ROWS",
    "TableDone",
    "TaskResult",
    "TaskRun",
    "TextDone",
    "TranslationDone",
    "describe",
    "main_variable",
]
