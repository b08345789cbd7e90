"""A small notice near the cursor for what Deskmate did outside its window: a quick action's result
that `deskmate quick` (through the running app) put on the clipboard, with Undo and Open, or why a
global hotkey could not be registered. Not modal and never takes the focus from the app in use."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .retranslating import Retranslating

# Long enough to read a sentence and reach for Undo; it stays while the pointer is on it.
SHOW_MS = 20_000


class QuickNotice(Retranslating, QFrame):
    undoRequested = Signal()
    openRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("QuickNotice")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Deskmate notice")
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setMaximumWidth(420)
        self.undo_button = QPushButton()
        self.open_button = QPushButton()
        self.close_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.undo_button, self.open_button, self.close_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.timer = QTimer(self, singleShot=True, interval=SHOW_MS)
        self.timer.timeout.connect(self._expire)
        self.undo_button.clicked.connect(self.undoRequested)
        self.open_button.clicked.connect(self.openRequested)
        self.close_button.clicked.connect(self.hide)
        self.retranslate()

    def retranslate(self) -> None:
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Put the clipboard back as it was"))
        self.open_button.setText(self.tr("Open in Deskmate"))
        self.open_button.setToolTip(self.tr("Open the result as a draft in the window"))
        self.close_button.setText(self.tr("Close"))

    def show_result(self, title: str, text: str) -> None:
        """A result is on the clipboard: Undo and Open are offered."""
        self._show(title, text, actions=True)

    def show_message(self, title: str, text: str) -> None:
        """Something to know, with nothing to undo."""
        self._show(title, text, actions=False)

    def say(self, text: str) -> None:
        """A follow-up in the same notice (after Undo), with no more to undo."""
        self.text.setText(text)
        self.undo_button.setVisible(False)
        self.timer.start()

    def _show(self, title: str, text: str, *, actions: bool) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.undo_button.setVisible(actions)
        self.open_button.setVisible(actions)
        self.adjustSize()
        self._place(QCursor.pos())
        self.show()
        self.raise_()
        self.timer.start()

    def _place(self, pos: QPoint) -> None:
        screen = QGuiApplication.screenAt(pos) or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        x = min(max(pos.x() + 16, area.left()), area.right() - self.width())
        y = min(max(pos.y() + 16, area.top()), area.bottom() - self.height())
        self.move(max(x, area.left()), max(y, area.top()))

    def _expire(self) -> None:
        if self.underMouse():
            self.timer.start()
            return
        self.hide()
