"""The draft editor (autosaved, with history) and the drafts list (with full-text search)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.store import Autosaver, DraftStore, DraftSummary, StoreError
from deskmate.core.store.drafts import UNTITLED

from .retranslating import Retranslating
from .theme import set_tone


ID_ROLE = Qt.ItemDataRole.UserRole + 1


def when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def shown_title(draft: DraftSummary) -> str:
    """The draft's title as the window shows it: the store's stand-in for "no title" in the UI language."""
    if draft.title == UNTITLED and not draft.custom_title:
        return QCoreApplication.translate("DraftEditor", "Untitled draft")
    return draft.title


class DraftEditor(Retranslating, QWidget):
    draftSaved = Signal(int)
    _saved = Signal(int)
    _error = Signal(int, str)

    def __init__(self, store: DraftStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.draft_id: int | None = None
        self._loading = False
        self.title = QLineEdit()
        self.title.setAccessibleName("Draft title")
        self.body = QPlainTextEdit()
        self.body.setAccessibleName("Draft")
        self.state = QLabel()
        self.state.setAccessibleName("Save state")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.state)
        # Autosaver callbacks arrive on its thread; signals carry them to this one.
        self.autosaver = Autosaver(store, on_saved=self._saved.emit,
                                   on_error=lambda i, e: self._error.emit(i, str(e)))
        self._saved.connect(self._on_saved)
        self._error.connect(self._on_error)
        self.body.textChanged.connect(self._typed)
        self.title.editingFinished.connect(self._renamed)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setPlaceholderText(self.tr("Untitled draft — type a title"))
        self.body.setPlaceholderText(self.tr("Your draft. Everything you type is saved automatically."))

    # --- editing ---------------------------------------------------------------
    def _typed(self) -> None:
        if self._loading:
            return
        text = self.body.toPlainText()
        if self.draft_id is None:
            if not text:
                return
            try:
                self.draft_id = self.store.create("").id
            except StoreError as e:
                self._on_error(-1, str(e))
                return
        self.autosaver.touch(self.draft_id, text)
        self.state.setText(self.tr("Editing…"))

    def _renamed(self) -> None:
        if self.draft_id is None or self._loading:
            return
        try:
            self.store.rename(self.draft_id, self.title.text())
            self.draftSaved.emit(self.draft_id)
        except StoreError as e:
            self._on_error(self.draft_id, str(e))

    def _on_saved(self, draft_id: int) -> None:
        if draft_id == self.draft_id:
            self.state.setText(self.tr("Saved {time}").format(time=dt.datetime.now().strftime("%H:%M:%S")))
        self.draftSaved.emit(draft_id)

    def _on_error(self, draft_id: int, message: str) -> None:
        self.state.setText(self.tr("Not saved ({error}). Your text stays here; Deskmate keeps trying.").format(
            error=message.rstrip(".")))
        set_tone(self.state, "error")
        # The label as context: a window closed before the 8 s are up drops the timer with it.
        QTimer.singleShot(8000, self.state, lambda: set_tone(self.state, ""))

    def flush(self) -> None:
        try:
            self.autosaver.flush()
        except StoreError as e:
            self._on_error(self.draft_id or -1, str(e))

    def save_version(self) -> None:
        """Ctrl+S: a version of its own in the history (autosaves between are checkpoints)."""
        if self.draft_id is None:
            return
        try:
            self.autosaver.save_now(self.draft_id, self.body.toPlainText())
        except StoreError as e:
            self._on_error(self.draft_id, str(e))
            return
        self.state.setText(self.tr("Saved as a version {time}").format(time=dt.datetime.now().strftime("%H:%M:%S")))
        self.draftSaved.emit(self.draft_id)

    def close_store(self) -> None:
        self.flush()
        self.autosaver.close()

    # --- drafts -----------------------------------------------------------------
    def open_draft(self, draft_id: int) -> None:
        self.flush()
        try:
            draft = self.store.get(draft_id)
        except StoreError as e:
            self._on_error(draft_id, str(e))
            return
        self._loading = True
        try:
            self.draft_id = draft.id
            self.title.setText(draft.title if draft.custom_title else "")
            self.body.setPlainText(self.autosaver.unsaved(draft.id) or draft.body)
            self.state.setText(self.tr("Opened “{title}”").format(title=shown_title(draft)))
        finally:
            self._loading = False

    def reopen(self, draft_id: int, cursor: int = 0) -> None:
        """The draft that was open at the last quit, the cursor where it was; nothing when it is gone or binned."""
        try:
            if self.store.get(draft_id).deleted is not None:
                return
        except StoreError:
            return  # deleted for good since, or unreadable: the window starts with an empty draft
        self.open_draft(draft_id)
        text_cursor = self.body.textCursor()
        text_cursor.setPosition(min(cursor, len(self.body.toPlainText())))
        self.body.setTextCursor(text_cursor)

    def close_draft(self, draft_id: int) -> None:
        """The draft went to the bin: save what is typed into it, then leave it, so further
        typing starts a new draft instead of going into one no list shows."""
        if draft_id != self.draft_id:
            return
        self.flush()
        self._loading = True
        try:
            self.draft_id = None
            self.title.clear()
            self.body.clear()
            self.state.setText(self.tr("The draft was moved to the bin; typing here starts a new draft."))
        finally:
            self._loading = False

    def new_draft(self) -> None:
        self.flush()
        try:
            draft = self.store.create("")
        except StoreError as e:
            self._on_error(-1, str(e))
            return
        self.open_draft(draft.id)
        self.body.setFocus()
        self.draftSaved.emit(draft.id)

    def insert_text(self, text: str) -> None:
        cursor = self.body.textCursor()
        if cursor.position() > 0 and not self.body.toPlainText()[cursor.position() - 1:cursor.position()] == "\n":
            text = "\n" + text
        cursor.insertText(text)
        self.body.setFocus()

    # --- history, import, export ------------------------------------------------
    def show_history(self) -> None:
        if self.draft_id is None:
            return
        self.flush()  # unsaved text is written first, so it cannot land on top of a restore
        dialog = HistoryDialog(self.store, self.draft_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.restored:
            self.open_draft(self.draft_id)
            self.draftSaved.emit(self.draft_id)

    def import_file(self, path: str | None = None) -> None:
        from deskmate.core.store.io import import_draft

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import a document"), str(Path.home()),
                                                  self.tr("Documents (*.txt *.md *.docx)"))
        if not path:
            return
        try:
            draft = import_draft(self.store, path)
        except StoreError as e:
            QMessageBox.warning(self, self.tr("Import failed"), str(e))
            return
        self.open_draft(draft.id)
        self.draftSaved.emit(draft.id)

    def export_file(self, path: str | None = None) -> Path | None:
        from deskmate.core.store.io import export_draft

        if self.draft_id is None:
            return None
        self.flush()
        if path is None:
            suggested = str(Path.home() / (self.store.get(self.draft_id).title[:40] + ".md"))
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the draft"), suggested,
                                                  self.tr("Markdown (*.md);;Word (*.docx);;Web page (*.html)"))
        if not path:
            return None
        try:
            out = export_draft(self.store.get(self.draft_id), path)
        except StoreError as e:
            QMessageBox.warning(self, self.tr("Export failed"), str(e))
            return None
        self.state.setText(self.tr("Exported to {path}").format(path=out))
        return out


class HistoryDialog(QDialog):
    """Every saved version of a draft; restoring one makes it the newest version (nothing is lost)."""

    def __init__(self, store: DraftStore, draft_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.draft_id = draft_id
        self.restored = False
        self.setWindowTitle(self.tr("Draft history"))
        self.resize(760, 480)
        self.versions = QListWidget()
        self.versions.setAccessibleName(self.tr("Versions"))
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        split = QSplitter()
        split.addWidget(self.versions)
        split.addWidget(self.preview)
        split.setSizes([340, 420])  # room for the date, the source and the size
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(self.tr("Restore this version"))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        for info in store.versions(draft_id):
            item = QListWidgetItem(f"{when(info.created)}  ·  {info.source}  ·  {info.chars} chars")
            item.setData(ID_ROLE, info.id)
            self.versions.addItem(item)
        self.versions.currentItemChanged.connect(self._show)
        if self.versions.count():
            self.versions.setCurrentRow(0)

    def _show(self, item: QListWidgetItem | None, _prev: object = None) -> None:
        if item is not None:
            self.preview.setPlainText(self.store.version(item.data(ID_ROLE)).body)

    def restore_selected(self) -> None:
        item = self.versions.currentItem()
        if item is None:
            return
        self.store.restore(self.draft_id, item.data(ID_ROLE))
        self.restored = True
        self.accept()


class DraftsPanel(Retranslating, QWidget):
    """The drafts, or (Bin checked) the deleted ones that can still be restored."""

    draftOpened = Signal(int)
    draftDeleted = Signal(int)

    def __init__(self, store: DraftStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search drafts")
        self.list = QListWidget()
        self.list.setAccessibleName("Drafts")
        self.list.setWordWrap(True)
        self.new_button = QPushButton()
        self.delete_button = QPushButton()
        self.bin_button = QPushButton()
        self.bin_button.setCheckable(True)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        row.addWidget(self.bin_button)
        # Said in place, not in a modal box: the person can keep working and still undo.
        self.undo_note = QLabel()
        self.undo_note.setWordWrap(True)
        self.undo_button = QPushButton()
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_note, 1)
        undo_row.addWidget(self.undo_button)
        self._undo_id: int | None = None
        self._undo_timer = QTimer(self, singleShot=True, interval=20000)
        self._undo_timer.timeout.connect(lambda: self._show_undo(None))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(undo_row)
        layout.addLayout(row)
        self._show_undo(None)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.list.itemActivated.connect(lambda item: self.draftOpened.emit(item.data(ID_ROLE)))
        self.list.itemClicked.connect(lambda item: self.draftOpened.emit(item.data(ID_ROLE)))
        self.delete_button.clicked.connect(self.delete_selected)
        self.bin_button.toggled.connect(self._bin_toggled)
        self.undo_button.clicked.connect(self.undo_delete)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search drafts (Ctrl+F)"))
        self.new_button.setText(self.tr("New draft"))
        self.delete_button.setText(self.tr("Restore") if self.in_bin else self.tr("Delete"))
        self.bin_button.setText(self.tr("Bin"))
        self.bin_button.setToolTip(self.tr("Deleted drafts, kept for a week"))
        self.undo_note.setText(self.tr("The draft was moved to the bin."))
        self.undo_button.setText(self.tr("Undo"))

    def _bin_toggled(self, _on: bool) -> None:
        self._show_undo(None)  # the bin itself is the way back now
        self.retranslate()
        self.refresh()

    @property
    def in_bin(self) -> bool:
        return self.bin_button.isChecked()

    def refresh(self, *_: object) -> None:
        query = self.search.text().strip()
        self.list.clear()
        try:
            if self.in_bin:
                for d in self.store.deleted():
                    deleted = self.tr("deleted {time}").format(time=when(d.deleted or d.updated))
                    item = QListWidgetItem(f"{shown_title(d)}\n{deleted}")
                    item.setData(ID_ROLE, d.id)
                    item.setToolTip(d.preview)
                    self.list.addItem(item)
            elif query:
                for hit in self.store.search(query):
                    item = QListWidgetItem(f"{shown_title(hit.draft)}\n{hit.snippet}")
                    item.setData(ID_ROLE, hit.draft.id)
                    item.setToolTip(hit.draft.preview)
                    self.list.addItem(item)
            else:
                for d in self.store.list(limit=500):
                    item = QListWidgetItem(f"{shown_title(d)}\n{when(d.updated)}")
                    item.setData(ID_ROLE, d.id)
                    item.setToolTip(d.preview)
                    self.list.addItem(item)
        except StoreError as e:
            self.list.addItem(QListWidgetItem(str(e)))

    def delete_selected(self) -> None:
        """Delete (or, in the bin, restore) the selected draft."""
        item = self.list.currentItem()
        if item is None or item.data(ID_ROLE) is None:
            return
        draft_id = item.data(ID_ROLE)
        if self.in_bin:
            self.store.undelete(draft_id)
            self.refresh()
            self.draftOpened.emit(draft_id)
            return
        self.store.delete(draft_id)
        self.draftDeleted.emit(draft_id)
        self.refresh()
        self._show_undo(draft_id)

    def undo_delete(self) -> None:
        draft_id, self._undo_id = self._undo_id, None
        self._show_undo(None)
        if draft_id is None:
            return
        self.store.undelete(draft_id)
        self.refresh()
        self.draftOpened.emit(draft_id)

    def _show_undo(self, draft_id: int | None) -> None:
        self._undo_id = draft_id
        self.undo_note.setVisible(draft_id is not None)
        self.undo_button.setVisible(draft_id is not None)
        if draft_id is not None:
            self._undo_timer.start()
