"""Which model answers a request: the local engine, a remote server, or auto.

* ``local``: always the local engine.
* ``remote``: always the remote server; its failures are shown as they are.
* ``auto``: the remote server when the input does not fit the local context or
  the task is marked heavy, else local. When the remote server cannot be
  reached (refused, DNS, TLS, timeout, 5xx, busy) before any text arrived, the
  local model answers instead and the stream carries a visible ``notice``.

Offline mode sends nothing anywhere: ``auto`` stays local, and a forced
``remote`` raises :class:`OfflineModeError`.

(Choosing *which task* a request is belongs to :mod:`deskmate.core.tasks.routing`.)
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from deskmate.core.engines.base import ChatClient, DelegatingStream, Json, Message, Sampling, TrackedClient
from deskmate.core.engines.errors import (
    AuthError,
    ConnectionFailedError,
    EngineError,
    ProtocolError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    StreamTimeoutError,
)
from deskmate.core.front_end import how
from deskmate.core.settings.remote import MODES, EndpointError, Mode

from .client import OFFLINE_MESSAGE, OfflineModeError, RemoteClient
from .secrets import KeyStore

Target = Literal["local", "remote"]

# CJK ideographs, kana and hangul: about one token each in common tokenizers; other text ~3.5 characters a token.
_WIDE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_PER_MESSAGE = 4  # role markers and separators of a chat template


class NoRemoteError(EngineError):
    """A request must go to a remote server and none is set up."""


def estimate_tokens(text: str) -> int:
    """A cautious token count for text we cannot tokenize here (no model in this process)."""
    wide = len(_WIDE.findall(text))
    return wide + math.ceil((len(text) - wide) / 3.5)


def estimate_prompt_tokens(messages: Sequence[Message]) -> int:
    return sum(estimate_tokens(m.get("content", "")) + _PER_MESSAGE for m in messages)


@dataclasses.dataclass(frozen=True)
class Route:
    target: Target
    reason: str  # plain words: why this model


def choose_route(
    mode: Mode,
    *,
    heavy: bool = False,
    prompt_tokens: int = 0,
    max_tokens: int = 0,
    local_context: int = 4096,
    remote_name: str | None = None,
    offline: bool = False,
) -> Route:
    """Decide where a request goes. Raises OfflineModeError / NoRemoteError when ``remote`` cannot be honoured."""
    if mode not in MODES:
        raise ValueError(f"route mode must be one of {', '.join(MODES)}")
    if mode == "local":
        return Route("local", "This task is set to run on the local model.")
    if mode == "remote":
        if offline:
            raise OfflineModeError(OFFLINE_MESSAGE)
        if remote_name is None:
            raise NoRemoteError("This task is set to run on a remote server, but none is set up. " + how(
                "Add one with `deskmate remote add` or in Settings, or run it on the local model.",
                "Add one in File → Remote servers…; to run it on the local model instead, set mode = \"local\" "
                "under [remote] in settings.toml."))
        return Route("remote", f"This task is set to run on the remote server '{remote_name}'.")
    # auto
    if offline:
        return Route("local", "Offline mode is on: the local model answers.")
    if remote_name is None:
        return Route("local", "No remote server is set up: the local model answers.")
    need = prompt_tokens + max_tokens
    if need > local_context:
        return Route(
            "remote",
            f"The text needs about {need} tokens, more than the local model's {local_context}: "
            f"the remote server '{remote_name}' answers.",
        )
    if heavy:
        return Route("remote", f"This is a long or hard task: the remote server '{remote_name}' answers.")
    return Route("local", "The local model can handle this.")


def unreachable(error: EngineError) -> bool:
    """True for failures that mean "the remote server cannot be used right now" (not "fix your key")."""
    if isinstance(error, AuthError):
        return False
    if isinstance(error, (ConnectionFailedError, StreamTimeoutError, RateLimitedError, ProtocolError)):
        return True
    if isinstance(error, ServerError) and not isinstance(error, RequestRejectedError):
        return error.status is None or error.status >= 500
    return False


class RoutedChatStream(DelegatingStream):
    def __init__(self, router: Router, route: Route, messages: Sequence[Message], sampling: Sampling,
                 schema: Json | None) -> None:
        super().__init__()
        self.route = route
        # Which model actually answered (differs from route.target after a fallback).
        self.target: Target = route.target
        # A visible note for the person ("…the local model answers instead"); "" when there is none.
        self.notice = ""
        self._router = router
        self._args = (list(messages), sampling, schema)
        self._iterated = False

    def _run(self, client: ChatClient) -> Iterator[str]:
        return self._pump(client.stream(*self._args))

    def __iter__(self) -> Iterator[str]:
        if self._iterated:
            raise RuntimeError("a ChatStream can be iterated only once")
        self._iterated = True
        router = self._router
        if self.target == "remote":
            assert router.remote is not None
            try:
                yield from self._run(router.remote)
                return
            except EngineError as e:
                fallback = (
                    router.mode == "auto"
                    and router.local is not None
                    and not self.text
                    and not self._cancel.is_set()
                    and unreachable(e)
                )
                if not fallback:
                    e.partial = self.text
                    raise
                self.notice = (
                    f"The remote server '{router.remote.name}' could not be used: {e} "
                    "The local model answers instead."
                )
                if self.route.reason.startswith("The text needs"):
                    self.notice += " The text may be too long for it."
                self.target = "local"
                if router.on_notice is not None:
                    router.on_notice(self.notice)
        assert router.local is not None
        yield from self._run(router.local)


class Router(TrackedClient):
    """A ChatClient that sends each request to the local engine or a remote server (see module doc)."""

    def __init__(
        self,
        local: ChatClient | None,
        remote: ChatClient | None = None,
        *,
        mode: Mode = "auto",
        heavy: bool = False,
        local_context: int = 4096,
        offline: bool = False,
        on_notice: Callable[[str], None] | None = None,
        count_tokens: Callable[[Sequence[Message]], int] = estimate_prompt_tokens,
        owns_clients: bool = False,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"route mode must be one of {', '.join(MODES)}")
        self.local = local
        # In offline mode no remote client is kept at all: nothing can be sent by mistake.
        self.remote = None if offline else remote
        self.mode: Mode = mode
        self.heavy = heavy
        self.local_context = local_context
        self.offline = offline
        self.on_notice = on_notice
        self.count_tokens = count_tokens
        self.owns_clients = owns_clients
        self.name = "routed"
        self.last_route: Route | None = None
        super().__init__()

    def route(self, messages: Sequence[Message], sampling: Sampling = Sampling()) -> Route:
        route = choose_route(
            self.mode,
            heavy=self.heavy,
            prompt_tokens=self.count_tokens(messages),
            max_tokens=sampling.max_tokens,
            local_context=self.local_context,
            remote_name=self.remote.name if self.remote is not None else None,
            offline=self.offline,
        )
        if route.target == "local" and self.local is None:
            raise EngineError("No local model is available for this request.")
        return route

    def stream(self, messages: Sequence[Message], sampling: Sampling = Sampling(), schema: Json | None = None) -> RoutedChatStream:
        route = self.route(messages, sampling)
        self.last_route = route
        s = RoutedChatStream(self, route, messages, sampling, schema)
        return self._track(s)

    def close(self) -> None:
        self.cancel()
        if self.owns_clients:
            for client in (self.remote, self.local):
                if client is not None:
                    client.close()


def router_for_task(
    local: ChatClient | None,
    *,
    task_id: str | None = None,
    heavy: bool = False,
    mode: Mode | None = None,
    endpoint: str | None = None,
    local_context: int | None = None,
    on_notice: Callable[[str], None] | None = None,
    settings_file: Path | None = None,
    store: KeyStore | None = None,
) -> Router:
    """A Router set up from settings.toml: offline mode, the task's route and the default endpoint.

    ``mode``/``endpoint`` override the settings (e.g. a ``--remote NAME`` option forces remote).
    """
    from deskmate.core.settings import load_settings

    from .client import load_remote_settings
    from .secrets import key_store

    settings = load_settings(settings_file)
    remote_settings = load_remote_settings(settings_file)
    mode = mode or remote_settings.mode_for(task_id)
    remote: RemoteClient | None = None
    if not settings.app.offline and (mode != "local" or endpoint):
        try:
            ep = remote_settings.endpoint(endpoint)
        except EndpointError:
            if endpoint or mode == "remote":
                raise
            ep = None  # auto with no (single) endpoint: stay local
        if ep is not None:
            remote = RemoteClient(ep, (store or key_store()).get(ep.name), on_notice=on_notice)
    elif settings.app.offline and mode == "remote":
        raise OfflineModeError(OFFLINE_MESSAGE)
    return Router(
        local,
        remote,
        mode=mode,
        heavy=heavy,
        local_context=local_context or settings.engine.n_ctx,
        offline=settings.app.offline,
        on_notice=on_notice,
    )


__all__ = [
    "NoRemoteError",
    "OfflineModeError",
    "Route",
    "RoutedChatStream",
    "Router",
    "choose_route",
    "estimate_prompt_tokens",
    "estimate_tokens",
    "router_for_task",
    "unreachable",
]
