"""A small OpenAI-compatible chat server on 127.0.0.1 that can misbehave on purpose.

It speaks the real protocol (``GET /v1/models``, ``POST /v1/chat/completions``
with ``stream: true`` → chunked Server-Sent Events ending in ``data: [DONE]``)
and checks the Bearer key. ``fault`` (or a queue of faults, one per request)
makes it fail in one way:

    auth401 / auth403   the key is refused (the body echoes the key, as a careless proxy might)
    rate_limit          HTTP 429 with ``Retry-After: retry_after``
    server_error        HTTP 500 (the body echoes the Authorization header)
    bad_gateway         HTTP 502 with an HTML page
    slow_first_byte     no answer at all for ``stall`` seconds
    idle                a few tokens, then silence for ``stall`` seconds
    cut                 a few tokens, then the connection closes without [DONE]
    malformed           a few tokens, then an event that is not JSON
    error_event         a few tokens, then ``data: {"error": …}`` (echoing the key)

``enqueue("…answer…")`` scripts exact answers (the llm MockModel idea, served over
HTTP): the next chat request, or the next whose messages contain ``match``, gets that
answer word by word, honouring ``max_tokens`` and ``stop`` as a real server would. A
dict or list is sent as its JSON; when the request asks for a schema
(``response_format``), a scripted answer that does not fit it is refused with HTTP 400
naming the problem, so a test cannot script an answer no real server could give
(``ignore_schema`` plays a server that ignores response_format).
``stream: false`` gets one JSON body. ``requests`` records everything received.

Helpers: :func:`closed_port` (nothing listens: connection refused) and
:class:`Blackhole` (a port whose accept queue is full: connect() hangs).
"""

from __future__ import annotations

import collections
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

TOKENS = ("Hello", ",", " this", " is", " the", " stand", "-in", " server", ".", " Done")

_WIDE = "\u3000-\u9fff\uac00-\ud7af\uff00-\uffef"
# A "token": a word with the space before it, or one CJK character; they join back to the text.
_PIECE = re.compile(rf"\s*(?:[{_WIDE}]|[^\s{_WIDE}]+)|\s+")


def pieces(text: str) -> list[str]:
    return _PIECE.findall(text)


def schema_problem(value: Any, schema: dict[str, Any], where: str = "$") -> str | None:
    """The first way ``value`` breaks ``schema`` (the JSON Schema parts Deskmate sends), or None."""
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int, "number": (int, float)}
    kind = schema.get("type")
    if kind is not None:
        want = kinds[kind]
        if not isinstance(value, want) or (kind in ("integer", "number") and isinstance(value, bool)):
            return f"{where} should be {kind}, not {type(value).__name__}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where} must be one of {schema['enum']}, not {value!r}"
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)) or len(value) < schema.get("minLength", 0):
            return f"{where} has {len(value)} characters, outside the schema's bounds"
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)) or len(value) < schema.get("minItems", 0):
            return f"{where} has {len(value)} items, outside the schema's bounds"
        for i, item in enumerate(value):
            problem = schema_problem(item, schema.get("items", {}), f"{where}[{i}]")
            if problem:
                return problem
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                return f"{where} lacks the required {name!r}"
        for name, item in value.items():
            if name not in props:
                if schema.get("additionalProperties", True) is False:
                    return f"{where} has {name!r}, which the schema does not allow"
                continue
            problem = schema_problem(item, props[name], f"{where}.{name}")
            if problem:
                return problem
    return None


