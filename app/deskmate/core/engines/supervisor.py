"""Start, watch, health-check, restart and hard-cancel the local engine process."""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from deskmate.core.fs import atomic_write

from .errors import EngineError, EngineStartError, ModelInvalidError, NotEnoughMemoryError
from .gguf_check import check_gguf
from .protocol import EXIT_MODEL_INVALID, KEY_ENV
from .openai_client import Endpoint, OpenAIClient
from .tuning import child_env, tuning


class Phase(str, enum.Enum):
    STOPPED = "stopped"
    STARTING = "starting"
    LOADING = "loading"
    READY = "ready"
    CRASHED = "crashed"
    RESTARTING = "restarting"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class EngineConfig:
    model: Path
    n_ctx: int = 4096
    threads: int = 0
    host: str = "127.0.0.1"
    port: int = 0
    api_key: str | None = dataclasses.field(default=None, repr=False)
    alias: str = "local"
    # 0 / None / "auto": chosen for this machine (tuning.py) and, for the context and KV
    # cache, for the memory that is free when the engine starts (models/fit.py plan_load).
    n_batch: int = 0
    flash_attn: bool | None = None
    kv_type: str = "auto"
    # Saved prompt prefixes (prompt_cache.py); None: none kept across restarts.
    prompt_cache_dir: Path | None = None
    prompt_cache_bytes: int = 1024**3
    log_path: Path | None = None
    runtime_dir: Path | None = None
    role: str = "app"
    warmup: bool = True
    # "lean": our chat server (fastest decode); "llama_cpp": llama-cpp-python's full server.
    server: str = "lean"
    # A soft cancel (closing the connection) is honoured at the next token; prompt
    # processing cannot be interrupted inside llama.cpp, so past this we kill.
    cancel_grace: float = 2.0
    start_timeout: float = 600.0
    # An embedding model (Llama(embedding=True)) serving /v1/embeddings; n_ctx 0 is the model's own.
    embedding: bool = False
    # How much lower than its parent the engine runs (Unix niceness). The window's engine yields the
    # cores to the window: its longest streaming stall fell from 117 to 29 ms at load 3 with nice 10,
    # at the same tokens/s (docs/benchmarks.md); on an idle machine it changes nothing.
    nice: int = 0


@dataclasses.dataclass(frozen=True)
class EngineStatus:
    phase: Phase
    message: str = ""
    progress: float | None = None
    model: str = ""
    pid: int | None = None
    port: int | None = None
    restarts: int = 0
    hard_cancels: int = 0

    @property
    def label(self) -> str:
        if self.phase is Phase.LOADING and self.progress is not None:
            return f"loading {self.progress:.0%}"
        return self.phase.value


Listener = Callable[[EngineStatus], None]


# The out-of-memory killer's signal; nothing else on a desktop sends it to the engine unasked.
OOM_SIGNAL = -signal.SIGKILL if hasattr(signal, "SIGKILL") else None
MEMORY_WORDS = ("failed to allocate", "unable to allocate", "bad_alloc", "cannot allocate memory", "out of memory")


def describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}"
    if code == 134:
        return "llama.cpp aborted (exit 134)"
    return f"exit code {code}"


_STAGES = {"starting": "starting to load", "loading": "loading", "warmup": "testing", "loaded": "starting to serve",
           "listening": "starting to serve"}


