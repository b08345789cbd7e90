"""The library's embedder: the engine's embedding child (``core/engines/embedding.py``) as an ``Embedder``.

The model is named by its file (``bge-small-zh-v1.5-q8_0``); that name is stored with each
collection, so vectors from two models are never compared and a change of model re-embeds.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import DocsError

_CUTS = 6  # halvings tried for one passage too long for the model


class ModelEmbedder:
    def __init__(self, model: str | os.PathLike[str], *, threads: int = 0) -> None:
        from deskmate.core.engines.embedding import LocalEmbedder

        self.path = Path(model)
        if not self.path.is_file():
            raise DocsError(f"The embedding model {self.path} does not exist. `deskmate models pull "
                            "bge-small-zh-v1.5` downloads the one Deskmate recommends.")
        self._inner = LocalEmbedder.for_model(self.path, threads=threads)

    @property
    def name(self) -> str:
        return self._inner.model_name

    @property
    def pid(self) -> int | None:
        return self._inner.supervisor.pid

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        from deskmate.core.engines.errors import RequestRejectedError

        try:
            return np.asarray(self._inner.embed(list(texts)), dtype=np.float32)
        except RequestRejectedError:
            if len(texts) > 1:  # find the one that is too long; the others go as they are
                return np.vstack([self.embed([t]) for t in texts])
            return self._embed_cut(texts[0])

    def _embed_cut(self, text: str) -> np.ndarray:
        """A passage over the model's token limit (dense code, long URLs): embed its beginning, as others do."""
        from deskmate.core.engines.errors import RequestRejectedError

        for _ in range(_CUTS):
            text = text[: max(1, len(text) * 2 // 3)]
            try:
                return np.asarray(self._inner.embed([text]), dtype=np.float32)
            except RequestRejectedError:
                continue
        raise DocsError("A passage could not be embedded even when cut short.")

    def close(self) -> None:
        self._inner.close()


def installed_embedding_model() -> Path | None:
    """The embedding model installed through the model manager (`deskmate models pull bge-small-zh-v1.5`)."""
    from deskmate.core.models.registry import Registry, RegistryError

    try:
        models = Registry().list()
    except RegistryError:
        return None
    for m in models:
        if m.kind == "embedding" and m.present:
            return m.file
    return None


def open_embedder(model: str | os.PathLike[str] | None = None, *, threads: int = 0) -> ModelEmbedder | None:
    """``model``, else the installed embedding model; None when there is none (keyword search only)."""
    path = Path(os.path.expanduser(os.fspath(model))) if model is not None else installed_embedding_model()
    return ModelEmbedder(path, threads=threads) if path is not None else None
