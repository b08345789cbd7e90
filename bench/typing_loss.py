"""Typing lost to a kill -9 of the window: a real window process types into its draft (real key
events, one word every 60 ms), is killed with SIGKILL at a random moment, and the next start
shows what came back from SQLite. "Lost" is the time between the first keystroke that did not
come back and the kill.

    PYTHONPATH=app .venv/bin/python bench/typing_loss.py [--runs 8] [--baseline /path/to/other/app]

With --baseline, the same trials also run on another checkout's code (e.g. main before a
change), alternating, so load on the machine hits both alike. Goal: at most 0.5 s lost.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

# The same typist process the tests use.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from typist import TYPIST  # noqa: E402

REOPEN = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.load()
    print(json.dumps({"body": session.window.draft_editor.body.toPlainText()}))
    session.shutdown()
    """
)


def trial(app_path: str, typing_seconds: float) -> float:
    """Seconds of typing lost to one kill -9."""
    home = tempfile.mkdtemp(prefix="deskmate-typing-")
    env = dict(os.environ, DESKMATE_HOME=home, QT_QPA_PLATFORM="offscreen", PYTHONPATH=app_path)
    proc = subprocess.Popen([sys.executable, "-c", TYPIST], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    typed: list[tuple[float, int]] = []
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("TYPED"):
                _, stamp, length = line.split()
                typed.append((float(stamp), int(length)))
                if typed[-1][0] - typed[0][0] > typing_seconds:
                    break
        proc.send_signal(signal.SIGKILL)
        killed = time.time()
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = subprocess.run([sys.executable, "-c", REOPEN], check=False, capture_output=True, text=True, env=env, timeout=180)
    back = len(json.loads(out.stdout.strip().splitlines()[-1])["body"])
    missing = [t for t, n in typed if n > back]
    return killed - missing[0] if missing else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--baseline", help="another checkout's app/ folder, measured in the same run")
    args = parser.parse_args()
    here = os.environ.get("PYTHONPATH", "app")
    setups = [("this checkout", here)] + ([("baseline", args.baseline)] if args.baseline else [])
    lost: dict[str, list[float]] = {name: [] for name, _ in setups}
    rng = random.Random(14)
    for _ in range(args.runs):
        seconds = 3.0 + rng.random() * 2.0  # the kill lands anywhere in the autosave cycle
        for name, path in setups:
            lost[name].append(trial(path, seconds))
    print(f"load average: {os.getloadavg()[0]:.2f}")
    for name, values in lost.items():
        print(f"{name:14s} lost per kill -9: max {max(values):.2f} s, median {statistics.median(values):.2f} s "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    if args.baseline:
        a, b = max(lost["this checkout"]), max(lost["baseline"])
        print(f"worst case, this checkout / baseline: {a / b:.2f}" if b else "baseline lost nothing")


if __name__ == "__main__":
    main()
