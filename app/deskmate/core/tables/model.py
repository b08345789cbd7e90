"""The Table: named, typed columns over rows of cell text.

Cells are always kept as the text the person sees and edits; a column's type
says how to read that text (for sorting, and for real numbers and dates in a
spreadsheet). Keeping text as the source of truth means "3.50" stays "3.50"
and a cell never changes under the user's hands because of a type guess.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from typing import Literal, get_args

CellType = Literal["text", "number", "date", "bool"]
CELL_TYPES: tuple[str, ...] = get_args(CellType)

Typed = str | int | float | dt.date | bool | None

_TRUE = {"true", "yes", "是"}
_FALSE = {"false", "no", "否"}

# A leading currency sign and thousands separators are common in generated and
# pasted tables; a value is still a number with them.
_NUMBER_RE = re.compile(
    r"""^(?P<sign>[-+−]?)\s*(?P<cur>[$€£¥￥])?\s*
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$""",
    re.VERBOSE,
)

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
)


def parse_number(text: str) -> int | float | None:
    """The number a cell shows, or None. "1,234.50" -> 1234.5; "$3" -> 3."""
    m = _NUMBER_RE.match(text.strip())
    if not m:
        return None
    digits = m["int"].replace(",", "")
    negative = m["sign"] in ("-", "−")
    if m["frac"] is None:
        value: int | float = int(digits)
    else:
        value = float(f"{digits}.{m['frac']}")
    return -value if negative else value


def parse_date(text: str) -> dt.date | None:
    """A calendar date in an unambiguous form, or None.

    Day/month orders like 03/04/2024 are deliberately not read: they mean
    different dates in different countries, and a wrong date is worse than text.
    """
    s = " ".join(text.strip().split())
    if not s or not any(ch.isdigit() for ch in s):
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def parse_bool(text: str) -> bool | None:
    s = text.strip().casefold()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


_READERS = {"bool": parse_bool, "number": parse_number, "date": parse_date}


def typed_value(text: str, cell_type: CellType) -> Typed:
    """The cell read as its column type; None for an empty cell; the text itself when it does not fit."""
    if not text.strip():
        return None
    if cell_type == "text":
        return text
    value = _READERS[cell_type](text)
    return text if value is None else value


def infer_type(values: Iterable[str]) -> CellType:
    """The narrowest type every non-empty value fits; text when there is nothing to go on."""
    filled = [v for v in values if v.strip()]
    if not filled:
        return "text"
    # bool before number so yes/no columns are bools; 0/1 stay numbers because
    # they are not in the bool words.
    for name in ("bool", "number", "date"):
        reader = _READERS[name]
        if all(reader(v) is not None for v in filled):
            return name  # type: ignore[return-value]
    return "text"


def cell_text(value: object) -> str:
    """How a value from JSON or Python is shown in a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in value.items())
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclasses.dataclass
class Column:
    name: str
    type: CellType = "text"

    def __post_init__(self) -> None:
        if self.type not in CELL_TYPES:
            raise ValueError(
                f"Unknown cell type {self.type!r} for column {self.name!r}; use one of {', '.join(CELL_TYPES)}."
            )


@dataclasses.dataclass
class Table:
    columns: list[Column]
    rows: list[list[str]]
    title: str = ""

    def __post_init__(self) -> None:
        n = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != n:
                raise ValueError(f"Row {i + 1} has {len(row)} cells but the table has {n} columns.")
            if not all(isinstance(c, str) for c in row):
                raise ValueError(f"Row {i + 1} has a cell that is not text; use Table.from_values to convert values.")

    @classmethod
    def from_values(
        cls,
        header: Sequence[object],
        rows: Iterable[Sequence[object]],
        title: str = "",
    ) -> "Table":
        """Build a table from any cell values, padding short rows and naming blank or repeated headers.

        A row longer than the header gets extra columns rather than losing cells.
        """
        text_rows = [[cell_text(v) for v in row] for row in rows]
        names = [cell_text(h) for h in header]
        width = max([len(names), *(len(r) for r in text_rows)], default=0)
        names += [""] * (width - len(names))
        names = unique_names(names)
        text_rows = [r + [""] * (width - len(r)) for r in text_rows]
        table = cls([Column(n) for n in names], text_rows, cell_text(title))
        table.retype()
        return table

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.columns)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def column_values(self, index: int) -> list[str]:
        return [row[index] for row in self.rows]

    def typed(self, row: int, col: int) -> Typed:
        return typed_value(self.rows[row][col], self.columns[col].type)

    def typed_rows(self) -> list[list[Typed]]:
        return [[typed_value(v, c.type) for v, c in zip(row, self.columns)] for row in self.rows]

    def retype(self, indexes: Iterable[int] | None = None) -> None:
        """Infer column types again from the cells (all columns, or just these)."""
        for i in range(len(self.columns)) if indexes is None else indexes:
            self.columns[i].type = infer_type(self.column_values(i))

    def copy(self) -> "Table":
        return Table([dataclasses.replace(c) for c in self.columns], [list(r) for r in self.rows], self.title)

    def to_json(self) -> str:
        """The table as the bounded table schema has it: {"columns", "rows", "title"}."""
        return json.dumps({"columns": self.header, "rows": [list(r) for r in self.rows], "title": self.title},
                          ensure_ascii=False)

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row)) for row in self.rows]


def unique_names(names: Sequence[str]) -> list[str]:
    """Blank headers become "Column N"; a repeated header gets " (2)", " (3)"…"""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        base = raw.strip() or f"Column {i + 1}"
        name, n = base, 2
        while name.casefold() in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name.casefold())
        out.append(name)
    return out
