"""The line protocol our worker child processes speak to their parent (and how a child's end is named).

An engine or image worker keeps its original stdout for JSON-line events and
sends everything else that libraries print to stderr (the log), so a stray
print can never corrupt the event stream.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from typing import Any, TextIO


class Events:
    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._lock = threading.Lock()

    def emit(self, event: str, **fields: Any) -> None:
        line = json.dumps({"event": event, **fields}, ensure_ascii=False)
        with self._lock:
            try:
                self._out.write(line + "\n")
                self._out.flush()
            except (OSError, ValueError):
                pass  # the parent is gone; the stdin watch ends this process


def take_over_stdout() -> TextIO:
    """Keep the real stdout for events; stray prints go to stderr (the log)."""
    events = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return events


def describe_exit(code: int | None) -> str:
    """A child's exit status in words, for messages and logs ("killed by SIGKILL", "exit code 1")."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
