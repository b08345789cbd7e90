"""The table grid: edit a core Table in place, export it, copy it as a real table.

The grid shows a :class:`~deskmate.ui.table_model.TableModel`, which holds the Table
and its undo stack; this widget adds the toolbar, shortcuts, export and the clipboard.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.tables import Table, clipboard_payload, export
from deskmate.core.tables.export import SUFFIXES

from .background import Worker, describe_error
from .dialogs import AskSavePath, ask_save_path_with_dialog
from .retranslating import Retranslating
from .table_model import TableModel
from .theme import set_tone

# Format key -> file suffix. Labels and filters are translated in TableEditor.
EXPORT_SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "md": ".md", "docx": ".docx", "html": ".html"}


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
        # A tool bar, not a row: on a narrow pane (or at a large zoom) the last buttons go behind its »
        # instead of making the whole window wider than the screen.
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for key in ("add_row", "remove_rows", "add_column", "remove_column", "rename_column"):
            button = QToolButton()
            button.setDefaultAction(self.actions_by_name[key])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button)
            self.buttons[key] = button
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
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
        layout.addWidget(bar)
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
        set_tone(self.notice, "error" if error else "")
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
