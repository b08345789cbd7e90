"""Review a proofreading result: every change marked in the text, each one accepted or rejected.

The view holds no text logic of its own: the changes, their positions and the
final text all come from ``ProofreadResult`` (``result.apply(accepted_ids)``).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.tasks.proofread import Change, ProofreadResult

from .retranslating import Retranslating
from .theme import color, set_tone


ID_ROLE = Qt.ItemDataRole.UserRole
SCHEME = "change"



def _styles(accepted: bool) -> tuple[str, str]:
    """The old text's and the suggestion's style, in the current theme's colours."""
    if accepted:  # the old words struck out in red, the new ones in green, as in a tracked-changes document
        return (f"color:{color('deleted')};background-color:{color('deleted_bg')};text-decoration:line-through",
                f"color:{color('inserted')};background-color:{color('inserted_bg')}")
    # Rejected: the original stays as it is, the declined suggestion greyed out.
    return (f"color:{color('text')};background-color:{color('kept_bg')}",
            f"color:{color('declined')};text-decoration:line-through")


def _shown(text: str, inserted: bool) -> str:
    # A removed or added line break is invisible on its own; the pilcrow makes it a thing to see.
    return text.replace("\n", "¶\n" if inserted else "¶")


def render_html(result: ProofreadResult, accepted: set[int]) -> str:
    """The original text with every change marked, each inside a ``change:<id>`` link."""
    out: list[str] = []
    pos = 0
    original = result.original
    for c in sorted(result.changes, key=lambda c: (c.start, c.end)):
        out.append(html.escape(original[pos : c.start]))
        old_style, new_style = _styles(c.id in accepted)
        parts = []
        if c.original:
            parts.append(f'<span style="{old_style}">{html.escape(_shown(c.original, False))}</span>')
        if c.replacement:
            parts.append(f'<span style="{new_style}">{html.escape(_shown(c.replacement, True))}</span>')
        out.append(f'<a href="{SCHEME}:{c.id}" style="text-decoration:none">{"".join(parts)}</a>')
        pos = c.end
    out.append(html.escape(original[pos:]))
    return f'<div style="white-space:pre-wrap">{"".join(out)}</div>'


