"""The connection test behind `deskmate remote test` and the endpoint dialog's Test button."""

from __future__ import annotations

import dataclasses
import time

from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.errors import AuthError, EngineError

from .client import OFFLINE_MESSAGE, OfflineModeError, RemoteClient, offline_mode


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
    # Where it ended, for a front end that words the report itself: offline, probe, chat, cancelled, ok.
    stage: str = "ok"

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
        return ConnectionReport(False, str(e), error=e, stage="offline")
    t0 = time.monotonic()
    try:
        probe = client.probe()
    except EngineError as e:
        return ConnectionReport(False, str(e), error=e, stage="probe")
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
                probe.models, probe.kind, probe.server, listed, None, model_listed, e, stage="chat",
            )
        if result.finish_reason == "cancelled":
            return ConnectionReport(False, "The test was cancelled.", probe.models, probe.kind, probe.server, listed,
                                    stage="cancelled")
        chat_seconds = time.monotonic() - t1
        parts.append(f"A one-token test answer took {chat_seconds:.2f} s.")
    return ConnectionReport(True, " ".join(parts), probe.models, probe.kind, probe.server, listed, chat_seconds,
                            model_listed)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
