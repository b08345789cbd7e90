"""The tray icon with the quick actions, where the platform has a tray.

``DeskmateTray`` always builds its menu (so the same menu can be shown from the
window); the icon itself appears only when ``QSystemTrayIcon.isSystemTrayAvailable()``.
With no tray (offscreen, some Wayland desktops) ``available`` is False and closing
the window must quit as usual: ``keeps_running`` says whether to stay alive.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from deskmate.core.quick import ACTIONS, user_actions

from .icons import tray_icon

# The tray's quick actions, in menu order (translate to… needs a language: it is in the palette).
TRAY_ACTIONS = ("shorter", "formal", "friendly", "grammar", "translate-zh", "translate-en", "summary", "table")


def close_to_tray_setting() -> bool:
    """``[app] close_to_tray``; its default (false) when unset or wrong (the window shows that problem)."""
    from deskmate.core.settings import load_settings_leniently

    return load_settings_leniently().settings.app.close_to_tray


class DeskmateTray(QObject):
    actionRequested = Signal(str)  # a quick action id: run it on the clipboard
    openRequested = Signal()
    quitRequested = Signal()

    def __init__(self, lang: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.menu = QMenu()
        self.action_items: dict[str, QAction] = {}
        labels = {a.id: a for a in ACTIONS}
        for action_id in TRAY_ACTIONS:
            item = self.menu.addAction(labels[action_id].label(lang))
            item.triggered.connect(lambda _=False, a=action_id: self.actionRequested.emit(a))
            self.action_items[action_id] = item
        self._mine = self.menu.addSeparator()
        self.refresh_actions()
        self.menu.addSeparator()
        self.keep_item = self.menu.addAction(self._tr("Keep running in the tray when the window closes"))
        self.keep_item.setCheckable(True)
        self.keep_item.setChecked(close_to_tray_setting())
        self.keep_item.setEnabled(self.available)
        self.keep_item.toggled.connect(self.set_close_to_tray)
        self.menu.addSeparator()
        self.open_item = self.menu.addAction(self._tr("Open Deskmate"))
        self.open_item.triggered.connect(self.openRequested)
        self.quit_item = self.menu.addAction(self._tr("Quit"))
        self.quit_item.triggered.connect(self.quitRequested)
        self.error = ""
        self.icon: QSystemTrayIcon | None = None
        if self.available:
            self.icon = QSystemTrayIcon(self._app_icon(), self)
            self.icon.setToolTip("Deskmate")
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)

    def refresh_actions(self) -> None:
        """The person's own quick tasks, after the built-in ones (again after the editor saves one)."""
        for action_id in [a for a in self.action_items if a not in TRAY_ACTIONS]:
            self.menu.removeAction(self.action_items.pop(action_id))
        before = self.menu.actions()[self.menu.actions().index(self._mine) + 1] \
            if self.menu.actions()[-1] is not self._mine else None
        for a in user_actions():
            item = QAction(a.label(self.lang), self.menu)
            item.triggered.connect(lambda _=False, i=a.id: self.actionRequested.emit(i))
            self.menu.insertAction(before, item) if before is not None else self.menu.addAction(item)
            self.action_items[a.id] = item

    def _tr(self, text: str) -> str:
        return QCoreApplication.translate("DeskmateTray", text)

    @staticmethod
    def _app_icon() -> QIcon:
        return tray_icon()

    def show(self) -> bool:
        """Show the icon; False when this desktop has no tray."""
        if self.icon is None:
            self.error = self._tr("This desktop has no system tray; use the window or `deskmate quick`.")
            return False
        self.icon.show()
        return True

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()

    @property
    def keeps_running(self) -> bool:
        """Closing the window should hide it, not quit: only with a tray and the setting on."""
        return self.available and self.keep_item.isChecked()

    def set_close_to_tray(self, on: bool) -> None:
        from deskmate.core.settings import SettingsError, set_value

        try:
            set_value("app", "close_to_tray", bool(on))
            self.error = ""
        except (SettingsError, OSError) as e:
            self.error = str(e)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.openRequested.emit()
