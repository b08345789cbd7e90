"""A small OpenAI-compatible server for the engine child (``/v1/models``, ``/v1/chat/completions``, and
``/v1/embeddings`` when the model was loaded for embeddings; see embedding_api.py).

Why not llama-cpp-python's FastAPI server for the app's own engine: its stream
hops threads and polls the connection for every token, and on a 2-core machine
that work competes with llama.cpp's compute threads — measured decode speed
fell to 0.86 of a raw in-process Llama. Here the generating thread writes each
chunk straight to the socket between two decode steps, so nothing runs beside
the compute threads. ``deskmate serve`` puts its own front in front of this
server (core/serve/front.py) rather than llama-cpp-python's.

Requests are served one at a time (a second waits, like llama-cpp-python's
server with interrupt_requests off). A client that disconnects stops its answer
at the next token: the write fails and generation ends.

Beyond the OpenAI protocol: a request may name its task (``deskmate_task``), which
turns on prompt-lookup decoding where it pays (:mod:`.speculation`); every answer
ends with its usage, including ``prompt_tokens_details.cached_tokens``, the prompt
tokens that came from the KV cache (in memory or from disk) instead of being computed.
"""

from __future__ import annotations

import hmac
import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from .answer_checks import TokenCount, schema_problem
from .api_errors import ApiError, bad_request
from .embedding_api import embeddings, is_embedding_model
from .protocol import TASK_FIELD

FLUSH_EVERY = 0.025

# Request fields passed on to Llama.create_chat_completion; everything else is ignored.
_PASSED = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "presence_penalty", "frequency_penalty",
           "max_tokens", "seed", "stop", "response_format", "logit_bias")


