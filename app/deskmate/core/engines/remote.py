"""Remote large-model servers behind an OpenAI-compatible API.

An endpoint is a name, a base URL, a model id, a context length, the
structured-output form the server accepts and any extra request fields. It is
kept in settings.toml under ``[[remote.endpoints]]``; its API key is not: the
key lives only in the OS keyring (:mod:`deskmate.core.secrets`).

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

import copy
import dataclasses
import ipaddress
import json
import logging
import math
import os
import re
import ssl
import tempfile
import threading
import time
import tomllib
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from deskmate.core.secrets import KeyStore, clean_key, key_store
from deskmate.core.settings import SettingsError, load_settings, settings_path

from .base import DelegatingStream, Json, Message, Sampling, TrackedClient, Usage, msg
from .errors import (
    AuthError,
    ConnectionFailedError,
    EngineError,
    ProtocolError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
)
from .openai_client import Endpoint, HttpChatStream, OpenAIClient, ServerKind, build_body, redact

log = logging.getLogger("deskmate.remote")

Kind = Literal["openai", "llama_cpp", "auto"]
KINDS: tuple[str, ...] = ("openai", "llama_cpp", "auto")
Mode = Literal["local", "remote", "auto"]
MODES: tuple[str, ...] = ("local", "remote", "auto")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
# Request fields the client itself sets: an extra field may not replace them.
_RESERVED_EXTRA = {"model", "messages", "stream", "stream_options", "response_format"}
# An extra field that looks like a credential would put a secret in settings.toml.
_SECRET_WORDS = ("key", "token", "secret", "password", "passwd", "authorization", "bearer", "credential")
_ENDPOINT_FIELDS = {
    "name", "base_url", "model", "context", "kind", "allow_insecure_http", "connect_timeout", "idle_timeout", "extra",
}


class EndpointError(SettingsError):
    """An endpoint setting is missing or wrong; the message says which and how to fix it."""


class InsecureEndpointError(ConnectionFailedError):
    """A key would travel unencrypted (plain http) to another computer and the endpoint does not allow it."""


class OfflineModeError(EngineError):
    """Offline mode is on and something asked to use a remote server."""


OFFLINE_MESSAGE = (
    "Offline mode is on, so Deskmate sends nothing to remote servers. Turn offline mode off in Settings, "
    "or run this on the local model."
)


# --- the endpoint model ---------------------------------------------------------
def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_url(url: str) -> str:
    """Check a base URL and give its canonical form (``/v1`` added to a bare host)."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise EndpointError(f"The server address must start with https:// or http:// (got {url[:60]!r}).")
    if not parts.hostname:
        raise EndpointError(f"The server address has no host name (got {url[:60]!r}).")
    if parts.username is not None or parts.password is not None:
        raise EndpointError(
            "The server address must not contain a user name or password. Put the API key in the key field; "
            "Deskmate keeps it in the system keyring."
        )
    if parts.query or parts.fragment:
        raise EndpointError(
            "The server address must not contain '?' or '#' parts (a key in the address would be saved in a "
            "file). Put the API key in the key field instead."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise EndpointError("The port in the server address is not a number from 1 to 65535.") from None
    path = parts.path.rstrip("/")
    if not path:
        path = "/v1"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def parse_extra(pairs: Sequence[str]) -> dict[str, Any]:
    """``k=v`` strings → fields. A value that reads as JSON (true, 3, 0.5, "x", [..]) is taken as such."""
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise EndpointError(f"An extra field must be written NAME=VALUE (got {pair[:40]!r}).")
        k, v = pair.split("=", 1)
        k, v = k.strip(), v.strip()
        try:
            value = json.loads(v)
        except ValueError:
            value = v
        out[k] = value
    return out


def _check_extra(extra: Mapping[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for k, v in extra.items():
        if not isinstance(k, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}", k):
            raise EndpointError(f"The extra field name {str(k)[:40]!r} is not a plain name (letters, digits, _).")
        if k in _RESERVED_EXTRA:
            raise EndpointError(f"The extra field '{k}' is set by Deskmate itself and cannot be changed here.")
        if any(w in k.lower() for w in _SECRET_WORDS):
            raise EndpointError(
                f"The extra field '{k}' looks like a key or password. Settings files must not hold secrets: "
                "put the API key in the key field; Deskmate keeps it in the system keyring."
            )
        if not _toml_able(v):
            raise EndpointError(f"The extra field '{k}' must be text, a number, true/false, or a list of those.")
        checked[k] = v
    return checked


def _toml_able(v: Any) -> bool:
    if isinstance(v, (str, bool, int)):
        return True
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, list):
        return all(_toml_able(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _toml_able(x) for k, x in v.items())
    return False


@dataclasses.dataclass(frozen=True)
class RemoteEndpoint:
    """One remote server as saved in settings (never with its key)."""

    name: str
    base_url: str
    model: str
    context: int = 8192
    kind: Kind = "auto"
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    allow_insecure_http: bool = False
    connect_timeout: float = 10.0
    # Between two tokens (and before the first): past this the answer stops with the text so far.
    idle_timeout: float = 60.0

    def __post_init__(self) -> None:
        name = (self.name or "").strip()
        if not _NAME.fullmatch(name):
            raise EndpointError(
                "An endpoint name must be 1–64 letters, digits, '-', '_' or '.', starting with a letter or digit "
                f"(got {self.name[:40]!r})."
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "base_url", normalize_url(self.base_url or ""))
        model = (self.model or "").strip()
        if not model or any(ord(c) < 0x20 for c in model):
            raise EndpointError(f"Endpoint '{name}': give the model id the server expects (e.g. what `remote test` lists).")
        object.__setattr__(self, "model", model)
        if isinstance(self.context, bool) or not isinstance(self.context, int) or not 256 <= self.context <= 10_000_000:
            raise EndpointError(f"Endpoint '{name}': the context length must be a whole number of tokens, 256 or more.")
        if self.kind not in KINDS:
            raise EndpointError(f"Endpoint '{name}': the kind must be one of {', '.join(KINDS)} (got {self.kind!r}).")
        if not isinstance(self.allow_insecure_http, bool):
            raise EndpointError(f"Endpoint '{name}': allow_insecure_http must be true or false.")
        for field, hi in (("connect_timeout", 600.0), ("idle_timeout", 3600.0)):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.05 <= value <= hi:
                raise EndpointError(f"Endpoint '{name}': {field} must be a number of seconds from 0.05 to {hi:g}.")
            object.__setattr__(self, field, float(value))
        object.__setattr__(self, "extra", _check_extra(dict(self.extra)))

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).hostname or ""

    @property
    def plain_http_to_other_host(self) -> bool:
        """True when requests would travel unencrypted to another computer."""
        return urllib.parse.urlsplit(self.base_url).scheme == "http" and not is_loopback(self.host)

    def replace(self, **changes: Any) -> RemoteEndpoint:
        return dataclasses.replace(self, **changes)

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "base_url": self.base_url,
            "model": self.model,
            "context": self.context,
            "kind": self.kind,
            "allow_insecure_http": self.allow_insecure_http,
        }
        if self.connect_timeout != 10.0:
            data["connect_timeout"] = self.connect_timeout
        if self.idle_timeout != 60.0:
            data["idle_timeout"] = self.idle_timeout
        if self.extra:
            data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_toml(cls, data: Mapping[str, Any], where: str = "settings.toml") -> RemoteEndpoint:
        if not isinstance(data, Mapping):
            raise EndpointError(f"{where}: each [[remote.endpoints]] entry must be a table.")
        label = data.get("name", "?")
        secretish = sorted(k for k in data if k not in _ENDPOINT_FIELDS and any(w in k.lower() for w in _SECRET_WORDS))
        if secretish:
            raise EndpointError(
                f"{where}: endpoint '{label}' has {', '.join(secretish)}. Settings files must not hold API keys: "
                "remove that line and add the key with `deskmate remote add` or the endpoint editor "
                "(it is kept in the system keyring)."
            )
        unknown = sorted(set(data) - _ENDPOINT_FIELDS)
        if unknown:
            raise EndpointError(f"{where}: endpoint '{label}' has unknown settings: {', '.join(unknown)}.")
        for required in ("name", "base_url", "model"):
            if not isinstance(data.get(required), str):
                raise EndpointError(f"{where}: endpoint '{label}' needs '{required}' (text).")
        try:
            return cls(**dict(data))
        except EndpointError as e:
            raise EndpointError(f"{where}: {e}") from None
        except TypeError as e:
            raise EndpointError(f"{where}: endpoint '{label}': {e}.") from None


# --- settings.toml ----------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class RemoteSettings:
    endpoints: tuple[RemoteEndpoint, ...] = ()
    default_endpoint: str | None = None
    mode: Mode = "local"
    tasks: Mapping[str, Mode] = dataclasses.field(default_factory=dict)

    def endpoint(self, name: str | None = None) -> RemoteEndpoint:
        """The endpoint called ``name`` (or the default one); EndpointError when there is none."""
        name = name or self.default_endpoint or (self.endpoints[0].name if len(self.endpoints) == 1 else None)
        if name is None:
            if not self.endpoints:
                raise EndpointError("No remote server is set up. Add one with `deskmate remote add` or in Settings.")
            raise EndpointError(
                "Several remote servers are set up; say which one (they are: "
                f"{', '.join(e.name for e in self.endpoints)})."
            )
        for e in self.endpoints:
            if e.name == name:
                return e
        known = ", ".join(e.name for e in self.endpoints) or "none yet"
        raise EndpointError(f"There is no remote server called '{name}' (set up: {known}).")

    def mode_for(self, task_id: str | None) -> Mode:
        if task_id and task_id in self.tasks:
            return self.tasks[task_id]
        return self.mode


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    if not path.exists():
        return "", {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"Cannot read {path}: {e}.") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path} is not valid TOML: {e}.") from None


