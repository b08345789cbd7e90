"""The questions views ask through a dialog, as plain callables a test can answer instead.

A view takes ``ask_save_path=`` / ``confirm=`` / ``open_url=`` and falls back to the real
dialog built here, so tests drive it without a modal window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

Message = Callable[[], str]  # a string translated when shown, so a language switch reaches it
# (caption, file-type filter, suggested path) -> chosen path, or None when the person cancels.
AskSavePath = Callable[[str, str, str], "str | None"]
# (title, question) -> True to go ahead.
Confirm = Callable[[str, str], bool]
OpenUrl = Callable[[QUrl], bool]


def ask_save_path_with_dialog(parent: QWidget) -> AskSavePath:
    def ask(caption: str, file_filter: str, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)
        return path or None

    return ask


def confirm_with_dialog(parent: QWidget) -> Confirm:
    def confirm(title: str, question: str) -> bool:
        answer = QMessageBox.question(parent, title, question, QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    return confirm