class _Server(HTTPServer):
    # One request at a time, on the main thread: llama.cpp's OpenMP team stays on one
    # thread (a new thread per request measured slower), and a second request simply
    # waits in the listen queue — which is what the supervisor's idle probe relies on.
    allow_reuse_address = True

    def __init__(self, sock: socket.socket, llama: Any, alias: str, api_key: str | None, policy: Any = None) -> None:
        super().__init__(sock.getsockname()[:2], _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.llama = llama
        self.alias = alias
        self.api_key = api_key
        self.policy = policy
        self.lock = threading.Lock()  # cheap insurance: llama.cpp contexts are not thread-safe


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the parent keeps stderr as the engine log; per-request lines are noise there

    def _authorized(self) -> bool:
        key = self.server.api_key
        if not key:
            return True
        given = self.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {key}".encode()):
            return True
        self._json(401, {"error": {"message": "Invalid API key.", "type": "authentication_error"}})
        return False

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        # No keep-alive: an idle open connection would hold up the single-threaded server.
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if not self._authorized():
            return
        if self.path.rstrip("/") != "/v1/models":
            self._json(404, {"error": {"message": f"No such endpoint: {self.path}"}})
            return
        # Taking the lock makes this a readiness probe: it answers once no answer is being generated.
        with self.server.lock:
            pass
        self._json(200, {"object": "list",
                         "data": [{"id": self.server.alias, "object": "model", "owned_by": "deskmate"}]})

    def do_POST(self) -> None:
        if not self._authorized():
            return
        if self.path.rstrip("/") == "/v1/embeddings":
            self._embeddings()
            return
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"No such endpoint: {self.path}"}})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            messages = body["messages"]
        except (ValueError, KeyError, TypeError):
            self._json(400, {"error": {"message": "The request is not a valid chat completion request."}})
            return
        kwargs = {k: body[k] for k in _PASSED if body.get(k) is not None}
        if is_embedding_model(self.server.llama):
            self._api_error(bad_request(f"'{self.server.alias}' is an embedding model; it cannot chat.", "model"))
            return
        problem = schema_problem(kwargs.get("response_format"))
        if problem:
            self._api_error(bad_request(problem, "response_format", "invalid_json_schema"))
            return
        usage = bool((body.get("stream_options") or {}).get("include_usage"))
        with self.server.lock:
            llama = self.server.llama
            seeded = "seed" in kwargs
            if seeded:
                # Measured: llama-cpp-python gives one seed two answers, depending on whether
                # the prompt was already in the KV cache. A seeded answer is evaluated afresh
                # (nothing kept in memory, no prefix from the disk cache), so the same seed and
                # request always give the same answer.
                llama.reset()
            if hasattr(llama, "reuse_prefixes"):
                llama.reuse_prefixes = not seeded
            if hasattr(llama, "set_lookup"):
                policy = self.server.policy
                llama.set_lookup(policy.draft_tokens(body.get(TASK_FIELD)) if policy is not None else 0)
            if body.get("stream"):
                self._stream(messages, kwargs, usage)
            else:
                self._complete(messages, kwargs)

    def _complete(self, messages: list[dict[str, Any]], kwargs: dict[str, Any]) -> None:
        try:
            result = self.server.llama.create_chat_completion(messages=messages, **kwargs)
        except ValueError as e:  # e.g. the prompt does not fit the context
            self._json(400, {"error": {"message": str(e)}})
            return
        result["model"] = self.server.alias
        result["usage"] = self._usage(result.get("usage"))
        self._json(200, result)

    def _usage(self, usage: dict[str, Any] | None) -> dict[str, Any]:
        llama = self.server.llama
        usage = dict(usage or {"prompt_tokens": getattr(llama, "prompt_tokens", 0),
                               "completion_tokens": getattr(llama, "completion_tokens", 0)})
        usage.setdefault("total_tokens", usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0))
        usage["prompt_tokens_details"] = {"cached_tokens": getattr(llama, "cached_tokens", 0)}
        return usage

    def _stream(self, messages: list[dict[str, Any]], kwargs: dict[str, Any], usage: bool = False) -> None:
        counted = TokenCount(self.server.llama).__enter__() if usage else None
        try:
            chunks = self.server.llama.create_chat_completion(messages=messages, stream=True, **kwargs)
            first = next(chunks, None)  # prompt errors surface here, before any header is sent
        except ValueError as e:
            if counted is not None:
                counted.__exit__()
            self._json(400, {"error": {"message": str(e)}})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        # Chunks go out at most every FLUSH_EVERY seconds (the first at once): each
        # write wakes the reader, and on a 2-core machine every wake-up takes time from
        # llama.cpp's compute threads. 25 ms is still 40 screen updates a second.
        pending = bytearray()
        last = 0.0
        head: dict[str, Any] = {}
        try:
            for chunk in itertools.chain([first] if first is not None else [], chunks):
                chunk["model"] = self.server.alias
                head = chunk
                pending += b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
                now = time.monotonic()
                if now - last >= FLUSH_EVERY:
                    self.wfile.write(pending)
                    pending.clear()
                    last = now
            if counted is not None:  # OpenAI's stream_options.include_usage: a last chunk with no choices
                tail = {"id": head.get("id"), "object": "chat.completion.chunk", "created": head.get("created"),
                        "model": self.server.alias, "choices": [], "usage": self._usage(counted.usage())}
                pending += b"data: " + json.dumps(tail).encode() + b"\n\n"
            self.wfile.write(bytes(pending) + b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client left: stop generating now
        finally:
            chunks.close()
            if counted is not None:
                counted.__exit__()

    def _embeddings(self) -> None:
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        except ValueError:
            self._api_error(bad_request("The request body is not valid JSON."))
            return
        try:
            with self.server.lock:
                result = embeddings(self.server.llama, self.server.alias, body)
        except ApiError as e:
            self._api_error(e)
            return
        self._json(200, result)

    def _api_error(self, error: ApiError) -> None:
        self._json(error.status, error.body())


def serve(sock: socket.socket, llama: Any, alias: str, api_key: str | None, policy: Any = None) -> None:
    """Serve on an already bound and listening socket until the process ends."""
    _Server(sock, llama, alias, api_key, policy).serve_forever(poll_interval=0.5)