def _parse_remote(data: Mapping[str, Any], path: Path) -> RemoteSettings:
    remote = data.get("remote", {})
    if not isinstance(remote, dict):
        raise SettingsError(f"{path}: [remote] must be a table.")
    raw = remote.get("endpoints", [])
    if not isinstance(raw, list):
        raise SettingsError(f"{path}: remote endpoints must be written as [[remote.endpoints]] tables.")
    endpoints = tuple(RemoteEndpoint.from_toml(item, str(path)) for item in raw)
    names = [e.name for e in endpoints]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise EndpointError(f"{path}: more than one remote endpoint is called {', '.join(dupes)}.")
    default = remote.get("endpoint")
    if default is not None and (not isinstance(default, str) or default not in names):
        raise EndpointError(f"{path} [remote]: 'endpoint' names no endpoint that is set up (found {default!r}).")
    mode = remote.get("mode", "local")
    if mode not in MODES:
        raise SettingsError(f"{path} [remote]: 'mode' must be one of {', '.join(MODES)} (found {mode!r}).")
    tasks = remote.get("tasks", {})
    if not isinstance(tasks, dict) or any(v not in MODES for v in tasks.values()):
        raise SettingsError(f"{path} [remote.tasks]: each task must be set to one of {', '.join(MODES)}.")
    return RemoteSettings(endpoints, default, mode, dict(tasks))


