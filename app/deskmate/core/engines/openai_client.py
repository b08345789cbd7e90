"""A streaming client for OpenAI-compatible chat servers.

One client serves the local engine (llama-cpp-python's server in a child
process) and remote servers. It uses http.client directly so that a cancel from
another thread can shut the socket down and end a blocking read at once.
"""

from __future__ import annotations

import binascii
import dataclasses
import email.utils
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from .base import ChatStream, Json, Message, Sampling, TrackedClient, Usage
from .embedding_api import unpack_base64
from .protocol import TASK_FIELD
from .task_hint import task_of
from .errors import (
    AuthError,
    ConnectionFailedError,
    EngineError,
    ProtocolError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    StreamTimeoutError,
)

# llama_cpp.server honours only {"type": "json_object", "schema": ...};
# OpenAI and vLLM want {"type": "json_schema", ...}. See design.md.
ServerKind = Literal["llama_cpp", "openai"]


@dataclasses.dataclass(frozen=True)
class Endpoint:
    base_url: str
    api_key: str | None = dataclasses.field(default=None, repr=False)
    model: str = "default"
    kind: ServerKind = "openai"
    connect_timeout: float = 10.0
    # None waits forever between tokens: right for a local engine whose prompt
    # processing may take minutes on a CPU and whose death closes the socket.
    idle_timeout: float | None = 60.0
    extra_body: dict[str, Any] = dataclasses.field(default_factory=dict)
    # Deskmate's own engine process: it understands the task hint (protocol.TASK_FIELD).
    deskmate_engine: bool = False

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).hostname or ""


class StreamCutError(ProtocolError):
    """The connection ended before the server said the answer was complete."""


def redact(text: str, secret: str | None) -> str:
    if secret and secret in text:
        return text.replace(secret, "[redacted]")
    return text


def build_body(endpoint: Endpoint, messages: Sequence[Message], sampling: Sampling, schema: Json | None) -> Json:
    body: Json = {
        "model": endpoint.model,
        "messages": [dict(m) for m in messages],
        "stream": True,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "max_tokens": sampling.max_tokens,
    }
    if sampling.seed is not None:
        body["seed"] = sampling.seed
    if sampling.stop:
        body["stop"] = list(sampling.stop)
    if endpoint.kind == "llama_cpp":
        body["top_k"] = sampling.top_k
        body["repeat_penalty"] = sampling.repeat_penalty
        if task_of(sampling) and endpoint.deskmate_engine:
            body[TASK_FIELD] = task_of(sampling)
    else:
        body["stream_options"] = {"include_usage": True}
    if schema is not None:
        if endpoint.kind == "llama_cpp":
            body["response_format"] = {"type": "json_object", "schema": schema}
        else:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema, "strict": True},
            }
    body.update(endpoint.extra_body)
    return body


class _Connection:
    """An HTTP(S) connection whose socket another thread may shut down."""

    def __init__(self, endpoint: Endpoint) -> None:
        parts = urllib.parse.urlsplit(endpoint.base_url)
        self.endpoint = endpoint
        self.path_prefix = parts.path.rstrip("/")
        port = parts.port
        if parts.scheme == "https":
            self.conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, port, timeout=endpoint.connect_timeout, context=ssl.create_default_context()
            )
        elif parts.scheme == "http":
            self.conn = http.client.HTTPConnection(parts.hostname, port, timeout=endpoint.connect_timeout)
        else:
            raise ConnectionFailedError(f"The server address must start with http:// or https:// (got {parts.scheme or 'nothing'}).")

    def headers(self) -> dict[str, str]:
        h = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self.endpoint.api_key:
            h["Authorization"] = f"Bearer {self.endpoint.api_key}"
        return h

    def request(self, method: str, path: str, body: Json | None = None) -> http.client.HTTPResponse:
        data = json.dumps(body).encode() if body is not None else None
        try:
            self.conn.request(method, self.path_prefix + path, body=data, headers=self.headers())
            if self.conn.sock is not None:
                self.conn.sock.settimeout(self.endpoint.idle_timeout)
            return self.conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            raise connection_error(e, self.endpoint) from None
        except ValueError:  # http.client's text would quote the header, key included
            raise ConnectionFailedError("The request could not be sent: a header (such as the API key) "
                                        "holds characters that are not allowed.") from None

    def shutdown(self) -> None:
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.conn.close()


