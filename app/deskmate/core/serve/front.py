"""``deskmate serve``: the local model as an OpenAI-compatible server that other apps can rely on.

How it is built
---------------
The serve process runs this *front*, a small threaded HTTP server with no llama_cpp in it.
The models run in engine child processes (the same host.py/lean_server.py the window uses):
a chat engine, and an embedding engine when an embedding model is chosen. For each request
the front

1. checks the key and the request (chat_request.py) and answers every caller mistake with
   an OpenAI-shaped 4xx before the request waits for anything;
2. waits for its turn in a :class:`~deskmate.core.serve.fair_queue.FairQueue` (one per
   engine; round robin across clients, 429 with Retry-After when the queue is full);
3. forwards it to the engine child over the protocol the app already speaks, always as a
   stream (so a cut connection stops the engine at the next token, whether or not the
   caller streams), rewriting the chunks for the caller and gathering them for callers
   that did not ask for a stream.

While a request holds the engine, a watcher checks every 50 ms that the caller is still
connected and that the turn has not passed ``hold_limit`` seconds; either way it cuts the
connection to the engine, which stops generating at once, and gives the turn to the next
caller. A caller that stops reading cannot hold the engine past the limit either: the turn
belongs to the engine connection, not to the thread writing to the caller.

The chat engine is the running Deskmate window's when there is one (sources.SharedEngine:
found over the app's local socket, so a 7B is not loaded twice; the app's own requests and
the served ones then take turns at its engine), else one the serve process starts itself.
"""

from __future__ import annotations

import dataclasses
import hmac
import http.client
import json
import re
import select
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from deskmate.core.engines.api_errors import ApiError, bad_request
from deskmate.core.engines.openai_client import Endpoint

from .chat_request import ChatRequest, parse_chat
from .fair_queue import CallerGone, FairQueue
from .sources import EngineSource

MAX_BODY = 32 * 1024 * 1024
WATCH_EVERY = 0.05
CHAT_ALIAS = "local"
EMBEDDING_ALIAS = "local-embedding"
_CONTEXT = re.compile(r"Requested tokens \((\d+)\) exceed context window of (\d+)")


@dataclasses.dataclass(frozen=True)
class ServeConfig:
    api_key: str = dataclasses.field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8765
    # The longest one request may hold an engine; then its answer ends ("length").
    hold_limit: float = 300.0
    # Requests that may wait for one engine; more get 429.
    max_waiting: int = 8
    # A caller whose connection accepts nothing for this long is dropped.
    write_timeout: float = 30.0


class _Turn:
    """One request's hold on an engine: released exactly once, by whoever ends it first."""

    def __init__(self, queue: FairQueue) -> None:
        self._queue = queue
        self._lock = threading.Lock()
        self._held = True

    def release(self) -> None:
        with self._lock:
            held, self._held = self._held, False
        if held:
            self._queue.release()


class _Upstream:
    """A request to an engine child whose socket the watcher may cut from another thread."""

    def __init__(self, endpoint: Endpoint) -> None:
        parts = urllib.parse.urlsplit(endpoint.base_url)
        self.endpoint = endpoint
        self.prefix = parts.path.rstrip("/")
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        self.sock: socket.socket | None = None
        self.resp: http.client.HTTPResponse | None = None
        self.reason: str | None = None  # "gone" or "limit" once cut

    def post(self, path: str, body: dict[str, Any]) -> http.client.HTTPResponse:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.endpoint.api_key}"}
        self.conn.connect()
        # Kept here: http.client drops conn.sock when it hands a closing response its socket.
        self.sock = self.conn.sock
        if self.reason is not None:
            self.cut(self.reason)
        self.conn.request("POST", self.prefix + path, body=json.dumps(body).encode(), headers=headers)
        assert self.sock is not None
        self.sock.settimeout(None)  # prompt processing on a CPU can take minutes
        self.resp = self.conn.getresponse()
        return self.resp

    def cut(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        sock = self.sock
        if sock is not None:
            try:
                # When the relay thread then closes the socket, the engine gets a reset, not an
                # orderly end: its very next write fails (after a FIN, only the one after it).
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RD)  # wakes the relay thread's read
            except OSError:
                pass

    def close(self) -> None:
        # Close the socket itself, not only shut it down: Linux keeps accepting the engine's
        # writes on a socket shut for reading; only a closed one fails them.
        if self.resp is not None:
            self.resp.close()
        self.conn.close()
        if self.sock is not None:
            self.sock.close()


