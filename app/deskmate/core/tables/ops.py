"""Edit operations on a Table.

Every operation returns a new Table and leaves its input untouched, so an
editor can keep the previous table for undo. Indexes are 0-based; a column may
also be given by name. A bad index raises ValueError saying what exists.
Column types are inferred again for the columns whose cells changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Column, Table, Typed, cell_text, typed_value

ColumnRef = int | str


def _check_index(index: object, count: int, what: str, *, inserting: bool = False) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"A {what} index must be a whole number (got {index!r}).")
    top = count if inserting else count - 1
    if not 0 <= index <= top:
        if top < 0:
            raise ValueError(f"There is no {what} {index}: the table has no {what}s.")
        raise ValueError(f"There is no {what} {index}: the table has {count} {what}s (use 0 to {top}).")
    return index


def column_index(table: Table, col: ColumnRef) -> int:
    """A column's index from its index or its name (exact first, then ignoring case)."""
    if isinstance(col, str):
        names = table.header
        if col in names:
            return names.index(col)
        folded = [n.casefold() for n in names]
        if col.casefold() in folded:
            return folded.index(col.casefold())
        raise ValueError(f"There is no column named {col!r}. Columns: {', '.join(names) or 'none'}.")
    return _check_index(col, len(table.columns), "column")


def _row_values(values: Sequence[object] | None, width: int) -> list[str]:
    cells = [cell_text(v) for v in values or []]
    if len(cells) > width:
        raise ValueError(f"The new row has {len(cells)} cells but the table has only {width} columns.")
    return cells + [""] * (width - len(cells))


def set_cell(table: Table, row: int, col: ColumnRef, value: object) -> Table:
    r = _check_index(row, len(table.rows), "row")
    c = column_index(table, col)
    out = table.copy()
    out.rows[r][c] = cell_text(value)
    out.retype([c])
    return out


def add_row(table: Table, values: Sequence[object] | None = None, index: int | None = None) -> Table:
    """Insert a row (at the end unless an index is given); missing cells are empty."""
    i = len(table.rows) if index is None else _check_index(index, len(table.rows), "row", inserting=True)
    out = table.copy()
    out.rows.insert(i, _row_values(values, len(table.columns)))
    out.retype()
    return out


def remove_row(table: Table, index: int) -> Table:
    i = _check_index(index, len(table.rows), "row")
    out = table.copy()
    del out.rows[i]
    out.retype()
    return out


def move_row(table: Table, index: int, to: int) -> Table:
    """Move a row so that it ends up at position ``to``."""
    i = _check_index(index, len(table.rows), "row")
    j = _check_index(to, len(table.rows), "row")
    out = table.copy()
    out.rows.insert(j, out.rows.pop(i))
    return out


def _check_new_name(table: Table, name: object, ignore: int | None = None) -> str:
    text = cell_text(name)
    if not text:
        raise ValueError("A column needs a name.")
    for i, existing in enumerate(table.header):
        if i != ignore and existing.casefold() == text.casefold():
            raise ValueError(f"There is already a column named {existing!r}.")
    return text


def add_column(
    table: Table, name: str, values: Sequence[object] | None = None, index: int | None = None
) -> Table:
    """Insert a column (at the right unless an index is given); missing cells are empty."""
    i = len(table.columns) if index is None else _check_index(index, len(table.columns), "column", inserting=True)
    text = _check_new_name(table, name)
    cells = [cell_text(v) for v in values or []]
    if len(cells) > len(table.rows):
        raise ValueError(f"The new column has {len(cells)} cells but the table has only {len(table.rows)} rows.")
    cells += [""] * (len(table.rows) - len(cells))
    out = table.copy()
    out.columns.insert(i, Column(text))
    for row, cell in zip(out.rows, cells):
        row.insert(i, cell)
    out.retype([i])
    return out


def remove_column(table: Table, col: ColumnRef) -> Table:
    c = column_index(table, col)
    if len(table.columns) == 1:
        raise ValueError("A table needs at least one column, so its only column cannot be removed.")
    out = table.copy()
    del out.columns[c]
    for row in out.rows:
        del row[c]
    return out


def rename_column(table: Table, col: ColumnRef, name: str) -> Table:
    c = column_index(table, col)
    out = table.copy()
    out.columns[c].name = _check_new_name(table, name, ignore=c)
    return out


def move_column(table: Table, col: ColumnRef, to: int) -> Table:
    """Move a column so that it ends up at position ``to``."""
    c = column_index(table, col)
    j = _check_index(to, len(table.columns), "column")
    out = table.copy()
    out.columns.insert(j, out.columns.pop(c))
    for row in out.rows:
        row.insert(j, row.pop(c))
    return out


def sort_by_column(table: Table, col: ColumnRef, descending: bool = False) -> Table:
    """Sort rows by a column's values read as its type; ties keep their order.

    Empty cells always go last, and cells that do not fit the column's type
    (say "n/a" in a number column) go after the ones that do, in either direction.
    """
    c = column_index(table, col)
    kind = table.columns[c].type
    fitting: list[tuple[Typed, list[str]]] = []
    misfits: list[list[str]] = []
    empty: list[list[str]] = []
    for row in table.rows:
        value = typed_value(row[c], kind)
        if value is None:
            empty.append(row)
        elif kind != "text" and isinstance(value, str):
            misfits.append(row)
        else:
            fitting.append((value.casefold() if isinstance(value, str) else value, row))
    fitting.sort(key=lambda pair: pair[0], reverse=descending)  # type: ignore[arg-type, return-value]
    misfits.sort(key=lambda row: row[c].casefold(), reverse=descending)
    out = table.copy()
    out.rows = [list(r) for r in [*(row for _, row in fitting), *misfits, *empty]]
    return out