def connection_error(e: BaseException, endpoint: Endpoint, partial: str = "") -> EngineError:
    where = endpoint.host or endpoint.base_url
    if isinstance(e, socket.gaierror):
        return ConnectionFailedError(
            f"Could not find the server '{where}' (name lookup failed). Check the address and your network.",
            partial=partial,
        )
    if isinstance(e, ssl.SSLCertVerificationError):
        return ConnectionFailedError(
            f"The secure connection to '{where}' failed: its certificate could not be verified.", partial=partial
        )
    if isinstance(e, ssl.SSLError):
        return ConnectionFailedError(f"The secure connection to '{where}' failed ({e.reason}).", partial=partial)
    if isinstance(e, ConnectionRefusedError):
        return ConnectionFailedError(
            f"The server at '{where}' refused the connection. Is it running?", partial=partial
        )
    if isinstance(e, (socket.timeout, TimeoutError)):
        return StreamTimeoutError(f"The server at '{where}' did not answer in time.", partial=partial)
    return ConnectionFailedError(
        f"The connection to '{where}' failed ({type(e).__name__}). Check that the server is running.",
        partial=partial,
    )


def _server_message(raw: bytes, secret: str | None) -> str:
    text = raw.decode("utf-8", "replace")
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        err = payload.get("error", payload.get("detail", payload))
        if isinstance(err, dict):
            err = err.get("message", err)
        text = err if isinstance(err, str) else json.dumps(err)
    text = " ".join(text.split())
    return redact(text[:300], secret)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def status_error(status: int, raw: bytes, headers: Any, endpoint: Endpoint) -> EngineError:
    detail = _server_message(raw, endpoint.api_key)
    if status in (401, 403):
        return AuthError(f"The server refused the API key (HTTP {status}). Enter the key again.")
    if status == 429:
        retry = headers.get("Retry-After") if headers is not None else None
        after = retry_after_seconds(retry)
        wait = f" Try again in {after:g} s." if after is not None else " Try again shortly."
        return RateLimitedError(f"The server is busy (HTTP 429).{wait}", retry_after=after)
    if status in (400, 413, 422):
        return RequestRejectedError(f"The server rejected the request: {detail}", status=status)
    if status == 404:
        return ServerError(
            f"The server has no such endpoint or model (HTTP 404). Check the address and model id. {detail}".strip(),
            status=status,
        )
    return ServerError(f"The server failed (HTTP {status}): {detail}", status=status)


class HttpChatStream(ChatStream):
    def __init__(self, endpoint: Endpoint, body: Json) -> None:
        super().__init__()
        self._endpoint = endpoint
        self._body = body
        self._conn: _Connection | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._iterated = False
        self._first_token: float | None = None

    def cancel(self) -> None:
        self._cancel.set()
        with self._lock:
            if self._conn is not None:
                self._conn.shutdown()

    def _finish(self, reason: str, usage: Json | None, chunks: int) -> None:
        seconds = time.monotonic() - self._started
        first = self._first_token - self._started if self._first_token is not None else None
        if usage and "completion_tokens" in usage:
            self.usage = Usage(usage.get("prompt_tokens"), int(usage["completion_tokens"]), False, seconds, first)
        else:
            self.usage = Usage(None, chunks, True, seconds, first)
        self.finish_reason = reason

    def __iter__(self) -> Iterator[str]:
        if self._iterated:
            raise RuntimeError("a ChatStream can be iterated only once")
        self._iterated = True
        chunks = 0
        usage: Json | None = None
        finish = "stop"
        try:
            if self._cancel.is_set():
                self._finish("cancelled", None, 0)
                return
            conn = _Connection(self._endpoint)
            with self._lock:
                self._conn = conn
            try:
                resp = conn.request("POST", "/chat/completions", self._body)
            except EngineError:
                if self._cancel.is_set():
                    self._finish("cancelled", None, 0)
                    return
                raise
            if resp.status != 200:
                raw = resp.read(65536)
                raise status_error(resp.status, raw, resp.headers, self._endpoint)
            pending: list[bytes] = []
            while True:
                try:
                    line = resp.readline(1 << 20)
                except (OSError, http.client.HTTPException) as e:
                    if self._cancel.is_set():
                        self._finish("cancelled", usage, chunks)
                        return
                    if isinstance(e, (socket.timeout, TimeoutError)):
                        raise StreamTimeoutError(
                            f"The server went silent for more than {self._endpoint.idle_timeout:g} s. "
                            "The text so far is kept.",
                            partial=self.text,
                        ) from None
                    raise StreamCutError(
                        "The connection broke in the middle of the answer. The text so far is kept.",
                        partial=self.text,
                    ) from None
                if not line:
                    if self._cancel.is_set():
                        self._finish("cancelled", usage, chunks)
                        return
                    raise StreamCutError(
                        "The answer was cut off: the server closed the connection before finishing. "
                        "The text so far is kept.",
                        partial=self.text,
                    )
                line = line.rstrip(b"\r\n")
                if line.startswith(b"data:"):
                    pending.append(line[5:].lstrip())
                    data = b"\n".join(pending)
                    if data == b"[DONE]":
                        break
                    try:
                        chunk = json.loads(data)
                    except ValueError:
                        continue  # a multi-line event: wait for the rest
                    pending.clear()
                elif line == b"" and pending:
                    raise ProtocolError(
                        "The server sent a malformed stream event. The text so far is kept.", partial=self.text
                    )
                else:
                    continue  # comments (": ping"), event:, id:, retry:
                if not isinstance(chunk, dict):
                    raise ProtocolError("The server sent a malformed stream event.", partial=self.text)
                if "error" in chunk:
                    raise ServerError(
                        f"The server reported an error: {_server_message(data, self._endpoint.api_key)}",
                        partial=self.text,
                    )
                if chunk.get("usage"):
                    usage = chunk["usage"]
                for choice in chunk.get("choices") or ():
                    delta = (choice.get("delta") or {}).get("content")
                    if choice.get("finish_reason"):
                        finish = choice["finish_reason"]
                    if delta:
                        if self._first_token is None:
                            self._first_token = time.monotonic()
                        chunks += 1
                        self.text += delta
                        yield delta
                        if self._cancel.is_set():
                            self._finish("cancelled", usage, chunks)
                            return
            self._finish(finish, usage, chunks)
        except GeneratorExit:
            # The consumer stopped reading: closing the socket makes the server stop too.
            self._cancel.set()
            if self.finish_reason is None:
                self._finish("cancelled", usage, chunks)
            raise
        finally:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None


