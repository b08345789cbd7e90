"""Whole-document tasks: a summary, meeting minutes -> action items -> a schedule, a weekly report from a
folder of notes, a table extracted from a long document. The text is read whole, not sampled.

    job = DocumentJob(library, ["minutes.docx"], kind="minutes", client=client)
    for event in job: ...   # Progress (part i of n), Delta (the final text as written), Notice, JobDone or Failed
    job.result              # JobResult: text with [n] citations, sources, and for minutes/table a core Table
    job.cancel()

Map-reduce: the document's paragraphs (the library's passages, numbered 1..N across the
files) are cut into parts that fit the model's context; each part is read on its own
(``map``), and the parts' notes are combined (``reduce``, repeated while they do not fit).
A document that fits in one part is answered in one step. Citations are paragraph
numbers throughout, renumbered at the end so that [n] is ``sources[n - 1]``. Action items
and table rows come back as JSON under a schema and are merged here, not by the model;
each is tied to the paragraph it came from by the words they share.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskmate.core.engines.base import Cancellable, ChatClient, Sampling, ScopedClient, msg
from deskmate.core.tables.model import Table, parse_date
from deskmate.core.tables.schema import table_schema
from deskmate.core.tasks.run import Delta, Failed, Notice, Progress

from . import grounding
from .answer import context_tokens, label, language_of
from .chunking import chunk_blocks, tokens
from .errors import DocsError
from .formats import format_of
from .library import Passage
from .scan import normalize

if TYPE_CHECKING:
    from .library import Library

KINDS = ("summary", "minutes", "report", "table")
MAP_TOKENS = 500  # one part's notes
FINAL_TOKENS = 700
PROMPT_TOKENS = 300
PART_TOKENS = 3000  # at most, even with a large context: smaller parts keep a small model on track
MAX_ITEMS = 15  # action items or table rows one part may give
MAX_ROWS = 200  # rows a whole-document table keeps

_CITE = {"en": "End each point with the numbers of the paragraphs it comes from, like [3] or [4][7].",
         "zh": "每一点后面用方括号标出它来自哪些段落的编号，例如 [3] 或 [4][7]。"}
PROMPTS: dict[str, dict[str, dict[str, str]]] = {
    "summary": {
        "en": {"system": "You summarise documents faithfully, using only what the text says.",
               "map": "Summarise these numbered paragraphs in at most 5 short bullet points. {cite}",
               "reduce": "These are notes on consecutive parts of one document. Combine them into one summary of "
                         "at most 8 short bullet points, in the document's order. Keep the paragraph numbers. "
                         "{cite}",
               "title": "Summary"},
        "zh": {"system": "你忠实地概括文档，只使用文中所写的内容。",
               "map": "用不超过5个简短的要点概括这些编号段落。{cite}",
               "reduce": "这些是同一文档连续各部分的笔记。把它们合并成一份不超过8个要点的摘要，按文档顺序排列，保留段落编号。{cite}",
               "title": "摘要"},
    },
    "report": {
        "en": {"system": "You write weekly work reports from a person's own notes, using only what the notes say.",
               "map": "List what these numbered notes say was done, what is in progress, problems, and next "
                      "steps, as short bullet points. {cite}",
               "reduce": "Write a weekly report from these notes with the headings Done, In progress, Problems "
                         "and Next week, as short bullet points under each. Leave out a heading with nothing "
                         "under it. {cite}",
               "title": "Weekly report"},
        "zh": {"system": "你根据用户自己的笔记撰写工作周报，只使用笔记中所写的内容。",
               "map": "用简短的要点列出这些编号笔记中已完成的工作、进行中的工作、问题和下一步计划。{cite}",
               "reduce": "根据这些笔记写一份周报，分为“本周完成”“进行中”“问题”“下周计划”几个部分，每部分用简短的要点。"
                         "没有内容的部分省略。{cite}",
               "title": "周报"},
    },
    "minutes": {
        "en": {"system": "You read meeting minutes and list the action items they record, using only what the "
                         "text says.",
               "map": "List every action item in these numbered paragraphs: what is to be done, who owns it, "
                      "and the due date exactly as written (empty when none is given).",
               "title": "Schedule", "columns": "Due|Action|Owner|Source", "draft": "Action items"},
        "zh": {"system": "你阅读会议纪要并列出其中记录的待办事项，只使用文中所写的内容。",
               "map": "列出这些编号段落中的每一项待办事项：要做什么、负责人、截止日期（按原文写，没有则留空）。",
               "title": "日程", "columns": "截止日期|事项|负责人|出处", "draft": "待办事项"},
    },
    "table": {
        "en": {"system": "You extract tables from documents, using only facts stated in the text; leave a cell "
                         "empty when the text does not say.",
               "map": "Extract a table from these numbered paragraphs. {about}",
               "same": "Use exactly these columns, in this order: {columns}. If the paragraphs have no such "
                       "rows, give one row of empty cells.",
               "title": "Table", "source": "Source"},
        "zh": {"system": "你从文档中提取表格，只使用文中写明的事实；文中没有说明的单元格留空。",
               "map": "从这些编号段落中提取一个表格。{about}",
               "same": "严格使用这些列，顺序不变：{columns}。如果这些段落中没有这样的行，给出一行空单元格。",
               "title": "表格", "source": "出处"},
    },
}

_ITEMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"items": {"type": "array", "maxItems": MAX_ITEMS, "items": {
        "type": "object",
        "properties": {"action": {"type": "string", "minLength": 1, "maxLength": 200},
                       "owner": {"type": "string", "maxLength": 80},
                       "due": {"type": "string", "maxLength": 40}},
        "required": ["action", "owner", "due"], "additionalProperties": False}}},
    "required": ["items"], "additionalProperties": False,
}


# ------------------------------------------------------------------ reading the documents


def document_passages(library: Library, paths: Sequence[str | os.PathLike[str]]) -> list[Passage]:
    """The paragraphs of these files (folders: every file the library reads in them, by name), in order.

    A file already in the library is read from the index (even when it has since been moved
    away); any other is parsed now (in the parser child, with its limits) without being added.
    """
    files: list[Path] = []
    for raw in paths:
        path = normalize(raw)
        if library.file_text(path):
            files.append(path)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and format_of(p) is not None
                           and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts))
            if not found:
                raise DocsError(f"{path} holds no file Deskmate can read (PDF, Word, Excel, PowerPoint, Markdown, "
                                "text or HTML).")
            files.extend(found)
        elif path.is_file():
            if format_of(path) is None:
                raise DocsError(f"{path.name}: Deskmate reads PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), "
                                "Markdown, text and HTML files; this one is none of those.")
            files.append(path)
        else:
            raise DocsError(f"{path} does not exist (or cannot be opened). Check the path and try again.")
    out: list[Passage] = []
    for path in files:
        indexed = library.file_text(path)
        if indexed:
            out.extend(indexed)
            continue
        parsed = library.parser().parse(path)  # DocumentError for a file it cannot read
        out.extend(Passage(-1, path, c.page, c.section, c.text, c.start, c.end) for c in chunk_blocks(parsed.blocks))
    if not out:
        raise DocsError("These documents have no text to work on (a scanned PDF needs text recognition first).")
    return out


def parts(passages: Sequence[Passage], budget: int, first: int = 1) -> list[list[tuple[int, Passage]]]:
    """Consecutive numbered paragraphs, grouped so that each group stays within ``budget`` tokens."""
    groups: list[list[tuple[int, Passage]]] = [[]]
    size = 0.0
    for n, p in enumerate(passages, first):
        t = tokens(p.text) + tokens(label(p)) + 4
        if groups[-1] and size + t > budget:
            groups.append([])
            size = 0.0
        groups[-1].append((n, p))
        size += t
    return groups


def _numbered(group: Sequence[tuple[int, Passage]]) -> str:
    return "\n\n".join(f"[{n}] {label(p)}\n{p.text}" for n, p in group)


def best_paragraph(text: str, group: Sequence[tuple[int, Passage]]) -> int | None:
    """The paragraph sharing the most content words with ``text`` (an action item, a table row)."""
    words = grounding.content_words(text)
    best, score = None, 0
    for n, p in group:
        shared = len(words & grounding.content_words(p.text))
        if shared > score:
            best, score = n, shared
    return best


# ------------------------------------------------------------------ result


@dataclasses.dataclass
class JobResult:
    kind: str
    title: str = ""
    text: str = ""  # the summary, report or action list; [n] is sources[n - 1]
    table: Table | None = None  # minutes: the schedule; table: the extracted table
    sources: list[Passage] = dataclasses.field(default_factory=list)
    paragraphs: int = 0
    parts: int = 0
    cancelled: bool = False
    notices: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0


@dataclasses.dataclass(frozen=True)
class JobDone:
    result: JobResult


# ------------------------------------------------------------------ the job


class DocumentJob(Cancellable):
    """One whole-document task over ``paths``. Iterate once for events; ``cancel()`` from any thread."""

    def __init__(self, library: Library, paths: Sequence[str | os.PathLike[str]], *, kind: str,
                 client: ChatClient, lang: str | None = None, about: str = "") -> None:
        super().__init__()
        if kind not in KINDS:
            raise DocsError(f"Unknown document task {kind!r}; use one of {', '.join(KINDS)}.")
        if not paths:
            raise DocsError("Give at least one file or folder to work on.")
        self.library = library
        self.paths = list(paths)
        self.kind = kind
        self.lang = lang
        self.about = about.strip()
        self._scope = ScopedClient(client)
        self._started = False
        self.result: JobResult | None = None

    def cancel(self) -> None:
        super().cancel()
        self._scope.cancel()

    def run(self) -> JobResult:
        for _ in self:
            pass
        assert self.result is not None
        return self.result

    def __iter__(self) -> Iterator[Any]:
        if self._started:
            raise RuntimeError("A document task can be read only once.")
        self._started = True
        t0 = time.monotonic()
        result = JobResult(self.kind)
        try:
            for event in self._body(result):
                if isinstance(event, Notice):
                    result.notices.append(event.text)
                yield event
        except Exception as e:  # every failure reaches the person as an event
            yield Failed(e, result.text)
        result.cancelled = result.cancelled or self._cancel.is_set()
        result.seconds = time.monotonic() - t0
        self.result = result

    # --- steps ------------------------------------------------------------------------------------
    def _body(self, result: JobResult) -> Iterator[Any]:
        passages = document_passages(self.library, self.paths)
        lang = self.lang or language_of(" ".join(p.text for p in passages[:20]))
        self.words = PROMPTS[self.kind]["zh" if lang.startswith("zh") else "en"]
        self._cite = _CITE["zh" if lang.startswith("zh") else "en"]
        result.title = self.words["title"]
        result.paragraphs = len(passages)
        context = context_tokens(self._scope.client)
        self._budget = max(400, min(PART_TOKENS, context - max(MAP_TOKENS, FINAL_TOKENS) - PROMPT_TOKENS))
        groups = parts(passages, self._budget)
        result.parts = len(groups)
        body = self._records if self.kind in ("minutes", "table") else self._text
        yield from body(result, passages, groups)
        result.cancelled = result.cancelled or self._cancel.is_set()
        yield JobDone(result)

    def _ask(self, instruction: str, material: str, max_tokens: int, schema: dict[str, Any] | None = None,
             stream_out: bool = False) -> Iterator[Any]:
        messages = [msg("system", self.words["system"]), msg("user", f"{instruction}\n\n{material}")]
        sampling = Sampling(temperature=0.2, max_tokens=max_tokens, repeat_penalty=1.0 if schema else 1.1)
        stream = self._adopt(self._scope.stream(messages, sampling, schema))
        try:
            for piece in stream:
                if stream_out:
                    yield Delta(piece)
            done = stream.result()
        finally:
            self._release(stream)
        return done

    def _text(self, result: JobResult, passages: list[Passage], groups: list[list[tuple[int, Passage]]]):
        steps = len(groups) if len(groups) == 1 else len(groups) + 1
        fmt = {"cite": self._cite}
        if len(groups) == 1:
            yield Progress(0, 1)
            done = yield from self._ask(self.words["reduce"].format(**fmt), _numbered(groups[0]), FINAL_TOKENS,
                                        stream_out=True)
            final = done.text
        else:
            notes = []
            for i, group in enumerate(groups):
                if self._cancel.is_set():
                    result.cancelled = True
                    return
                yield Progress(i, steps)
                done = yield from self._ask(self.words["map"].format(**fmt), _numbered(group), MAP_TOKENS)
                notes.append(done.text.strip())
            # Reduce: combine notes in order while they are too long for one request.
            while sum(tokens(n) for n in notes) > self._budget and len(notes) > 1:
                merged, batch, size = [], [], 0.0
                for note in notes:
                    if batch and size + tokens(note) > self._budget:
                        merged.append(batch)
                        batch, size = [], 0.0
                    batch.append(note)
                    size += tokens(note)
                merged.append(batch)
                if len(merged) == len(notes):
                    break  # each note alone is over budget: the final step takes what fits
                out = []
                for batch in merged:
                    if self._cancel.is_set():
                        result.cancelled = True
                        return
                    done = yield from self._ask(self.words["reduce"].format(**fmt), "\n\n".join(batch), MAP_TOKENS)
                    out.append(done.text.strip())
                notes = out
            if self._cancel.is_set():
                result.cancelled = True
                return
            yield Progress(steps - 1, steps)
            done = yield from self._ask(self.words["reduce"].format(**fmt), "\n\n".join(notes), FINAL_TOKENS,
                                        stream_out=True)
            final = done.text
        result.cancelled = done.finish_reason == "cancelled"
        self._finish_text(result, final.strip(), passages)

    def _finish_text(self, result: JobResult, text: str, passages: list[Passage]) -> None:
        cited = [n for n in grounding.cited_numbers(text) if 1 <= n <= len(passages)]
        order = sorted(cited)
        result.text = grounding.renumber(text, {old: new for new, old in enumerate(order, 1)})
        result.sources = [passages[n - 1] for n in order]

    def _records(self, result: JobResult, passages: list[Passage], groups: list[list[tuple[int, Passage]]]):
        rows: list[tuple[list[str], int | None]] = []  # cells, paragraph
        columns: list[str] | None = None
        for i, group in enumerate(groups):
            if self._cancel.is_set():
                result.cancelled = True
                return
            yield Progress(i, len(groups))
            if self.kind == "minutes":
                done = yield from self._ask(self.words["map"], _numbered(group), MAP_TOKENS, _ITEMS_SCHEMA)
                items = _json(done.text).get("items") or []
                for it in items:
                    action, owner, due = (str(it.get(k, "")).strip() for k in ("action", "owner", "due"))
                    if action:
                        rows.append(([due, action, owner], best_paragraph(f"{action} {owner} {due}", group)))
            else:
                ask = self.words["map"].format(about=self.about)
                if columns is not None:
                    ask += " " + self.words["same"].format(columns=", ".join(columns))
                width = len(columns) if columns else 8
                done = yield from self._ask(ask, _numbered(group), MAP_TOKENS * 2,
                                            table_schema(MAX_ITEMS, width))
                answer = _json(done.text)
                got = [str(c) for c in answer.get("columns") or []]
                if columns is None and got:
                    columns = got[:8]
                    result.title = str(answer.get("title") or "") or result.title
                for row in answer.get("rows") or []:
                    cells = [str(c).strip() for c in row][: len(columns or [])]
                    cells += [""] * (len(columns or []) - len(cells))
                    if any(cells):
                        rows.append((cells, best_paragraph(" ".join(cells), group)))
            if done.finish_reason == "cancelled":
                result.cancelled = True
                return
        self._finish_table(result, rows, columns, passages)

    def _finish_table(self, result: JobResult, rows: list[tuple[list[str], int | None]],
                      columns: list[str] | None, passages: list[Passage]) -> None:
        seen: set[tuple[str, ...]] = set()
        unique = []
        for cells, n in rows:
            key = tuple(" ".join(c.casefold().split()) for c in cells)
            if key not in seen:
                seen.add(key)
                unique.append((cells, n))
        unique = unique[:MAX_ROWS]
        if self.kind == "minutes":
            # The schedule: dated items first, by date; the rest in the order the minutes give them.
            def when(item: tuple[list[str], int | None]) -> tuple[int, str]:
                d = due_date(item[0][0])
                return (0, d) if d else (1, "")

            unique.sort(key=when)
            header = self.words["columns"].split("|")
        else:
            header = [*(columns or []), self.words["source"]]
        cited = sorted({n for _c, n in unique if n is not None})
        number = {old: new for new, old in enumerate(cited, 1)}
        result.sources = [passages[n - 1] for n in cited]
        body = []
        for cells, n in unique:
            where = "" if n is None else f"[{number[n]}] {label(passages[n - 1]).strip('()')}"
            body.append([*cells, where] if self.kind == "table" else [*cells[:3], where])
        result.table = Table.from_values(header, body, title=result.title)
        if self.kind == "minutes":
            lines = [f"- {c[1]} — {c[2] or '?'}{', ' + c[0] if c[0] else ''}" + (f" [{number[n]}]" if n else "")
                     for c, n in unique]
            result.text = f"{self.words['draft']}\n\n" + "\n".join(lines) if lines else ""
        else:
            from deskmate.core.tables.export import to_markdown

            result.text = to_markdown(result.table)


def due_date(text: str) -> str | None:
    """A due date as ISO text when it is a calendar date ("2026-12-08", "Dec 8, 2026", "2026年12月8日")."""
    d = parse_date(text.strip().rstrip(".。"))
    return d.isoformat() if d else None


def _json(text: str) -> dict[str, Any]:
    import json

    try:
        value = json.loads(text, strict=False)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


__all__ = ["DocumentJob", "JobDone", "JobResult", "KINDS", "document_passages", "parts"]
