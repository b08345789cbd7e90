"""Where the front finds an engine to forward to: its own child process, or the app's warm one.

A source answers ``endpoint()`` (where the engine child listens now, with its key) or
raises a 503 ApiError with Retry-After while the engine starts or restarts. ``lost()``
tells it a connection failed, so it looks again (the app's engine may have restarted
on a new port, or the app may have quit: then the serve process starts its own engine).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from deskmate.core.engines.api_errors import ApiError
from deskmate.core.engines.openai_client import Endpoint
from deskmate.core.engines.supervisor import Phase, Supervisor

# How long a caller is told to wait while an engine loads or restarts.
RETRY_WHILE_LOADING = 2.0


class EngineSource(Protocol):
    @property
    def model_path(self) -> Path: ...

    @property
    def n_ctx(self) -> int: ...

    def endpoint(self) -> Endpoint: ...

    def lost(self) -> None: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


class OwnEngine:
    """An engine child this process supervises (chat, or embeddings with ``embedding=True``)."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor

    @property
    def model_path(self) -> Path:
        return Path(self.supervisor.config.model)

    @property
    def n_ctx(self) -> int:
        return self.supervisor.config.n_ctx

    def start(self, timeout: float | None = None) -> None:
        self.supervisor.wait_ready(timeout)

    def endpoint(self) -> Endpoint:
        status = self.supervisor.status
        if status.phase is Phase.READY and self.supervisor.process_exit() is None:
            return self.supervisor.endpoint()
        if status.phase is Phase.FAILED:
            raise ApiError(503, f"The model cannot run: {status.message}", code="engine_failed")
        if status.phase is Phase.STOPPED:
            raise ApiError(503, "The server is shutting down.", code="engine_stopped")
        state = "it is restarting" if status.phase is Phase.READY else status.label  # dead, not yet noticed
        raise ApiError(503, f"The model is not ready yet ({state}); try again in a few seconds.",
                       code="model_loading", retry_after=RETRY_WHILE_LOADING)

    def lost(self) -> None:
        pass  # the supervisor notices the exit itself and restarts the child

    def describe(self) -> str:
        return f"its own engine (pid {self.supervisor.pid})"

    def close(self) -> None:
        self.supervisor.stop()


Lookup = Callable[[], "dict[str, Any] | None"]


class SharedEngine:
    """The running Deskmate window's engine, found through ``lookup`` (the app's local socket).

    ``lookup()`` returns ``{"base_url", "api_key", "model", "n_ctx"}`` or None when no app
    answers. When the app goes away, ``fallback()`` builds an OwnEngine and serving goes on."""

    def __init__(self, lookup: Lookup, first: dict[str, Any], fallback: Callable[[], OwnEngine],
                 on_change: Callable[[str], None] = lambda _m: None) -> None:
        self._lookup = lookup
        self._info = first
        self._fallback = fallback
        self._own: OwnEngine | None = None
        self._lock = threading.Lock()
        self._on_change = on_change

    @property
    def model_path(self) -> Path:
        own = self._own
        return own.model_path if own else Path(str(self._info["model"]))

    @property
    def n_ctx(self) -> int:
        own = self._own
        return own.n_ctx if own else int(self._info.get("n_ctx") or 0)

    def endpoint(self) -> Endpoint:
        with self._lock:
            own, info = self._own, self._info
        if own is not None:
            return own.endpoint()
        return Endpoint(base_url=str(info["base_url"]), api_key=str(info["api_key"]), model=str(info["model"]),
                        kind="llama_cpp", idle_timeout=None)

    def lost(self) -> None:
        with self._lock:
            if self._own is not None:
                return
            info = self._lookup()
            if info is not None:
                self._info = info
                return
            self._own = self._fallback()
        self._on_change("The Deskmate window has closed; serving from a new engine of our own (it is loading).")

    def describe(self) -> str:
        return self._own.describe() if self._own else "the Deskmate window's engine (shared, no second copy)"

    def close(self) -> None:
        if self._own is not None:
            self._own.close()


def share_info(engine: Any, timeout: float = 300.0) -> dict[str, Any]:
    """The app's side of SharedEngine: where its local engine listens (starting it if needed).

    Runs in the GUI process on an IPC thread; it touches only the supervisor (no llama_cpp).
    ``engine`` is the app's LocalEngine, or None when it has no local model."""
    from deskmate.core.engines.errors import EngineError

    if engine is None:
        return {"ok": False, "error": "Deskmate has no local model loaded."}
    try:
        endpoint = engine.supervisor.wait_ready(timeout)
    except EngineError as e:
        return {"ok": False, "error": str(e)}
    return {"ok": True, "base_url": endpoint.base_url, "api_key": endpoint.api_key,
            "model": str(engine.config.model), "n_ctx": engine.config.n_ctx}
