"""User flows: the real Deskmate window under Xvfb with a window manager (openbox), driven by
real key presses and clicks (xdotool), checked against what shows on screen and what landed in
SQLite, with a screenshot per flow in docs/screenshots/.

Fixtures (shared by every window flow):

* ``desktop`` (session): an Xvfb display with openbox on it; ``key``, ``type`` (Chinese pasted
  with a real Ctrl+V, see ``paste``), ``click``, ``screenshot``. Flows are skipped only when
  Xvfb, openbox, xdotool, ImageMagick or xclip is missing (.ci/run installs them).
* ``deskmate_window``: ``deskmate_window()`` starts the window in this test's DESKMATE_HOME
  (tests/flows/app_probe.py) and returns an :class:`AppWindow`: ``ask(expr)`` reads the window
  (a Python expression over ``w``, the MainWindow, and ``s``, the DeskmateApp), ``click(expr)``
  clicks the widget the expression names, ``click_task(id)``, ``click_tab(tabs, page)``,
  ``click_row(list, row)``, ``key``, ``type``, ``choose_chinese()`` (View → Language → 中文),
  ``wait_for(expr, check=...)``, ``query(sql)`` and ``drafts()`` (rows in SQLite),
  ``screenshot(name)``, ``kill9()``, ``close()``. Started windows are closed at the end of the test.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PROBE = Path(__file__).with_name("app_probe.py")
SCREEN = (1280, 860)
TOOLS = ("Xvfb", "openbox", "xdotool", "import", "xclip")


def _free_display() -> int:
    for n in range(91, 160):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


class Desktop:
    """One X display with a window manager, and the person's hands on it."""

    def __init__(self, display: int) -> None:
        self.display = display
        self.env = dict(os.environ, DISPLAY=f":{display}")
        self.env.pop("QT_QPA_PLATFORM", None)  # the xcb platform, a real X window
        self.env.pop("WAYLAND_DISPLAY", None)
        self._clipboard: subprocess.Popen[bytes] | None = None

    def xdotool(self, *args: str, timeout: float = 30) -> str:
        out = subprocess.run(["xdotool", *args], env=self.env, check=False, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)} failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def key(self, *keys: str) -> None:
        """Key presses in order, e.g. key("ctrl+k"), key("Return")."""
        self.xdotool("key", "--delay", "80", *keys)

    def type(self, text: str, delay_ms: int = 40) -> None:
        """Key presses for ``text``; text with no keys on the layout (Chinese) is pasted, see ``paste``."""
        if not text.isascii():
            self.paste(text)
            return
        self.xdotool("type", "--delay", str(delay_ms), text, timeout=60 + len(text) * delay_ms / 1000 * 3)

    def paste(self, text: str) -> None:
        """``text`` on the clipboard (xclip) and a real Ctrl+V: it arrives whole, as an input method commits
        it. xdotool's trick of remapping a spare keycode per character drops Chinese characters in Qt."""
        self.set_clipboard(text)
        self.key("ctrl+v")

    def clipboard(self) -> str:
        """The X clipboard's text as another application reads it (xclip)."""
        return subprocess.run(["xclip", "-selection", "clipboard", "-o"], env=self.env, check=False,
                              capture_output=True, timeout=30).stdout.decode()

    def set_clipboard(self, text: str) -> None:
        """``text`` on the X clipboard, copied by another application (xclip)."""
        self.stop_clipboard()
        # -quiet keeps xclip in the foreground, owning the selection until the next paste or the session's end.
        self._clipboard = subprocess.Popen(["xclip", "-quiet", "-selection", "clipboard", "-i"], env=self.env,
                                           stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert self._clipboard.stdin is not None
        self._clipboard.stdin.write(text.encode())
        self._clipboard.stdin.close()
        deadline = time.monotonic() + 20
        while self.clipboard() != text:
            if time.monotonic() > deadline:
                raise AssertionError(f"xclip did not take {text!r} onto the clipboard")
            time.sleep(0.1)

    def stop_clipboard(self) -> None:
        if self._clipboard is not None and self._clipboard.poll() is None:
            self._clipboard.terminate()
            self._clipboard.wait(10)
        self._clipboard = None

    def click(self, x: int, y: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y))
        time.sleep(0.1)
        self.xdotool("click", "1")

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["import", "-display", f":{self.display}", "-window", "root", str(path)], check=True,
                       timeout=60, env=self.env)
        return path


