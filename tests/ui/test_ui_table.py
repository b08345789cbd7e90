"""The table grid, offscreen: edits reach the core Table, exports read back, copy puts a real table on the clipboard."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from deskmate.core.tables import Table, to_tsv
from deskmate.ui.table_editor import TableEditor
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from active_window import make_active

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def supplies() -> Table:
    return Table.from_values(["Item", "Qty"], [["Pens", "3"], ["Paper", "10"], ["Stapler", "1"]], title="Supplies")


def make_editor(qtbot, table: Table | None = None, **kw) -> TableEditor:
    editor = TableEditor(table if table is not None else supplies(), **kw)
    qtbot.addWidget(editor)
    editor.resize(640, 320)
    editor.show()
    qtbot.waitExposed(editor)
    make_active(qtbot, editor)
    return editor


def test_cell_edits_go_through_the_core_table_and_numbers_align_right(qtbot):
    editor = make_editor(qtbot)
    model = editor.model
    changes: list[Table] = []
    editor.tableChanged.connect(changes.append)

    assert model.setData(model.index(0, 1), "12")
    assert editor.table().rows[0] == ["Pens", "12"]
    assert changes[-1].rows[0] == ["Pens", "12"]
    right = model.data(model.index(1, 1), Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    assert not model.data(model.index(1, 0), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight

    # A word in the number column makes it a text column: the whole column goes left.
    model.setData(model.index(2, 1), "a few")
    assert editor.table().columns[1].type == "text"
    assert not model.data(model.index(1, 1), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight

    editor.undo()
    assert editor.table().rows[2] == ["Stapler", "1"] and editor.table().columns[1].type == "number"
    editor.redo()
    assert editor.table().rows[2] == ["Stapler", "a few"]


def test_rows_and_columns_added_removed_and_renamed(qtbot):
    editor = make_editor(qtbot)
    view = editor.view

    # Add a row from the keyboard.
    view.setFocus()
    view.setCurrentIndex(editor.model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL_SHIFT)
    assert editor.table().rows == [["Pens", "3"], ["Paper", "10"], ["Stapler", "1"], ["", ""]]
    assert view.currentIndex().row() == 3

    # Remove two selected rows with the button.
    sel = view.selectionModel()
    view.clearSelection()
    for row in (0, 2):
        sel.select(editor.model.index(row, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)
    editor.buttons["remove_rows"].click()
    assert editor.table().rows == [["Paper", "10"], ["", ""]]

    # Add a column: it is inserted right of the current one and its name is asked for at once.
    view.setCurrentIndex(editor.model.index(0, 0))
    editor.buttons["add_column"].click()
    assert editor.header_editor is not None and editor.header_editor.isVisible()
    editor.header_editor.selectAll()
    qtbot.keyClicks(editor.header_editor, "Supplier")
    qtbot.keyClick(editor.header_editor, Qt.Key.Key_Return)
    assert editor.table().header == ["Item", "Supplier", "Qty"]
    assert editor.table().rows == [["Paper", "", "10"], ["", "", ""]]

    # Rename by double-clicking a header.
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(2) + header.sectionSize(2) // 2
    qtbot.mouseDClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert editor.header_editor is not None and editor.header_editor.text() == "Qty"
    editor.header_editor.selectAll()
    qtbot.keyClicks(editor.header_editor, "Quantity")
    qtbot.keyClick(editor.header_editor, Qt.Key.Key_Return)
    assert editor.table().header == ["Item", "Supplier", "Quantity"]

    # Esc keeps the old name; a duplicate name is refused in plain words.
    editor.start_rename(0)
    qtbot.keyClicks(editor.header_editor, "Thing")
    qtbot.keyClick(editor.header_editor, Qt.Key.Key_Escape)
    assert editor.table().header[0] == "Item"
    assert not editor.rename_column(0, "quantity")
    assert "already a column named 'Quantity'" in editor.notice.text()
    assert editor.table().header == ["Item", "Supplier", "Quantity"]

    # Remove the current column, then try to remove the last one.
    view.setCurrentIndex(editor.model.index(0, 1))
    editor.buttons["remove_column"].click()
    assert editor.table().header == ["Item", "Quantity"]
    view.setCurrentIndex(editor.model.index(0, 1))
    editor.remove_current_column()
    editor.remove_current_column()
    assert editor.table().header == ["Item"]
    assert "only column cannot be removed" in editor.notice.text()
    assert editor.notice.isVisible()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "docx", "html"])
def test_export_each_format_through_the_chosen_path(qtbot, tmp_path: Path, fmt: str):
    asked: list[tuple[str, str, str]] = []

    def ask(caption: str, file_filter: str, suggested: str) -> str:
        asked.append((caption, file_filter, suggested))
        return str(tmp_path / "supplies")  # no suffix: the editor adds the one for the format

    editor = make_editor(qtbot, ask_save_path=ask)
    editor.model.setData(editor.model.index(1, 0), "Paper, A4")
    with qtbot.waitSignal(editor.exported, timeout=20000) as saved:
        editor.export_actions[fmt].trigger()
    path = Path(saved.args[0])
    assert path.name == "supplies." + fmt
    assert asked[0][2].endswith("Supplies." + fmt)  # suggested from the table's title
    assert "Saved" in editor.notice.text()

    expected = [["Item", "Qty"], ["Pens", "3"], ["Paper, A4", "10"], ["Stapler", "1"]]
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            assert list(csv.reader(f)) == expected
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path).active
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        assert rows == [["Item", "Qty"], ["Pens", 3], ["Paper, A4", 10], ["Stapler", 1]]  # real numbers
    elif fmt == "md":
        text = path.read_text(encoding="utf-8")
        assert "| Item | Qty |" in text and "| --- | ---: |" in text and "| Paper, A4 | 10 |" in text
    elif fmt == "docx":
        from docx import Document

        grid = Document(str(path)).tables[0]
        assert [[c.text for c in row.cells] for row in grid.rows] == expected
    else:
        text = path.read_text(encoding="utf-8")
        assert "<td>Paper, A4</td>" in text and '<td style="text-align:right">10</td>' in text


def test_export_problems_are_told_in_plain_words(qtbot, tmp_path: Path):
    answers = iter([None, str(tmp_path / "no such folder" / "t.csv")])
    editor = make_editor(qtbot, ask_save_path=lambda *_: next(answers))

    editor.export_as("csv")  # the person cancels the dialog: nothing happens
    assert not editor.export_worker.busy and list(tmp_path.iterdir()) == []

    editor.export_as("csv")
    qtbot.waitUntil(lambda: "not saved" in editor.notice.text(), timeout=10000)
    message = editor.notice.text()
    assert "no such folder" in message and "No such file or directory" in message
    assert "Traceback" not in message and "Error" not in message
    assert editor.export_button.isEnabled()


def test_copy_as_table_puts_html_and_tsv_on_the_clipboard(qtbot):
    editor = make_editor(qtbot)
    QApplication.clipboard().clear()
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_C, CTRL_SHIFT)
    data = QApplication.clipboard().mimeData()
    assert data.hasHtml() and data.hasText()
    assert "text/html" in data.formats() and "text/plain" in data.formats()
    assert "<th>Item</th>" in data.html() and '<td style="text-align:right">10</td>' in data.html()
    assert data.text() == to_tsv(editor.table()) == "Item\tQty\nPens\t3\nPaper\t10\nStapler\t1\n"


def test_texts_follow_a_language_change(qtbot, marked_translator):
    editor = make_editor(qtbot)
    with marked_translator():
        qtbot.waitUntil(lambda: editor.buttons["add_row"].text() == "«Add row»")
        assert editor.export_button.text() == "«Export»"
        assert editor.buttons["copy_table"].accessibleName() == "«Copy as table»"
    qtbot.waitUntil(lambda: editor.buttons["add_row"].text() == "Add row")
