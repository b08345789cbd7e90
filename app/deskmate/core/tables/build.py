"""Make a table in two steps, each under a schema that fixes what the request already settled.

1. The columns: the ones the request names, exactly as written; otherwise the model picks 2–5 under a
   small schema (and an unusable pick — numbers, repeats — gives way to the request's own attributes).
2. The rows: a schema whose row items are objects with exactly those columns as keys, and, when the
   request states a count, ``minItems == maxItems == count``. A row repeating the header, an empty or
   a duplicate row (its key, the first cell, already taken) is dropped, and the missing rows are asked
   for again one at a time (the built-in model repeats itself within one answer) — the taken keys and
   the column names excluded by the key cell's schema itself, at a rising temperature — while that still
   adds rows, at most ``MAX_TOP_UPS`` times and ``TOP_UP_SECONDS``.
   When the request states the rows as a range ("January to June", "2019–2024", "周一到周五") the keys
   are known: the schema is an object with exactly those keys, in order, and the model writes only the
   other cells of each.

Extraction works one entity at a time: the text is cut into its entities (lines, then ``;``, then
sentences), and each becomes one row whose cells must be words of that entity's text (an ``enum`` of
its word spans). A server that ignores schemas can still write anything, so every cell is checked
against the source afterwards and the ones not found are listed in ``TableCheck.unfound``.

Each request's token budget is what its rows need, capped by the caller's ``sampling.max_tokens``; an
answer cut off there keeps its complete rows. ``build_table`` is a generator: it yields the model's text as it streams and returns a ``TableBuild``.
``ask(messages, sampling, schema)`` is a generator too (yielding text, returning the Completion), so the
task run can stream and cancel through its own client.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import time
import unicodedata
from collections.abc import Callable, Generator, Sequence
from typing import Any, Literal

from deskmate.core.engines.base import ChatClient, Completion, Message, Sampling, msg

from .model import Table
from .parse import TableParseError, _repair_truncated
from .request import TableRequest, suggested_columns
from .schema import CELL_CHARS, EDGE_CHARS, NAME_CHARS, not_one_of

Ask = Callable[[list[Message], Sampling, dict[str, Any]], Generator[str, None, Completion]]

MODEL_COLUMNS = (2, 5)  # how many columns the model may choose
UNSTATED_ROWS = 10  # at most this many rows when the request states no count
MAX_TOP_UPS = 12  # asks for a row still missing after dropping header repeats and duplicates…
TOP_UP_SECONDS = 60.0  # …started within this long after the first answer, and stopped after two that add none
KEY_CHARS = 32  # a row's key cell (its name, the first column)
MAX_SPANS = 160  # word spans of one entity offered as cell values
SPAN_WORDS = 6
SPAN_CJK = 10

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_SPLITTERS = ",，;；:：。!?！？、"
_TOKEN = re.compile(
    rf"(?P<num>[$€£¥￥]?\d+(?:[.,:/-]\d+)*%?)|(?P<cjk>[{_CJK}])|(?P<word>[^\W\d_{_CJK}](?:[\w'’&.-]*[^\W_{_CJK}])?)|\S"
)


class TableGenerationError(TableParseError):
    """No usable table came of the request; the message says why in plain words. ``answer`` is what
    the model wrote."""

    def __init__(self, message: str, answer: str = "") -> None:
        super().__init__(message)
        self.answer = answer


@dataclasses.dataclass
class TableCheck:
    request: TableRequest
    columns_from: Literal["request", "model", "suggested"]
    rows_asked: int | None  # the count the request stated
    unfound: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (row, column) not in the source
    dropped: int = 0  # rows dropped: header repeats, empty or duplicate rows
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unfound and not self.notes


@dataclasses.dataclass
class TableBuild:
    table: Table | None  # None when cancelled
    check: TableCheck
    answer: str = ""  # everything the model wrote, for diagnosis
    cancelled: bool = False
    completion: Completion | None = None  # the last request's


# ------------------------------------------------------------------ schemas


def columns_schema(low: int = MODEL_COLUMNS[0], high: int = MODEL_COLUMNS[1]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"columns": {"type": "array", "items": {"type": "string", "minLength": 1,
                                                              "maxLength": NAME_CHARS},
                                   "minItems": low, "maxItems": high}},
        "required": ["columns"],
        "additionalProperties": False,
    }


def row_item_schema(columns: Sequence[str], cells: dict[str, Any] | None = None) -> dict[str, Any]:
    """One row: an object with exactly ``columns`` as keys, in order."""
    cell = cells or {"type": "string", "maxLength": CELL_CHARS}
    return {"type": "object", "properties": {c: cell for c in columns}, "required": list(columns),
            "additionalProperties": False}


def rows_schema(columns: Sequence[str], low: int, high: int, taken: Sequence[str] = ()) -> dict[str, Any]:
    """``low``–``high`` rows; the first cell (the row's key) is none of ``taken`` (keys already in the
    table, column names), compared without case."""
    item = row_item_schema(columns)
    if taken and columns:
        item["properties"][columns[0]] = {"type": "string", "pattern": not_one_of(list(taken), KEY_CHARS),
                                          "maxLength": KEY_CHARS}
    return {
        "type": "object",
        "properties": {"rows": {"type": "array", "items": item, "minItems": low, "maxItems": high}},
        "required": ["rows"],
        "additionalProperties": False,
    }


def keyed_rows_schema(others: Sequence[str], keys: Sequence[str]) -> dict[str, Any]:
    """Rows whose keys are known: ``{"rows": {key: {column: cell, …}, …}}`` with exactly ``keys`` in
    order, each row's other cells non-empty."""
    cell = {"type": "string", "minLength": 1, "maxLength": CELL_CHARS}
    return {
        "type": "object",
        "properties": {"rows": {"type": "object", "properties": {k: row_item_schema(others, cell) for k in keys},
                                "required": list(keys), "additionalProperties": False}},
        "required": ["rows"],
        "additionalProperties": False,
    }


