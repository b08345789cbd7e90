"""The Qt model under the table grid: a core Table shown, edited and undone.

The core Table stays the source of truth: every edit goes through
``deskmate.core.tables.ops`` (which returns a new Table), and the Qt model only
shows the current one. Because ops never mutate their input, undo is just a
stack of earlier tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from deskmate.core.tables import Column, Table, ops

AnyIndex = QModelIndex | QPersistentModelIndex

UNDO_LIMIT = 100
_ROOT = QModelIndex()  # the invalid index: a flat table has no parent items

def empty_table() -> Table:
    return Table([Column("Column 1"), Column("Column 2")], [["", ""]])


class TableModel(QAbstractTableModel):
    """A Qt model over a core Table. Edits replace the Table with the one ops returns."""

    changed = Signal(object)  # the new Table, after every edit (not after set_table)

    def __init__(self, table: Table | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._table = table.copy() if table is not None else empty_table()
        self._undo: list[Table] = []
        self._redo: list[Table] = []

    # --- the Table ----------------------------------------------------------
    def table(self) -> Table:
        return self._table.copy()  # a copy, so nobody edits it behind the model's back

    def set_table(self, table: Table) -> None:
        self.beginResetModel()
        self._table = table.copy()
        self._undo.clear()
        self._redo.clear()
        self.endResetModel()

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._table)
        self._replace(self._undo.pop())
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._table)
        self._replace(self._redo.pop())
        return True

    def _replace(self, table: Table) -> None:
        self.beginResetModel()
        self._table = table
        self.endResetModel()
        self.changed.emit(self.table())

    def _apply(
        self,
        table: Table,
        begin: Callable[[], None] | None = None,
        end: Callable[[], None] | None = None,
    ) -> None:
        """Make ``table`` current as one undo step; ``begin``/``end`` are Qt's structure calls."""
        before = [c.type for c in self._table.columns]
        self._undo.append(self._table)
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()
        if begin is not None:
            begin()
        self._table = table
        if end is not None:
            end()
        self._announce_types(before)
        self.changed.emit(self.table())

    def _announce_types(self, before: list[str]) -> None:
        """Types are inferred again after edits; a changed type changes the alignment of a whole column."""
        table = self._table
        if [c.type for c in table.columns] == before or not table.columns:
            return
        if table.rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(table.rows) - 1, len(table.columns) - 1),
                [Qt.ItemDataRole.TextAlignmentRole],
            )
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(table.columns) - 1)

    # --- Qt model -----------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._table.rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._table.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._table.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(self._table.columns[index.column()])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._table.columns):
                return None
            column = self._table.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.name
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _alignment(column)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Double-click to rename")
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        r, c = index.row(), index.column()
        text = "" if value is None else str(value)
        if self._table.rows[r][c] == text:
            return True  # nothing changed: no undo step
        self._apply(ops.set_cell(self._table, r, c, text))
        self.dataChanged.emit(index, index)
        return True

    def insertRows(self, row: int, count: int, parent: AnyIndex = _ROOT) -> bool:
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._table.rows):
            return False
        table = self._table
        for i in range(count):
            table = ops.add_row(table, index=row + i)
        self._apply(table, lambda: self.beginInsertRows(QModelIndex(), row, row + count - 1), self.endInsertRows)
        return True

    def removeRows(self, row: int, count: int, parent: AnyIndex = _ROOT) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._table.rows):
            return False
        self.remove_rows(range(row, row + count))
        return True

    # --- edits by name ------------------------------------------------------
    def add_row(self, index: int | None = None) -> int:
        """Insert an empty row (at the end by default); returns its index."""
        at = len(self._table.rows) if index is None else index
        self.insertRows(at, 1)
        return at

    def remove_rows(self, rows: Iterable[int]) -> int:
        """Remove these rows as one undo step; returns how many went."""
        doomed = sorted({r for r in rows if 0 <= r < len(self._table.rows)}, reverse=True)
        if not doomed:
            return 0
        before = [c.type for c in self._table.columns]
        self._undo.append(self._table)
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()
        # Bottom up, one row at a time, so the view keeps its selection and scroll position.
        for r in doomed:
            smaller = ops.remove_row(self._table, r)
            self.beginRemoveRows(QModelIndex(), r, r)
            self._table = smaller
            self.endRemoveRows()
        self._announce_types(before)
        self.changed.emit(self.table())
        return len(doomed)

    def add_column(self, name: str | None = None, index: int | None = None) -> int:
        """Insert an empty column; without a name it gets the next free "Column N". Returns its index."""
        at = len(self._table.columns) if index is None else index
        name = name if name is not None else self._free_name()
        table = ops.add_column(self._table, name, index=at)  # ValueError (duplicate name) before any change
        self._apply(table, lambda: self.beginInsertColumns(QModelIndex(), at, at), self.endInsertColumns)
        return at

    def remove_column(self, col: int) -> None:
        table = ops.remove_column(self._table, col)  # ValueError for the last column, in plain words
        self._apply(table, lambda: self.beginRemoveColumns(QModelIndex(), col, col), self.endRemoveColumns)

    def rename_column(self, col: int, name: str) -> bool:
        """False when the name is unchanged; ValueError when it is empty or taken."""
        if self._table.columns[col].name == name.strip():
            return False
        self._apply(ops.rename_column(self._table, col, name))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, col, col)
        return True

    def _free_name(self) -> str:
        taken = {n.casefold() for n in self._table.header}
        n = len(self._table.columns) + 1
        while f"Column {n}".casefold() in taken:
            n += 1
        return f"Column {n}"


def _alignment(column: Column) -> Qt.AlignmentFlag:
    horizontal = Qt.AlignmentFlag.AlignRight if column.type == "number" else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter
