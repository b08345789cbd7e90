"""Remote large-model servers behind an OpenAI-compatible API.

An endpoint (:class:`RemoteEndpoint`) is declared, read and written by the settings
home (:mod:`deskmate.core.settings.remote`, kept in settings.toml under
``[[remote.endpoints]]``); its API key lives only in the OS keyring
(:mod:`deskmate.core.remote.secrets`); :mod:`deskmate.core.remote` gathers the names callers use.

:class:`RemoteClient` is a ChatClient over :class:`OpenAIClient` that adds what
a server on the network needs: a refusal to send a key over plain http to a
host that is not this computer (unless allowed for that endpoint), detection
of the server kind, an automatic wait-and-retry on HTTP 429 with Retry-After,
and error messages with the key redacted and the jargon explained.

settings.toml::

    [remote]
    endpoint = "tiger"            # used by routing when no name is given
    mode = "local"                # default route: local | remote | auto
    [remote.tasks]
    "docs.report" = "auto"        # per-task route

    [[remote.endpoints]]
    name = "tiger"
    base_url = "https://api.example.com/v1"
    model = "tigerbot-180b-chat"
    context = 8192
    kind = "auto"                 # openai | llama_cpp | auto (probe /v1/models)
    allow_insecure_http = false
    extra = { internet = true }
"""

from __future__ import annotations

import dataclasses
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from deskmate.core.engines.base import DelegatingStream, Json, Message, Sampling, TrackedClient, Usage
from deskmate.core.engines.errors import (
    AuthError,
    ConnectionFailedError,
    EngineError,
    ProtocolError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
)
from deskmate.core.engines.openai_client import Endpoint, HttpChatStream, OpenAIClient, ServerKind, build_body, redact
from deskmate.core.front_end import how
from deskmate.core.settings import load_settings
from deskmate.core.settings.remote import (
    RemoteEndpoint,
    RemoteSettings,
)

from .secrets import KeyStore, clean_key, key_store

log = logging.getLogger("deskmate.remote")

class InsecureEndpointError(ConnectionFailedError):
    """A key would travel unencrypted (plain http) to another computer and the endpoint does not allow it."""


class OfflineModeError(EngineError):
    """Offline mode is on and something asked to use a remote server."""


OFFLINE_MESSAGE = (
    "Offline mode is on, so Deskmate sends nothing to remote servers. Turn offline mode off in Settings, "
    "or run this on the local model."
)


def redact_key(text: str, key: str | None) -> str:
    """Hide ``key`` in ``text``. A short key is hidden only where it stands alone, so words stay readable."""
    if not key or not text:
        return text
    if len(key) >= 8:
        return redact(text, key)
    return re.sub(rf"(?<![A-Za-z0-9_\-]){re.escape(key)}(?![A-Za-z0-9_\-])", "[redacted]", text)


# --- the client --------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ProbeResult:
    models: tuple[str, ...]
    kind: ServerKind
    # The server's context length when it says (vLLM's max_model_len), else None.
    context: int | None = None
    server: str = ""


def _describe_server(kind: ServerKind, owned_by: str) -> str:
    if kind == "llama_cpp":
        return "llama-cpp-python server"
    return {"vllm": "vLLM server", "openai": "OpenAI", "system": "OpenAI", "library": "Ollama",
            "llamacpp": "llama.cpp server"}.get(owned_by, "OpenAI-compatible server")


