"""A stand-in for the Hugging Face Hub on 127.0.0.1, speaking what huggingface_hub 2.4 asks.

Endpoints (as the real hub answers them):

* ``HEAD|GET /{repo}/resolve/{revision}/{path}`` — for an LFS file a 302 to the "CDN"
  (a second server on another port, so huggingface_hub stops at the redirect as it does
  for the real cross-host CDN) carrying ``X-Repo-Commit``, ``X-Linked-Etag`` (the
  SHA-256) and ``X-Linked-Size``; for a small git file a 200 with ``ETag`` = git blob id.
* ``GET /cdn/{commit}/{path}`` — the bytes, honouring ``Range`` (206 + ``Content-Range``).
* ``POST /api/models/{repo}/paths-info/{revision}`` — sizes, blob ids, LFS SHA-256.
* ``GET /api/models/{repo}[/revision/{revision}]`` — the file list (siblings).
* Missing repo/revision/file: 404 with ``X-Error-Code`` so huggingface_hub raises its typed errors.

It counts every request and every body byte it sends, and can throttle and drop connections.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np


@dataclasses.dataclass
class Blob:
    data: bytes | None = None
    path: Path | None = None

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size  # type: ignore[union-attr]

    def read(self, start: int, end: int) -> bytes:
        if self.data is not None:
            return self.data[start:end]
        with self.path.open("rb") as f:  # type: ignore[union-attr]
            f.seek(start)
            return f.read(end - start)

    def digest(self, kind: str) -> str:
        h = hashlib.sha256() if kind == "sha256" else hashlib.sha1(b"blob %d\0" % self.size)
        step = 8 << 20
        for start in range(0, self.size, step):
            h.update(self.read(start, min(start + step, self.size)))
        return h.hexdigest()


@dataclasses.dataclass
class RepoFile:
    blob: Blob
    lfs: bool
    sha256: str  # what the metadata says (may differ from the bytes, to test corruption)
    git_oid: str


@dataclasses.dataclass
class Repo:
    commit: str
    files: dict[str, RepoFile]


class HubStandin:
    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, str | None]] = []
        self.bytes_sent = 0
        self.throttle: float | None = None  # bytes per second for file bodies
        self.drop_after: int | None = None  # close a body response after this many bytes...
        self.drops_left = 0  # ...this many times
        self.ignore_range = False  # answer 200 with the whole file, as some proxies do
        self.busy_left = 0  # answer this many body requests with 503
        self._servers: list[ThreadingHTTPServer] = []

    # --- content ------------------------------------------------------------------------
    def add_file(self, repo_id: str, path: str, content: bytes | Path, *, lfs: bool = True,
                 corrupt_byte_at: int | None = None) -> RepoFile:
        blob = Blob(path=content) if isinstance(content, Path) else Blob(data=content)
        sha256, git_oid = blob.digest("sha256"), blob.digest("git-sha1")
        if corrupt_byte_at is not None:
            data = bytearray(blob.read(0, blob.size))
            data[corrupt_byte_at] ^= 0xFF
            blob = Blob(data=bytes(data))  # the bytes change; the metadata keeps the good digest
        repo = self.repos.setdefault(repo_id, Repo(hashlib.sha1(repo_id.encode()).hexdigest(), {}))
        f = RepoFile(blob, lfs, sha256, git_oid)
        repo.files[path] = f
        return f

    # --- counters -----------------------------------------------------------------------
    def calm(self) -> None:
        """No throttling, drops, ignored ranges or busy answers: a well-behaved hub again."""
        self.throttle = None
        self.drop_after, self.drops_left = None, 0
        self.ignore_range, self.busy_left = False, 0

    def reset_counters(self) -> None:
        with self.lock:
            self.requests.clear()
            self.bytes_sent = 0

    def _count_request(self, method: str, path: str, rng: str | None) -> None:
        with self.lock:
            self.requests.append((method, path, rng))

    def _count_bytes(self, n: int) -> None:
        with self.lock:
            self.bytes_sent += n

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> HubStandin:
        hub_server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self, cdn=False))
        cdn_server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self, cdn=True))
        for s in (hub_server, cdn_server):
            s.daemon_threads = True
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._servers = [hub_server, cdn_server]
        return self

    def stop(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def cdn_url(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def find_blob(self, commit: str, path: str) -> RepoFile | None:
        for repo in self.repos.values():
            if repo.commit == commit:
                return repo.files.get(path)
        return None


_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")
_PATHS_INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)/paths-info/(?P<rev>[^/]+)$")
_MODEL_INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$")
_CDN = re.compile(r"^/cdn/(?P<commit>[0-9a-f]{40})/(?P<path>.+)$")


def _make_handler(hub: HubStandin, cdn: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        # --- helpers ------------------------------------------------------------
        def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, code: str, commit: str | None = None) -> None:
            headers = {"X-Error-Code": code, "Content-Type": "application/json"}
            if commit:
                headers["X-Repo-Commit"] = commit
            self._send(status, headers, json.dumps({"error": code}).encode())

        def _repo(self, repo_id: str, rev: str) -> Repo | None:
            repo = hub.repos.get(repo_id)
            if repo is None:
                self._error(404, "RepoNotFound")
                return None
            if unquote(rev) not in ("main", repo.commit):
                self._error(404, "RevisionNotFound")
                return None
            return repo

        def _body(self, f: RepoFile, extra: dict[str, str]) -> None:
            size = f.blob.size
            start, end = 0, size
            status = 200
            with hub.lock:
                busy = hub.busy_left > 0 and self.command == "GET"
                hub.busy_left -= busy
            if busy:
                self._send(503, {"Retry-After": "0"}, b"busy")
                return
            rng = None if hub.ignore_range else self.headers.get("Range")
            m = re.match(r"bytes=(\d+)-(\d*)$", rng or "")
            if m:
                start = int(m.group(1))
                end = int(m.group(2)) + 1 if m.group(2) else size
                if start >= size:
                    self._send(416, {"Content-Range": f"bytes */{size}"})
                    return
                status = 206
                extra = {**extra, "Content-Range": f"bytes {start}-{end - 1}/{size}"}
            self._send(status, {**extra, "Content-Length": str(end - start), "Accept-Ranges": "bytes",
                                "Content-Type": "application/octet-stream"})
            if self.command == "HEAD":
                return
            drop = None
            with hub.lock:
                if hub.drop_after is not None and hub.drops_left > 0:
                    hub.drops_left -= 1
                    drop = hub.drop_after
            sent, pos, step = 0, start, 64 << 10
            began = time.monotonic()
            while pos < end:
                n = min(step, end - pos)
                if drop is not None and sent + n > drop:
                    n = drop - sent
                chunk = f.blob.read(pos, pos + n)
                try:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return
                hub._count_bytes(len(chunk))
                sent += n
                pos += n
                if drop is not None and sent >= drop:
                    # Cut the connection mid-body, as a dropped network would.
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if hub.throttle:
                    ahead = sent / hub.throttle - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)

        # --- verbs -------------------------------------------------------------
        def do_HEAD(self) -> None:
            self._route()

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def _route(self) -> None:
            url = urlsplit(self.path)
            path = unquote(url.path)
            hub._count_request(self.command, path, self.headers.get("Range"))
            if cdn:
                m = _CDN.match(path)
                f = hub.find_blob(m.group("commit"), m.group("path")) if m else None
                if f is None:
                    self._error(404, "EntryNotFound")
                    return
                self._body(f, {"ETag": f'"{f.sha256}"'})
                return
            if self.command == "POST" and (m := _PATHS_INFO.match(path)):
                self._paths_info(m.group("repo"), m.group("rev"))
            elif self.command == "GET" and (m := _MODEL_INFO.match(path)):
                self._model_info(m.group("repo"), m.group("rev") or "main")
            elif self.command in ("GET", "HEAD") and (m := _RESOLVE.match(path)):
                self._resolve(m.group("repo"), m.group("rev"), m.group("path"))
            else:
                self._error(404, "NotFound")

        def _resolve(self, repo_id: str, rev: str, path: str) -> None:
            repo = self._repo(repo_id, rev)
            if repo is None:
                return
            f = repo.files.get(path)
            if f is None:
                self._error(404, "EntryNotFound", repo.commit)
                return
            common = {"X-Repo-Commit": repo.commit}
            if f.lfs:
                self._send(302, {
                    **common,
                    "Location": f"{hub.cdn_url}/cdn/{repo.commit}/{path}",
                    "ETag": f'"{f.git_oid}"',
                    "X-Linked-Etag": f'"{f.sha256}"',
                    "X-Linked-Size": str(f.blob.size),
                })
            else:
                self._body(f, {**common, "ETag": f'"{f.git_oid}"'})

        def _paths_info(self, repo_id: str, rev: str) -> None:
            repo = self._repo(repo_id, rev)
            if repo is None:
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            out = []
            for p in form.get("paths", []):
                f = repo.files.get(p)
                if f is None:
                    continue
                item: dict[str, object] = {"type": "file", "path": p, "size": f.blob.size, "oid": f.git_oid}
                if f.lfs:
                    item["lfs"] = {"oid": f.sha256, "size": f.blob.size, "pointerSize": 134}
                out.append(item)
            self._send(200, {"Content-Type": "application/json"}, json.dumps(out).encode())

        def _model_info(self, repo_id: str, rev: str) -> None:
            repo = self._repo(repo_id, rev)
            if repo is None:
                return
            siblings = []
            for p, f in sorted(repo.files.items()):
                s: dict[str, object] = {"rfilename": p, "size": f.blob.size, "blobId": f.git_oid}
                if f.lfs:
                    s["lfs"] = {"sha256": f.sha256, "size": f.blob.size, "pointerSize": 134}
                siblings.append(s)
            body = {"id": repo_id, "sha": repo.commit, "private": False, "siblings": siblings}
            self._send(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    return Handler


def make_gguf(path: Path, megabytes: float = 16.0, seed: int = 0) -> Path:
    """A small, valid GGUF (llama-shaped metadata, random tensor bytes) for download tests."""
    from gguf import GGUFWriter

    rng = np.random.default_rng(seed)
    w = GGUFWriter(path, "llama")
    w.add_name("standin-small")
    w.add_block_count(2)
    w.add_context_length(2048)
    w.add_embedding_length(64)
    w.add_head_count(4)
    w.add_head_count_kv(2)
    w.add_file_type(1)
    n = int(megabytes * (1 << 20) / 2 / 4)
    for i in range(4):
        w.add_tensor(f"blk.{i}.weight", rng.standard_normal(n).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


__all__ = ["HubStandin", "make_gguf"]
