"""Where the main window was left: its place and size (kept on the screen there is now), maximised or
not, its splitters' sizes; saved at quit and restored at the next start (core/window_state.py keeps them)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

from deskmate.core.window_state import WindowState, centred, fit_on_screen, load_window_state, save_window_state

FIRST_SIZE = (1200, 800)  # the first start's size (contents), shrunk to the screen
FRAME_GUESS = (16, 48)  # a title bar and borders, until the window manager has framed the window
_NOT_NORMAL = Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMinimized


def _rect(r: object) -> tuple[int, int, int, int]:
    return r.x(), r.y(), r.width(), r.height()  # type: ignore[attr-defined]


class WindowPlace(QObject):
    """Places ``window`` as it was left (centred on the first start) and follows where it goes."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.state = load_window_state()
        self.splitters: dict[str, QSplitter] = {}
        self._normal: tuple[tuple[int, int, int, int], tuple[int, int]] | None = None
        self._shown = False
        window.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        saved, window = self.state.geometry, self.window
        screen = QGuiApplication.primaryScreen()
        if saved is not None:
            screen = QGuiApplication.screenAt(QPoint(saved[0] + saved[2] // 2, saved[1] + saved[3] // 2)) or screen
        if screen is None:
            window.resize(*FIRST_SIZE)
            return
        area = _rect(screen.availableGeometry())
        if saved is not None:
            frame = self.state.frame
            x, y, w, h = fit_on_screen(saved, area)
        else:
            frame = FRAME_GUESS
            x, y, w, h = centred((FIRST_SIZE[0] + frame[0], FIRST_SIZE[1] + frame[1]), area)
        window.resize(max(w - frame[0], 320), max(h - frame[1], 240))
        window.move(x, y)
        if self.state.maximized:
            window.setWindowState(Qt.WindowState.WindowMaximized)

    def add_splitter(self, name: str, splitter: QSplitter) -> None:
        """The splitter's sizes as they were left, and saved with the rest."""
        self.splitters[name] = splitter
        sizes = self.state.splitters.get(name)
        if sizes and len(sizes) == splitter.count() and sum(sizes) > 0:
            splitter.setSizes(sizes)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window:
            kind = event.type()
            if kind in (QEvent.Type.Move, QEvent.Type.Resize):
                self._remember()
            elif kind == QEvent.Type.Show and not self._shown:
                self._shown = True
                # The frame's real size is known only once the window manager has framed the window.
                for delay in (200, 1000):
                    QTimer.singleShot(delay, self, self._keep_on_screen)
        return False

    def _remember(self) -> None:
        """The unmaximised place, kept as it changes: once maximised, the window no longer tells it."""
        window = self.window
        if not window.isVisible() or window.windowState() & _NOT_NORMAL:
            return
        f, g = window.frameGeometry(), window.geometry()
        self._normal = (_rect(f), (f.width() - g.width(), f.height() - g.height()))

    def _keep_on_screen(self) -> None:
        window = self.window
        screen = window.screen()
        if screen is None or window.windowState() & _NOT_NORMAL:
            return
        a, f, g = screen.availableGeometry(), window.frameGeometry(), window.geometry()
        if a.contains(f):
            return
        x, y, w, h = fit_on_screen(_rect(f), _rect(a))
        window.resize(w - (f.width() - g.width()), h - (f.height() - g.height()))
        window.move(x, y)

    def save(self, draft_id: int | None, cursor: int) -> None:
        """The place, the splitters and the open draft, for the next start."""
        self._remember()
        geometry, frame = self._normal or (_rect(self.window.normalGeometry()), (0, 0))
        state = WindowState(geometry=geometry, frame=frame, maximized=self.window.isMaximized(),
                            splitters={name: s.sizes() for name, s in self.splitters.items()},
                            draft_id=draft_id, cursor=cursor)
        try:
            save_window_state(state)
        except OSError:
            pass  # quitting: nobody is left to tell, and the next start opens centred with no draft instead