class RemoteChatStream(DelegatingStream):
    def __init__(self, client: RemoteClient, messages: Sequence[Message], sampling: Sampling, schema: Json | None) -> None:
        super().__init__()
        self._client = client
        self._messages = list(messages)
        self._sampling = sampling
        self._schema = schema
        self._iterated = False
        # Plain-words notes for the person (e.g. "the server is busy; retrying in 2 s").
        self.notices: list[str] = []

    def _cancelled(self) -> None:
        self.usage = Usage(None, 0, True, time.monotonic() - self._started)
        self.finish_reason = "cancelled"

    def __iter__(self) -> Iterator[str]:
        if self._iterated:
            raise RuntimeError("a ChatStream can be iterated only once")
        self._iterated = True
        client = self._client
        attempt = 0
        try:
            while True:
                if self._cancel.is_set():
                    self._cancelled()
                    return
                client.check_safe()
                kind = client.resolve_kind() if self._schema is not None else (client.kind or "openai")
                wire = client._wire(kind)
                inner = HttpChatStream(wire, build_body(wire, self._messages, self._sampling, self._schema))
                log.info("remote %s: request to %s (model %s)", client.name, client.endpoint.host, client.endpoint.model)
                try:
                    yield from self._pump(inner)
                except RateLimitedError as e:
                    wait = e.retry_after
                    if not inner.text and attempt < client.retries and wait is not None and wait <= client.max_retry_wait:
                        attempt += 1
                        note = f"The server '{client.name}' is busy; trying again in {wait:g} s as it asked."
                        self.notices.append(note)
                        log.info("remote %s: HTTP 429, retrying in %g s", client.name, wait)
                        if client.on_notice is not None:
                            client.on_notice(note)
                        if self._cancel.wait(wait):
                            self._cancelled()
                            return
                        continue
                    raise
                return
        except EngineError as e:
            raise client.clean_error(e, partial=self.text) from None


