"""The person's choice of look: System / Light / Dark and the text size, applied to the whole
application, following the system's colour scheme while the choice is "System", remembered in
``[ui] theme`` and ``[ui] zoom``; and the View menu's entries for both."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from deskmate.core.settings import UI_THEMES, UI_ZOOM_STEPS, SettingsError

from . import theme


def theme_names() -> dict[str, str]:
    """What the choices are called in the View menu and the Settings dialog."""
    return {
        "system": QCoreApplication.translate("Look", "System"),
        "light": QCoreApplication.translate("Look", "Light"),
        "dark": QCoreApplication.translate("Look", "Dark"),
    }


def system_scheme() -> theme.Scheme:
    dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return theme.DARK if dark else theme.LIGHT


class Look(QObject):
    """Applies ``choice`` ("system", "light", "dark") and ``zoom`` (a percent of UI_ZOOM_STEPS)."""

    changed = Signal()
    failed = Signal(str)  # the choice could not be saved: why

    def __init__(self, choice: str, zoom: int, save: bool = True) -> None:
        super().__init__()
        self.choice, self.zoom = choice, zoom
        self.save = save  # write choices to settings.toml (off for a window that only shows itself)
        self.error = ""
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self._apply()

    @property
    def scheme(self) -> theme.Scheme:
        return system_scheme() if self.choice == "system" else theme.SCHEMES[self.choice]

    def _apply(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply(app, self.scheme, self.zoom)
        self.changed.emit()

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self._apply()

    def set_theme(self, choice: str, remember: bool = True) -> None:
        if choice not in UI_THEMES:
            raise ValueError(f"no theme {choice!r}")
        if choice != self.choice:
            self.choice = choice
            self._apply()
        if remember:
            self._remember("theme", choice)

    def set_zoom(self, zoom: int, remember: bool = True) -> None:
        zoom = min(UI_ZOOM_STEPS, key=lambda step: abs(step - zoom))
        if zoom != self.zoom:
            self.zoom = zoom
            self._apply()
        if remember:
            self._remember("zoom", zoom)

    def zoom_in(self) -> None:
        bigger = [z for z in UI_ZOOM_STEPS if z > self.zoom]
        if bigger:
            self.set_zoom(bigger[0])

    def zoom_out(self) -> None:
        smaller = [z for z in UI_ZOOM_STEPS if z < self.zoom]
        if smaller:
            self.set_zoom(smaller[-1])

    def reset_zoom(self) -> None:
        self.set_zoom(100)

    def _remember(self, key: str, value: object) -> None:
        from deskmate.core.settings import set_value

        self.error = ""
        if not self.save:
            return
        try:
            set_value("ui", key, value)
        except (SettingsError, OSError) as e:  # the look still changes for this session
            self.error = str(e)
            self.failed.emit(self.error)


class LookMenu(QObject):
    """View → Theme (System / Light / Dark) and the zoom entries, with their shortcuts."""

    def __init__(self, look: Look, menu: QMenu, window: QWidget) -> None:
        super().__init__(menu)
        self.look = look
        self.menu_theme = menu.addMenu("")
        self.group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for choice in UI_THEMES:
            action = QAction(self, checkable=True)
            action.triggered.connect(lambda _=False, c=choice: look.set_theme(c))
            self.group.addAction(action)
            self.menu_theme.addAction(action)
            self.theme_actions[choice] = action
        menu.addSeparator()
        self.act_zoom_in = self._zoom_action(menu, window, look.zoom_in, QKeySequence.StandardKey.ZoomIn, "Ctrl+=")
        self.act_zoom_out = self._zoom_action(menu, window, look.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.act_zoom_reset = self._zoom_action(menu, window, look.reset_zoom, "Ctrl+0")
        look.changed.connect(self.show_state)
        menu.installEventFilter(self)
        self.retranslate()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def _zoom_action(self, menu: QMenu, window: QWidget, slot, *keys) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(self)
        shortcuts: list[QKeySequence] = []
        for key in keys:
            for seq in (
                QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
            ):
                if seq not in shortcuts:
                    shortcuts.append(seq)
        action.setShortcuts(shortcuts)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        window.addAction(action)  # the keys work wherever the focus is in the window
        return action

    def retranslate(self) -> None:
        self.menu_theme.setTitle(QCoreApplication.translate("Look", "Theme"))
        for choice, name in theme_names().items():
            self.theme_actions[choice].setText(name)
        self.act_zoom_in.setText(QCoreApplication.translate("Look", "Zoom in"))
        self.act_zoom_out.setText(QCoreApplication.translate("Look", "Zoom out"))
        self.show_state()

    def show_state(self) -> None:
        self.theme_actions[self.look.choice].setChecked(True)
        self.act_zoom_reset.setText(
            QCoreApplication.translate("Look", "Actual size (now {percent} %)").format(percent=self.look.zoom)
        )
        self.act_zoom_in.setEnabled(self.look.zoom < UI_ZOOM_STEPS[-1])
        self.act_zoom_out.setEnabled(self.look.zoom > UI_ZOOM_STEPS[0])
