"""A real X session for user-flow tests: Xvfb, the openbox window manager, xdotool for real key
presses and clicks, ImageMagick's ``import`` for screenshots, xclip for text with no keys (Chinese).

    with XSession(display=92) as x:
        app = subprocess.Popen([...], env=x.env(DESKMATE_HOME=...))
        wid = x.wait_window("Deskmate")
        x.click(300, 40); x.type("hello"); x.key("Return")
        x.screenshot(path)

``missing()`` names the tools that are not installed (the flow tests skip only then).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Self

TOOLS = ("Xvfb", "openbox", "xdotool", "import", "xclip")
INSTALL_HINT = "apt-get install -y xvfb openbox xdotool imagemagick xclip"


def missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


class XSession:
    def __init__(self, display: int = 92, size: tuple[int, int] = (1280, 860)) -> None:
        self.display = display
        self.size = size
        self._procs: list[subprocess.Popen[bytes]] = []
        self._clipboard: subprocess.Popen[bytes] | None = None

    # --- lifetime ----------------------------------------------------------------------
    def start(self) -> Self:
        lock = Path(f"/tmp/.X{self.display}-lock")
        if lock.exists():
            raise RuntimeError(f"display :{self.display} is in use ({lock} exists); is another flow test running?")
        width, height = self.size
        self._spawn(["Xvfb", f":{self.display}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"])
        socket = Path(f"/tmp/.X11-unix/X{self.display}")
        self._wait(socket.exists, 20, f"Xvfb :{self.display} did not start")
        self._spawn(["openbox", "--sm-disable"], env=self.env())
        # openbox is up when it owns the window manager selection; xdotool can then see its root.
        self._wait(lambda: self._run(["xdotool", "getdisplaygeometry"], check=False).returncode == 0, 20,
                   "openbox/xdotool could not reach the display")
        time.sleep(0.5)
        return self

    def close(self) -> None:
        self._stop_clipboard()
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        self._procs.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, DISPLAY=f":{self.display}", **extra)
        env.pop("QT_QPA_PLATFORM", None)  # the real xcb platform, not offscreen
        env.pop("WAYLAND_DISPLAY", None)
        return env

    # --- input ---------------------------------------------------------------------------
    def xdotool(self, *args: str) -> str:
        return self._run(["xdotool", *args]).stdout.decode().strip()

    def wait_window(self, name: str, timeout: float = 60.0) -> str:
        """The id of the first visible window whose title contains ``name``."""
        found: list[str] = []

        def look() -> bool:
            out = self._run(["xdotool", "search", "--onlyvisible", "--name", name], check=False)
            found[:] = out.stdout.decode().split()
            return bool(found)

        self._wait(look, timeout, f"no window called {name!r} appeared")
        return found[0]

    def activate(self, window_id: str) -> None:
        self.xdotool("windowactivate", "--sync", window_id)

    def click(self, x: int, y: int, button: int = 1) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("click", str(button))

    def type(self, text: str, delay_ms: int = 25) -> None:
        """Key presses for ``text``. Chinese has no keys on the layout: xdotool's trick of remapping a spare
        keycode per character drops characters in Qt, so such text arrives as an input method commits it,
        whole: put on the clipboard (xclip) and pasted with a real Ctrl+V."""
        if text.isascii():
            self.xdotool("type", "--delay", str(delay_ms), text)
            return
        self.paste(text)

    def paste(self, text: str) -> None:
        self._stop_clipboard()
        # -quiet keeps xclip in the foreground, owning the selection until the next paste or close().
        self._clipboard = subprocess.Popen(["xclip", "-quiet", "-selection", "clipboard", "-i"], env=self.env(),
                                           stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
        assert self._clipboard.stdin is not None
        self._clipboard.stdin.write(text.encode())
        self._clipboard.stdin.close()
        self._wait(lambda: self._run(["xclip", "-selection", "clipboard", "-o"], check=False).stdout.decode() == text,
                   10, "xclip did not take the text")
        self.key("ctrl+v")

    def _stop_clipboard(self) -> None:
        if self._clipboard is not None and self._clipboard.poll() is None:
            self._clipboard.terminate()
            self._clipboard.wait(5)
        self._clipboard = None

    def key(self, *keys: str) -> None:
        self.xdotool("key", *keys)

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._run(["import", "-display", f":{self.display}", "-window", "root", str(path)])
        return path

    # --- helpers ---------------------------------------------------------------------------
    def _spawn(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self._procs.append(subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(argv, env=self.env(), capture_output=True, check=check, timeout=60)

    @staticmethod
    def _wait(ready, timeout: float, message: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.1)
        raise TimeoutError(message)