class RemoteClient(TrackedClient):
    """ChatClient for one remote endpoint. The key is held in memory only, never written anywhere."""

    def __init__(
        self,
        endpoint: RemoteEndpoint,
        api_key: str | None = None,
        *,
        retries: int = 2,
        max_retry_wait: float = 30.0,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.name = endpoint.name
        self._key = clean_key(api_key) if api_key else None
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self.on_notice = on_notice
        self._kind: ServerKind | None = None if endpoint.kind == "auto" else endpoint.kind  # type: ignore[assignment]
        self._probe: ProbeResult | None = None
        self._kind_lock = threading.Lock()
        super().__init__()

    def __repr__(self) -> str:
        return f"RemoteClient({self.name!r}, {self.endpoint.base_url!r}, key={'set' if self._key else 'none'})"

    @property
    def has_key(self) -> bool:
        return self._key is not None

    @property
    def kind(self) -> ServerKind | None:
        """The structured-output form in use: configured, or detected (None until probed)."""
        return self._kind

    @property
    def context(self) -> int:
        return self.endpoint.context

    def _wire(self, kind: ServerKind, timeout: float | None = None) -> Endpoint:
        ep = self.endpoint
        return Endpoint(
            base_url=ep.base_url,
            api_key=self._key,
            model=ep.model,
            kind=kind,
            connect_timeout=timeout or ep.connect_timeout,
            idle_timeout=timeout or ep.idle_timeout,
            extra_body=dict(ep.extra),
        )

    def check_safe(self) -> None:
        """Refuse to send a key unencrypted to another computer unless this endpoint allows it."""
        if self._key and self.endpoint.plain_http_to_other_host and not self.endpoint.allow_insecure_http:
            raise InsecureEndpointError(
                f"Deskmate will not send the API key for '{self.name}' over plain http to {self.endpoint.host}: "
                "anyone on the network could read it. Use an https:// address, or, if this network is trusted, "
                "allow plain http for this endpoint."
            )

    def clean_error(self, e: EngineError, partial: str | None = None) -> EngineError:
        """Redact the key, explain TLS and missing-key failures, keep the partial text. Returns ``e``."""
        message = str(e)
        host = self.endpoint.host
        ctx = e.__context__
        if isinstance(e, ConnectionFailedError) and isinstance(ctx, ssl.SSLError):
            if isinstance(ctx, ssl.SSLCertVerificationError):
                message = (
                    f"The secure connection to '{host}' failed: its certificate could not be verified "
                    f"({ctx.verify_message or 'untrusted'}). Deskmate checks certificates and will not talk to a "
                    "server it cannot verify."
                )
            else:
                message = (
                    f"The secure (https) connection to '{host}' failed ({ctx.reason or type(ctx).__name__}). "
                    "The server may not speak https at this address, or something on the network is in the way."
                )
        if isinstance(e, AuthError) and self._key is None:
            message = f"The server '{self.name}' needs an API key, and none is saved for it. " + how(
                "Enter the key in the endpoint editor or with `deskmate remote add`.",
                "Enter it in File → Remote servers… (Edit…).")
        if isinstance(e, ServerError) and not isinstance(e, RequestRejectedError) and (e.status or 0) >= 500:
            if "<" in message:
                message = " ".join(re.sub(r"<[^>]*>", " ", message).split())
            if not message.endswith("."):
                message += "."
            message += " This is a problem on the server's side; try again later."
        message = redact_key(message, self._key)
        e.args = (message,)
        if partial is not None:
            e.partial = partial
        e.partial = redact_key(e.partial, self._key)
        if not getattr(e, "_deskmate_logged", False):
            e._deskmate_logged = True  # type: ignore[attr-defined]
            log.warning("remote %s: %s: %s", self.name, type(e).__name__, message)
        return e

    def probe(self, timeout: float | None = None) -> ProbeResult:
        """List the server's models and tell its kind (llama-cpp-python answers with owned_by "me")."""
        self.check_safe()
        client = OpenAIClient(self._wire(self._kind or "openai", timeout), name=self.name)
        try:
            data = client.get_json("/models", timeout)
        except EngineError as e:
            raise self.clean_error(e) from None
        items = [m for m in (data.get("data") or []) if isinstance(m, dict)] if isinstance(data, dict) else []
        models = tuple(str(m.get("id", "")) for m in items if m.get("id"))
        owned = str(items[0].get("owned_by", "")) if items else ""
        looks_llama_cpp = bool(items) and all(m.get("owned_by") == "me" and "permissions" in m for m in items)
        detected: ServerKind = "llama_cpp" if looks_llama_cpp else "openai"
        context = None
        for m in items:
            if m.get("id") == self.endpoint.model and isinstance(m.get("max_model_len"), int):
                context = m["max_model_len"]
        result = ProbeResult(models, detected if self.endpoint.kind == "auto" else self.endpoint.kind,  # type: ignore[arg-type]
                             context, _describe_server(detected, owned))
        with self._kind_lock:
            self._probe = result
            if self._kind is None:
                self._kind = result.kind
        return result

    def resolve_kind(self) -> ServerKind:
        """The configured kind, or the detected one (probing once; a server with no model list is 'openai')."""
        with self._kind_lock:
            if self._kind is not None:
                return self._kind
        try:
            return self.probe().kind
        except (ProtocolError, ServerError):
            with self._kind_lock:
                self._kind = self._kind or "openai"
                return self._kind

    def list_models(self, timeout: float | None = None) -> list[str]:
        return list(self.probe(timeout).models)

    def stream(self, messages: Sequence[Message], sampling: Sampling = Sampling(), schema: Json | None = None) -> RemoteChatStream:
        s = RemoteChatStream(self, messages, sampling, schema)
        return self._track(s)

    def close(self) -> None:
        self.cancel()


# --- entry points -----------------------------------------------------------------------
# Reading and writing [remote] is the settings home's; these are its views for the remote callers.
def load_remote_settings(path: Path | None = None) -> RemoteSettings:
    return load_settings(path).remote


def load_endpoints(path: Path | None = None) -> list[RemoteEndpoint]:
    return list(load_remote_settings(path).endpoints)


def get_endpoint(name: str, path: Path | None = None) -> RemoteEndpoint:
    return load_remote_settings(path).endpoint(name)


def offline_mode(path: Path | None = None) -> bool:
    return load_settings(path).app.offline


def client_for(
    name: str | None = None,
    *,
    store: KeyStore | None = None,
    path: Path | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> RemoteClient:
    """The ChatClient for remote endpoint ``name`` (None: the default one), its key from the key store.

    Raises OfflineModeError in offline mode, EndpointError (a SettingsError) for an unknown name.
    """
    if offline_mode(path):
        raise OfflineModeError(OFFLINE_MESSAGE)
    endpoint = load_remote_settings(path).endpoint(name)
    key = (store or key_store()).get(endpoint.name)
    return RemoteClient(endpoint, key, on_notice=on_notice)

