"""The quick palette: the clipboard text, the actions, the streaming result, review before paste.

Show it with ``show_for_clipboard()`` (tray, hotkey, copy twice, `deskmate quick palette`).
The original clipboard is kept format by format, so Undo always restores it.
Work runs on a ``Worker`` thread; this view only reacts to its signals.
"""

from __future__ import annotations

import html
import os
import sys

from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QClipboard, QCursor, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.quick import QuickInputError, QuickResult, action, all_actions, prepare, run_action

from .background import Worker, describe_error
from .engine_bridge import ClientSource, current_client
from .retranslating import Retranslating
from .single_instance import copy_mime, result_mime
from .theme import color

PREVIEW_CHARS = 2000


def paste_problem() -> str:
    """Why Paste back cannot simulate Ctrl+V here; empty when it can."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("QuickPalette", text)

    if sys.platform.startswith("linux"):
        if os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
            return tr("Paste back cannot type into other apps on Wayland. The result is on the clipboard: press Ctrl+V.")
        if not os.environ.get("DISPLAY") or QGuiApplication.platformName() == "offscreen":
            return tr("Paste back needs a desktop display. The result is on the clipboard: press Ctrl+V.")
    try:
        import pynput.keyboard  # noqa: F401
    except Exception:
        return tr("Paste back needs the optional package pynput (pip install 'deskmate[hotkeys]'). "
                  "The result is on the clipboard: press Ctrl+V.")
    return ""


def diff_html(original: str, changes) -> str:  # type: ignore[no-untyped-def]
    """The original with deletions struck red and insertions green."""
    out, pos = [], 0
    for c in sorted(changes, key=lambda c: (c.start, c.end)):
        out.append(html.escape(original[pos:c.start]))
        if c.original:
            out.append(f'<span style="color:{color("deleted")};text-decoration:line-through">{html.escape(c.original)}</span>')
        if c.replacement:
            out.append(f'<span style="color:{color("inserted")};font-weight:bold">{html.escape(c.replacement)}</span>')
        pos = c.end
    out.append(html.escape(original[pos:]))
    return "<div style='white-space:pre-wrap'>" + "".join(out) + "</div>"


_LANGUAGES = ("zh", "en", "ja", "fr", "de", "es")  # what "Translate" offers, in this order


class QuickPalette(Retranslating, QWidget):
    openAsDraft = Signal(str)  # the result (or the clipboard text when there is none)
    resultReady = Signal(object)  # QuickResult
    clipboardWritten = Signal()  # Deskmate wrote the clipboard (copy-twice detection should ignore it)

    def __init__(self, client: ClientSource | None = None, parent: QWidget | None = None, *,
                 clipboard: QClipboard | None = None, lang: str = "en") -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint
                         | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("QuickPalette")
        self.client = client  # a ChatClient, or a function giving the current one
        self.lang = lang
        self.clipboard = clipboard or QGuiApplication.clipboard()
        self.worker = Worker(self, name="deskmate-quick")
        self.worker.event.connect(self._delta)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.original: QMimeData | None = None
        self.text = ""
        self.result: QuickResult | None = None
        self._run = None

        self.source_view = QPlainTextEdit(readOnly=True)
        self.source_view.setMaximumHeight(90)
        self.filter = QLineEdit()
        self.actions_list = QListWidget()
        self.actions_list.setMaximumHeight(170)
        self.refresh_actions()
        self.language = QComboBox()
        for code in _LANGUAGES:
            self.language.addItem(code, code)
        self.result_view = QPlainTextEdit()
        self.diff_view = QTextBrowser()
        self.diff_view.setVisible(False)
        self.message = QLabel(wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton()
        self.replace_button = QPushButton()
        self.paste_button = QPushButton()
        self.draft_button = QPushButton()
        self.undo_button = QPushButton()
        self.stop_button = QPushButton()
        self.close_button = QPushButton()

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        self.to_label = QLabel()
        top.addWidget(self.to_label)
        top.addWidget(self.language)
        buttons = QHBoxLayout()
        for b in (self.copy_button, self.replace_button, self.paste_button, self.draft_button,
                  self.undo_button, self.stop_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_view)
        layout.addLayout(top)
        layout.addWidget(self.actions_list)
        layout.addWidget(self.result_view, 1)
        layout.addWidget(self.diff_view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, 520)

        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._run_selected)
        self.actions_list.itemActivated.connect(lambda _i: self._run_selected())
        self.actions_list.itemClicked.connect(lambda _i: self._run_selected())
        self.copy_button.clicked.connect(self.copy_result)
        self.replace_button.clicked.connect(self.replace_clipboard)
        self.paste_button.clicked.connect(self.paste_back)
        self.draft_button.clicked.connect(self._open_draft)
        self.undo_button.clicked.connect(self.undo)
        self.stop_button.clicked.connect(self.worker.cancel)
        self.close_button.clicked.connect(self.hide)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Deskmate quick actions"))
        self.filter.setPlaceholderText(self.tr("Type to filter actions…"))
        names = {"zh": self.tr("Chinese"), "en": self.tr("English"), "ja": self.tr("Japanese"),
                 "fr": self.tr("French"), "de": self.tr("German"), "es": self.tr("Spanish")}
        for i, code in enumerate(_LANGUAGES):
            self.language.setItemText(i, names[code])
        self.to_label.setText(self.tr("to"))
        self.result_view.setPlaceholderText(self.tr("The result appears here."))
        for button, text in ((self.copy_button, self.tr("Copy")), (self.replace_button, self.tr("Replace clipboard")),
                             (self.paste_button, self.tr("Paste back")), (self.draft_button, self.tr("Open as draft")),
                             (self.undo_button, self.tr("Undo")), (self.stop_button, self.tr("Stop")),
                             (self.close_button, self.tr("Close"))):
            button.setText(text)

    def set_language(self, lang: str) -> None:
        """Action names in ``lang`` (the rest follows the installed translator)."""
        self.lang = lang
        self.refresh_actions()

    def refresh_actions(self) -> None:
        """The built-in actions and the person's own quick tasks, as the catalog says now."""
        current = self.actions_list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.actions_list.clear()
        for a in all_actions():
            item = QListWidgetItem(a.label(self.lang))
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.actions_list.addItem(item)
            if a.id == keep:
                self.actions_list.setCurrentItem(item)
        if hasattr(self, "filter"):
            self._filter(self.filter.text())

    # --- showing ------------------------------------------------------------------
    def show_for_clipboard(self, at: QPoint | None = None) -> bool:
        """Take the clipboard as it is now and show the palette near the cursor. False when it holds no text."""
        self.original = copy_mime(self.clipboard.mimeData())
        self.result = None
        self.result_view.clear()
        self.diff_view.setVisible(False)
        self.result_view.setVisible(True)
        self.filter.clear()
        ok = self._take(self.original)
        self._place(at or QCursor.pos())
        self.show()
        self.raise_()
        self.activateWindow()
        self.filter.setFocus()
        self._update_buttons()
        return ok

    def _take(self, mime: QMimeData) -> bool:
        if not mime.hasText() and (mime.hasImage() or mime.formats()):
            self.text = ""
            self._say(self.tr("The clipboard holds an image. Quick actions work on text: copy some text and try again.")
                      if mime.hasImage() else
                      self.tr("The clipboard holds data that is not text. Quick actions work on text: copy some text and "
                              "try again."))
            self.source_view.setPlainText("")
            return False
        self.text = mime.text()
        try:
            qi = prepare(self.text)
        except QuickInputError as e:
            self._say(str(e))
            self.source_view.setPlainText(self.text[:PREVIEW_CHARS])
            self.text = ""
            return False
        preview = self.text if len(self.text) <= PREVIEW_CHARS else self.text[:PREVIEW_CHARS] + "…"
        self.source_view.setPlainText(preview)
        self._say(qi.notice)
        return True

    def _place(self, pos: QPoint) -> None:
        screen = QGuiApplication.screenAt(pos) or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        size = self.size().expandedTo(self.sizeHint())  # before the first show its layout has not sized it yet
        x = min(max(pos.x() + 12, area.left()), area.right() - size.width())
        y = min(max(pos.y() + 12, area.top()), area.bottom() - size.height())
        self.move(max(x, area.left()), max(y, area.top()))

    # --- actions --------------------------------------------------------------------
    def visible_action_ids(self) -> list[str]:
        return [self.actions_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.actions_list.count()) if not self.actions_list.item(i).isHidden()]

    def _filter(self, text: str) -> None:
        key = text.strip().lower()
        first = None
        for i in range(self.actions_list.count()):
            item = self.actions_list.item(i)
            hit = not key or key in item.text().lower() or key in item.data(Qt.ItemDataRole.UserRole)
            item.setHidden(not hit)
            if hit and first is None:
                first = item
        if first is not None:
            self.actions_list.setCurrentItem(first)

    def _run_selected(self) -> None:
        item = self.actions_list.currentItem()
        if item is None or item.isHidden():
            visible = self.visible_action_ids()
            if not visible:
                return
            action_id = visible[0]
        else:
            action_id = item.data(Qt.ItemDataRole.UserRole)
        to = self.language.currentData() if action_id == "translate" else None
        self.run(action_id, to=to)

    def run(self, action_id: str, *, to: str | None = None) -> bool:
        """Start an action on the clipboard text. False (with a message) when it cannot start."""
        if self.worker.busy:
            self._say(self.tr("An action is still running. Stop it first."))
            return False
        client = current_client(self.client)
        if client is None:
            self._say(self.tr("No model is loaded yet. Choose a model in Deskmate, then try again."))
            return False
        if not self.text:
            if not self.message.text():
                self._say(self.tr("There is no text to work on: copy some text first, then try again."))
            return False
        try:
            self._run = run_action(client, action_id, self.text, to=to, lang=self.lang)
        except QuickInputError as e:
            self._say(str(e))
            return False
        self.result = None
        self.result_view.clear()
        self.diff_view.setVisible(False)
        self.result_view.setVisible(True)
        self._say(self._run.input.notice or f"{action(action_id).label(self.lang)}…")
        run = self._run
        self.worker.events(lambda: run)
        self._update_buttons()
        return True

    def _delta(self, piece: object) -> None:
        cursor = self.result_view.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(str(piece))

    def _finished(self, result: object) -> None:
        self._run = None
        if not isinstance(result, QuickResult):
            self._say(self.tr("The action ended without a result."))
            self._update_buttons()
            return
        self.result = result
        self.result_view.setPlainText(result.markdown if result.kind == "table" else result.text)
        if result.kind == "diff":
            self.diff_view.setHtml(diff_html(result.original, result.changes))
            self.diff_view.setVisible(True)
            n = len(result.changes)
            self._say((self.tr("No changes needed.") if n == 0 else self.tr("1 change.") if n == 1 else self.tr("{n} changes.").format(n=n))
                      + (" " + result.notice if result.notice else ""))
        elif result.cancelled:
            self._say(self.tr("Stopped. The clipboard is unchanged."))
        else:
            self._say(result.notice or self.tr("Done. Replace the clipboard or paste it back when it looks right."))
        self._update_buttons()
        self.resultReady.emit(result)

    def _failed(self, error: object) -> None:
        self._run = None
        self._say(describe_error(error) if isinstance(error, BaseException) else str(error))
        self._update_buttons()

    # --- review and write back ------------------------------------------------------
    def result_text(self) -> str:
        """What goes back: the result as shown (the person may have edited it)."""
        if self.result is not None and self.result.kind == "table" \
                and self.result_view.toPlainText() == self.result.markdown:
            return self.result.tsv
        return self.result_view.toPlainText()

    def _write(self, mime: QMimeData) -> None:
        self.clipboardWritten.emit()
        self.clipboard.setMimeData(mime)

    def copy_result(self) -> bool:
        """The result's plain text on the clipboard; the palette stays open."""
        text = self.result_text()
        if not text:
            self._say(self.tr("There is no result to copy yet."))
            return False
        self._write(result_mime(text))
        self._say(self.tr("Copied. Undo puts the original back on the clipboard."))
        self._update_buttons()
        return True

    def replace_clipboard(self) -> bool:
        """The full result (a table also as HTML for word processors) replaces the clipboard."""
        text = self.result_text()
        if not text:
            self._say(self.tr("There is no result yet: choose an action first."))
            return False
        html_text = self.result.html if self.result is not None and text == self.result.tsv else ""
        self._write(result_mime(text, html_text))
        self._say(self.tr("The result is on the clipboard. Undo puts the original back."))
        self._update_buttons()
        return True

    def paste_back(self) -> bool:
        if not self.replace_clipboard():
            return False
        problem = paste_problem()
        if problem:
            self._say(problem)
            return False
        self.hide()  # focus returns to the app the text came from
        QTimer.singleShot(200, _send_paste_keys)
        return True

    def undo(self) -> bool:
        if self.original is None:
            self._say(self.tr("Nothing to undo."))
            return False
        self._write(copy_mime(self.original))  # keep our own copy for a second Undo
        self._say(self.tr("The original clipboard is back."))
        return True

    def _open_draft(self) -> None:
        self.openAsDraft.emit(self.result_text() or self.text)

    # --- helpers --------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.message.setText(text)

    def _update_buttons(self) -> None:
        busy = self.worker.busy
        has_result = self.result is not None and bool(self.result_view.toPlainText())
        for b in (self.copy_button, self.replace_button, self.paste_button):
            b.setEnabled(has_result and not busy)
        self.draft_button.setEnabled(bool(self.text) and not busy)
        self.undo_button.setEnabled(self.original is not None)
        self.stop_button.setEnabled(busy)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Escape:
            self.worker.cancel()
            self.hide()
            return
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.filter.hasFocus():
            self.actions_list.setFocus()
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.worker.cancel()
        self.worker.wait(5.0)
        super().closeEvent(event)


def _send_paste_keys() -> None:
    from pynput.keyboard import Controller, Key

    keys = Controller()
    modifier = Key.cmd if sys.platform == "darwin" else Key.ctrl
    with keys.pressed(modifier):
        keys.press("v")
        keys.release("v")
