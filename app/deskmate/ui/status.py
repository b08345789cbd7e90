"""The status line, the progress bar and the notice box that the views share.

Texts are :data:`~deskmate.ui.dialogs.Message` callables, made when shown, so a view's
``retranslate`` shows them again in the new language by calling these once more.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar

from .dialogs import Message
from .theme import color


def text_of(message: Message | None) -> str:
    return message() if message is not None else ""


def notice_label() -> QLabel:
    """The box for an error and warnings: rich text, selectable, hidden until there is something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_notice(label: QLabel, error: Message | None, warnings: Sequence[Message], *,
                bullets: bool = False, detail: str = "") -> None:
    """The error in red, then the warnings (as a list with ``bullets``); hidden when there is neither."""
    lines = [f'<p style="color:{color("error")}">{html.escape(error())}</p>'] if error else []
    items = [html.escape(w()) for w in warnings]
    if bullets and items:
        lines.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
    else:
        lines += [f"<p>{item}</p>" for item in items]
    if not lines:
        label.hide()
        return
    label.setText("".join(lines))
    label.setToolTip(detail)
    label.show()


def notice_text(error: Message | None, warnings: Sequence[Message]) -> str:
    """The notice as plain text (what a screen reader says)."""
    return "\n".join(([error()] if error else []) + [w() for w in warnings])


def show_count(bar: QProgressBar, done: int, total: int, label: str) -> None:
    """``label`` over a done/total bar; a busy bar while the total is not known (0)."""
    if total <= 0:
        bar.setRange(0, 0)
        bar.setFormat("")
    else:
        bar.setRange(0, total)
        bar.setValue(done)
        bar.setFormat(label)
    bar.show()
