"""Quick actions: time to first token, first vs second run of the same action; trigger → palette shown.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/quick_ttft.py [--model PATH] [--action formal]
Goal: second/first ≤ 0.5 (the second run reuses the prompt prefix in llama.cpp's cache).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEXT = ("Hi team, the quarterly review meeting that was planned for Tuesday morning have been moved to Thursday "
        "afternoon at 3 pm, because the manager are travelling to the Berlin office this week. Please update your "
        "calendars, bring the updated sales figures, and tell anyone who is not on this list.")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--action", default="formal")
    args = ap.parse_args()
    from deskmate.core.engines.embedded import embedded_model_path
    from deskmate.core.engines.factory import local_engine
    from deskmate.core.quick import run_action

    eng = local_engine(args.model or embedded_model_path(), n_ctx=4096)
    eng.wait_ready(180)
    try:
        run_action(eng, "translate-en", "Bonjour à tous.", max_tokens=4).run()  # warm, other prompt in cache
        t = []
        for _ in range(2):
            t.append(run_action(eng, args.action, TEXT, max_tokens=16).run().first_token_seconds)
        other = run_action(eng, args.action, TEXT.replace("Berlin", "Paris"), max_tokens=16).run()
        print(f"action {args.action}: first run TTFT {t[0]*1000:.0f} ms, second run {t[1]*1000:.0f} ms, "
              f"ratio {t[1]/t[0]:.2f} (goal <= 0.5)")
        print(f"same action, slightly edited text: TTFT {other.first_token_seconds*1000:.0f} ms, "
              f"ratio {other.first_token_seconds/t[0]:.2f}")

        from deskmate.ui.hotkeys import GlobalHotkey
        from deskmate.ui.quick_palette import QuickPalette
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])
        palette = QuickPalette(eng)
        app.clipboard().setText(TEXT)

        class Keys:
            def __init__(self, hotkeys):
                self.hotkeys = hotkeys

            def start(self):
                pass

            def stop(self):
                pass

        hotkey = GlobalHotkey("<ctrl>+<alt>+space", source=Keys)
        hotkey.triggered.connect(palette.show_for_clipboard)
        hotkey.start()
        times = []
        for _ in range(5):
            palette.hide()
            app.processEvents()
            t0 = time.perf_counter()
            hotkey._listener.hotkeys["<ctrl>+<alt>+space"]()
            while not palette.isVisible():
                app.processEvents()
            times.append(time.perf_counter() - t0)
        print(f"trigger -> palette shown: first {times[0]*1000:.1f} ms, median {sorted(times)[2]*1000:.1f} ms")
        app.clipboard().clear()
    finally:
        eng.close()


if __name__ == "__main__":
    main()
