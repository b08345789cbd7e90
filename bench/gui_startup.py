"""GUI start-up: launch → first paint of the Deskmate window, its process RSS, and proof that the
engine libraries stay out of the GUI process. Baseline: a bare PySide6 window, same interpreter,
measured in the same run.

    .venv/bin/python bench/gui_startup.py [--runs 5]

Goals: first paint <= 2.5x the bare window (and <= 0.8 s on a quiet machine), GUI RSS <= 200 MB,
no llama_cpp/torch in the GUI process. Run it with PYTHONDONTWRITEBYTECODE unset, as an installed
app runs: with it set, compiling every module adds about 0.65 s to each start from a checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

PROBE = textwrap.dedent(
    """
    import json, os, sys, time
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    def rss_mb():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    app = QApplication(sys.argv)
    out = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "paint" not in out:
                out["paint"] = time.time()
                out["rss_paint"] = rss_mb()
            return False

    if sys.argv[1] == "bare":
        win = QMainWindow(); win.resize(1280, 820)
        session = None
    else:
        from deskmate.ui.app import DeskmateApp
        session = DeskmateApp(None)
        win = session.window
    spy = FirstPaint(); win.installEventFilter(spy)
    if session is None:
        win.show()
    else:
        session.start()

    def finish():
        if "paint" not in out:
            QTimer.singleShot(20, finish); return
        if session is not None:
            status = win.last_status
            if status is None or status.phase.value != "ready":
                QTimer.singleShot(50, finish); return
            out["ready"] = time.time()
        out["rss_ready"] = rss_mb()
        out["heavy_modules"] = sorted(m for m in ("llama_cpp", "torch", "diffusers", "transformers") if m in sys.modules)
        print("RESULT", json.dumps(out), flush=True)
        app.quit()

    QTimer.singleShot(0, finish)
    app.exec()
    if session is not None:
        session.shutdown()
    """
)


def run(kind: str) -> dict[str, float]:
    env = dict(os.environ, DESKMATE_HOME=tempfile.mkdtemp(prefix="deskmate-bench-"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", PROBE, kind], capture_output=True, text=True, env=env, timeout=300)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if not line:
        raise SystemExit(f"{kind} run failed:\n{out.stderr[-2000:]}")
    data = json.loads(line[0][7:])
    data["first_paint_s"] = data["paint"] - t0
    if "ready" in data:
        data["ready_s"] = data["ready"] - t0
    return data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    bare, desk = [], []
    for _ in range(args.runs):
        bare.append(run("bare"))
        desk.append(run("deskmate"))
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    b_paint, d_paint = med(bare, "first_paint_s"), med(desk, "first_paint_s")
    print(f"runs: {args.runs} each, platform {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}")
    print(f"bare PySide6 window: first paint {b_paint:.3f} s, RSS {med(bare, 'rss_paint'):.0f} MB")
    print(f"Deskmate window:     first paint {d_paint:.3f} s, RSS at paint {med(desk, 'rss_paint'):.0f} MB, "
          f"engine ready {med(desk, 'ready_s'):.2f} s, GUI RSS when ready {med(desk, 'rss_ready'):.0f} MB")
    print(f"ratio first paint Deskmate/bare = {d_paint / b_paint:.2f}")
    heavy = sorted({m for r in desk for m in r["heavy_modules"]})
    print(f"engine libraries in the GUI process: {heavy or 'none'}")
    print(f"load average: {os.getloadavg()[0]:.2f}; PYTHONDONTWRITEBYTECODE "
          f"{'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'unset'}")
    print(f"goals: first paint <= 2.5x bare: {'met' if d_paint <= 2.5 * b_paint else 'MISSED'}; "
          f"first paint <= 0.8 s: {'met' if d_paint <= 0.8 else 'MISSED'}; "
          f"RSS <= 200 MB: {'met' if med(desk, 'rss_ready') <= 200 else 'MISSED'}")


if __name__ == "__main__":
    main()
