"""The table grid: edit a core Table in place, export it, copy it as a real table.

The core Table stays the source of truth: every edit goes through
``deskmate.core.tables.ops`` (which returns a new Table), and the Qt model only
shows the current one. Because ops never mutate their input, undo is just a
stack of earlier tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.tables import Column, Table, clipboard_payload, export, ops
from deskmate.core.tables.export import SUFFIXES

from .background import Worker, describe_error
from .dialogs import AskSavePath, ask_save_path_with_dialog
from .retranslating import Retranslating

AnyIndex = QModelIndex | QPersistentModelIndex
# (caption, file-type filter, suggested path) -> chosen path, or None when the person cancels.

UNDO_LIMIT = 100
_ROOT = QModelIndex()  # the invalid index: a flat table has no parent items

# Format key -> file suffix. Labels and filters are translated in TableEditor.
EXPORT_SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "md": ".md", "docx": ".docx", "html": ".html"}


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


class TableEditor(Retranslating, QWidget):
    """The grid with its toolbar, shortcuts, export menu and "Copy as table"."""

    tableChanged = Signal(object)  # the new core Table after each edit
    exported = Signal(str)  # the path written

    def __init__(
        self,
        table: Table | None = None,
        parent: QWidget | None = None,
        *,
        ask_save_path: AskSavePath | None = None,
    ) -> None:
        super().__init__(parent)
        # Tests and other callers pass their own; people get the system dialog.
        self.ask_save_path: AskSavePath = ask_save_path or ask_save_path_with_dialog(self)
        self._last_dir = Path.home()
        self.model = TableModel(table, self)
        self.model.changed.connect(self._on_changed)
        self.export_worker = Worker(self, name="table-export")
        self.export_worker.finished.connect(self._export_done)
        self.export_worker.failed.connect(self._export_failed)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(True)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().sectionDoubleClicked.connect(self.start_rename)
        self.header_editor: QLineEdit | None = None
        self._renaming: int | None = None

        self.actions_by_name: dict[str, QAction] = {}
        for key, shortcut, slot in (
            ("add_row", "Ctrl+Shift+Return", self.add_row),
            ("remove_rows", "Ctrl+-", self.remove_selected_rows),
            ("add_column", "Ctrl+Alt+Return", self.add_column),
            ("remove_column", "Ctrl+Alt+-", self.remove_current_column),
            ("rename_column", "Ctrl+Shift+R", self.rename_current_column),
            ("copy_table", "Ctrl+Shift+C", self.copy_as_table),
            ("undo", QKeySequence.StandardKey.Undo, self.undo),
            ("redo", QKeySequence.StandardKey.Redo, self.redo),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            # Only while the focus is in this editor: the main window has shortcuts of its own.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            # Through a lambda so ``checked`` never lands in a slot's first parameter.
            action.triggered.connect(lambda _checked=False, run=slot: run())
            self.addAction(action)
            self.actions_by_name[key] = action

        self.buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout()
        for key in ("add_row", "remove_rows", "add_column", "remove_column", "rename_column"):
            button = QToolButton()
            button.setDefaultAction(self.actions_by_name[key])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        self.export_menu = QMenu(self)
        self.export_actions: dict[str, QAction] = {}
        for fmt in EXPORT_SUFFIXES:
            action = self.export_menu.addAction("")
            action.triggered.connect(lambda _checked=False, f=fmt: self.export_as(f))
            self.export_actions[fmt] = action
        self.export_button = QToolButton()
        self.export_button.setMenu(self.export_menu)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(self.export_button)
        copy_button = QToolButton()
        copy_button.setDefaultAction(self.actions_by_name["copy_table"])
        copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(copy_button)
        self.buttons["copy_table"] = copy_button

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notice)
        self.retranslate()

    # --- text ----------------------------------------------------------------
    def retranslate(self) -> None:
        labels = {
            "add_row": (self.tr("Add row"), self.tr("Add a row below the last one")),
            "remove_rows": (self.tr("Remove rows"), self.tr("Remove the selected rows")),
            "add_column": (self.tr("Add column"), self.tr("Add a column right of the current one")),
            "remove_column": (self.tr("Remove column"), self.tr("Remove the current column")),
            "rename_column": (
                self.tr("Rename column"),
                self.tr("Rename the current column (or double-click its header)"),
            ),
            "copy_table": (self.tr("Copy as table"), self.tr("Copy the whole table for Word, Excel or email")),
            "undo": (self.tr("Undo"), self.tr("Undo the last change to the table")),
            "redo": (self.tr("Redo"), self.tr("Redo the change just undone")),
        }
        for key, (text, tip) in labels.items():
            action = self.actions_by_name[key]
            action.setText(text)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            if key in self.buttons:
                self.buttons[key].setAccessibleName(text)
        self.export_button.setText(self.tr("Export"))
        self.export_button.setToolTip(self.tr("Save the table as a file"))
        self.export_button.setAccessibleName(self.tr("Export"))
        names = self._format_names()
        for fmt, action in self.export_actions.items():
            action.setText(names[fmt][0])
        self.view.setAccessibleName(self.tr("Table"))
        self.notice.setAccessibleName(self.tr("Table messages"))

    def _format_names(self) -> dict[str, tuple[str, str]]:
        """Menu label and file-dialog filter for each export format."""
        return {
            "csv": (self.tr("CSV (spreadsheets)…"), self.tr("CSV file (*.csv)")),
            "xlsx": (self.tr("Excel workbook (.xlsx)…"), self.tr("Excel workbook (*.xlsx)")),
            "md": (self.tr("Markdown…"), self.tr("Markdown (*.md)")),
            "docx": (self.tr("Word document (.docx)…"), self.tr("Word document (*.docx)")),
            "html": (self.tr("Web page (.html)…"), self.tr("Web page (*.html *.htm)")),
        }

    # --- the table ----------------------------------------------------------
    def table(self) -> Table:
        return self.model.table()

    def set_table(self, table: Table) -> None:
        self.model.set_table(table)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setStretchLastSection(True)
        self._clear_notice()

    def _on_changed(self, table: Table) -> None:
        self._clear_notice()
        self.tableChanged.emit(table)

    def _try(self, edit: Callable[[], object]) -> bool:
        """Run an edit; a refused one (ValueError from ops) is explained, not raised."""
        try:
            edit()
            return True
        except ValueError as e:
            self.show_notice(str(e), error=True)
            return False

    # --- rows and columns ---------------------------------------------------
    def add_row(self) -> None:
        row = self.model.add_row()
        column = max(self.view.currentIndex().column(), 0)
        index = self.model.index(row, column)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def selected_rows(self) -> list[int]:
        rows = {i.row() for i in self.view.selectionModel().selectedIndexes()}
        if not rows and self.view.currentIndex().isValid():
            rows = {self.view.currentIndex().row()}
        return sorted(rows)

    def remove_selected_rows(self) -> None:
        rows = self.selected_rows()
        if not rows:
            self.show_notice(self.tr("Select the rows to remove first."))
            return
        self.model.remove_rows(rows)
        if self.model.rowCount():
            row = min(rows[0], self.model.rowCount() - 1)
            self.view.setCurrentIndex(self.model.index(row, max(self.view.currentIndex().column(), 0)))

    def _current_column(self) -> int:
        column = self.view.currentIndex().column()
        return column if column >= 0 else self.model.columnCount() - 1

    def add_column(self, name: str | None = None, index: int | None = None) -> int | None:
        """Add a column right of the current one and start naming it (unless a name is given)."""
        at = index if index is not None else self._current_column() + 1
        result: list[int] = []
        if not self._try(lambda: result.append(self.model.add_column(name, at))):
            return None
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, result[0]))
        if name is None:
            self.start_rename(result[0])
        return result[0]

    def remove_current_column(self) -> None:
        column = self._current_column()
        if column >= 0:
            self._try(lambda: self.model.remove_column(column))

    def rename_column(self, column: int, name: str) -> bool:
        return self._try(lambda: self.model.rename_column(column, name))

    def rename_current_column(self) -> None:
        column = self._current_column()
        if column >= 0:
            self.start_rename(column)

    def start_rename(self, column: int) -> None:
        """An inline editor over the header section; Enter renames, Esc keeps the name."""
        self.finish_rename(commit=False)
        header = self.view.horizontalHeader()
        editor = _HeaderEditor(header.viewport())
        editor.setAccessibleName(self.tr("Column name"))
        editor.setText(self.model.table().columns[column].name)
        editor.selectAll()
        x = header.sectionViewportPosition(column)
        editor.setGeometry(x, 0, max(header.sectionSize(column), 80), header.height())
        editor.committed.connect(lambda: self.finish_rename(commit=True))
        editor.abandoned.connect(lambda: self.finish_rename(commit=False))
        self.header_editor, self._renaming = editor, column
        editor.show()
        editor.setFocus()

    def finish_rename(self, commit: bool) -> None:
        editor, column = self.header_editor, self._renaming
        if editor is None or column is None:
            return
        # Clear first: hiding the editor moves focus, which would commit a second time.
        self.header_editor, self._renaming = None, None
        if commit:
            self.rename_column(column, editor.text())
        editor.hide()
        editor.deleteLater()
        self.view.setFocus()

    def undo(self) -> None:
        self.model.undo()

    def redo(self) -> None:
        self.model.redo()

    # --- clipboard and export -----------------------------------------------
    def copy_as_table(self) -> None:
        html, tsv = clipboard_payload(self.table())
        data = _native_mime_data()
        data.setHtml(html)
        data.setText(tsv)
        QApplication.clipboard().setMimeData(data)
        self.show_notice(self.tr("Table copied. Paste it into a document, a spreadsheet or an email."))

    def export_as(self, fmt: str) -> None:
        """Ask where to save, then write the file off the GUI thread."""
        if self.export_worker.busy:
            self.show_notice(self.tr("Still saving the last file; try again in a moment."))
            return
        suffix = EXPORT_SUFFIXES[fmt]
        label, file_filter = self._format_names()[fmt]
        table = self.table()
        suggested = str(self._last_dir / (_safe_file_name(table.title or self.tr("Table")) + suffix))
        chosen = self.ask_save_path(label.rstrip("…"), file_filter, suggested)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (*SUFFIXES, ".htm"):
            # "Budget" -> "Budget.xlsx"; a name typed with a suffix we know is taken at its word.
            path = path.with_name(path.name + suffix)
        self._last_dir = path.parent
        self.export_button.setEnabled(False)
        self.show_notice(self.tr("Saving {0}…").format(path.name))
        self.export_worker.call(export, table, path)

    def _export_done(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.show_notice(self.tr("Saved {0}").format(str(path)))
        self.exported.emit(str(path))

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.show_notice(self.tr("The table was not saved. {0}").format(describe_error(error)), error=True)

    # --- messages -----------------------------------------------------------
    def show_notice(self, text: str, error: bool = False) -> None:
        self.notice.setStyleSheet("color: #b00020;" if error else "")
        self.notice.setText(text)
        self.notice.show()

    def _clear_notice(self) -> None:
        self.notice.clear()
        self.notice.hide()


def _native_mime_data() -> QMimeData:
    """An empty QMimeData made by Qt itself, for the clipboard to own.

    A QMimeData created from Python and handed to the clipboard crashes the
    process at exit (PySide6 6.12: the clipboard deletes it after the Python
    side is gone). One that Qt allocates is a plain C++ object and is safe."""
    model = QStringListModel([""])
    data = model.mimeData([model.index(0)])
    for fmt in data.formats():
        data.removeFormat(fmt)
    return data


def _safe_file_name(title: str) -> str:
    cleaned = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in title).strip(" .")
    return cleaned[:80] or "Table"


class _HeaderEditor(QLineEdit):
    """A line edit that says whether it was accepted (Enter, focus out) or abandoned (Esc)."""

    committed = Signal()
    abandoned = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._done = False
        self.returnPressed.connect(self._commit)

    def _commit(self) -> None:
        if not self._done:
            self._done = True
            self.committed.emit()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and not self._done:
            self._done = True
            self.abandoned.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self._commit()  # clicking elsewhere keeps what was typed, as spreadsheets do
