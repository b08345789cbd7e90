"""Text embeddings from a local GGUF embedding model, run in a supervised child process.

Core code (the documents index, ``deskmate serve``) calls :meth:`LocalEmbedder.embed`
and never imports llama_cpp: the child is the same engine host as the chat model,
started with ``--embedding`` (``Llama(embedding=True)``, see host.py), and answers
OpenAI's ``/v1/embeddings`` (embedding_api.py). An embedding instance cannot also
generate text, so this is always a second process beside the chat engine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .errors import ConnectionFailedError, EngineStoppedError, ProtocolError
from .openai_client import Endpoint, OpenAIClient
from .supervisor import EngineConfig, Listener, Supervisor, describe_exit

# Texts per request: large enough to fill llama.cpp's batch, small enough that one
# answer (JSON of base64 vectors) stays a few megabytes.
BATCH = 64


def embedding_config(model: str | os.PathLike[str], *, threads: int = 0, n_ctx: int = 0,
                     log_path: Path | None = None, runtime_dir: Path | None = None,
                     role: str = "embedding") -> EngineConfig:
    return EngineConfig(model=Path(model), n_ctx=n_ctx, threads=threads, alias=Path(model).stem,
                        log_path=log_path, runtime_dir=runtime_dir, role=role, embedding=True)


class LocalEmbedder:
    """``embed(texts) -> list of unit-length vectors``; the child starts on first use and restarts if it dies."""

    def __init__(self, config: EngineConfig, listener: Listener | None = None) -> None:
        if not config.embedding:
            raise ValueError("LocalEmbedder needs an EngineConfig with embedding=True (see embedding_config)")
        self.config = config
        self.supervisor = Supervisor(config, listener)

    @classmethod
    def for_model(cls, model: str | os.PathLike[str], **kw: object) -> "LocalEmbedder":
        """With the app's engine log and runtime folder, like the chat engine."""
        from deskmate.core import paths

        kw.setdefault("log_path", paths.log_dir() / "embedding.log")
        kw.setdefault("runtime_dir", paths.runtime_dir())
        return cls(embedding_config(model, **kw))  # type: ignore[arg-type]

    @property
    def model_name(self) -> str:
        return self.config.alias

    def start(self) -> None:
        self.supervisor.start()

    def wait_ready(self, timeout: float | None = None) -> Endpoint:
        return self.supervisor.wait_ready(timeout)

    def endpoint(self) -> Endpoint:
        return self.wait_ready()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order. Raises RequestRejectedError for a text too long for the model."""
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            out += self._embed_batch(list(texts[start : start + BATCH]))
        return out

    def _embed_batch(self, texts: list[str]) -> list[list[float]]:
        # A child that died (say, the out-of-memory killer) has lost nothing we cannot
        # redo: embedding is a pure function, so wait for the restart and ask once more.
        for attempt in (1, 2):
            endpoint = self.supervisor.wait_ready()
            pid = self.supervisor.pid
            try:
                return OpenAIClient(endpoint, name="embedding").embed(texts)
            except (ConnectionFailedError, ProtocolError):
                code = self.supervisor.process_exit(wait=2.0) if self.supervisor.pid == pid else None
                if self.supervisor.pid == pid and code is None:
                    raise  # the process lives: the failure is not a crash
                if attempt == 2:
                    how = describe_exit(code) if code is not None else "it was restarted"
                    raise EngineStoppedError(
                        f"The embedding engine stopped twice while embedding ({how}). "
                        "If the computer is short of memory, close other programs and try again.") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.supervisor.stop()

    def __enter__(self) -> "LocalEmbedder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
