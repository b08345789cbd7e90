"""The app's side of the image worker: start it on first use, send jobs, relay progress, survive its death.

The app never imports torch: pictures are drawn by ``python -m
deskmate.core.images.worker``, a child process. One job runs at a time. The
worker keeps its model loaded between jobs and is stopped after
``idle_timeout`` seconds without work, which gives the memory back. If it dies
mid-job (a crash, the system's out-of-memory killer), that job ends with a
plain error and the next job starts a fresh worker.

    engine = ImageEngine()
    run = engine.generate(ImageJob("a red cat", model=folder), output)
    for event in run:           # ImageEvent: starting, loading, loaded, step
        print(event.step, event.steps)
    result = run.result()       # ImageResult, or a typed ImageError
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from deskmate.core import paths
from deskmate.core.child_events import describe_exit

from .jobs import (
    ImageBusyError,
    ImageCancelledError,
    ImageError,
    ImageJob,
    ImageJobError,
    ImageModelError,
    ImageOutOfMemoryError,
    ImageWorkerCrashedError,
    ImageWorkerStartError,
    check_model,
)

DEFAULT_IDLE_TIMEOUT = 300.0
_LOG_LIMIT = 5 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class ImageEvent:
    kind: str  # "starting" (worker process), "loading" / "loaded" (model), "step" (one denoising step done)
    step: int = 0
    steps: int = 0
    message: str = ""

    @property
    def fraction(self) -> float | None:
        return self.step / self.steps if self.kind == "step" and self.steps else None


@dataclasses.dataclass(frozen=True)
class ImageResult:
    path: Path
    job: ImageJob  # resolved: the seed, size, steps and guidance actually used
    seconds: float  # drawing and saving, without loading the model
    load_seconds: float  # 0 when the model was already loaded


_END = object()


class ImageRun:
    """One picture being drawn. Iterate for progress (once); ``result()`` waits for the outcome."""

    def __init__(self, engine: ImageEngine, job: ImageJob, output: Path) -> None:
        self.id = uuid.uuid4().hex
        self.job = job
        self.output = output
        self._engine = engine
        self._events: queue.Queue[Any] = queue.Queue()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._result: ImageResult | None = None
        self._error: ImageError | None = None
        self._cancelled = False
        self._worker: subprocess.Popen[bytes] | None = None

    # --- fed by the engine's reader thread -----------------------------------------------------
    def _push(self, event: ImageEvent) -> None:
        if not self._done.is_set():
            self._events.put(event)

    def _finish(self, *, result: ImageResult | None = None, error: ImageError | None = None,
                cancelled: bool = False) -> bool:
        with self._lock:
            if self._done.is_set():
                return False
            self._result, self._error, self._cancelled = result, error, cancelled
            self._done.set()
        self._events.put(_END)
        return True

    # --- for the caller --------------------------------------------------------------------------
    def __iter__(self) -> Iterator[ImageEvent]:
        """Progress events until the run ends. Raises the run's error; a cancel ends quietly."""
        while True:
            item = self._events.get()
            if item is _END:
                break
            yield item
        if self._error is not None:
            raise self._error

    def cancel(self, hard: bool = False) -> None:
        """Stop at the end of the current step (nothing decoded, no file). ``hard`` kills the worker now."""
        self._engine._cancel(self, hard)

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def result(self, timeout: float | None = None) -> ImageResult:
        if not self._done.wait(timeout):
            raise TimeoutError(f"The picture was not finished within {timeout:g} s.")
        if self._error is not None:
            raise self._error
        if self._cancelled:
            raise ImageCancelledError("Cancelled; no picture was saved.")
        assert self._result is not None
        return self._result

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def cancelled(self) -> bool:
        return self._done.is_set() and self._cancelled

    @property
    def error(self) -> ImageError | None:
        return self._error