class Front(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, config: ServeConfig, chat: EngineSource, embedding: EngineSource | None = None,
                 log: Callable[[str], None] = lambda _m: None) -> None:
        self.config = config
        self.chat = chat
        self.embedding = embedding
        self.log = log
        self.chat_queue = FairQueue(config.max_waiting, "the chat model")
        self.embed_queue = FairQueue(config.max_waiting, "the embedding model")
        super().__init__((config.host, config.port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    # --- model ids ------------------------------------------------------------------
    def chat_id(self) -> str:
        return self.chat.model_path.stem

    def embedding_id(self) -> str | None:
        return self.embedding.model_path.stem if self.embedding else None

    def models(self) -> list[dict[str, Any]]:
        out = [self._model(self.chat)]
        if self.embedding is not None:
            out.append(self._model(self.embedding))
        return out

    @staticmethod
    def _model(source: EngineSource) -> dict[str, Any]:
        try:
            created = int(source.model_path.stat().st_mtime)
        except OSError:
            created = 0
        return {"id": source.model_path.stem, "object": "model", "created": created, "owned_by": "deskmate"}

    def _names(self, source: EngineSource | None, alias: str) -> set[str]:
        if source is None:
            return set()
        return {alias, source.model_path.stem, source.model_path.name}

    def resolve_chat(self, model: str) -> None:
        if model in self._names(self.chat, CHAT_ALIAS):
            return
        if model in self._names(self.embedding, EMBEDDING_ALIAS):
            raise bad_request(f"'{model}' is an embedding model; send it to /v1/embeddings. "
                              f"For chat use '{self.chat_id()}'.", "model", "model_not_chat")
        raise ApiError(404, f"The model '{model}' does not exist here. This server offers "
                       f"'{self.chat_id()}' (or '{CHAT_ALIAS}') for chat{self._embedding_hint()} "
                       "(GET /v1/models lists them).",
                       param="model", code="model_not_found")

    def resolve_embedding(self, model: Any) -> EngineSource:
        if self.embedding is None:
            raise ApiError(404, "This server has no embedding model. Install one with "
                           "`deskmate models pull bge-small-zh-v1.5` (or start the server with "
                           "`--embedding-model PATH`) to offer /v1/embeddings.", param="model", code="no_embedding_model")
        if model in self._names(self.embedding, EMBEDDING_ALIAS):
            return self.embedding
        if model in self._names(self.chat, CHAT_ALIAS):
            raise bad_request(f"'{model}' is a chat model; it cannot make embeddings. Use "
                              f"'{self.embedding_id()}'.", "model", "model_not_embedding")
        raise ApiError(404, f"The model '{model}' does not exist here; for embeddings use "
                       f"'{self.embedding_id()}'.", param="model", code="model_not_found")

    def _embedding_hint(self) -> str:
        return f" and '{self.embedding_id()}' (or '{EMBEDDING_ALIAS}') for embeddings" if self.embedding else ""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Front
    # A keep-alive connection that sends nothing for this long is closed.
    timeout = 120

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # --- plumbing -------------------------------------------------------------------
    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, e: ApiError) -> None:
        # The request body may be unread (a 401 comes first): never read it as the next request.
        self.close_connection = True
        try:
            self._send_json(e.status, e.body(), e.headers())
        except OSError:
            self.close_connection = True

    def _route(self, action: Callable[[], None]) -> None:
        try:
            self._check_key()
            action()
        except ApiError as e:
            self._send_error(e)
        except CallerGone:
            self.close_connection = True
        except OSError:  # the caller went away while we answered
            self.close_connection = True

    def _check_key(self) -> None:
        given = self.headers.get("Authorization", "")
        want = f"Bearer {self.server.config.api_key}"
        if not hmac.compare_digest(given.encode("utf-8", "replace"), want.encode()):
            raise ApiError(401, "Incorrect or missing API key. Use the key `deskmate serve` printed when it started "
                           "(sent as 'Authorization: Bearer KEY'; in the openai package: api_key=KEY).",
                           code="invalid_api_key")

    def _path(self) -> str:
        return urllib.parse.urlsplit(self.path).path.rstrip("/")

    def _body(self) -> Any:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise ApiError(411, "Send the request body with a Content-Length header.")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise bad_request("The Content-Length header is not a number.") from None
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, f"The request body is {length:,} bytes; the limit is {MAX_BODY:,}.")
        raw = self.rfile.read(length)
        try:
            return json.loads(raw)
        except ValueError as e:
            raise bad_request(f"The request body is not valid JSON ({e}).") from None

    def _caller_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _client_key(self, user: str | None) -> str:
        # Apps on one machine share an address; the User-Agent tells them apart well enough.
        return user or f"{self.client_address[0]} {self.headers.get('User-Agent', '')}"

    # --- methods --------------------------------------------------------------------
    def do_GET(self) -> None:
        self._route(self._get)

    def do_POST(self) -> None:
        self._route(self._post)

    def _not_allowed(self) -> None:
        def refuse() -> None:
            raise ApiError(405, f"{self.command} is not allowed on {self._path() or '/'}; this server offers "
                           "GET /v1/models, POST /v1/chat/completions and POST /v1/embeddings.")

        self._route(refuse)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _get(self) -> None:
        path = self._path()
        if path == "/v1/models":
            self._send_json(200, {"object": "list", "data": self.server.models()})
            return
        if path.startswith("/v1/models/"):
            wanted = urllib.parse.unquote(path[len("/v1/models/"):])
            for m in self.server.models():
                if m["id"] == wanted:
                    self._send_json(200, m)
                    return
            raise ApiError(404, f"The model '{wanted}' does not exist here.", param="model", code="model_not_found")
        raise self._unknown_path()

    def _post(self) -> None:
        path = self._path()
        if path == "/v1/chat/completions":
            self._chat(parse_chat(self._body()))
        elif path == "/v1/embeddings":
            self._embeddings(self._body())
        else:
            raise self._unknown_path()

    def _unknown_path(self) -> ApiError:
        return ApiError(404, f"No such endpoint: {self.command} {self._path() or '/'}. This server offers "
                        "GET /v1/models, POST /v1/chat/completions and POST /v1/embeddings.", code="unknown_url")

    # --- turns ----------------------------------------------------------------------
    def _take_turn(self, queue: FairQueue, source: EngineSource, client: str) -> tuple[_Turn, Endpoint]:
        source.endpoint()  # 503 at once while the engine loads, before queueing
        queue.acquire(client, self._caller_gone)
        turn = _Turn(queue)
        try:
            return turn, source.endpoint()
        except BaseException:
            turn.release()
            raise

    def _open(self, source: EngineSource, endpoint: Endpoint, path: str, body: dict[str, Any],
              turn: _Turn) -> tuple[_Upstream, http.client.HTTPResponse, threading.Event]:
        """Send the request to the engine, with a watcher on the caller and the hold limit."""
        for attempt in (1, 2):
            upstream = _Upstream(endpoint)
            done = threading.Event()
            deadline = time.monotonic() + self.server.config.hold_limit
            threading.Thread(target=self._watch, args=(upstream, deadline, done, turn), daemon=True,
                             name="serve-watch").start()
            try:
                resp = upstream.post(path, body)
            except OSError:
                done.set()
                upstream.close()
                if upstream.reason == "gone":
                    raise CallerGone from None
                source.lost()  # the engine died or moved (the app restarted it): look again
                if attempt == 1:
                    endpoint = source.endpoint()
                    continue
                raise ApiError(503, "The engine is not answering; it is being restarted. Try again in a few "
                               "seconds.", code="engine_unavailable", retry_after=5) from None
            if resp.status == 401 and attempt == 1:  # a new engine (new key) in the app
                done.set()
                upstream.close()
                source.lost()
                endpoint = source.endpoint()
                continue
            return upstream, resp, done
        raise AssertionError("unreachable")

    def _watch(self, upstream: _Upstream, deadline: float, done: threading.Event, turn: _Turn) -> None:
        while not done.wait(WATCH_EVERY):
            if self._caller_gone():
                upstream.cut("gone")
                break
            if time.monotonic() > deadline:
                upstream.cut("limit")
                break
        if upstream.reason is not None:
            turn.release()  # the engine stops at its next token: the next caller may go

    # --- chat -----------------------------------------------------------------------
    def _chat(self, req: ChatRequest) -> None:
        front = self.server
        front.resolve_chat(req.model)
        turn, endpoint = self._take_turn(front.chat_queue, front.chat, self._client_key(req.user))
        try:
            upstream, resp, done = self._open(front.chat, endpoint, "/chat/completions", req.engine_body, turn)
            try:
                if resp.status != 200:
                    raise _engine_error(resp.status, resp.read(65536))
                _Relay(self, req, upstream, resp).run()
            finally:
                done.set()
                upstream.close()
        finally:
            turn.release()

    # --- embeddings -----------------------------------------------------------------
    def _embeddings(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        source = self.server.resolve_embedding(body.get("model"))
        turn, endpoint = self._take_turn(self.server.embed_queue, source, self._client_key(body.get("user")))
        try:
            upstream, resp, done = self._open(source, endpoint, "/embeddings", body, turn)
            try:
                raw = resp.read()
            except OSError:
                raw = b""
            finally:
                done.set()
                upstream.close()
            if upstream.reason == "gone":
                raise CallerGone
            if upstream.reason == "limit":
                raise ApiError(503, f"Embedding took longer than {self.server.config.hold_limit:g} s and was "
                               "stopped. Send fewer or shorter inputs per request.", code="timeout")
            if resp.status != 200:
                raise _engine_error(resp.status, raw)
            try:
                result = json.loads(raw)
            except ValueError:
                source.lost()
                raise ApiError(503, "The embedding engine stopped while working; it is restarting. Try again in "
                               "a few seconds.", code="engine_unavailable", retry_after=5) from None
            result["model"] = body.get("model")
        finally:
            turn.release()
        self._send_json(200, result)


def _engine_error(status: int, raw: bytes) -> ApiError:
    """The engine child refused: say it in OpenAI's shape, in words the caller can act on."""
    try:
        err = json.loads(raw).get("error") or {}
    except (ValueError, AttributeError):
        err = {}
    message = str(err.get("message") or raw[:300].decode("utf-8", "replace") or f"HTTP {status}")
    found = _CONTEXT.search(message)
    if found:
        need, have = found.groups()
        return ApiError(400, f"The messages are {need} tokens long; this model's context holds {have} tokens, "
                        "answer included. Shorten the messages (or start the server with a larger --n-ctx).",
                        param="messages", code="context_length_exceeded")
    if 400 <= status < 500 and status != 401:
        return ApiError(status, message, param=err.get("param"), code=err.get("code"))
    return ApiError(503, f"The engine failed ({message}). Try again in a few seconds.", code="engine_error",
                    retry_after=5)


class _Relay:
    """Reads the engine's stream and gives the caller a stream or one JSON answer."""

    def __init__(self, handler: _Handler, req: ChatRequest, upstream: _Upstream,
                 resp: http.client.HTTPResponse) -> None:
        self.h = handler
        self.req = req
        self.upstream = upstream
        self.resp = resp
        self.id = ""
        self.created = int(time.time())
        self.text: list[str] = []
        self.finish: str | None = None
        self.usage: dict[str, Any] | None = None
        self.started = False
        self.cut_by_limit = False
        self.out = bytearray()  # stream events not yet sent

    def run(self) -> None:
        complete = False
        pending = b""
        try:
            # One read is one burst of the engine's stream (it writes every 25 ms): it goes
            # on to the caller as one write, so the caller wakes as rarely as the engine writes.
            while not complete:
                data = self.resp.read1(65536)
                if not data:
                    break
                *events, pending = (pending + data).split(b"\n\n")
                for event in events:
                    if not event.startswith(b"data:"):
                        continue
                    payload = event[5:].strip()
                    if payload == b"[DONE]":
                        complete = True
                        break
                    self._chunk(json.loads(payload))
                self._flush()
        except (OSError, http.client.HTTPException, ValueError):
            pass
        # A cut that came after the engine's [DONE] changed nothing.
        reason = None if complete else self.upstream.reason
        if reason == "gone":
            raise CallerGone
        if reason == "limit":
            self.cut_by_limit = True
            self.finish = "length"
            self.usage = None  # the engine was stopped before it could count
        elif not complete:
            self.h.server.chat.lost()
            self._fail(ApiError(503, "The engine stopped while answering; it is restarting. Try again in a few "
                                "seconds.", code="engine_unavailable", retry_after=5))
            return
        self._finish()

    def _chunk(self, chunk: dict[str, Any]) -> None:
        self.id = chunk.get("id") or self.id
        self.created = chunk.get("created") or self.created
        chunk["model"] = self.req.model
        if not chunk.get("choices"):
            if chunk.get("usage"):
                self.usage = chunk["usage"]
                if self.req.include_usage:
                    self._write(chunk)
            return
        for choice in chunk["choices"]:
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.text.append(delta["content"])
            if choice.get("finish_reason"):
                self.finish = choice["finish_reason"]
        if self.req.stream:
            if self.req.include_usage:
                chunk["usage"] = None  # OpenAI's form: usage only on the last chunk
            self._write(chunk)

    def _write(self, chunk: dict[str, Any]) -> None:
        self.out += b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"

    def _flush(self) -> None:
        if self.out:
            if not self.started:
                self._start_stream()
            data, self.out = bytes(self.out), bytearray()
            self._send(data)

    def _start_stream(self) -> None:
        h = self.h
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-cache")
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        h.connection.settimeout(h.server.config.write_timeout)
        self.started = True

    def _send(self, data: bytes) -> None:
        try:
            self.h.wfile.write(data)
        except OSError:
            self.upstream.cut("gone")  # stop the engine now, not at the next write
            raise CallerGone from None

    def _fail(self, error: ApiError) -> None:
        if self.req.stream and self.started:
            self.out += b"data: " + json.dumps(error.body()).encode() + b"\n\n"
            self._flush()
        else:
            raise error

    def _finish(self) -> None:
        if self.req.stream:
            if self.finish == "length" and self.cut_by_limit:
                self._write({"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                             "model": self.req.model,
                             "choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]})
            self.out += b"data: [DONE]\n\n"
            self._flush()
            return
        answer: dict[str, Any] = {
            "id": self.id, "object": "chat.completion", "created": self.created, "model": self.req.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(self.text)},
                         "finish_reason": self.finish or "stop", "logprobs": None}],
        }
        if self.usage is not None:
            answer["usage"] = self.usage
        self.h._send_json(200, answer)
