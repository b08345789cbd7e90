"""The ``[remote]`` table: remote OpenAI-compatible servers and which tasks go to them.

An endpoint is a name, a base URL, a model id, a context length, the structured-output
form the server accepts and any extra request fields. Its API key is never here: it
lives only in the OS keyring (:mod:`deskmate.core.remote.secrets`). The client that talks to
these servers is :mod:`deskmate.core.remote`.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from deskmate.core.front_end import how

from .describe import first_message
from .errors import SettingsError, SettingsValueError

Kind = Literal["openai", "llama_cpp", "auto"]
KINDS: tuple[str, ...] = ("openai", "llama_cpp", "auto")
Mode = Literal["local", "remote", "auto"]
MODES: tuple[str, ...] = ("local", "remote", "auto")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
# Request fields the client itself sets: an extra field may not replace them.
_RESERVED_EXTRA = {"model", "messages", "stream", "stream_options", "response_format"}
# A field that looks like a credential would put a secret in settings.toml.
SECRET_WORDS = ("key", "token", "secret", "password", "passwd", "authorization", "bearer", "credential")


class EndpointError(SettingsError):
    """An endpoint setting is missing or wrong; the message says which and how to fix it."""


def looks_secret(name: str) -> bool:
    return any(w in name.lower() for w in SECRET_WORDS)


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


class EndpointFields(BaseModel):
    """The keys of one ``[[remote.endpoints]]`` table and their checks (:class:`RemoteEndpoint` is what code uses)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(
        description="What Deskmate calls the server (in the Model list and `--remote NAME`).",
        examples=["tiger"],
        json_schema_extra={"expect": "1–64 letters, digits, '-', '_' or '.'"},
    )
    base_url: str = Field(
        description="The server's OpenAI-compatible address; `/v1` is added to a bare host.",
        examples=["https://api.example.com/v1"],
        json_schema_extra={"expect": "an address starting with https:// or http://"},
    )
    model: str = Field(description="The model id the server expects.", examples=["tigerbot-180b-chat"])
    context: int = Field(8192, ge=256, le=10_000_000, description="The model's context length in tokens.")
    kind: Kind = Field(
        "auto",
        description="The structured-output form it accepts: `openai` (json_schema), `llama_cpp` "
        "(json_object + schema), `auto` asks the server.",
    )
    allow_insecure_http: bool = Field(
        False, description="Allow sending the key over plain http to another computer (trusted networks only)."
    )
    connect_timeout: float = Field(10.0, ge=0.05, le=600.0, description="Seconds to wait for the connection.")
    # Between two tokens (and before the first): past this the answer stops with the text so far.
    idle_timeout: float = Field(
        60.0, ge=0.05, le=3600.0, description="Seconds to wait between two pieces of the answer before giving up."
    )
    extra: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra request fields sent with every request (never keys or passwords).",
        examples=[{"internet": True}],
        json_schema_extra={"expect": "a table of text, numbers, true/false or lists of those"},
    )

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            secretish = sorted(k for k in data if isinstance(k, str) and k not in cls.model_fields and looks_secret(k))
            if secretish:
                raise SettingsValueError(
                    "Settings files must not hold API keys: remove this line and " + how(
                        "add the key with `deskmate remote add` or the endpoint editor",
                        "enter the key in File → Remote servers… (Edit…)") + " (it is kept in the system keyring).",
                    at=(secretish[0],),
                )
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = value.strip()
        if not _NAME.fullmatch(name):
            raise EndpointError(
                "An endpoint name must be 1–64 letters, digits, '-', '_' or '.', starting with a letter or digit "
                f"(got {value[:40]!r})."
            )
        return name

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return normalize_url(value)

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        model = value.strip()
        if not model or any(ord(c) < 0x20 for c in model):
            raise EndpointError("Give the model id the server expects (e.g. what `deskmate remote test` lists).")
        return model

    @field_validator("extra")
    @classmethod
    def _extra(cls, extra: dict[str, Any]) -> dict[str, Any]:
        for k, v in extra.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}", k):
                raise EndpointError(f"The extra field name {k[:40]!r} is not a plain name (letters, digits, _).")
            if k in _RESERVED_EXTRA:
                raise EndpointError(f"The extra field '{k}' is set by Deskmate itself and cannot be changed here.")
            if looks_secret(k):
                raise EndpointError(
                    f"The extra field '{k}' looks like a key or password. Settings files must not hold secrets: "
                    "put the API key in the key field; Deskmate keeps it in the system keyring."
                )
            if not _toml_able(v):
                raise EndpointError(f"The extra field '{k}' must be text, a number, true/false, or a list of those.")
        return dict(extra)