class OpenAIClient(TrackedClient):
    """ChatClient over an OpenAI-compatible HTTP API."""

    def __init__(self, endpoint: Endpoint, name: str = "remote") -> None:
        super().__init__()
        self.endpoint = endpoint
        self.name = name

    def stream(self, messages: Sequence[Message], sampling: Sampling = Sampling(), schema: Json | None = None) -> HttpChatStream:
        return self._track(HttpChatStream(self.endpoint, build_body(self.endpoint, messages, sampling, schema)))

    def get_json(self, path: str, timeout: float | None = None) -> Json:
        return self._json_request("GET", path, None, timeout)

    def post_json(self, path: str, body: Json, timeout: float | None = None) -> Json:
        return self._json_request("POST", path, body, timeout)

    def embed(self, texts: Sequence[str], *, model: str | None = None, timeout: float | None = None) -> list[list[float]]:
        """One vector per text, in order (``/embeddings``; a local engine's are unit length)."""
        body = {"model": model or self.endpoint.model, "input": list(texts), "encoding_format": "base64"}
        data = self.post_json("/embeddings", body, timeout).get("data")
        if not isinstance(data, list) or len(data) != len(texts):
            raise ProtocolError("The server's embeddings answer does not hold one vector per input.")
        out: list[list[float]] = [[] for _ in texts]
        try:
            for item in data:
                vector = item["embedding"]
                # base64 is what we asked for; a server that ignores encoding_format sends floats.
                out[int(item["index"])] = unpack_base64(vector) if isinstance(vector, str) else list(vector)
        except (KeyError, TypeError, ValueError, IndexError, binascii.Error):
            raise ProtocolError("The server sent a malformed embeddings answer.") from None
        if any(not v for v in out):
            raise ProtocolError("The server's embeddings answer is missing a vector.")
        return out

    def _json_request(self, method: str, path: str, body: Json | None, timeout: float | None) -> Json:
        endpoint = self.endpoint
        if timeout is not None:
            endpoint = dataclasses.replace(endpoint, connect_timeout=timeout, idle_timeout=timeout)
        conn = _Connection(endpoint)
        try:
            resp = conn.request(method, path, body)
            raw = resp.read()
            if resp.status != 200:
                raise status_error(resp.status, raw, resp.headers, endpoint)
            try:
                return json.loads(raw)
            except ValueError:
                raise ProtocolError("The server answered with something that is not JSON.") from None
        except (OSError, http.client.HTTPException) as e:
            raise connection_error(e, endpoint) from None
        finally:
            conn.close()

    def list_models(self, timeout: float | None = None) -> list[str]:
        data = self.get_json("/models", timeout)
        return [m.get("id", "") for m in data.get("data", []) if isinstance(m, dict)]

    def close(self) -> None:
        self.cancel()
