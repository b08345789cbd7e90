"""Drafts in the window (pytest-qt, a real SQLite file): deleting the open draft, the bin, undo."""

from __future__ import annotations

import pytest
from deskmate.core.store import DraftStore
from deskmate.core.tasks import default_catalog
from deskmate.ui.engine_bridge import EngineBridge
from deskmate.ui.main_window import MainWindow
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


@pytest.fixture
def window(qtbot, deskmate_home):
    store = DraftStore.open(deskmate_home / "drafts.sqlite3")
    win = MainWindow(EngineBridge(None), default_catalog(), store, "none")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.draft_editor.close_store()
    store.close()


def close_any_message_box() -> None:
    """Main's code asked with a modal box; answer OK so the test can go on and fail on what it checks."""
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.done(0)


def type_into(qtbot, editor, text: str) -> None:
    editor.body.setFocus()
    qtbot.keyClicks(editor.body, text)


def test_deleting_the_open_draft_closes_it_and_new_typing_is_a_new_listed_draft(qtbot, window):
    win, store, editor = window, window.draft_editor.store, window.draft_editor
    win.left_tabs.setCurrentWidget(win.drafts_panel)
    type_into(qtbot, editor, "Minutes of the Monday meeting")
    editor.flush()
    doomed = editor.draft_id
    win.drafts_panel.refresh()
    assert win.drafts_panel.list.count() == 1
    win.drafts_panel.list.setCurrentRow(0)
    QTimer.singleShot(300, close_any_message_box)
    win.drafts_panel.delete_button.click()
    qtbot.wait(400)

    assert store.get(doomed).body == "Minutes of the Monday meeting", "the deleted draft keeps its text, in the bin"
    assert editor.draft_id != doomed, "the deleted draft must not stay open"
    assert editor.body.toPlainText() == "" and editor.title.text() == ""
    type_into(qtbot, editor, "A new letter")
    editor.flush()
    assert editor.draft_id not in (None, doomed)
    assert store.get(doomed).body == "Minutes of the Monday meeting", "typing afterwards must not go into the bin"
    win.drafts_panel.refresh()
    listed = [win.drafts_panel.list.item(r).text() for r in range(win.drafts_panel.list.count())]
    assert len(listed) == 1 and listed[0].startswith("A new letter")


def test_the_bin_lists_deleted_drafts_and_restores_one(qtbot, window):
    win, store, panel = window, window.draft_editor.store, window.drafts_panel
    kept = store.create("Budget notes")
    binned = store.create("Old shopping list")
    store.delete(binned.id)
    panel.refresh()
    assert [panel.list.item(r).text().split("\n")[0] for r in range(panel.list.count())] == ["Budget notes"]

    panel.bin_button.click()
    assert [panel.list.item(r).text().split("\n")[0] for r in range(panel.list.count())] == ["Old shopping list"]
    assert panel.delete_button.text() == "Restore"
    panel.list.setCurrentRow(0)
    panel.delete_button.click()
    assert store.get(binned.id).deleted is None
    assert win.draft_editor.draft_id == binned.id
    assert win.draft_editor.body.toPlainText() == "Old shopping list"
    panel.bin_button.click()
    assert sorted(panel.list.item(r).text().split("\n")[0] for r in range(panel.list.count())) == [
        "Budget notes", "Old shopping list"]
    assert kept.id != binned.id


def test_undo_after_deleting_brings_the_draft_back_open(qtbot, window):
    win, store, editor, panel = window, window.draft_editor.store, window.draft_editor, window.drafts_panel
    win.left_tabs.setCurrentWidget(panel)
    type_into(qtbot, editor, "Speech for Friday")
    editor.flush()
    draft_id = editor.draft_id
    panel.refresh()
    panel.list.setCurrentRow(0)
    panel.delete_button.click()
    assert panel.undo_button.isVisible() and "bin" in panel.undo_note.text()
    panel.undo_button.click()
    assert store.get(draft_id).deleted is None
    assert editor.draft_id == draft_id and editor.body.toPlainText() == "Speech for Friday"
    assert not panel.undo_button.isVisible()


def test_a_save_error_on_screen_as_the_window_closes_leaves_no_timer_on_a_deleted_label(qtbot, deskmate_home):
    """The red "Not saved" fades after 8 s: closing the window before that must not fire on its deleted label."""
    store = DraftStore.open(deskmate_home / "drafts.sqlite3")
    win = MainWindow(EngineBridge(None), default_catalog(), store, "none")
    win.show()
    win.draft_editor._on_error(1, "the disk is full.")
    assert "Not saved (the disk is full)" in win.draft_editor.state.text()
    win.draft_editor.close_store()
    store.close()
    win.close()
    win.deleteLater()
    qtbot.wait(8500)  # pytest-qt fails the test on an exception raised in a Qt callback
