"""One Deskmate per user: the running app answers `deskmate quick` over a local socket.

Protocol: one JSON object per line each way. The client sends
``{"action": "shorter", "to": null, "text": "...", "write_clipboard": true}`` and
receives ``{"ok": true, "text": "...", "html": "", "notice": "", ...}`` or
``{"ok": false, "error": "a sentence for the person"}``. ``{"action": "ping"}``
answers ``{"ok": true, "pong": true}``; ``{"action": "palette", "text": ...}``
asks the app to show its quick palette; ``{"action": "engine"}`` answers where the
app's local engine listens, with its key (for `deskmate serve`; see core/serve/sources.py).

The server runs each request's work on a Python thread (never the GUI thread)
and writes the answer back from the GUI thread. Qt's local socket is a Unix
domain socket (a named pipe on Windows), private to the user.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

# A request holds at most a 1 MB text; JSON escaping can triple it.
MAX_REQUEST_BYTES = 4_000_000

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def server_name() -> str:
    """Per user and per Deskmate home, so tests and a second profile never answer each other."""
    from deskmate.core import paths

    try:
        user = getpass.getuser()
    except Exception:  # no login name (some containers)
        user = "user"
    key = hashlib.sha1(f"{user}\0{paths.config_dir()}".encode()).hexdigest()[:12]
    return f"deskmate-{key}"


def result_mime(text: str, html: str = "") -> QMimeData:
    """Clipboard data for a result: plain text, plus HTML when there is a table."""
    mime = QMimeData()
    mime.setText(text)
    if html:
        mime.setHtml(html)
    return mime


def copy_mime(source: QMimeData | None) -> QMimeData:
    """A deep copy of clipboard data (every format), kept for Undo."""
    out = QMimeData()
    if source is None:
        return out
    if source.hasImage():
        out.setImageData(source.imageData())
    for fmt in source.formats():
        data = source.data(fmt)
        if not data.isEmpty():
            out.setData(fmt, data)
    return out


def quick_handler(client_for: Callable[[], Any], engine_for: Callable[[], Any] = lambda: None) -> Handler:
    """A handler that runs quick actions on ``client_for()`` (the app's warm engine).

    ``{"action": "engine"}`` asks where ``engine_for()`` (the app's local engine) listens,
    so `deskmate serve` can share it instead of loading the model a second time."""

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        from deskmate.core.quick import run_action

        if request.get("action") == "engine":
            from deskmate.core.serve.sources import share_info

            return share_info(engine_for())
        client = client_for()
        if client is None:
            return {"ok": False, "error": "Deskmate has no model loaded. Choose a model in Deskmate first."}
        run = run_action(client, str(request.get("action", "")), str(request.get("text") or ""),
                         to=request.get("to") or None)
        return {"ok": True, **run.run().to_json()}

    return handle


class InstanceServer(QObject):
    """Listens on ``server_name()``; each request runs ``handler`` on a thread."""

    paletteRequested = Signal(str)  # text (may be empty: use the clipboard)
    # A result replaced the clipboard: (response, the clipboard before it, every format) for a notice with Undo.
    clipboardReplaced = Signal(object, object)
    answered = Signal(object, object)  # request, response (GUI thread, before the reply is sent)
    _done = Signal(object, object, object)  # socket, request, response

    def __init__(self, handler: Handler, parent: QObject | None = None, *, name: str | None = None,
                 write_clipboard: bool = True) -> None:
        super().__init__(parent)
        self.handler = handler
        self.name = name or server_name()
        self.write_clipboard = write_clipboard
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self._done.connect(self._reply, Qt.ConnectionType.QueuedConnection)
        self.error = ""

    def listen(self) -> bool:
        """Start listening. False (and ``error`` says why) when another Deskmate already answers."""
        try:
            alive = send_request({"action": "ping"}, timeout=1.0, name=self.name) is not None
        except (TimeoutError, ValueError):
            alive = True  # it took the connection: someone is listening, just busy
        if alive:
            self.error = "Another Deskmate is already running for this user."
            return False
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
        if self.server.listen(self.name):
            return True
        self.error = f"Deskmate could not listen for quick actions: {self.server.errorString()}"
        return False

    def close(self) -> None:
        self.server.close()
        for sock in list(self._buffers):
            sock.abort()
        self._buffers.clear()

    # --- connections ------------------------------------------------------------
    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._forget(s))

    def _forget(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        buf = self._buffers.get(sock)
        if buf is None:
            return
        buf += bytes(sock.readAll().data())
        if len(buf) > MAX_REQUEST_BYTES:
            self._send(sock, {"ok": False, "error": "The request is too large (the limit is 1 MB of text)."})
            return
        if b"\n" not in buf:
            return
        line = bytes(buf.split(b"\n", 1)[0])
        self._buffers[sock] = bytearray()  # one request per connection
        try:
            request = json.loads(line.decode("utf-8"))
            if not isinstance(request, dict):
                raise ValueError
        except ValueError:
            self._send(sock, {"ok": False, "error": "Deskmate did not understand the request (not a JSON object)."})
            return
        action = request.get("action")
        if action == "ping":
            self._send(sock, {"ok": True, "pong": True})
            return
        if action == "palette":
            self.paletteRequested.emit(str(request.get("text") or ""))
            self._send(sock, {"ok": True, "shown": True})
            return
        threading.Thread(target=self._work, args=(sock, request), name="deskmate-quick-ipc", daemon=True).start()

    def _work(self, sock: QLocalSocket, request: dict[str, Any]) -> None:
        from deskmate.ui.background import describe_error

        try:
            response = self.handler(request)
        except BaseException as e:  # noqa: BLE001 - the client must hear about every failure
            response = {"ok": False, "error": describe_error(e)}
        self._done.emit(sock, request, response)

    def _reply(self, sock: QLocalSocket, request: dict[str, Any], response: dict[str, Any]) -> None:
        if response.get("ok") and self.write_clipboard and request.get("write_clipboard") \
                and not response.get("cancelled") and response.get("text"):
            from PySide6.QtGui import QGuiApplication

            clipboard = QGuiApplication.clipboard()
            before = copy_mime(clipboard.mimeData())
            # The long-lived app owns the clipboard, so the result stays after the CLI exits.
            clipboard.setMimeData(result_mime(response["text"], response.get("html", "")))
            response = {**response, "clipboard": True}
            self.clipboardReplaced.emit(response, before)
        self.answered.emit(request, response)
        if sock in self._buffers:
            self._send(sock, response)

    def _send(self, sock: QLocalSocket, response: dict[str, Any]) -> None:
        sock.write(QByteArray(json.dumps(response, ensure_ascii=False).encode("utf-8") + b"\n"))
        sock.flush()
        sock.disconnectFromServer()


def send_request(request: dict[str, Any], *, timeout: float = 180.0, name: str | None = None) -> dict[str, Any] | None:
    """Ask the running Deskmate; None when none answers (then run headless).

    Blocking; fine in a command-line process. Raises TimeoutError when an instance
    took the request but did not answer within ``timeout`` seconds."""
    sock = QLocalSocket()
    sock.connectToServer(name or server_name())
    if not sock.waitForConnected(1000):
        return None
    sock.write(QByteArray(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n"))
    sock.waitForBytesWritten(5000)
    data = bytearray()
    deadline = time.monotonic() + timeout
    while b"\n" not in data:
        left = int((deadline - time.monotonic()) * 1000)
        if left <= 0:
            sock.abort()
            raise TimeoutError(f"Deskmate did not answer within {timeout:.0f} seconds.")
        if sock.bytesAvailable() or sock.waitForReadyRead(min(left, 500)):
            data += bytes(sock.readAll().data())
        elif sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
            data += bytes(sock.readAll().data())
            break
    sock.abort()
    if not data.strip():
        return None  # it went away without answering
    return json.loads(bytes(data).split(b"\n", 1)[0].decode("utf-8"))
