"""Triggers for the quick palette: copy twice, and a global hotkey.

* Copy twice: two clipboard changes with the same text within ``window`` seconds
  (0.8 s) trigger once; the next trigger needs a fresh pair. Fed by
  ``QClipboard.dataChanged``, which reports other apps' copies on Windows and
  X11 but not reliably on macOS or Wayland (there, bind `deskmate quick` to a
  shortcut instead).
* Global hotkey: Qt has none, so pynput's ``GlobalHotKeys`` (X11, Windows,
  macOS; not Wayland). pynput is optional and is imported only when the hotkey
  is switched on. The key-event source is injectable: anything built as
  ``source(hotkeys: dict[str, callable])`` with ``start()`` and ``stop()``,
  which is exactly pynput's ``GlobalHotKeys``; tests pass a fake one.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

DEFAULT_HOTKEY = "<ctrl>+<alt>+<space>"  # pynput reads a bare "space" as the letters s, p, a, c, e
COPY_TWICE_WINDOW = 0.8

KeySource = Callable[[dict[str, Callable[[], None]]], Any]


class CopyTwiceDetector(QObject):
    """Emits ``triggered(text)`` when the same text is copied twice within the window."""

    triggered = Signal(str)

    def __init__(self, clipboard: QClipboard | None = None, *, window: float = COPY_TWICE_WINDOW,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clipboard = clipboard or QGuiApplication.clipboard()
        self.window = window
        self._enabled = False
        self._last_text = ""
        self._last_time = -1e9
        self._quiet_until = 0.0
        self.set_enabled(True)

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, on: bool) -> None:
        if on == self._enabled:
            return
        self._enabled = on
        if on:
            self.clipboard.dataChanged.connect(self._changed)
        else:
            self.clipboard.dataChanged.disconnect(self._changed)
        self._last_text, self._last_time = "", -1e9

    def ignore_for(self, seconds: float = 1.0) -> None:
        """Deskmate itself is about to write the clipboard (a result, an undo): do not count it."""
        self._quiet_until = time.monotonic() + seconds
        self._last_text, self._last_time = "", -1e9

    def _changed(self) -> None:
        now = time.monotonic()
        if now < self._quiet_until:
            return
        text = self.clipboard.text()
        if not text.strip():
            self._last_text, self._last_time = "", -1e9
            return
        if text == self._last_text and now - self._last_time <= self.window:
            # Debounced: a third copy right after needs a new pair of its own.
            self._last_text, self._last_time = "", -1e9
            self.triggered.emit(text)
            return
        self._last_text, self._last_time = text, now


def pynput_problem() -> str:
    """Why the global hotkey cannot work here, in plain words; empty when it can."""
    if sys.platform.startswith("linux") and (os.environ.get("WAYLAND_DISPLAY")
                                             or os.environ.get("XDG_SESSION_TYPE") == "wayland"):
        # What to bind instead is said by bind_instead(), next to the commands to bind.
        return QCoreApplication.translate("Hotkeys", "Global hotkeys do not work on Wayland.")
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        return "Global hotkeys need an X11 display; none is available."
    try:
        import pynput  # noqa: F401
    except ImportError:
        return ("Global hotkeys need the optional package pynput, which is not installed. "
                "Install it with: pip install 'deskmate[hotkeys]'")
    except Exception as e:  # pynput fails to load its backend on some systems
        return f"Global hotkeys are not available: pynput could not start ({e})."
    return ""


def _pynput_source(hotkeys: dict[str, Callable[[], None]]) -> Any:
    from pynput.keyboard import GlobalHotKeys

    return GlobalHotKeys(hotkeys)


class GlobalHotkey(QObject):
    """A system-wide shortcut; ``triggered`` fires on the GUI thread."""

    triggered = Signal()
    _pressed = Signal()

    def __init__(self, combo: str = DEFAULT_HOTKEY, *, source: KeySource | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.combo = combo
        self._source_factory = source
        self._listener: Any = None
        self.error = ""
        # The key source calls back on its own thread; this queued hop lands on ours.
        self._pressed.connect(self.triggered)

    @property
    def active(self) -> bool:
        return self._listener is not None

    def start(self) -> bool:
        """Listen for the combination. False and ``error`` set when this platform cannot."""
        if self._listener is not None:
            return True
        factory = self._source_factory
        if factory is None:
            self.error = pynput_problem()
            if self.error:
                return False
            factory = _pynput_source
        try:
            listener = factory({self.combo: self._pressed.emit})
            listener.start()
        except ValueError as e:  # pynput: a combination it cannot read
            self.error = f"The hotkey “{self.combo}” is not a valid key combination ({e})."
            return False
        except Exception as e:
            self.error = f"The global hotkey could not start: {e}"
            return False
        self._listener = listener
        self.error = ""
        return True

    def stop(self) -> None:
        if self._listener is not None:
            try:
                self._listener.stop()
            finally:
                self._listener = None

    def set_enabled(self, on: bool) -> bool:
        if on:
            return self.start()
        self.stop()
        return True


# Platforms where a global hotkey can be listened for at all (Qt's name for them).
HOTKEY_PLATFORMS = ("xcb", "windows", "cocoa")


def platform_problem(platform: str) -> str:
    """Why this Qt platform has no global hotkey; empty when it may have one."""
    if platform in HOTKEY_PLATFORMS:
        return ""
    if platform.startswith("wayland"):
        return QCoreApplication.translate("Hotkeys", "Global hotkeys do not work on Wayland.")
    return QCoreApplication.translate(
        "Hotkeys", "Global hotkeys need a desktop display; this session has none (Qt platform “{platform}”).").format(
        platform=platform)


def bind_instead(commands: list[str]) -> str:
    """How to get the same keys without Deskmate's own listener, in the person's words."""
    shown = ", ".join(f"`{c}`" for c in commands)
    return QCoreApplication.translate(
        "Hotkeys", "Instead, add a keyboard shortcut in your desktop's own settings (for example Settings → "
        "Keyboard → Custom Shortcuts) that runs {commands}.").format(commands=shown)


class ActionHotkeys(QObject):
    """The person's own quick actions' hotkeys: one :class:`GlobalHotkey` each, like the palette's."""

    triggered = Signal(str)  # the action id

    def __init__(self, *, source: KeySource | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.hotkeys: dict[str, GlobalHotkey] = {}
        self.errors: dict[str, str] = {}

    def set_actions(self, combos: dict[str, str], *, platform: str = "xcb") -> dict[str, str]:
        """Listen for ``{action id: combo}`` (replacing the last set); returns the ones that failed, with why."""
        self.stop()
        self.errors = {}
        problem = platform_problem(platform) if self.source is None else ""
        for action_id, combo in combos.items():
            # Owned by this object's dict, not by Qt parenthood: dropped with it in stop().
            key = GlobalHotkey(combo, source=self.source)
            key.triggered.connect(functools.partial(self.triggered.emit, action_id))
            if problem:
                self.errors[action_id] = problem
            elif not key.start():
                self.errors[action_id] = key.error
            self.hotkeys[action_id] = key
        return dict(self.errors)

    def stop(self) -> None:
        for key in self.hotkeys.values():
            key.stop()
        self.hotkeys = {}