def load_remote_settings(path: Path | None = None) -> RemoteSettings:
    path = path or settings_path()
    _, data = _read_toml(path)
    return _parse_remote(data, path)


def load_endpoints(path: Path | None = None) -> list[RemoteEndpoint]:
    return list(load_remote_settings(path).endpoints)


def get_endpoint(name: str, path: Path | None = None) -> RemoteEndpoint:
    return load_remote_settings(path).endpoint(name)


# A tiny TOML writer for the [remote] tree (there is no TOML writer among our dependencies).
def _toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _render_remote(remote: Mapping[str, Any]) -> str:
    scalars = {k: v for k, v in remote.items() if not isinstance(v, dict) and not _is_table_array(v)}
    tables = {k: v for k, v in remote.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in remote.items() if _is_table_array(v)}
    out: list[str] = []
    if scalars or not (tables or arrays):
        out.append("[remote]")
        out += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in scalars.items()]
        out.append("")
    for k, table in tables.items():
        out.append(f"[remote.{_toml_key(k)}]")
        out += [f"{_toml_key(kk)} = {_toml_value(vv)}" for kk, vv in table.items()]
        out.append("")
    for k, items in arrays.items():
        for item in items:
            out.append(f"[[remote.{_toml_key(k)}]]")
            out += [f"{_toml_key(kk)} = {_toml_value(vv)}" for kk, vv in item.items()]
            out.append("")
    return "\n".join(out)


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