@pytest.fixture(scope="session")
def desktop() -> Iterator[Desktop]:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"user flows need {', '.join(missing)} (.ci/run installs them: xvfb openbox xdotool imagemagick xclip)")
    display = _free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{display}")
    deadline = time.monotonic() + 30
    while not socket.exists():
        if time.monotonic() > deadline or xvfb.poll() is not None:
            xvfb.kill()
            raise RuntimeError(f"Xvfb :{display} did not start")
        time.sleep(0.1)
    desk = Desktop(display)
    wm = subprocess.Popen(["openbox"], env=desk.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # openbox takes the display before the first window maps
    try:
        yield desk
    finally:
        desk.stop_clipboard()
        for proc in (wm, xvfb):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


class AppWindow:
    """A running Deskmate window process, its probe, and the desktop it is on."""

    def __init__(self, desktop: Desktop, home: Path, env: dict[str, str] | None = None) -> None:
        self.desktop = desktop
        self.home = home
        self.typed: list[tuple[float, int]] = []  # (unix time, draft length) at each change of the draft
        self._answers: queue.Queue[str] = queue.Queue()
        self._started = threading.Event()
        self.stderr_path = home / "window-stderr.log"
        run_env = dict(desktop.env, DESKMATE_HOME=str(home), **(env or {}))
        self.proc = subprocess.Popen([sys.executable, str(PROBE)], env=run_env, text=True, bufsize=1,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr_path.open("w"))
        threading.Thread(target=self._read, daemon=True).start()
        if not self._started.wait(120):
            raise AssertionError(f"the window did not start: {self.stderr()}")
        self.window_id = self._find_window()
        self.desktop.xdotool("windowactivate", "--sync", self.window_id)
        self.wait_for("w.isActiveWindow()", timeout=20)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("TYPED "):
                _, stamp, length = line.split()
                self.typed.append((float(stamp), int(length)))
            elif line.startswith("ANSWER "):
                self._answers.put(line[len("ANSWER "):])
            elif line.startswith("STARTED"):
                self._started.set()

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")[-4000:]

    def _find_window(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.proc.pid)], check=False,
                                 env=self.desktop.env, capture_output=True, text=True, timeout=30)
            ids = out.stdout.split()
            if ids:
                return ids[-1]
            assert self.proc.poll() is None, self.stderr()
            time.sleep(0.3)
        raise AssertionError("the Deskmate window never showed on the display")

    # --- reading the window ----------------------------------------------------
    def ask(self, expr: str, timeout: float = 30) -> Any:
        """The value of a Python expression in the window process (``w`` is the MainWindow)."""
        assert self.proc.poll() is None, f"the window is gone: {self.stderr()}"
        assert self.proc.stdin is not None
        self.proc.stdin.write(expr.replace("\n", " ") + "\n")
        self.proc.stdin.flush()
        try:
            out = json.loads(self._answers.get(timeout=timeout))
        except queue.Empty:
            raise AssertionError(f"the window did not answer {expr!r}: {self.stderr()}") from None
        if "error" in out:
            raise AssertionError(f"{expr!r} failed in the window:\n{out['error']}")
        return out["ok"]

    def wait_for(self, expr: str, timeout: float = 30, step: float = 0.2,
                 check: Callable[[Any], Any] = bool, what: str = "") -> Any:
        """The value of ``expr`` once ``check(value)`` holds (once it is true, without a check)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.ask(expr)
            if check(value):
                return value
            if time.monotonic() > deadline:
                shown = json.dumps(value, ensure_ascii=False, indent=1, default=str)[:3000]
                raise AssertionError(f"still not {what or expr} after {timeout} s; {expr} is: {shown}")
            time.sleep(step)

    # --- the person's hands --------------------------------------------------------
    def click(self, widget_expr: str, dx: float = 0.5, dy: float = 0.5) -> None:
        """Click the widget ``widget_expr`` names (e.g. "w.run_button"), where it shows on screen."""
        at = self.ask(f"point({widget_expr}, {dx}, {dy})")
        assert at["visible"], f"{widget_expr} is not on screen"
        self.desktop.click(at["x"], at["y"])

    def click_task(self, task_id: str) -> None:
        at = self.wait_for(f"task_point({task_id!r})", timeout=10)
        self.desktop.click(at["x"], at["y"])

    def click_tab(self, tabs_expr: str, page_expr: str) -> None:
        """Click the tab of page ``page_expr`` in the tab widget ``tabs_expr`` (e.g. "w.left_tabs", "w.drafts_panel")."""
        at = self.ask(f"tab_point({tabs_expr}, {page_expr})")
        assert at["visible"], f"the tabs of {tabs_expr} are not on screen"
        self.desktop.click(at["x"], at["y"])

    def click_row(self, list_expr: str, row: int) -> None:
        """Click row ``row`` of the list widget ``list_expr`` names (e.g. "w.conversation_view.turns")."""
        at = self.wait_for(f"row_point({list_expr}, {row})", timeout=10, what=f"row {row} of {list_expr} on screen")
        self.desktop.click(at["x"], at["y"])

    def key(self, *keys: str) -> None:
        self.desktop.key(*keys)

    def choose_chinese(self) -> None:
        """View → Language → 中文 through the menu bar, as a person does it with the keyboard."""
        self.key("alt+v")
        self.wait_for("w.menu_view.isVisible()")
        self.key("Right")  # Language, the menu's first entry, is the active one as it opens
        self.wait_for("w.menu_lang.isVisible()")
        self.key("Down", "Return")
        self.wait_for("s.translations.language == 'zh'")

    def type(self, text: str, delay_ms: int = 40) -> None:
        self.desktop.type(text, delay_ms)

    def screenshot(self, name: str) -> Path:
        time.sleep(0.5)  # the last repaint
        return self.desktop.screenshot(SCREENSHOTS / f"{name}.png")

    # --- what landed on disk ---------------------------------------------------------
    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of the window's SQLite file, read as a restarted app would."""
        import sqlite3

        conn = sqlite3.connect(self.home / "data" / "deskmate.sqlite3", timeout=5)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def drafts(self) -> list[tuple[int, str, float | None]]:
        """(id, body, deleted) of every draft."""
        return [(int(i), b, d) for i, b, d in self.query("SELECT id, body, deleted FROM drafts ORDER BY id")]

    # --- ending ---------------------------------------------------------------------
    def kill9(self) -> float:
        """SIGKILL, as a crash or a power cut would end it; returns when (unix time)."""
        self.proc.send_signal(signal.SIGKILL)
        at = time.time()
        self.proc.wait(10)
        return at

    def close(self) -> None:
        if self.proc.poll() is not None:
            return
        self.ask("s.quit()")  # File → Quit: the window saves and stops its engine
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def deskmate_window(desktop: Desktop, deskmate_home: Path) -> Iterator[Callable[..., AppWindow]]:
    started: list[AppWindow] = []

    def start(env: dict[str, str] | None = None) -> AppWindow:
        win = AppWindow(desktop, deskmate_home, env)
        started.append(win)
        return win

    yield start
    for win in started:
        try:
            win.close()
        except Exception:  # noqa: BLE001 - a dead window is closed already
            if win.proc.poll() is None:
                win.proc.kill()
                win.proc.wait(10)