def requested_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The schema in either form Deskmate sends: llama.cpp's json_object or OpenAI's json_schema."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_object":
        return fmt.get("schema") or {}
    if fmt.get("type") == "json_schema":
        return (fmt.get("json_schema") or {}).get("schema") or {}
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # --- helpers -------------------------------------------------------------
    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _event(self, payload: Any) -> None:
        self._chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

    def _delta(self, text: str, finish: str | None = None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-standin",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.server.standin.model,
            "choices": [{"index": 0, "delta": {"content": text} if text else {}, "finish_reason": finish}],
        }

    def _auth(self) -> str | None:
        """None when the key is right; else the fault to answer with."""
        want = self.server.standin.key
        got = self.headers.get("Authorization", "")
        if want is None or got == f"Bearer {want}":
            return None
        return "auth401"

    def _fault(self) -> str | None:
        s = self.server.standin
        with s.lock:
            if s.fault_queue:
                return s.fault_queue.popleft()
            return s.fault

    def _common_fault(self, fault: str | None) -> bool:
        s = self.server.standin
        auth = self.headers.get("Authorization", "")
        if fault == "auth401":
            self._json(401, {"error": {"message": f"Incorrect API key provided: {auth[7:]}", "type": "invalid_request_error"}})
        elif fault == "auth403":
            self._json(403, {"error": {"message": f"This key may not use this model ({auth})"}})
        elif fault == "rate_limit":
            self._json(429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": s.retry_after})
        elif fault == "server_error":
            self._json(500, {"error": {"message": f"Internal error while handling request with header {auth}"}})
        elif fault == "bad_gateway":
            body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif fault == "slow_first_byte":
            s.stalled.set()
            time.sleep(s.stall)
            self.close_connection = True
            return True
        else:
            return False
        return True

    # --- routes ----------------------------------------------------------------
    def do_GET(self) -> None:
        s = self.server.standin
        s.record(self, None)
        if self.path.rstrip("/") != "/v1/models":
            self._json(404, {"error": {"message": f"no route {self.path}"}})
            return
        fault = self._auth() or (self._fault() if s.fault_models else None)
        if self._common_fault(fault):
            return
        self._json(200, {"object": "list", "data": [
            {"id": m, "object": "model", "owned_by": s.owned_by, "max_model_len": s.context} for m in s.models
        ]})

    def do_POST(self) -> None:
        s = self.server.standin
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            self._json(400, {"error": {"message": "body is not JSON"}})
            return
        s.record(self, body)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"no route {self.path}"}})
            return
        fault = self._auth() or self._fault()
        if self._common_fault(fault):
            return
        scripted = s.take_answer(body)
        if scripted is not None:
            self._answer(body, scripted)
            return
        if not body.get("stream"):
            self._json(400, {"error": {"message": "the stand-in answers stock text only as a stream"}})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._chunk(b": ping\n\n")
        n = min(int(body.get("max_tokens") or len(TOKENS)), len(TOKENS))
        tokens = TOKENS[:n]
        try:
            for i, tok in enumerate(tokens):
                if fault in ("idle", "cut", "malformed", "error_event") and i == s.fault_after:
                    if fault == "idle":
                        s.stalled.set()
                        time.sleep(s.stall)
                    elif fault == "cut":
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                    elif fault == "malformed":
                        self._chunk(b'data: {"choices": [{"delta": {"content": "oops"\n\n')
                        self._end()
                        return
                    elif fault == "error_event":
                        auth = self.headers.get("Authorization", "")
                        self._event({"error": {"message": f"model overloaded (request {auth})"}})
                        self._end()
                        return
                self._event(self._delta(tok))
                if s.token_delay:
                    time.sleep(s.token_delay)
            finish = "length" if n < len(TOKENS) else "stop"
            self._event(self._delta("", finish))
            if (body.get("stream_options") or {}).get("include_usage"):
                self._event({"id": "chatcmpl-standin", "object": "chat.completion.chunk", "choices": [],
                             "usage": {"prompt_tokens": 7, "completion_tokens": n, "total_tokens": 7 + n}})
            self._chunk(b"data: [DONE]\n\n")
            self._end()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _answer(self, body: dict[str, Any], text: str) -> None:
        """A scripted answer, cut by ``stop`` and ``max_tokens`` as a real server cuts it."""
        schema = None if self.server.standin.ignore_schema else requested_schema(body)
        if schema is not None:
            try:
                problem = schema_problem(json.loads(text), schema)
            except ValueError:
                problem = "the scripted answer is not JSON"
            if problem:
                self._json(400, {"error": {"message": f"scripted answer does not fit the requested schema: {problem}"}})
                return
        stop = body.get("stop") or []
        finish = "stop"
        for cut in [stop] if isinstance(stop, str) else stop:
            if cut and cut in text:
                text = text[: text.index(cut)]
        parts = pieces(text)
        limit = int(body.get("max_tokens") or len(parts))
        if len(parts) > limit:
            parts, finish = parts[:limit], "length"
        usage = {"prompt_tokens": 7, "completion_tokens": len(parts), "total_tokens": 7 + len(parts)}
        if not body.get("stream"):
            self._json(200, {"id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
                             "model": self.server.standin.model, "usage": usage,
                             "choices": [{"index": 0, "finish_reason": finish,
                                          "message": {"role": "assistant", "content": "".join(parts)}}]})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for part in parts:
                self._event(self._delta(part))
                if self.server.standin.token_delay:
                    time.sleep(self.server.standin.token_delay)
            self._event(self._delta("", finish))
            if (body.get("stream_options") or {}).get("include_usage"):
                self._event({"id": "chatcmpl-standin", "object": "chat.completion.chunk", "choices": [],
                             "usage": usage})
            self._chunk(b"data: [DONE]\n\n")
            self._end()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True  # the client cancelled

    def _end(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    standin: StandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up (TLS probes, cancels) are part of the tests


class StandIn:
    """The server. Use as a context manager; ``url`` is its OpenAI base URL (``…/v1``)."""

    def __init__(self, key: str | None = "sk-standin-key", models: tuple[str, ...] = ("standin-180b",)) -> None:
        self.key = key
        self.models = models
        self.model = models[0]
        self.owned_by = "standin"
        self.context = 32768
        self.fault: str | None = None
        self.fault_queue: collections.deque[str | None] = collections.deque()
        self.fault_models = False  # apply faults to GET /v1/models too
        self.fault_after = 3  # tokens sent before a mid-stream fault
        self.retry_after = "1"
        self.stall = 5.0
        self.token_delay = 0.0
        self.stalled = threading.Event()
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[str | None, str]] = []  # (match, answer) in the order given
        self.ignore_schema = False  # a server that ignores response_format (answers anything scripted)
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.standin = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="standin", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def record(self, handler: BaseHTTPRequestHandler, body: Any) -> None:
        with self.lock:
            self.requests.append({"method": handler.command, "path": handler.path, "body": body,
                                  "authorized": handler.headers.get("Authorization") is not None})

    def set_faults(self, *faults: str | None) -> None:
        """One fault per coming request, in order; then ``fault`` applies again."""
        with self.lock:
            self.fault_queue = collections.deque(faults)

    def enqueue(self, *answers: str | dict[str, Any] | list[Any], match: str | None = None) -> Self:
        """Script the next answers, one per coming chat request (see the module doc)."""
        with self.lock:
            for answer in answers:
                text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
                self.script.append((match, text))
        return self

    def take_answer(self, body: dict[str, Any]) -> str | None:
        said = "\n".join(str(m.get("content", "")) for m in body.get("messages") or ())
        with self.lock:
            for i, (match, text) in enumerate(self.script):
                if match is None or match in said:
                    del self.script[i]
                    return text
        return None

    def unanswered(self) -> list[str]:
        """Scripted answers no request has taken yet."""
        with self.lock:
            return [text for _, text in self.script]

    def chat_bodies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r["body"] for r in self.requests if r["method"] == "POST"]

    def start(self) -> StandIn:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connecting is refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Blackhole:
    """A port whose accept queue is full, so a new connect() hangs (a server that never picks up)."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.port = self._listener.getsockname()[1]
        self._fillers: list[socket.socket] = []
        # Fill the queue: after this, the kernel drops new SYNs.
        for _ in range(3):
            c = socket.socket()
            c.settimeout(0.3)
            try:
                c.connect(("127.0.0.1", self.port))
            except OSError:
                c.close()
                break
            self._fillers.append(c)

    def close(self) -> None:
        for c in self._fillers:
            c.close()
        self._listener.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- an in-memory keyring backend -------------------------------------------------------
import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in a dict (set it with ``keyring.set_keyring``)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such password")