_HEADER = re.compile(r"^\s*\[\[?\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)")
_write_lock = threading.Lock()


def _rewrite_remote(change: Callable[[dict[str, Any]], None], path: Path | None = None) -> Path:
    """Apply ``change`` to the [remote] tree and write the file back, leaving every other section as it was.

    Deskmate rewrites the [remote] sections as a whole (comments inside them are not kept). The
    result is proved before it replaces the old file: it must parse, hold exactly the new [remote]
    tree and every other value unchanged, and still load.
    """
    path = path or settings_path()
    with _write_lock:
        text, data = _read_toml(path)
        old_remote = data.get("remote", {})
        if not isinstance(old_remote, dict):
            raise SettingsError(f"{path}: [remote] must be a table.")
        remote = copy.deepcopy(old_remote)
        change(remote)
        if remote.get("endpoints") == []:
            del remote["endpoints"]
        if remote.get("tasks") == {}:
            del remote["tasks"]
        kept: list[str] = []
        skipping = False
        for line in text.splitlines(keepends=True):
            m = _HEADER.match(line)
            if m:
                skipping = m.group(1).strip("\"'") == "remote"
            if not skipping:
                kept.append(line)
        new_text = "".join(kept).rstrip()
        if remote:
            new_text = (new_text + "\n\n" if new_text else "") + _render_remote(remote)
        new_text = new_text.rstrip("\n") + "\n" if new_text else ""
        try:
            parsed = tomllib.loads(new_text)
        except tomllib.TOMLDecodeError:
            parsed = None
        others_old = {k: v for k, v in data.items() if k != "remote"}
        if parsed is None or parsed.get("remote", {}) != remote or {
            k: v for k, v in parsed.items() if k != "remote"
        } != others_old:
            raise SettingsError(
                f"Deskmate could not safely change the remote servers in {path}. Check that the [remote] "
                "sections are written as tables (not dotted keys elsewhere), or edit the file by hand."
            )
        _parse_remote(parsed, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(new_text)
                f.flush()
                os.fsync(f.fileno())
            try:
                load_settings(tmp)
            except SettingsError as e:
                raise SettingsError(str(e).replace(str(tmp), str(path))) from None
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path


def save_endpoint(
    endpoint: RemoteEndpoint, *, replace: str | None = None, overwrite: bool = False, path: Path | None = None
) -> Path:
    """Add ``endpoint`` to settings.toml, or replace the one called ``replace`` (which may be a rename).

    An endpoint of the same name is an error unless ``overwrite`` (or it is the one replaced).
    """

    def change(remote: dict[str, Any]) -> None:
        items = remote.get("endpoints", [])
        if not isinstance(items, list):
            raise SettingsError("remote endpoints must be written as [[remote.endpoints]] tables.")
        names = [i.get("name") for i in items if isinstance(i, dict)]
        if replace is not None and replace not in names:
            raise EndpointError(f"There is no remote server called '{replace}' to change.")
        if endpoint.name in names and endpoint.name != replace and not overwrite:
            raise EndpointError(f"A remote server called '{endpoint.name}' already exists. Choose another name.")
        new = endpoint.to_toml()
        target = replace if replace is not None else (endpoint.name if endpoint.name in names else None)
        out = []
        placed = False
        for item in items:
            name = item.get("name") if isinstance(item, dict) else None
            if name == target and not placed:
                out.append(new)
                placed = True
            elif name == endpoint.name:
                continue  # overwritten
            else:
                out.append(item)
        if not placed:
            out.append(new)
        remote["endpoints"] = out
        if replace is not None and replace != endpoint.name and remote.get("endpoint") == replace:
            remote["endpoint"] = endpoint.name

    return _rewrite_remote(change, path)


def remove_endpoint(name: str, path: Path | None = None) -> Path:
    def change(remote: dict[str, Any]) -> None:
        items = remote.get("endpoints", [])
        if not any(isinstance(i, dict) and i.get("name") == name for i in items):
            raise EndpointError(f"There is no remote server called '{name}'.")
        remote["endpoints"] = [i for i in items if not (isinstance(i, dict) and i.get("name") == name)]
        if remote.get("endpoint") == name:
            del remote["endpoint"]

    return _rewrite_remote(change, path)


def set_default_endpoint(name: str | None, path: Path | None = None) -> Path:
    def change(remote: dict[str, Any]) -> None:
        if name is None:
            remote.pop("endpoint", None)
            return
        if not any(isinstance(i, dict) and i.get("name") == name for i in remote.get("endpoints", [])):
            raise EndpointError(f"There is no remote server called '{name}'.")
        remote["endpoint"] = name

    return _rewrite_remote(change, path)


def set_route(task_id: str | None, mode: Mode | None, path: Path | None = None) -> Path:
    """Set the default route (``task_id`` None) or one task's route (``mode`` None: back to the default)."""
    if mode is not None and mode not in MODES:
        raise SettingsError(f"A route must be one of {', '.join(MODES)} (got {mode!r}).")

    def change(remote: dict[str, Any]) -> None:
        if task_id is None:
            if mode is None:
                remote.pop("mode", None)
            else:
                remote["mode"] = mode
            return
        tasks = remote.setdefault("tasks", {})
        if mode is None:
            tasks.pop(task_id, None)
        else:
            tasks[task_id] = mode

    return _rewrite_remote(change, path)


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
            message = (
                f"The server '{self.name}' needs an API key, and none is saved for it. Enter the key in the "
                "endpoint editor or with `deskmate remote add`."
            )
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


# --- connection test ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    message: str  # plain words, ready to show
    models: tuple[str, ...] = ()
    kind: str | None = None
    server: str = ""
    list_seconds: float | None = None
    chat_seconds: float | None = None
    model_listed: bool | None = None
    error: EngineError | None = None

    @property
    def needs_key(self) -> bool:
        return isinstance(self.error, AuthError)


def test_connection(client: RemoteClient, *, chat: bool = True, offline: bool | None = None) -> ConnectionReport:
    """List the server's models and (with ``chat``) time a one-token answer. Never raises an EngineError.

    In offline mode (``offline`` None: read from settings) nothing is sent and the report says so.
    """
    if offline is None:
        offline = offline_mode()
    if offline:
        e = OfflineModeError(OFFLINE_MESSAGE)
        return ConnectionReport(False, str(e), error=e)
    t0 = time.monotonic()
    try:
        probe = client.probe()
    except EngineError as e:
        return ConnectionReport(False, str(e), error=e)
    listed = time.monotonic() - t0
    model_listed = client.endpoint.model in probe.models if probe.models else None
    n = len(probe.models)
    shown = ", ".join(probe.models[:5]) + (" …" if n > 5 else "")
    parts = [
        f"Connected to '{client.name}' ({probe.server}) in {listed:.2f} s.",
        f"It offers {n} model{'s' if n != 1 else ''}{': ' + shown if n else ''}.",
    ]
    if model_listed is False:
        parts.append(f"It does not list the model id '{client.endpoint.model}'; check it.")
    chat_seconds = None
    if chat:
        t1 = time.monotonic()
        try:
            stream = client.stream([msg("user", "Reply with the word OK.")], Sampling(temperature=0.0, max_tokens=1))
            result = stream.result()
        except EngineError as e:
            return ConnectionReport(
                False,
                f"The server answered its model list, but a test answer failed: {e}",
                probe.models, probe.kind, probe.server, listed, None, model_listed, e,
            )
        if result.finish_reason == "cancelled":
            return ConnectionReport(False, "The test was cancelled.", probe.models, probe.kind, probe.server, listed)
        chat_seconds = time.monotonic() - t1
        parts.append(f"A one-token test answer took {chat_seconds:.2f} s.")
    return ConnectionReport(True, " ".join(parts), probe.models, probe.kind, probe.server, listed, chat_seconds,
                            model_listed)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


# --- entry points -----------------------------------------------------------------------
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


__all__ = [
    "ConnectionReport",
    "EndpointError",
    "InsecureEndpointError",
    "OfflineModeError",
    "ProbeResult",
    "RemoteChatStream",
    "RemoteClient",
    "RemoteEndpoint",
    "RemoteSettings",
    "client_for",
    "get_endpoint",
    "load_endpoints",
    "load_remote_settings",
    "normalize_url",
    "parse_extra",
    "remove_endpoint",
    "save_endpoint",
    "set_default_endpoint",
    "set_route",
    "test_connection",
]