class RemoteEndpoint(EndpointFields):
    """One remote server as saved in settings (never with its key).

    Built in code with positional ``name, base_url, model``; a wrong value is an EndpointError in plain words.
    """

    def __init__(self, name: Any = None, base_url: Any = None, model: Any = None, **fields: Any) -> None:
        """Positional ``name, base_url, model`` as well as keywords; EndpointError (plain words) when wrong."""
        given = {k: v for k, v in (("name", name), ("base_url", base_url), ("model", model)) if v is not None}
        try:
            super().__init__(**given, **fields)
        except ValidationError as e:
            label = str(given.get("name") or fields.get("name") or "?")[:40]
            raise EndpointError(first_message(type(self), e, f"Endpoint '{label}'")) from None

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).hostname or ""

    @property
    def plain_http_to_other_host(self) -> bool:
        """True when requests would travel unencrypted to another computer."""
        return urllib.parse.urlsplit(self.base_url).scheme == "http" and not is_loopback(self.host)

    def replace(self, **changes: Any) -> RemoteEndpoint:
        return type(self)(**{**self.model_dump(), **changes})

    def to_toml(self) -> dict[str, Any]:
        """The endpoint as settings.toml holds it: values left at their default are not written."""
        data = self.model_dump(exclude_defaults=True)
        for always in ("context", "kind", "allow_insecure_http"):
            data[always] = getattr(self, always)
        return {k: data[k] for k in type(self).model_fields if k in data}


class RemoteSettings(BaseModel):
    """The ``[remote]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    # Declared before `endpoint`, so that its check can see the endpoints.
    # Read as EndpointFields so that a wrong key keeps its place in the error; handed out as RemoteEndpoint.
    endpoints: tuple[EndpointFields, ...] = Field(
        (), description="The remote servers, one `[[remote.endpoints]]` table each (keys below)."
    )
    default_endpoint: str | None = Field(
        None,
        alias="endpoint",
        description="The server used when none is named; unset: the only one, if there is one.",
        examples=["tiger"],
        json_schema_extra={"expect": "the name of a server set up in [[remote.endpoints]]"},
    )
    mode: Mode = Field(
        "local",
        description="Where tasks run: `local`, `remote`, or `auto` (remote for long or heavy work, "
        "falling back to the local model with a notice).",
    )
    tasks: dict[str, Mode] = Field(
        default_factory=dict,
        description='Per-task routes that override `mode`, e.g. `"docs.report" = "auto"` under `[remote.tasks]`.',
        examples=[{"docs.report": "auto"}],
        json_schema_extra={"key": '"<task id>"'},
    )

    @field_validator("endpoints", mode="before")
    @classmethod
    def _table_array(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise SettingsValueError("Remote endpoints must be written as [[remote.endpoints]] tables.")
        return tuple(value)

    @field_validator("endpoints")
    @classmethod
    def _unique(cls, endpoints: tuple[EndpointFields, ...]) -> tuple[RemoteEndpoint, ...]:
        seen: set[str] = set()
        for i, e in enumerate(endpoints):
            if e.name in seen:
                raise SettingsValueError(
                    f"More than one remote endpoint is called {e.name}; give each a name of its own.", at=(i,)
                )
            seen.add(e.name)
        return tuple(e if isinstance(e, RemoteEndpoint) else RemoteEndpoint.model_construct(**dict(e)) for e in endpoints)

    @field_validator("default_endpoint")
    @classmethod
    def _known(cls, value: str | None, info: ValidationInfo) -> str | None:
        endpoints = info.data.get("endpoints")
        if value is not None and endpoints is not None and value not in {e.name for e in endpoints}:
            known = ", ".join(e.name for e in endpoints) or "none yet"
            raise SettingsValueError(f"It names no endpoint that is set up (found {value!r}; set up: {known}).")
        return value

    def endpoint(self, name: str | None = None) -> RemoteEndpoint:
        """The endpoint called ``name`` (or the default one); EndpointError when there is none."""
        name = name or self.default_endpoint or (self.endpoints[0].name if len(self.endpoints) == 1 else None)
        if name is None:
            if not self.endpoints:
                raise EndpointError("No remote server is set up. " + how(
                    "Add one with `deskmate remote add` or in Settings.", "Add one in File → Remote servers…"))
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
