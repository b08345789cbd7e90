"""Event-loop stalls in the GUI while an answer streams.

A 2 ms QTimer records the gap between its ticks; the longest gap is the worst
stall a user would feel. Measured twice in the same run, in Qt's event loop as
in the app: while at least 256 tokens stream through the real window, engine and
TaskRunner, then idle for as long (the baseline). Prints both and the ratio.

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

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
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
    _app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.start()
    win = session.window
    loop = QEventLoop()
    # The window runs in Qt's own event loop, as in the app: a Python loop polling processEvents()
    # would itself take the GIL every millisecond and measure its own waits.
    ready = QTimer(interval=20)
    ready.timeout.connect(lambda: loop.quit() if win.last_status is not None
                          and win.last_status.phase.value == "ready" else None)
    ready.start()
    loop.exec()
    ready.stop()
    meter = StallMeter()

    # Streaming: run the open-question task again and again until enough tokens have arrived.
    win.sidebar.select("qa.open")
    win.form.set_value("question", "Write a long, detailed guide to organising a team offsite, step by step.")
    win.form.creativity.setValue(80)
    counted = []
    win.runner.delta.connect(lambda _p: counted.append(1))

    def next_run(busy: bool) -> None:
        if busy:
            return
        if len(counted) >= args.tokens:
            loop.quit()
        else:
            QTimer.singleShot(0, win.run_task)

    win.runner.busyChanged.connect(next_run)
    meter.start()
    t0 = time.monotonic()
    QTimer.singleShot(0, win.run_task)
    loop.exec()
    meter.stop()
    streaming = list(meter.gaps)
    seconds = time.monotonic() - t0
    tokens = len(counted)

    # Baseline: the same window idle for as long as the streaming took (rare long stalls from other
    # processes on the machine need the same time to show up in both).
    meter.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    meter.stop()
    idle = list(meter.gaps)
    session.shutdown()

    def describe(g: list[float]) -> str:
        g = sorted(g)
        over = sum(1 for x in g if x > 30)
        return (f"max {g[-1]:.1f} ms, p99.9 {g[int(len(g) * 0.999) - 1]:.1f} ms, p99 {g[int(len(g) * 0.99) - 1]:.1f} ms, "
                f"median {statistics.median(g):.1f} ms, {over} over 30 ms")

    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(f"idle:      {describe(idle)}  ({len(idle)} ticks in {seconds:.1f} s)")
    print(f"streaming: {describe(streaming)}  ({len(streaming)} ticks, {tokens} tokens in {seconds:.1f} s)")
    print(f"ratio longest stall streaming/idle = {max(streaming) / max(idle):.2f}")
    print(f"goal longest stall <= 30 ms: {'met' if max(streaming) <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
