"""Event-loop stalls in the GUI while an answer streams.

A 2 ms QTimer records the gap between its ticks; the longest gap is the worst
stall a user would feel. Measured twice in the same run: idle (the baseline)
and while at least 256 tokens stream through the real window, engine and
TaskRunner. Prints both and the ratio.

    .venv/bin/python bench/ui_stall.py [--tokens 256]

Goal: longest stall while streaming <= 30 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DESKMATE_HOME", tempfile.mkdtemp(prefix="deskmate-bench-"))

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


class StallMeter:
    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._tick)
        self.last = 0

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.gaps.append((now - self.last) / 1e6)
        self.last = now


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=256)
    args = ap.parse_args()
    app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.start()
    win = session.window
    while win.last_status is None or win.last_status.phase.value != "ready":
        app.processEvents()
        time.sleep(0.01)
    meter = StallMeter()

    # Baseline: the same window, idle, for 3 s.
    meter.start()
    end = time.monotonic() + 3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    meter.stop()
    idle = list(meter.gaps)

    # Streaming: run the open-question task until enough tokens have arrived.
    win.sidebar.select("qa.open")
    win.form.set_value("question", "Write a long, detailed guide to organising a team offsite, step by step.")
    win.form.creativity.setValue(80)
    tokens = 0
    counted = []
    win.runner.delta.connect(lambda _p: counted.append(1))
    meter.start()
    t0 = time.monotonic()
    while tokens < args.tokens:
        counted.clear()
        win.run_task()
        while not win.runner.busy:
            app.processEvents()
        while win.runner.busy:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        tokens += len(counted)
    meter.stop()
    streaming = list(meter.gaps)
    seconds = time.monotonic() - t0
    session.shutdown()

    def describe(g: list[float]) -> str:
        g = sorted(g)
        return f"max {g[-1]:.1f} ms, p99 {g[int(len(g) * 0.99) - 1]:.1f} ms, median {statistics.median(g):.1f} ms"

    print(f"idle:      {describe(idle)}  ({len(idle)} ticks)")
    print(f"streaming: {describe(streaming)}  ({len(streaming)} ticks, {tokens} tokens in {seconds:.1f} s)")
    print(f"ratio longest stall streaming/idle = {max(streaming) / max(idle):.2f}")
    print(f"goal longest stall <= 30 ms: {'met' if max(streaming) <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