class Supervisor:
    """Owns one engine child process at a time and keeps it alive."""

    def __init__(self, config: EngineConfig, listener: Listener | None = None, auto_restart: bool = True) -> None:
        self.config = config
        self.api_key = config.api_key or secrets.token_urlsafe(24)
        self.auto_restart = auto_restart
        self._listeners: list[Listener] = [listener] if listener else []
        self._lock = threading.RLock()
        self._start_lock = threading.Lock()
        # Cleared while a cancelled request is being checked (see watch_cancel).
        self._settled = threading.Event()
        self._settled.set()
        self._changed = threading.Condition(self._lock)
        self._proc: subprocess.Popen[bytes] | None = None
        self._status = EngineStatus(Phase.STOPPED, model=str(config.model))
        self._error: EngineError | None = None
        self._stopping = False
        self._generation = 0
        self._log_file = None
        # `deskmate serve` keeps its address across restarts so clients can reconnect.
        self.keep_port = False
        self._pinned_port: int | None = None
        self.tuning = tuning(config.threads, config.n_batch, config.flash_attn)
        self.plan = None  # the memory plan of the current start (fit.LoadPlan)
        self._log_start = 0
        self._killed: set[int] = set()  # pids we killed ourselves: their SIGKILL is no sign of memory trouble

    # --- observation -------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)
        listener(self.status)

    @property
    def status(self) -> EngineStatus:
        with self._lock:
            return self._status

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc else None

    @property
    def last_error(self) -> EngineError | None:
        return self._error

    def _set(self, **changes: object) -> None:
        with self._lock:
            self._status = dataclasses.replace(self._status, **changes)  # type: ignore[arg-type]
            status = self._status
            listeners = list(self._listeners)
            self._changed.notify_all()
        self._write_runtime(status)
        for fn in listeners:
            try:
                fn(status)
            except Exception:  # a broken listener must not take the engine down
                pass

    # --- lifecycle ---------------------------------------------------------
    def start(self) -> None:
        """Start the engine if it is not running. Returns at once (the model loads in the child)."""
        # One start at a time: the crash handler and a waiting request may both ask.
        with self._start_lock:
            self._start_locked()

    def _start_locked(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            if self._status.phase in (Phase.STARTING, Phase.LOADING, Phase.RESTARTING) and self._proc is not None:
                return
            restarting = self._status.phase in (Phase.CRASHED, Phase.RESTARTING)
            self._stopping = False
            self._error = None
            self._generation += 1
            generation = self._generation
        try:
            check_gguf(self.config.model)
        except EngineError as e:
            self._fail(e)
            return
        plan = self._plan()
        if plan is not None and not plan.fits:
            self._fail(NotEnoughMemoryError(plan.message))
            return
        self.plan = plan
        n_ctx = plan.n_ctx if plan is not None else self.config.n_ctx
        kv_type = plan.kv_type if plan is not None else (self.config.kv_type if self.config.kv_type != "auto" else "f16")
        flash_attn = plan.flash_attn if plan is not None else self.tuning.flash_attn
        self._set(
            phase=Phase.RESTARTING if restarting else Phase.STARTING,
            message="restarting the engine" if restarting else "starting the engine",
            progress=None,
            port=None,
        )
        cmd = [
            sys.executable,
            "-m",
            "deskmate.core.engines.host",
            "--model",
            str(self.config.model),
            "--alias",
            self.config.alias,
            "--host",
            self.config.host,
            "--port",
            str(self._pinned_port or self.config.port),
            "--n-ctx",
            str(n_ctx),
            "--threads",
            str(self.tuning.threads),
            "--batch",
            str(self.tuning.batch),
            "--kv-type",
            kv_type,
        ]
        if flash_attn:
            cmd.append("--flash-attn")
        if self.config.prompt_cache_dir is not None:
            cmd += ["--prompt-cache", str(self.config.prompt_cache_dir),
                    "--prompt-cache-bytes", str(self.config.prompt_cache_bytes)]
        if not self.config.warmup:
            cmd.append("--no-warmup")
        cmd += ["--server", self.config.server]
        if self.config.embedding:
            cmd.append("--embedding")
        if self.config.nice:
            cmd += ["--nice", str(self.config.nice)]
        env = child_env(dict(os.environ))
        env[KEY_ENV] = self.api_key
        stderr = self._open_log()
        self._log_start = self._log_size()
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env, close_fds=True
            )
        except OSError as e:
            self._fail(EngineStartError(f"Could not start the engine process: {e.strerror or e}."))
            return
        with self._lock:
            self._proc = proc
        self._set(pid=proc.pid)
        threading.Thread(
            target=self._read_events, args=(proc, generation), name=f"engine-events-{proc.pid}", daemon=True
        ).start()

    def _plan(self):  # -> fit.LoadPlan | None
        """Context and KV cache type that fit the free memory; None when the header cannot be read."""
        from deskmate.core.engines import fit

        try:
            shape = fit.shape_from_gguf(self.config.model)
        except (EngineError, ValueError, KeyError, OSError):
            return None  # the engine's own load reports what is wrong with the file
        return fit.plan_load(shape, self.config.n_ctx, fit.system_memory(), flash_attn=self.tuning.flash_attn,
                             kv_type=self.config.kv_type)

    def _log_size(self) -> int:
        try:
            return self.config.log_path.stat().st_size if self.config.log_path else 0
        except OSError:
            return 0

    def _log_says_memory(self) -> bool:
        """Did llama.cpp log an allocation failure during this start?"""
        if self.config.log_path is None:
            return False
        try:
            with open(self.config.log_path, "rb") as f:
                f.seek(max(self._log_start, self._log_size() - 65536))
                tail = f.read().decode("utf-8", "replace").lower()
        except OSError:
            return False
        return any(w in tail for w in MEMORY_WORDS)

    def _memory_words(self, name: str) -> str:
        from deskmate.core.engines.fit import human_gb

        plan = self.plan
        if plan is None:
            return ""
        return (f" {name} needs about {human_gb(plan.estimate.total)} at a context of {plan.n_ctx} tokens and "
                f"{human_gb(plan.memory.available)} was free when it started.")

    def _open_log(self) -> int | object:
        if self.config.log_path is None:
            return subprocess.DEVNULL
        self.config.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log_file is None or self._log_file.closed:
            self._log_file = open(self.config.log_path, "ab")
        return self._log_file

    def _fail(self, error: EngineError) -> None:
        with self._lock:
            self._error = error
        self._set(phase=Phase.FAILED, message=str(error), progress=None, port=None, pid=None)

    def _read_events(self, proc: subprocess.Popen[bytes], generation: int) -> None:
        error: tuple[str, str] | None = None
        stage = "starting"
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                ev = json.loads(raw)
            except ValueError:
                continue
            with self._lock:
                stale = generation != self._generation
            if stale:  # a process we already replaced must not steer the state
                self._killed.add(proc.pid)
                proc.kill()
                continue
            kind = ev.get("event")
            if kind == "loading":
                stage = "loading"
                self._set(phase=Phase.LOADING, progress=0.0, message="loading the model")
            elif kind == "progress":
                self._set(phase=Phase.LOADING, progress=float(ev.get("value", 0.0)))
            elif kind == "warmup":
                stage = "warmup"
                self._set(phase=Phase.LOADING, progress=1.0, message="testing the model")
            elif kind == "loaded":
                stage = "loaded"
            elif kind == "listening":
                stage = "listening"
                if self.keep_port:
                    self._pinned_port = int(ev["port"])
                self._set(port=int(ev["port"]))
                threading.Thread(target=self._await_health, args=(generation,), daemon=True).start()
            elif kind == "error":
                error = (str(ev.get("kind")), str(ev.get("message")))
        code = proc.wait()
        self._on_exit(proc, generation, code, stage, error)

    def _await_health(self, generation: int) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with self._lock:
                if generation != self._generation or self._proc is None or self._proc.poll() is not None:
                    return
            try:
                self.client().list_models(timeout=5)
            except EngineError:
                time.sleep(0.05)
                continue
            with self._lock:
                if generation != self._generation:
                    return
            # What the memory plan changed (a smaller context, a q8_0 KV cache) is said once ready.
            notice = self.plan.message if self.plan is not None else ""
            self._set(phase=Phase.READY, message=f"ready — {notice}" if notice else "ready", progress=None)
            return
        self.kill()

    def _on_exit(
        self,
        proc: subprocess.Popen[bytes],
        generation: int,
        code: int,
        stage: str,
        error: tuple[str, str] | None,
    ) -> None:
        with self._lock:
            if generation != self._generation:
                return
            was = self._status.phase
            stopping = self._stopping
            self._proc = None
        if stopping:
            self._set(phase=Phase.STOPPED, message="stopped", pid=None, port=None, progress=None)
            return
        name = Path(self.config.model).name
        if was is not Phase.READY:
            if error and error[0] == "model_invalid":
                self._fail(ModelInvalidError(error[1]))
            elif error and error[0] == "out_of_memory":
                self._fail(NotEnoughMemoryError(error[1]))
            elif error:
                self._fail(EngineStartError(error[1]))
            elif code == OOM_SIGNAL and proc.pid in self._killed:
                self._fail(EngineStartError(
                    f"The engine did not become ready while {_STAGES.get(stage, 'starting')} {name} and was stopped. "
                    "See the engine log."))
            elif code == OOM_SIGNAL or self._log_says_memory():
                # The kernel's out-of-memory killer sends SIGKILL: the file is most likely fine.
                self._fail(NotEnoughMemoryError(
                    f"The engine was stopped while {_STAGES.get(stage, 'starting')} {name} ({describe_exit(code)}), "
                    f"most likely because the computer ran out of memory.{self._memory_words(name)} "
                    "Close other programs and try again, or choose a smaller model or a smaller context size."
                ))
            elif stage == "warmup" or code == 134 or code == -signal.SIGABRT:
                self._fail(
                    ModelInvalidError(
                        f"{name} loaded, then crashed llama.cpp on its first test ({describe_exit(code)}). "
                        "The file is damaged or not supported; choose another model."
                    )
                )
            elif code == 0 and stage == "listening":
                self._fail(EngineStartError("The engine stopped before it was ready. See the engine log."))
            else:
                self._fail(
                    EngineStartError(
                        f"The engine stopped while loading {name} ({describe_exit(code)}). "
                        "If the computer is short of memory, choose a smaller model or context size."
                    )
                )
            return
        why = " — most likely out of memory" if code == OOM_SIGNAL and proc.pid not in self._killed else ""
        self._set(
            phase=Phase.CRASHED,
            message=f"the engine stopped ({describe_exit(code)}{why})",
            pid=None,
            port=None,
            progress=None,
            restarts=self._status.restarts + 1,
        )
        if self.auto_restart:
            self.start()

    def wait_ready(self, timeout: float | None = None, cancel: threading.Event | None = None) -> Endpoint:
        """Start if needed and block until the engine answers; raise a typed error otherwise."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.config.start_timeout)
        self._settled.wait(self.config.cancel_grace + 10)
        with self._lock:
            phase = self._status.phase
        if phase in (Phase.STOPPED, Phase.CRASHED):
            self.start()
        with self._lock:
            while True:
                phase = self._status.phase
                if phase is Phase.READY and self._status.port:
                    # READY but dead: the exit is not processed yet; wait for the restart.
                    if self._proc is not None and self._proc.poll() is None:
                        return self.endpoint()
                if phase is Phase.FAILED:
                    assert self._error is not None
                    raise type(self._error)(str(self._error))
                if phase is Phase.STOPPED:
                    raise EngineStartError("The engine was stopped.")
                if cancel is not None and cancel.is_set():
                    raise EngineStartError("Cancelled while the engine was starting.")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise EngineStartError(
                        f"The engine was not ready after {timeout or self.config.start_timeout:g} s "
                        f"(it is {self._status.label}). See the engine log."
                    )
                self._changed.wait(min(left, 0.1))

    def endpoint(self) -> Endpoint:
        port = self.status.port
        return Endpoint(
            base_url=f"http://{self.config.host}:{port}/v1",
            api_key=self.api_key,
            model=self.config.alias,
            kind="llama_cpp",
            connect_timeout=10.0,
            idle_timeout=None,
            deskmate_engine=self.config.server == "lean",
        )

    def client(self) -> OpenAIClient:
        return OpenAIClient(self.endpoint(), name="local")

    def process_exit(self, wait: float = 0.0) -> int | None:
        """Exit code of the current process if it has ended (waiting up to ``wait`` s)."""
        with self._lock:
            proc = self._proc
        if proc is None:
            return None
        try:
            return proc.wait(timeout=wait) if wait > 0 else proc.poll()
        except subprocess.TimeoutExpired:
            return None

    def watch_cancel(self) -> None:
        """After a soft cancel: if the engine is not idle within the grace time, kill it.

        The probe (a model listing) queues behind any running answer on the server,
        so requests wait in ``wait_ready`` until the verdict is in: otherwise a new
        answer started right after the cancel would look like a stuck engine.
        """
        with self._lock:
            generation = self._generation
            if self._status.phase is not Phase.READY:
                return
            self._settled.clear()

        def watch() -> None:
            try:
                try:
                    self.client().list_models(timeout=self.config.cancel_grace)
                    return
                except EngineError:
                    pass
                with self._lock:
                    if generation != self._generation or self._status.phase is not Phase.READY:
                        return
                    self._status = dataclasses.replace(self._status, hard_cancels=self._status.hard_cancels + 1)
                self.kill()
                # Let the exit be seen before requests resume, so they wait for the restart.
                with self._lock:
                    proc = self._proc
                if proc is not None:
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        pass
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    with self._lock:
                        if self._generation != generation or self._status.phase is not Phase.READY:
                            break
                    time.sleep(0.01)
            finally:
                self._settled.set()

        threading.Thread(target=watch, name="cancel-watch", daemon=True).start()

    def kill(self) -> None:
        """Kill the process now; with auto_restart it comes back."""
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            self._killed.add(proc.pid)
            proc.kill()

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            proc = self._proc
            self._stopping = True
        if proc is not None and proc.poll() is None:
            if proc.stdin:
                try:
                    proc.stdin.close()  # the host exits when its stdin closes
                except OSError:
                    pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with self._lock:
            self._generation += 1
            self._proc = None
        self._set(phase=Phase.STOPPED, message="stopped", pid=None, port=None, progress=None)
        self._remove_runtime()
        if self._log_file is not None:
            self._log_file.close()

    # --- runtime file: lets `deskmate engine status` see running engines --------
    def _runtime_path(self) -> Path | None:
        if self.config.runtime_dir is None:
            return None
        # One file per engine: a process may own several (serve: a chat and an embedding engine).
        return self.config.runtime_dir / f"engine-{os.getpid()}-{self.config.role}.json"

    def _write_runtime(self, status: EngineStatus) -> None:
        path = self._runtime_path()
        if path is None or status.phase is Phase.STOPPED:
            return
        data = {
            "owner_pid": os.getpid(),
            "role": self.config.role,
            "engine_pid": status.pid,
            "port": status.port,
            "phase": status.phase.value,
            "model": str(self.config.model),
            "restarts": status.restarts,
            "updated": time.time(),
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps(data), durable=False)  # it matters only while this process runs
        except OSError:
            pass

    def _remove_runtime(self) -> None:
        path = self._runtime_path()
        if path is not None:
            try:
                path.unlink()
            except OSError:
                pass


__all__ = [
    "EXIT_MODEL_INVALID",
    "EngineConfig",
    "EngineStatus",
    "Phase",
    "Supervisor",
    "describe_exit",
]
