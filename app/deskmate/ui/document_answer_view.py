"""A cited answer (or a whole-document task's text) with its numbered sources.

Each citation [n] in the text is a link, and each source a row: either opens the file
at that place (a PDF at its page where the viewer reads ``#page=``; other files at
their start). Sentences the grounding check found unsupported are shaded, with a
tooltip saying why.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QTextBrowser, QVBoxLayout, QWidget

from deskmate.core.docs.library import Passage

from .retranslating import Retranslating
from .theme import color, set_tone

OpenUrl = Callable[[QUrl], bool]
_CITE = re.compile(r"\[(\d{1,3})\]")


def source_url(passage: Passage) -> QUrl:
    """The file, at the passage's page for a PDF (``#page=N``: browsers' and most PDF viewers' way)."""
    url = QUrl.fromLocalFile(str(passage.path))
    if passage.path.suffix.lower() == ".pdf" and passage.page:
        url.setFragment(f"page={passage.page}")
    return url


def _linked(text: str) -> str:
    """Escaped text with each [n] a link to source n."""
    escaped = html.escape(text, quote=False)
    return _CITE.sub(lambda m: f'<a href="cite:{m.group(1)}">[{m.group(1)}]</a>', escaped).replace("\n", "<br>")


def answer_html(text: str, unsupported: Sequence[tuple[int, int]] = (), tip: str = "") -> str:
    """``text`` as HTML: citations linked, the spans in ``unsupported`` (start, end) shaded."""
    out, at = [], 0
    for start, end in sorted(unsupported):
        out.append(_linked(text[at:start]))
        out.append(f'<span style="background-color: {color("note_bg")};" title="{html.escape(tip)}">{_linked(text[start:end])}</span>')
        at = end
    out.append(_linked(text[at:]))
    return "".join(out)


class AnswerView(Retranslating, QWidget):
    sourceOpened = Signal(object)  # the Passage whose file was opened

    def __init__(self, parent: QWidget | None = None, *, open_url: OpenUrl | None = None) -> None:
        super().__init__(parent)
        self.open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self.sources: list[Passage] = []
        self._text = ""
        self._unsupported: list[tuple[int, int]] = []
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._anchor)
        self.sources_label = QLabel()
        self.source_list = QListWidget()
        self.source_list.setWordWrap(True)
        self.source_list.itemActivated.connect(lambda item: self.open_source(self.source_list.row(item) + 1))
        self.failed_label = QLabel()
        self.failed_label.setWordWrap(True)
        set_tone(self.failed_label, "error")
        self.failed_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 3)
        layout.addWidget(self.failed_label)
        layout.addWidget(self.sources_label)
        layout.addWidget(self.source_list, 2)
        self.retranslate()

    def retranslate(self) -> None:
        self.browser.setAccessibleName(self.tr("Answer"))
        self.sources_label.setText(self.tr("Sources (double-click to open the file at that place):"))
        self.source_list.setAccessibleName(self.tr("Sources"))
        self._render()

    # --- content -----------------------------------------------------------------
    def clear(self) -> None:
        self.show_text("", [])

    def append(self, piece: str) -> None:
        """The answer as it is written (plain text; citations become links when it is done)."""
        cursor = self.browser.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(piece)
        self._text += piece

    def show_text(self, text: str, sources: Sequence[Passage], unsupported: Sequence[tuple[int, int]] = ()) -> None:
        self._text, self.sources, self._unsupported = text, list(sources), list(unsupported)
        self.failed_label.hide()
        self._render()
        self.source_list.clear()
        for n, p in enumerate(self.sources, 1):
            where = f", {p.where}" if p.where else ""
            snippet = " ".join(p.text.split())
            item = QListWidgetItem(f"[{n}] {p.path.name}{where} — {snippet[:160]}{'…' if len(snippet) > 160 else ''}")
            item.setToolTip(f"{p.path}{where}\n\n{p.text[:1500]}")
            self.source_list.addItem(item)
        self.sources_label.setVisible(bool(self.sources))
        self.source_list.setVisible(bool(self.sources))

    def show_failure(self, message: str) -> None:
        self.failed_label.setText(message)
        self.failed_label.show()

    def _render(self) -> None:
        tip = self.tr("No cited passage supports this sentence: check it against the sources.")
        self.browser.setHtml(answer_html(self._text, self._unsupported, tip))

    @property
    def text(self) -> str:
        return self._text

    def draft_text(self) -> str:
        """The text with its source list, for the draft: citations keep their meaning there."""
        if not self.sources:
            return self._text
        lines = [f"[{n}] {p.path.name}" + (f", {p.where}" if p.where else "") for n, p in enumerate(self.sources, 1)]
        heading = self.tr("Sources:")
        return f"{self._text}\n\n{heading}\n" + "\n".join(lines)

    # --- opening sources ---------------------------------------------------------------
    def _anchor(self, url: QUrl) -> None:
        if url.scheme() == "cite" and url.path().isdigit():
            self.open_source(int(url.path()))

    def open_source(self, n: int) -> bool:
        """Open source ``n`` (1-based) at its place; False (and said so) when it cannot be opened."""
        if not 1 <= n <= len(self.sources):
            return False
        passage = self.sources[n - 1]
        if not passage.path.exists():
            self.show_failure(self.tr("{name} is no longer at {folder}: it was moved or deleted.").format(
                name=passage.path.name, folder=str(passage.path.parent)))
            return False
        if not self.open_url(source_url(passage)):
            self.show_failure(self.tr("No program on this computer opens {name}.").format(name=passage.path.name))
            return False
        self.sourceOpened.emit(passage)
        return True
