"""The app's side of the parser child: one file at a time, a time limit per file, a fresh child after a failure.

    parser = DocumentParser()
    parsed = parser.parse(Path("manual.pdf"))     # Parsed, or DocumentError for this file
    parser.close()

A file that crashes the child, exhausts its memory limit or outlasts its time limit gets a
DocumentError of its own; the next file gets a new child. ``cancel()`` (from any thread)
stops the file being read and makes that ``parse`` raise :class:`ParseCancelled`.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Self

from deskmate.core import paths
from deskmate.core.child_events import describe_exit

from .errors import DocsError, DocumentError
from .formats import FORMAT_NAMES, ParseLimits, format_of
from .parse_worker import EXIT_OUT_OF_MEMORY
from .parsers import Block, Parsed, too_large

_LOG_LIMIT = 5 * 1024 * 1024
_EXIT = object()


class ParseCancelled(DocsError):
    """The file being read was cancelled; it is left as it was, to be read next time."""


class DocumentParser:
    def __init__(
        self,
        limits: ParseLimits | None = None,
        *,
        python: str | None = None,
        log_path: Path | None = None,
        start_timeout: float = 60.0,
    ) -> None:
        self.limits = limits or ParseLimits()
        self.python = python or sys.executable
        self.log_path = log_path if log_path is not None else paths.log_dir() / "parse-worker.log"
        self.start_timeout = start_timeout
        self.starts = 0  # child processes started (the first, and one after every failure)
        self._lock = threading.RLock()
        self._busy = threading.Lock()  # one file at a time, whoever calls
        self._proc: subprocess.Popen[bytes] | None = None
        self._events: queue.Queue[Any] | None = None
        self._ready = False
        self._cancelled = False
        self._closed = False

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    # --- public ----------------------------------------------------------------------------------------
    def parse(self, path: Path | str, fmt: str | None = None) -> Parsed:
        path = Path(path).absolute()
        fmt = fmt or format_of(path)
        if fmt is None:
            raise DocumentError("not_this_format", f"Deskmate does not read {path.suffix or 'these'} files.")
        try:
            size = path.stat().st_size
        except OSError as e:
            raise DocumentError("unreadable", f"{path.name} could not be read: {e.strerror or e}.") from None
        if size > self.limits.max_bytes(fmt):
            raise too_large(path, fmt, size, self.limits)  # never worth a trip to the child
        with self._busy:
            with self._lock:
                if self._closed:
                    raise DocsError("The document reader is closed.")
                self._cancelled = False
            proc, events = self._ensure()
            rid = uuid.uuid4().hex
            self._send(proc, {"op": "parse", "id": rid, "path": str(path), "format": fmt})
            timeout = self.limits.timeout(size)
            deadline = time.monotonic() + timeout
            while True:
                try:
                    ev = events.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    self._kill(proc)
                    raise DocumentError(
                        "timeout",
                        f"Reading {path.name} took longer than {timeout:.0f} s, so Deskmate stopped. The file may "
                        f"be unusually complex or built to stall a reader; try saving it again as a new "
                        f"{FORMAT_NAMES[fmt]}.",
                    ) from None
                if ev is _EXIT:
                    raise self._died(proc, path)
                if ev.get("id") != rid:
                    continue
                if ev.get("event") == "parsed":
                    blocks = [Block.from_list(b) for b in ev.get("blocks", [])]
                    return Parsed(blocks, pages=ev.get("pages"), encoding=ev.get("encoding"))
                if ev.get("event") == "error":
                    if ev.get("kind") == "out_of_memory":
                        self._reap(proc)
                    raise DocumentError(str(ev.get("kind")), str(ev.get("message")))

    def cancel(self) -> None:
        """Stop the file being read now (the child is killed; the next file starts a new one)."""
        with self._lock:
            self._cancelled = True
            proc = self._proc
        if proc is not None:
            self._kill(proc)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()  # the child exits when its stdin closes
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._kill(proc)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- the child -------------------------------------------------------------------------------------
    def _ensure(self) -> tuple[subprocess.Popen[bytes], queue.Queue[Any]]:
        with self._lock:
            proc, events = self._proc, self._events
            if proc is not None and proc.poll() is None and events is not None and self._ready:
                return proc, events
            if proc is not None:
                self._kill(proc)
            cmd = [self.python, "-m", "deskmate.core.docs.parse_worker", "--limits",
                   json.dumps(self.limits.to_dict())]
            log = self._open_log()
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                        close_fds=True)
            except OSError as e:
                raise DocsError(f"Deskmate could not start its document reader: {e.strerror or e}.") from None
            finally:
                if log is not subprocess.DEVNULL:
                    log.close()
            self.starts += 1
            events = queue.Queue()
            self._proc, self._events, self._ready = proc, events, False
            threading.Thread(target=self._read, args=(proc, events), name=f"parse-worker-{proc.pid}",
                             daemon=True).start()
        try:
            first = events.get(timeout=self.start_timeout)
        except queue.Empty:
            first = None
        if first is _EXIT or first is None or first.get("event") != "ready":
            self._kill(proc)
            raise DocsError(
                f"Deskmate's document reader did not start ({describe_exit(proc.poll())}). Details are in "
                f"{self.log_path}."
            )
        with self._lock:
            self._ready = True
        return proc, events

    def _read(self, proc: subprocess.Popen[bytes], events: queue.Queue[Any]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                ev = json.loads(raw)
            except ValueError:
                continue
            if isinstance(ev, dict):
                events.put(ev)
        proc.wait()
        events.put(_EXIT)

    def _send(self, proc: subprocess.Popen[bytes], message: dict[str, Any]) -> None:
        try:
            assert proc.stdin is not None
            proc.stdin.write((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))
            proc.stdin.flush()
        except (OSError, ValueError):
            pass  # the child is gone: its reader reports the exit

    def _kill(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._reap(proc)

    def _reap(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            if self._proc is proc:
                self._proc, self._events, self._ready = None, None, False

    def _died(self, proc: subprocess.Popen[bytes], path: Path) -> DocsError:
        code = proc.wait()
        self._reap(proc)
        with self._lock:
            cancelled = self._cancelled
        if cancelled:
            return ParseCancelled(f"Reading {path.name} was cancelled.")
        if code == EXIT_OUT_OF_MEMORY:
            return DocumentError("out_of_memory",
                                 f"{path.name} needs more memory to read than Deskmate allows one file.")
        if code == -getattr(signal, "SIGKILL", 9):
            # The kernel's out-of-memory killer sends SIGKILL too: do not call the file damaged.
            return DocumentError(
                "crashed",
                f"The document reader was stopped by the system while reading {path.name} ({describe_exit(code)}), "
                "usually because the computer ran short of memory. Close other programs and index again.",
            )
        return DocumentError(
            "crashed",
            f"The document reader crashed while reading {path.name} ({describe_exit(code)}): the file is probably "
            "damaged or uses features the reader cannot handle. The other files are not affected.",
        )

    def _open_log(self) -> Any:
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            if self.log_path.exists() and self.log_path.stat().st_size > _LOG_LIMIT:
                os.replace(self.log_path, self.log_path.with_suffix(self.log_path.suffix + ".1"))
            return open(self.log_path, "ab")
        except OSError:
            return subprocess.DEVNULL
