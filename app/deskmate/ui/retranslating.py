"""Views that re-read their strings when the UI language changes.

Qt sends every widget a LanguageChange event after a translator is installed or
removed; a view that lists this mixin before its Qt base gets `retranslate()`
called then, instead of each view repeating the same changeEvent override.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent


class Retranslating:
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()  # type: ignore[attr-defined]
        super().changeEvent(event)  # type: ignore[misc]
