"""The local engine as a ChatClient: a supervised child process behind the OpenAI client."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .base import DelegatingStream, Json, Message, Sampling, TrackedClient
from .errors import ConnectionFailedError, EngineStoppedError, ProtocolError, StreamTimeoutError
from .openai_client import HttpChatStream, OpenAIClient, build_body
from .supervisor import EngineConfig, Listener, Supervisor, describe_exit


class _RetryOnFreshEngine(Exception):
    pass


class LocalChatStream(DelegatingStream):
    def __init__(self, engine: "LocalEngine", messages: Sequence[Message], sampling: Sampling, schema: Json | None) -> None:
        super().__init__()
        self._engine = engine
        self._messages = list(messages)
        self._sampling = sampling
        self._schema = schema

    def __iter__(self) -> Iterator[str]:
        # A request that reaches a process which died a moment ago (before the
        # supervisor noticed) has lost nothing yet: wait for the restart and retry once.
        for attempt in (1, 2):
            try:
                yield from self._attempt(retry_allowed=attempt == 1)
                return
            except _RetryOnFreshEngine:
                continue

    def _attempt(self, retry_allowed: bool) -> Iterator[str]:
        sup = self._engine.supervisor
        try:
            endpoint = sup.wait_ready(cancel=self._cancel)
        except Exception:
            if self._cancel.is_set():
                self._done_cancelled()
                return
            raise
        inner = HttpChatStream(endpoint, build_body(endpoint, self._messages, self._sampling, self._schema))
        pid = sup.pid
        self._engine._in_flight(+1)
        try:
            yield from self._pump(inner)
        except (ProtocolError, ConnectionFailedError, StreamTimeoutError) as e:
            code = sup.process_exit(wait=2.0) if sup.pid == pid else None
            if sup.pid != pid or code is not None:
                if not self.text and retry_allowed:
                    raise _RetryOnFreshEngine from None
                how = describe_exit(code) if code is not None else "it was restarted"
                raise EngineStoppedError(
                    f"The local engine stopped while answering ({how}). The text so far is kept; "
                    "the engine is restarting, so you can try again in a moment.",
                    partial=self.text,
                ) from None
            e.partial = self.text
            raise
        finally:
            self._engine._in_flight(-1)
            # With another answer running, the probe would queue behind it and
            # misread a busy engine as a stuck one: the next token stops this one anyway.
            if self.finish_reason == "cancelled" and self._engine._in_flight(0) == 0:
                sup.watch_cancel()

    def _done_cancelled(self) -> None:
        from .base import Usage

        self.usage = Usage(None, 0, True, 0.0)
        self.finish_reason = "cancelled"


class LocalEngine(TrackedClient):
    """ChatClient for a GGUF model served by a supervised child process."""

    def __init__(self, config: EngineConfig, listener: Listener | None = None, auto_restart: bool = True) -> None:
        self.name = "local"
        self.config = config
        self.supervisor = Supervisor(config, listener, auto_restart=auto_restart)
        super().__init__()
        self._running = 0

    def _in_flight(self, change: int) -> int:
        """Count answers currently streaming from the engine process."""
        with self._active_lock:
            self._running += change
            return self._running

    def start(self) -> None:
        self.supervisor.start()

    def wait_ready(self, timeout: float | None = None) -> None:
        self.supervisor.wait_ready(timeout)

    def stream(self, messages: Sequence[Message], sampling: Sampling = Sampling(), schema: Json | None = None) -> LocalChatStream:
        s = LocalChatStream(self, messages, sampling, schema)
        return self._track(s)

    def http_client(self) -> OpenAIClient:
        """A raw client on the running engine (for `deskmate serve` and diagnostics)."""
        return self.supervisor.client()

    def close(self) -> None:
        self.cancel()
        self.supervisor.stop()

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