class ProofreadView(Retranslating, QWidget):
    finalTextChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._result: ProofreadResult | None = None
        self._final = ""
        self._spans: dict[int, tuple[int, int]] = {}  # change id -> its place in the shown document
        self._current: int | None = None

        self.marked = QTextBrowser()
        self.marked.setOpenLinks(False)
        self.marked.setOpenExternalLinks(False)
        self.marked.anchorClicked.connect(self._anchor_clicked)

        self.changes_label = QLabel()
        self.changes = QListWidget()
        self.changes.itemChanged.connect(self._item_toggled)
        self.changes.currentItemChanged.connect(self._current_item_changed)
        self.accept_all_button = QPushButton()
        self.reject_all_button = QPushButton()
        self.accept_all_button.clicked.connect(self.accept_all)
        self.reject_all_button.clicked.connect(self.reject_all)
        self.summary = QLabel()
        self.restored_notice = QLabel()
        self.restored_notice.setWordWrap(True)
        self.restored_notice.setTextFormat(Qt.TextFormat.RichText)
        set_tone(self.restored_notice, "note")
        self.restored_notice.hide()

        self.final_label = QLabel()
        self.final = QPlainTextEdit()
        self.final.setReadOnly(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_all_button)
        buttons.addWidget(self.reject_all_button)
        buttons.addStretch(1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.changes_label)
        side_layout.addWidget(self.changes, 1)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.summary)
        side_layout.addWidget(self.restored_notice)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.final_label)
        bottom_layout.addWidget(self.final, 1)
        texts = QSplitter(Qt.Orientation.Vertical)
        texts.addWidget(self.marked)
        texts.addWidget(bottom)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(texts)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.retranslate()

    # --- text ----------------------------------------------------------------
    def retranslate(self) -> None:
        self.marked.setAccessibleName(self.tr("Text with changes marked"))
        self.marked.setPlaceholderText(self.tr("Proofread a text to review its changes here."))
        self.changes_label.setText(self.tr("Changes (ticked ones are kept):"))
        self.changes.setAccessibleName(self.tr("Changes"))
        self.accept_all_button.setText(self.tr("Accept all"))
        self.accept_all_button.setAccessibleName(self.tr("Accept all changes"))
        self.reject_all_button.setText(self.tr("Reject all"))
        self.reject_all_button.setAccessibleName(self.tr("Reject all changes"))
        self.final_label.setText(self.tr("Final text:"))
        self.final.setAccessibleName(self.tr("Final text"))
        self.restored_notice.setAccessibleName(self.tr("Restored sentences"))
        if self._result is not None:
            self.changes.blockSignals(True)
            for i in range(self.changes.count()):
                item = self.changes.item(i)
                item.setText(self._describe(self._change(item.data(ID_ROLE))))
            self.changes.blockSignals(False)
            self._show_restored()
        self._update_summary()

    def _quote(self, text: str) -> str:
        if not text.strip():
            return self.tr("a line break") if "\n" in text else self.tr("a space")
        flat = " ".join(text.split())
        return "“" + (flat if len(flat) <= 40 else flat[:39] + "…") + "”"

    def _describe(self, c: Change) -> str:
        if c.kind == "insert":
            line = self.tr("add {0}").format(self._quote(c.replacement))
        elif c.kind == "delete":
            line = self.tr("remove {0}").format(self._quote(c.original))
        else:
            line = self.tr("{0} → {1}").format(self._quote(c.original), self._quote(c.replacement))
        return f"{line} — {c.explanation}" if c.explanation else line

    # --- the result ---------------------------------------------------------
    def set_result(self, result: ProofreadResult) -> None:
        """Show a new result with every change accepted (the proofreader's full correction)."""
        self._result = result
        self._current = None
        self.changes.blockSignals(True)
        self.changes.clear()
        for c in sorted(result.changes, key=lambda c: c.start):
            item = QListWidgetItem(self._describe(c))
            item.setData(ID_ROLE, c.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.changes.addItem(item)
        self.changes.blockSignals(False)
        self._show_restored()
        self._refresh()

    def result(self) -> ProofreadResult | None:
        return self._result

    def clear(self) -> None:
        self._result = None
        self._current = None
        self.changes.clear()
        self.marked.clear()
        self._spans = {}
        self.restored_notice.hide()
        self._set_final("")
        self._update_summary()

    def accepted_ids(self) -> set[int]:
        return {
            self.changes.item(i).data(ID_ROLE)
            for i in range(self.changes.count())
            if self.changes.item(i).checkState() == Qt.CheckState.Checked
        }

    def set_accepted(self, change_id: int, accepted: bool) -> None:
        item = self._item(change_id)
        item.setCheckState(Qt.CheckState.Checked if accepted else Qt.CheckState.Unchecked)

    def accept_all(self) -> None:
        self._set_all(Qt.CheckState.Checked)

    def reject_all(self) -> None:
        self._set_all(Qt.CheckState.Unchecked)

    def final_text(self) -> str:
        return self._final

    def select_change(self, change_id: int) -> None:
        """Make this change the current one: selected in the list, highlighted and shown in the text."""
        self.changes.setCurrentItem(self._item(change_id))

    def highlighted_text(self) -> str:
        """The text of the change highlighted in the marked text ('' when none)."""
        selections = self.marked.extraSelections()
        return selections[0].cursor.selectedText().replace("\u2029", "\n") if selections else ""

    # --- internals ----------------------------------------------------------
    def _change(self, change_id: int) -> Change:
        assert self._result is not None
        return next(c for c in self._result.changes if c.id == change_id)

    def _item(self, change_id: int) -> QListWidgetItem:
        for i in range(self.changes.count()):
            if self.changes.item(i).data(ID_ROLE) == change_id:
                return self.changes.item(i)
        raise ValueError(f"There is no change {change_id} in this result.")

    def _set_all(self, state: Qt.CheckState) -> None:
        self.changes.blockSignals(True)  # one refresh for all, not one per item
        for i in range(self.changes.count()):
            self.changes.item(i).setCheckState(state)
        self.changes.blockSignals(False)
        self._refresh()

    def _item_toggled(self, _item: QListWidgetItem) -> None:
        self._refresh()

    def _refresh(self) -> None:
        if self._result is None:
            return
        accepted = self.accepted_ids()
        bar = self.marked.verticalScrollBar()
        scroll = bar.value()
        self.marked.setHtml(render_html(self._result, accepted))
        self._spans = self._find_spans()
        bar.setValue(scroll)  # toggling a change must not jump the text back to the top
        self._highlight(self._current, scroll_to=False)
        self._set_final(self._result.apply(accepted))
        self._update_summary()

    def _find_spans(self) -> dict[int, tuple[int, int]]:
        """Where each change's link ended up in the document, read back from the document itself."""
        spans: dict[int, tuple[int, int]] = {}
        block = self.marked.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                href = fragment.charFormat().anchorHref()
                if href.startswith(SCHEME + ":"):
                    cid = int(href.split(":", 1)[1])
                    start, end = fragment.position(), fragment.position() + fragment.length()
                    old = spans.get(cid)
                    spans[cid] = (min(start, old[0]), max(end, old[1])) if old else (start, end)
                it += 1
            block = block.next()
        return spans

    def _highlight(self, change_id: int | None, scroll_to: bool = True) -> None:
        if change_id is None or change_id not in self._spans:
            self.marked.setExtraSelections([])
            return
        start, end = self._spans[change_id]
        cursor = QTextCursor(self.marked.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(color("current_bg")))
        fmt.setFontWeight(700)
        selection.format = fmt
        self.marked.setExtraSelections([selection])
        if scroll_to:
            place = QTextCursor(self.marked.document())
            place.setPosition(start)
            self.marked.setTextCursor(place)
            self.marked.ensureCursorVisible()

    def _current_item_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        self._current = item.data(ID_ROLE) if item is not None else None
        self._highlight(self._current)

    def _anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == SCHEME:
            self.select_change(int(url.path()))

    def _set_final(self, text: str) -> None:
        if text == self._final:
            return
        self._final = text
        self.final.setPlainText(text)
        self.finalTextChanged.emit(text)

    def _update_summary(self) -> None:
        total = self.changes.count()
        if self._result is None:
            self.summary.setText("")
        elif total == 0:
            self.summary.setText(self.tr("No changes: the text looks right."))
        else:
            kept = len(self.accepted_ids())
            self.summary.setText(self.tr("%n of {0} changes accepted.", "", kept).format(total))
        self.accept_all_button.setEnabled(total > 0)
        self.reject_all_button.setEnabled(total > 0)

    def _show_restored(self) -> None:
        restored = self._result.restored if self._result is not None else ()
        if not restored:
            self.restored_notice.hide()
            return
        head = self.tr(
            "The proofreader left out %n sentence(s). They were put back from your original, unchanged:",
            "",
            len(restored),
        )
        items = "".join(f"<li>{html.escape(r.text)}</li>" for r in restored)
        self.restored_notice.setText(f"{html.escape(head)}<ul>{items}</ul>")
        self.restored_notice.show()
