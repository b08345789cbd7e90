"""Folder watching by polling: every ``interval`` seconds, an indexing run that scans the sources.

Why polling: the standard library has no file-change notification, the native ones
(inotify, FSEvents, ReadDirectoryChangesW) would need the ``watchdog`` package with a
native part per platform, and they miss changes on network shares and removable drives
anyway. A scan that finds nothing changed costs one ``stat`` per file (about 50 ms for
10,000 files here) and reads nothing; a changed file is hashed before it is read again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .errors import IndexBusyError
from .indexer import IndexEvent
from .library import Library

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 60.0


class FolderWatcher:
    """Keeps a library in step with its folders while the app runs. Events go to ``on_event`` (its thread)."""

    def __init__(self, library: Library, *, interval: float = DEFAULT_INTERVAL,
                 on_event: Callable[[IndexEvent], None] | None = None) -> None:
        self.library = library
        self.interval = interval
        self.on_event = on_event
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="docs-watch", daemon=True)
            self._thread.start()

    def check_now(self) -> None:
        """Scan at once instead of at the next tick (after a drop into the window, say)."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._tick()
            self._wake.wait(self.interval)
            self._wake.clear()

    def _tick(self) -> None:
        if self.library.busy:
            return  # the run in progress scans too
        try:
            run = self.library.index()
        except IndexBusyError:
            return
        try:
            for event in run:
                if self.on_event is not None:
                    self.on_event(event)
                if self._stop.is_set():
                    run.cancel()
        except Exception:  # a failed run is reported by its events; the watcher tries again next tick
            log.exception("watching the document folders")
