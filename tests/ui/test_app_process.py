"""The real app process: typing survives a SIGKILL; a real window under xvfb, kept as a screenshot."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from typist import TYPIST

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

REOPEN = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.load()
    editor = session.window.draft_editor
    print(json.dumps({"recovered": len(session.recovered), "body": editor.body.toPlainText()}))
    session.shutdown()
    """
)


def test_text_typed_up_to_half_a_second_before_sigkill_is_restored(tmp_path):
    env = dict(os.environ, DESKMATE_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-c", TYPIST], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    typed: list[tuple[float, int]] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("TYPED"):
                _, stamp, length = line.split()
                typed.append((float(stamp), int(length)))
                if len(typed) > 1 and typed[-1][0] - typed[0][0] > 4.0:
                    break
        assert typed, proc.stderr.read() if proc.poll() is not None else "no typing reported"
        proc.send_signal(signal.SIGKILL)
        killed_at = time.time()
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    must_have = max((n for t, n in typed if t <= killed_at - 0.5), default=0)
    assert must_have > 100, "the test must type for well over 0.5 s before the kill"

    out = subprocess.run([sys.executable, "-c", REOPEN], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["recovered"] >= 1 or len(report["body"]) >= must_have
    expected = "".join(f"word{i} " for i in range(100000))[:must_have]
    assert report["body"].startswith(expected), (
        f"{len(report['body'])} chars back; {must_have} were typed more than 0.5 s before the kill"
    )


def _free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (.ci/run installs it)")
def test_real_window_under_xvfb_screenshot(tmp_path):
    from PIL import Image

    display = _free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1280x860x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    home = Path(tempfile.mkdtemp(prefix="deskmate-xvfb-"))
    env = dict(os.environ, DISPLAY=f":{display}", DESKMATE_HOME=str(home))
    env.pop("QT_QPA_PLATFORM", None)
    exe = shutil.which("deskmate", path=os.path.dirname(sys.executable))
    app = subprocess.Popen([exe] if exe else [sys.executable, "-m", "deskmate"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        ready = False
        while time.monotonic() < deadline and not ready:
            time.sleep(0.3)
            assert app.poll() is None, app.stderr.read().decode()
            for f in (home / "run").glob("engine-*.json"):
                try:
                    ready = json.loads(f.read_text()).get("phase") == "ready"
                except (OSError, ValueError):
                    pass
        assert ready, "the window's engine never became ready"
        time.sleep(1.0)  # let the status bar repaint
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "deskmate-window.png"
        subprocess.run(["import", "-display", f":{display}", "-window", "root", str(shot)], check=True, timeout=30)
        image = Image.open(shot).convert("RGB")
        assert image.size == (1280, 860)
        colours = image.getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 50, "the screen should show a real window, not a blank"
    finally:
        app.terminate()
        try:
            app.wait(20)
        except subprocess.TimeoutExpired:
            app.kill()
        xvfb.terminate()
        xvfb.wait(10)