# ------------------------------------------------------------------ checks


def _norm(text: str) -> str:
    """Full-width forms as their ASCII ones (NFKC), no case, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold().strip(" .:：")


def same_cell(text: str) -> str:
    """What two cells that say the same thing have in common: "New York", "new  york", "ＮｅｗＹｏｒｋ"."""
    return "".join(_norm(text).split()).strip(EDGE_CHARS)


def repeats_header(row: Sequence[str], columns: Sequence[str]) -> bool:
    """The row is the header again: at least half its cells are column names, and two of them when the
    table has two columns or more (a person called "Name" is a row; "Name | Company" is the header)."""
    names = {same_cell(c) for c in columns}
    hits = sum(1 for cell in row if cell.strip() and same_cell(cell) in names)
    return hits >= max(min(2, len(columns)), math.ceil(len(columns) / 2))


def unfound_cells(table: Table, source: str) -> list[tuple[int, int]]:
    """(row, column) of every non-empty cell whose text does not occur in ``source``."""
    hay = _norm(source)
    return [(r, c) for r, row in enumerate(table.rows) for c, cell in enumerate(row)
            if cell.strip() and _norm(cell) not in hay]


def _usable_columns(names: Sequence[object], max_cols: int) -> list[str]:
    out: list[str] = []
    for raw in names:
        name = " ".join(str(raw).split()).strip(" .:：|")
        if not name or not any(ch.isalpha() for ch in name) or re.fullmatch(r"(?i)col(umn)?\s*\d*", name):
            continue
        if name.casefold() not in (o.casefold() for o in out):
            out.append(name)
    return out[:max_cols]


# ------------------------------------------------------------------ entities and spans


def entity_segments(source: str, limit: int = 100) -> list[str]:
    """The entities of a text, one a piece: lines, else ``;``-parts, else sentences. A lead-in ending in a
    colon ("Our suppliers:") is not an entity."""
    text = source.strip()
    lines = [re.sub(r"^\s*(?:[-*•·]|\d{1,3}[.)、])\s*", "", ln).strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.endswith((":", "："))]
    if len(lines) >= 2:
        return lines[:limit]
    m = re.match(r"^[^:：\n]{1,60}[:：]\s*", text)
    body = text[m.end():] if m else text
    for pattern in (r"\s*[;；]\s*", r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])"):
        parts = [p.strip().rstrip("。.;；") for p in re.split(pattern, body) if p.strip().rstrip("。.;；")]
        if len(parts) >= 2:
            return parts[:limit]
    return [text.rstrip("。.")] if text else []


def word_spans(text: str, limit: int = MAX_SPANS) -> list[str]:
    """Pieces of ``text`` a cell may copy: runs of up to a few words (CJK: characters) that do not cross
    a comma, semicolon or sentence end, exactly as they are written there. Shortest first."""
    tokens = [(m.start(), m.end(), m.lastgroup) for m in _TOKEN.finditer(text)]
    found: dict[str, int] = {}
    for i, (start, _, kind) in enumerate(tokens):
        if kind is None:
            continue
        words = 0
        for j in range(i, len(tokens)):
            s, e, k = tokens[j]
            if k is None and text[s:e] in _SPLITTERS:
                break
            if k is not None:
                words += 1
                if words > (SPAN_CJK if k == "cjk" else SPAN_WORDS):
                    break
                span = text[start:e]
                found.setdefault(span, len(span))
    return sorted(found, key=lambda s: (found[s], s))[:limit]


# ------------------------------------------------------------------ prompts


def _lines(lang: str) -> dict[str, str]:
    if lang == "zh":
        return {
            "columns": "你为表格选择列。用 JSON 回答：\"columns\" 列出 2 到 5 个简短的列名，标识列放在第一列。列名用请求的语言。",
            "rows": "你填写表格。用 JSON 回答：\"rows\" 的每一项是一行，给每一列填一个简短的值。不要重复列名，不要写空行。",
            "extract": "你把文字中的事实抄进表格的一行。每一列选出原文中给出该值的词语；原文没有的填空字符串。",
            "columns_extract": "你为从文字中提取的表格选择列。用 JSON 回答：\"columns\" 列出 2 到 5 个简短的列名。",
        }
    return {
        "columns": "You choose the columns of a table. Reply with JSON: \"columns\" lists 2 to 5 short column names, "
                   "the identifying column first, in the language of the request.",
        "rows": "You fill in tables. Reply with JSON: each item of \"rows\" is one row with a short value for every "
                "column. Do not repeat the column names and do not write empty rows.",
        "extract": "You copy facts from a text into one table row. For each column choose the words of the text that "
                   "give its value, or an empty string when the text does not say.",
        "columns_extract": "You choose the columns of a table extracted from a text. Reply with JSON: \"columns\" lists "
                           "2 to 5 short column names.",
    }


def _rows_budget(columns: Sequence[str], n: int) -> int:
    per_row = sum(len(c) // 2 + 4 for c in columns) + 14 * len(columns) + 4
    return min(4096, 48 + per_row * n)


def _title(request: TableRequest) -> str:
    text = request.text or request.source
    text = re.sub(r"(?i)^(?:please\s+)?(?:make|create|build|draw)\s+(?:me\s+)?(?:a\s+)?table\s*(?:of|with|for|:)?\s*",
                  "", text.strip())
    text = re.sub(r"^(?:请)?(?:帮我)?(?:做|制作|生成|列)(?:一)?(?:个|张)?(?:表格|表)[:：，,]?\s*", "", text)
    return text.strip(" .。:：")[:60]


# ------------------------------------------------------------------ the build


def build_table(
    ask: Ask,
    request: TableRequest,
    *,
    sampling: Sampling,
    max_rows: int = 20,
    max_cols: int = 8,
    system: str = "",
) -> Generator[str, None, TableBuild]:
    """Columns, then rows (or one row per entity for an extraction). See the module docstring."""
    if request.extract and not request.source.strip():
        raise TableGenerationError("There is no text to extract a table from. Paste the text after the request.")
    if not request.extract and not request.text.strip():
        raise TableGenerationError("Say what the table should contain, for example “3 fruits with colour and price”.")
    lang = request.lang
    words = _lines(lang)
    prefix = f"{system}\n" if system else ""
    answer: list[str] = []
    last: list[Completion] = []

    def call(messages: list[Message], s: Sampling, schema: dict[str, Any]) -> Generator[str, None, Any]:
        done = yield from ask(messages, s, schema)
        last[:] = [done]
        answer.append(done.text)
        if done.finish_reason == "cancelled":
            return None
        try:
            return json.loads(done.text, strict=False)
        except ValueError:  # cut off by the token limit: keep the rows that are complete
            start = done.text.find("{")
            return (_repair_truncated(done.text, start) if start >= 0 else None) or {}

    check = TableCheck(request, "request", request.rows)
    columns = list(request.columns[:max_cols])
    if not columns and not request.extract:
        # "… with their length and the sea they flow into", "…及其用途": the request says what the columns
        # are about, and a small model's own pick is often row values (measured: "Suez Canal, Yemen River…").
        hinted = suggested_columns(request.text, fallback=False)[:max_cols]
        if hinted:
            columns, check.columns_from = list(hinted), "suggested"
    if not columns:
        ask_text = request.source[:1200] if request.extract else request.text
        intro = words["columns_extract" if request.extract else "columns"]
        got = yield from call([msg("system", prefix + intro), msg("user", ask_text)],
                              sampling.replace(max_tokens=24 + 12 * MODEL_COLUMNS[1], temperature=0.2),
                              columns_schema(MODEL_COLUMNS[0], min(MODEL_COLUMNS[1], max_cols)))
        if got is None:
            return TableBuild(None, check, "".join(answer), True, last[0])
        columns = _usable_columns(got.get("columns", []) if isinstance(got, dict) else [], max_cols)
        spans = {_norm(w) for w in word_spans(request.source, limit=100_000)} if request.extract else set()
        copied = [c for c in columns if _norm(c) in spans]
        if len(copied) * 2 >= len(columns) > 0 or any(len(c.split()) >= 2 for c in copied):
            # Names copied from the text are its entries ("Acme Ltd, Bolt Inc, Crane Co"; measured on the
            # built-in model), not the kinds of fact about them.
            columns = []
        check.columns_from = "model"
        if len(columns) < 2:
            columns = list(suggested_columns(request.text or request.source))[:max_cols]
            check.columns_from = "suggested"
    if not request.extract and check.columns_from != "request":
        columns = with_key_column(request, columns, max_cols)
    if request.extract:
        rows = yield from _extract_rows(call, request, columns, sampling, words["extract"], prefix, max_rows, check)
    else:
        rows = yield from _make_rows(call, request, columns, sampling, words["rows"], prefix, max_rows, check, lang)
    if rows is None:
        return TableBuild(None, check, "".join(answer), True, last[0] if last else None)
    if not rows:
        raise TableGenerationError("The model wrote no usable rows this time. Try again, or phrase the request more simply.",
                              "".join(answer))
    table = Table.from_values(columns, rows, _title(request))
    table.columns = table.columns[: len(columns)]
    for col, name in zip(table.columns, columns):
        col.name = name  # exactly as asked: Table.from_values would rename only blanks and repeats
    if request.extract:
        check.unfound = unfound_cells(table, request.source)
        if check.unfound:
            n = len(check.unfound)
            check.notes.append(f"{n} cell{'s' if n > 1 else ''} of the table {'are' if n > 1 else 'is'} not in the text "
                               "and may be made up: check them before using the table.")
    return TableBuild(table, check, "".join(answer), False, last[0] if last else None)


def _cells(item: object, columns: Sequence[str]) -> list[str]:
    if isinstance(item, dict):
        if any(c not in item for c in columns):
            return []  # the schema requires every column: a row without some was cut off
        return [" ".join(str(item.get(c, "")).split()) for c in columns]
    if isinstance(item, list):
        return ([" ".join(str(v).split()) for v in item] + [""] * len(columns))[: len(columns)]
    return []


def _make_rows(call, request, columns, sampling, intro, prefix, max_rows, check, lang):  # type: ignore[no-untyped-def]
    wanted = min(request.rows, max_rows) if request.rows else None
    if request.rows and request.rows > max_rows:
        check.notes.append(f"The request asks for {request.rows} rows; the table is limited to {max_rows}.")
    key = key_column(request, columns)
    if key is not None and wanted == len(request.keys):
        rows = yield from _keyed_rows(call, request, columns, key, sampling, intro, prefix, check, lang)
    else:
        rows = yield from _asked_rows(call, request, columns, wanted, sampling, intro, prefix, max_rows, check, lang)
    if rows is not None and wanted and len(rows) < wanted:
        check.notes.append(f"The request asks for {wanted} rows; the model gave {len(rows)} usable ones.")
    return rows


class _Asks:
    """The first ask for rows and the top-ups after it: while rows are missing, at most ``MAX_TOP_UPS``
    top-ups, none started ``TOP_UP_SECONDS`` after the first answer, none after two top-ups in a row that
    added nothing."""

    def __init__(self) -> None:
        self.attempt, self.idle, self.started = 0, 0, 0.0

    def more(self, missing: int) -> bool:
        if missing <= 0 or self.attempt > MAX_TOP_UPS or self.idle >= 2:
            return False
        return not self.attempt or time.monotonic() - self.started <= TOP_UP_SECONDS

    def sampling(self, sampling: Sampling) -> Sampling:
        """Hotter each top-up, so the model leaves the rows it keeps writing."""
        if not self.attempt:
            return sampling
        return sampling.replace(temperature=max(min(0.45 + 0.15 * self.attempt, 1.2), sampling.temperature),
                                seed=(sampling.seed or 0) + 17 * self.attempt)

    def answered(self, added: int) -> None:
        self.started = self.started or time.monotonic()
        self.idle = 0 if added else self.idle + bool(self.attempt)
        self.attempt += 1


def _asked_rows(call, request, columns, wanted, sampling, intro, prefix, max_rows, check, lang):  # type: ignore[no-untyped-def]
    rows: list[list[str]] = []
    keys: dict[str, str] = {}  # same_cell(key) → the key as written, of every row kept
    header = " | ".join(columns)
    asks = _Asks()
    while asks.more((wanted - len(rows)) if wanted else (0 if rows else min(UNSTATED_ROWS, max_rows))):
        missing = (wanted - len(rows)) if wanted else min(UNSTATED_ROWS, max_rows)
        if wanted and asks.attempt:
            missing = 1
        low, high = (missing, missing) if wanted else (1, missing)
        user = f"{request.text}\n\n{'列' if lang == 'zh' else 'Columns'}: {header}"
        if wanted and asks.attempt:
            user += (f"\n第 {len(rows) + 1} 行（共 {wanted} 行）" if lang == "zh" else
                     f"\nRow {len(rows) + 1} of {wanted}")
        elif wanted:
            user += f"\n{'行数' if lang == 'zh' else 'Rows'}: {missing}"
        if keys:
            seen = "; ".join(keys.values())
            user += (f"\n已有的行：{seen}。请写不同的行。" if lang == "zh" else
                     f"\nRows already there: {seen}. Write different ones.")
        s = asks.sampling(sampling.replace(max_tokens=min(_rows_budget(columns, high), sampling.max_tokens),
                                           repeat_penalty=1.0))
        # A top-up's key cell may be none of the keys taken and no column name: the repeat that made it
        # necessary cannot be written again. (Not the first ask: under the pattern's larger grammar the
        # built-in model writes longer, worse keys.)
        taken = [*keys.values(), *columns] if wanted and asks.attempt else ()
        got = yield from call([msg("system", prefix + intro), msg("user", user)], s,
                              rows_schema(columns, low, high, taken))
        if got is None:
            return None
        items = got.get("rows", []) if isinstance(got, dict) else []
        taken_now = 0
        for item in items:  # a server that ignores the schema may send more, or empty rows: skip, then cut
            cells = _cells(item, columns)
            same = [same_cell(c) for c in cells]
            if (not cells or not any(cells) or repeats_header(cells, columns)
                    or any(same == [same_cell(c) for c in r] for r in rows)
                    or (wanted and same[0] and same[0] in keys)):
                check.dropped += 1
                continue
            if taken_now < high:
                rows.append(cells)
                keys.setdefault(same[0], cells[0])
                taken_now += 1
        asks.answered(taken_now)
        if not wanted and rows:
            break  # no count asked for: any usable rows will do; none at all (only header repeats) asks again
    return rows


def key_column(request: TableRequest, columns: Sequence[str]) -> int | None:
    """Which column holds the range a request states its rows as ("Month" for "January to June"), or
    None when it states none or no column is for it."""
    if not request.keys:
        return None
    words = _KEY_WORDS.get(request.key_kind, ())
    for i, name in enumerate(columns):
        low = name.casefold()
        if any(re.search(rf"\b{w}", low) if w.isascii() else w in low for w in words):
            return i
    return None


_KEY_WORDS = {"month": ("month", "月"), "year": ("year", "年"), "day": ("day", "weekday", "星期", "周", "日期"),
              "quarter": ("quarter", "季")}
_KEY_NAMES = {"month": ("Month", "月份"), "year": ("Year", "年份"), "day": ("Day", "星期"), "quarter": ("Quarter", "季度")}


def with_key_column(request: TableRequest, columns: list[str], max_cols: int) -> list[str]:
    """Columns chosen for a request (not named by it) that states its rows as a range get a column for
    that range first, in place of a plain name column ("Name", "名称")."""
    if not request.keys or key_column(request, columns) is not None or request.key_kind not in _KEY_NAMES:
        return columns
    name = _KEY_NAMES[request.key_kind][request.lang == "zh"]
    rest = columns[1:] if columns and same_cell(columns[0]) in ("name", "名称") else columns
    return [name, *rest][:max_cols]


def _keyed_rows(call, request, columns, key, sampling, intro, prefix, check, lang):  # type: ignore[no-untyped-def]
    """One row per key the request states, in its order; the model writes the other cells."""
    others = [c for i, c in enumerate(columns) if i != key]
    if not others:
        return [[k] for k in request.keys]
    filled: dict[str, list[str]] = {}
    asks = _Asks()
    while asks.more(len(request.keys) - len(filled)):
        missing = [k for k in request.keys if k not in filled]
        user = (f"{request.text}\n\n{'列' if lang == 'zh' else 'Columns'}: {' | '.join(columns)}\n"
                f"{columns[key]}: {'、'.join(missing) if lang == 'zh' else ', '.join(missing)}")
        s = asks.sampling(sampling.replace(max_tokens=min(_rows_budget(columns, len(missing)), sampling.max_tokens),
                                           repeat_penalty=1.0))
        got = yield from call([msg("system", prefix + intro), msg("user", user)], s, keyed_rows_schema(others, missing))
        if got is None:
            return None
        items = got.get("rows") if isinstance(got, dict) else None
        if isinstance(items, list):  # a server that ignores the schema: rows whose key cell is one of ours
            items = {str(i.get(columns[key], "")): i for i in items if isinstance(i, dict)}
        before = len(filled)
        for k in missing:
            cells = _cells((items or {}).get(k), others)
            if not cells or not any(cells) or repeats_header(cells, others):
                check.dropped += bool(cells)
                continue
            filled[k] = cells
        asks.answered(len(filled) - before)
    rows = []
    for k in request.keys:
        if k in filled:
            cells = list(filled[k])
            cells.insert(key, k)
            rows.append(cells)
    return rows


def _extract_rows(call, request, columns, sampling, intro, prefix, max_rows, check):  # type: ignore[no-untyped-def]
    segments = entity_segments(request.source)
    if len(segments) > max_rows:
        check.notes.append(f"The text holds {len(segments)} entries; the table is limited to the first {max_rows}.")
        segments = segments[:max_rows]
    rows: list[list[str]] = []
    header = " | ".join(columns)
    for segment in segments:
        spans = word_spans(segment)
        cell = {"type": "string", "enum": [*spans, ""]}
        s = sampling.replace(max_tokens=min(_rows_budget(columns, 1) + 8 * len(columns), sampling.max_tokens),
                             repeat_penalty=1.0,
                             temperature=min(sampling.temperature, 0.2))
        user = f"Columns: {header}\n\nText: {segment}"
        got = yield from call([msg("system", prefix + intro), msg("user", user)], s, row_item_schema(columns, cell))
        if got is None:
            return None
        cells = _cells(got, columns)
        if not cells or not any(cells) or repeats_header(cells, columns):
            check.dropped += 1
            continue
        rows.append(cells)
    return rows


# ------------------------------------------------------------------ without streaming


def client_ask(client: ChatClient) -> Ask:
    """An ``ask`` that streams from ``client`` (for callers that do not cancel)."""

    def ask(messages: list[Message], sampling: Sampling, schema: dict[str, Any]) -> Generator[str, None, Completion]:
        stream = client.stream(messages, sampling, schema)
        for piece in stream:
            yield piece
        return stream.result()

    return ask


def run_build(client: ChatClient, request: TableRequest, **options: Any) -> TableBuild:
    gen = build_table(client_ask(client), request, **options)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


__all__ = ["TableBuild", "TableGenerationError", "TableCheck", "build_table", "client_ask", "columns_schema",
           "entity_segments", "key_column", "keyed_rows_schema", "repeats_header", "row_item_schema", "rows_schema",
           "run_build", "same_cell", "unfound_cells", "with_key_column", "word_spans"]
