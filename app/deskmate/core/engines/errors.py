"""Typed engine errors.

Every message is written for the person in front of the app: what happened and
what to do next. Callers show ``str(error)`` as it is.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class. ``partial`` holds any text produced before the failure."""

    def __init__(self, message: str, *, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial

    @property
    def message(self) -> str:
        return str(self)


class ModelNotFoundError(EngineError):
    """The model file does not exist or cannot be read."""


class ModelInvalidError(EngineError):
    """The file exists but is not a usable GGUF model."""


class EngineStartError(EngineError):
    """The engine process could not be started or never became ready."""


class NotEnoughMemoryError(EngineStartError):
    """The model does not fit the memory this computer (or this session) has free."""


class EngineStoppedError(EngineError):
    """The engine process died while answering; partial text is kept."""


class EngineBusyError(EngineError):
    """Another request is running on an engine that serves one at a time."""


class ConnectionFailedError(EngineError):
    """The server could not be reached (refused, DNS, TLS, network)."""


class AuthError(EngineError):
    """The server rejected the API key."""


class RateLimitedError(EngineError):
    """The server asked us to slow down; ``retry_after`` is in seconds."""

    def __init__(self, message: str, *, partial: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, partial=partial)
        self.retry_after = retry_after


class ServerError(EngineError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, partial: str = "", status: int | None = None) -> None:
        super().__init__(message, partial=partial)
        self.status = status


class RequestRejectedError(ServerError):
    """The request itself was refused (too long for the context, bad parameters)."""


class StreamTimeoutError(EngineError):
    """The server went silent for longer than the allowed idle time."""


class ProtocolError(EngineError):
    """The server sent something that is not a valid OpenAI-style stream."""