class ImageEngine:
    """Owns at most one worker process and runs one job at a time on it."""

    def __init__(
        self,
        *,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        threads: int = 0,
        log_path: Path | None = None,
        python: str | None = None,
        stop_timeout: float = 5.0,
    ) -> None:
        self.idle_timeout = idle_timeout
        self.threads = threads
        self.log_path = log_path if log_path is not None else paths.log_dir() / "image-worker.log"
        self.python = python or sys.executable
        self.stop_timeout = stop_timeout
        self.starts = 0  # worker processes started
        self.restarts = 0  # of which after the previous one died unexpectedly
        self._lock = threading.RLock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._run: ImageRun | None = None
        self._expected_exit: set[int] = set()
        self._hard_cancelled: set[str] = set()
        self._died = False
        self._closed = False
        self._idle_timer: threading.Timer | None = None
        self._idle_token = 0
        self._readers: list[threading.Thread] = []

    # --- public ------------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._run is not None and not self._run.done

    def generate(self, job: ImageJob, output: Path | str) -> ImageRun:
        """Start drawing ``job`` into the PNG file ``output``; returns at once.

        Raises ImageModelError (checked here, before any worker starts), ImageJobError for a bad
        output path, ImageBusyError while another picture is being drawn.
        """
        output = Path(os.path.expanduser(str(output)))
        if output.suffix.lower() != ".png":
            raise ImageJobError(f"Pictures are saved as PNG: give {output.name} a .png name.", field="output")
        if not output.parent.is_dir():
            raise ImageJobError(f"The folder {output.parent} does not exist.", field="output")
        info = check_model(job.model)
        resolved = job.resolved(info.defaults)
        with self._lock:
            if self._closed:
                raise ImageError("The image engine is closed.")
            if self._run is not None and not self._run.done:
                raise ImageBusyError("A picture is already being drawn; wait for it or cancel it.")
            self._idle_token += 1  # a pending idle stop must not hit this job
            run = ImageRun(self, resolved, output.absolute())
            fresh = self._proc is None or self._proc.poll() is not None
            proc = self._ensure_worker()
            run._worker = proc
            self._run = run
            if fresh:
                run._push(ImageEvent("starting", message="starting the image worker"))
            self._send(proc, {"op": "generate", "id": run.id, "job": resolved.to_dict(), "output": str(run.output)})
        return run

    def cancel(self, hard: bool = False) -> None:
        """Cancel the picture being drawn, if any."""
        with self._lock:
            run = self._run
        if run is not None:
            self._cancel(run, hard)

    def stop(self) -> None:
        """Stop the worker now (it comes back with the next job). A job in progress ends cancelled."""
        with self._lock:
            proc = self._proc
            self._proc = None
            self._idle_token += 1
            if proc is not None:
                self._expected_exit.add(proc.pid)
        if proc is not None:
            self._stop_process(proc)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self.stop()
        for t in list(self._readers):
            t.join(timeout=self.stop_timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- process handling --------------------------------------------------------------------------
    def _ensure_worker(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        cmd = [self.python, "-m", "deskmate.core.images.worker", "--threads", str(self.threads)]
        env = dict(os.environ)
        # Deskmate is offline: never let a library reach for the hub (it would hang, then fail).
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
                   TOKENIZERS_PARALLELISM="false")
        log = self._open_log()
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env,
                                    close_fds=True)
        except OSError as e:
            raise ImageWorkerStartError(f"Could not start the image worker: {e.strerror or e}.") from None
        finally:
            if log is not subprocess.DEVNULL:
                log.close()  # type: ignore[union-attr]
        self.starts += 1
        if self._died:
            self.restarts += 1
            self._died = False
        self._proc = proc
        reader = threading.Thread(target=self._read_events, args=(proc,), name=f"image-worker-{proc.pid}",
                                  daemon=True)
        self._readers = [t for t in self._readers if t.is_alive()] + [reader]
        reader.start()
        return proc

    def _open_log(self) -> Any:
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            if self.log_path.exists() and self.log_path.stat().st_size > _LOG_LIMIT:
                os.replace(self.log_path, self.log_path.with_suffix(self.log_path.suffix + ".1"))
            return open(self.log_path, "ab")
        except OSError:
            return subprocess.DEVNULL

    def _send(self, proc: subprocess.Popen[bytes], message: dict[str, Any]) -> None:
        try:
            assert proc.stdin is not None
            proc.stdin.write((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))
            proc.stdin.flush()
        except (OSError, ValueError):
            pass  # the worker is gone; its reader thread reports that to the run

    def _stop_process(self, proc: subprocess.Popen[bytes]) -> None:
        try:
            if proc.stdin is not None:
                proc.stdin.close()  # the worker exits when its stdin closes
        except OSError:
            pass
        try:
            proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()  # still loading a model or inside a long step
            proc.wait()

    def _cancel(self, run: ImageRun, hard: bool) -> None:
        with self._lock:
            if run.done or run._worker is None:
                return
            proc = run._worker
            if hard:
                self._hard_cancelled.add(run.id)
                if self._proc is proc:
                    self._proc = None
                self._expected_exit.add(proc.pid)
            else:
                self._send(proc, {"op": "cancel", "id": run.id})
        if hard and proc.poll() is None:
            proc.kill()

    def _retire(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            if self._proc is proc:
                self._proc = None
            self._expected_exit.add(proc.pid)
            self._died = True

    def _after_run(self) -> None:
        with self._lock:
            self._idle_token += 1
            token = self._idle_token
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            timer = threading.Timer(self.idle_timeout, self._idle_stop, args=(token,))
            timer.daemon = True
            self._idle_timer = timer
        timer.start()

    def _idle_stop(self, token: int) -> None:
        with self._lock:
            if token != self._idle_token or self.busy or self._proc is None:
                return
            proc = self._proc
            self._proc = None
            self._expected_exit.add(proc.pid)
        self._stop_process(proc)

    # --- events ------------------------------------------------------------------------------------
    def _current(self, proc: subprocess.Popen[bytes], run_id: object) -> ImageRun | None:
        with self._lock:
            run = self._run
        if run is None or run.id != run_id or run._worker is not proc:
            return None
        return run

    def _read_events(self, proc: subprocess.Popen[bytes]) -> None:
        started = False
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                ev = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(ev, dict):
                continue
            kind = ev.get("event")
            if kind == "ready":
                started = True
                continue
            run = self._current(proc, ev.get("id"))
            if run is None:
                continue
            if kind == "loading":
                run._push(ImageEvent("loading", message=f"loading {ev.get('model', 'the model')}"))
            elif kind == "loaded":
                run._push(ImageEvent("loaded", message=f"model loaded in {float(ev.get('seconds', 0)):.1f} s"))
            elif kind == "progress":
                run._push(ImageEvent("step", step=int(ev.get("step", 0)), steps=int(ev.get("steps", 0))))
            elif kind == "done":
                result = ImageResult(Path(ev.get("path", run.output)), run.job, float(ev.get("seconds", 0.0)),
                                     float(ev.get("load_seconds", 0.0)))
                if run._finish(result=result):
                    self._after_run()
            elif kind == "cancelled":
                if run._finish(cancelled=True):
                    self._after_run()
            elif kind == "error":
                if ev.get("kind") == "out_of_memory":
                    self._retire(proc)  # it exits to free its memory: the next job must not be sent to it
                if run._finish(error=_error_for(str(ev.get("kind")), str(ev.get("message")))):
                    self._after_run()
        code = proc.wait()
        self._on_exit(proc, code, started)

    def _on_exit(self, proc: subprocess.Popen[bytes], code: int, started: bool) -> None:
        with self._lock:
            if self._proc is proc:
                self._proc = None
            expected = proc.pid in self._expected_exit
            self._expected_exit.discard(proc.pid)
            if not expected and code != 0:
                self._died = True
            run = self._run if self._run is not None and self._run._worker is proc else None
            hard = run is not None and run.id in self._hard_cancelled
            if run is not None:
                self._hard_cancelled.discard(run.id)
        if run is None or run.done:
            return
        if hard or expected:  # a hard cancel, or stop()/close() while drawing
            finished = run._finish(cancelled=True)
        elif not started:
            finished = run._finish(error=ImageWorkerStartError(
                f"The image worker could not start ({describe_exit(code)}). Details are in {self.log_path}."
            ))
        else:
            finished = run._finish(error=ImageWorkerCrashedError(
                f"The image worker stopped while drawing ({describe_exit(code)}), so no picture was saved. "
                "Try again: the next picture starts a fresh worker. If it happens again, the computer may be "
                "short of memory; close other programs or choose a smaller size."
            ))
        if finished:
            self._after_run()


def _error_for(kind: str, message: str) -> ImageError:
    if kind == "model_invalid":
        return ImageModelError(message)
    if kind == "out_of_memory":
        return ImageOutOfMemoryError(message)
    if kind == "missing_library":
        return ImageWorkerStartError(message)
    if kind == "bad_job":
        return ImageJobError(message, field="job")
    return ImageError(message)


__all__ = ["DEFAULT_IDLE_TIMEOUT", "ImageEngine", "ImageEvent", "ImageResult", "ImageRun", "describe_exit"]
