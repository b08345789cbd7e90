"""The one chat-client interface shared by the local engine and remote servers.

A client's ``stream()`` returns a :class:`ChatStream`: iterate it for text
deltas; when iteration ends, ``result()`` gives the whole text, the usage and
why it stopped. ``cancel()`` may be called from any thread.
"""

from __future__ import annotations

import abc
import dataclasses
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal, Protocol, TypeVar

StreamT = TypeVar("StreamT", bound="ChatStream")
JobT = TypeVar("JobT")
Role = Literal["system", "user", "assistant"]
Message = dict[str, str]
Json = dict[str, Any]


def msg(role: Role, content: str) -> Message:
    return {"role": role, "content": content}


@dataclasses.dataclass(frozen=True)
class Sampling:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    seed: int | None = None
    stop: tuple[str, ...] = ()

    def replace(self, **changes: Any) -> "Sampling":
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True)
class Usage:
    prompt_tokens: int | None
    completion_tokens: int
    # True when the server sent no usage and completion_tokens counts stream chunks.
    estimated: bool = False
    seconds: float = 0.0
    # Time to the first token: prompt processing (and engine start) dominate it.
    first_token_seconds: float | None = None

    @property
    def tokens_per_second(self) -> float:
        """Decode speed: tokens after the first over the time after the first."""
        if self.first_token_seconds is not None and self.completion_tokens > 1:
            span = self.seconds - self.first_token_seconds
            if span > 0:
                return (self.completion_tokens - 1) / span
        return self.completion_tokens / self.seconds if self.seconds > 0 else 0.0


FinishReason = Literal["stop", "length", "cancelled"]


@dataclasses.dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage
    finish_reason: str


class ChatStream(abc.ABC):
    """An answer arriving piece by piece. Iterate once."""

    def __init__(self) -> None:
        self.text = ""
        self.usage: Usage | None = None
        self.finish_reason: str | None = None
        self._started = time.monotonic()

    @abc.abstractmethod
    def __iter__(self) -> Iterator[str]: ...

    @abc.abstractmethod
    def cancel(self) -> None:
        """Stop the answer. Iteration ends quietly; ``text`` keeps what arrived."""

    @property
    def cancelled(self) -> bool:
        return self.finish_reason == "cancelled"

    def result(self) -> Completion:
        """Run the stream to its end (if not done yet) and return the whole answer."""
        if self.finish_reason is None:
            for _ in self:
                pass
        assert self.usage is not None and self.finish_reason is not None
        return Completion(self.text, self.usage, self.finish_reason)


class Cancellable:
    """A job that runs other jobs one after another (streams, retries, paragraphs):
    ``cancel()`` from any thread reaches the one running now, and one adopted after
    a cancel is cancelled at once, so a cancel can never fall between two of them."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._job_lock = threading.Lock()
        self._job: Any = None

    def cancel(self) -> None:
        self._cancel.set()
        with self._job_lock:
            job = self._job
        if job is not None:
            job.cancel()

    def _adopt(self, job: JobT) -> JobT:
        """Make ``job`` (anything with ``cancel()``) the one a cancel reaches."""
        with self._job_lock:
            self._job = job
        if self._cancel.is_set():
            job.cancel()  # type: ignore[attr-defined]
        return job

    def _release(self, job: Any) -> None:
        with self._job_lock:
            if self._job is job:
                self._job = None


class DelegatingStream(Cancellable, ChatStream):
    """A ChatStream whose answer comes from inner streams (a retry, a fallback, a restarted
    engine). ``_pump(inner)`` streams one of them and keeps ``text``, ``usage`` and
    ``finish_reason`` in step with it, also when it fails or the reader stops early."""

    def __init__(self) -> None:
        ChatStream.__init__(self)
        Cancellable.__init__(self)

    def _pump(self, inner: ChatStream) -> Iterator[str]:
        self._adopt(inner)
        deltas = iter(inner)
        try:
            for delta in deltas:
                self.text = inner.text
                yield delta
        finally:
            close = getattr(deltas, "close", None)
            if close is not None:
                close()  # a reader that stops early closes the connection now
            self.text = inner.text
            self.usage = inner.usage
            self.finish_reason = inner.finish_reason


class ChatClient(Protocol):
    """What every text engine offers, local or remote."""

    name: str

    def stream(
        self,
        messages: Sequence[Message],
        sampling: Sampling = Sampling(),
        schema: Json | None = None,
    ) -> ChatStream: ...

    def complete(
        self,
        messages: Sequence[Message],
        sampling: Sampling = Sampling(),
        schema: Json | None = None,
    ) -> Completion: ...

    def cancel(self) -> None:
        """Cancel every answer currently streaming from this client."""
        ...

    def close(self) -> None: ...


class TrackedClient(abc.ABC):
    """What the concrete clients share: they remember their live streams so that
    ``cancel()`` can stop them all, and ``complete()`` is a stream run to its end.
    Subclasses implement ``stream()`` and pass each new stream through ``_track``.
    """

    def __init__(self) -> None:
        self._active: set[ChatStream] = set()
        self._active_lock = threading.Lock()

    def _track(self, stream: "StreamT") -> "StreamT":
        with self._active_lock:
            self._active = {a for a in self._active if a.finish_reason is None}
            self._active.add(stream)
        return stream

    @abc.abstractmethod
    def stream(self, messages: Sequence[Message], sampling: Sampling = Sampling(),
               schema: Json | None = None) -> ChatStream: ...

    def complete(self, messages: Sequence[Message], sampling: Sampling = Sampling(),
                 schema: Json | None = None) -> Completion:
        return self.stream(messages, sampling, schema).result()

    def cancel(self) -> None:
        with self._active_lock:
            active = list(self._active)
        for s in active:
            s.cancel()


class ScopedClient(TrackedClient):
    """One job's view of a shared client: ``cancel()`` stops the streams started
    through this view and no others, so stopping one task never stops a quick action
    or a translation running on the same engine. After a cancel, new streams start
    cancelled (they end at once with no text)."""

    def __init__(self, client: ChatClient) -> None:
        super().__init__()
        self.client = client
        self.name = client.name
        self._cancelled = threading.Event()

    def stream(self, messages: Sequence[Message], sampling: Sampling = Sampling(),
               schema: Json | None = None) -> ChatStream:
        s = self._track(self.client.stream(messages, sampling, schema))
        if self._cancelled.is_set():
            s.cancel()
        return s

    def cancel(self) -> None:
        self._cancelled.set()
        super().cancel()

    def close(self) -> None:
        self.cancel()  # the shared client is its owner's to close


class ClientRun(Cancellable):
    """A run over one client, read once as events: ``cancel()`` stops this run's streams only
    (its ScopedClient), never the engine other runs share; ``run()`` reads to the end."""

    result: Any

    def __init__(self, client: ChatClient) -> None:
        super().__init__()
        self._scope = ScopedClient(client)
        self._started = False
        self.result = None

    def cancel(self) -> None:
        super().cancel()
        self._scope.cancel()

    def run(self) -> Any:
        for _ in self:  # type: ignore[attr-defined]
            pass
        assert self.result is not None
        return self.result

    def _start_once(self) -> None:
        if self._started:
            raise RuntimeError("A run can be read only once.")
        self._started = True
