"""The library's embedder: the engine's embedding child (``core/engines/embedding.py``) as an ``Embedder``.

The model is named by its file (``bge-small-zh-v1.5-q8_0``); that name is stored with each
collection, so vectors from two models are never compared and a change of model re-embeds.

A model also knows the languages it reads (``languages``): an English-only model turns most
Chinese characters into "unknown", so its vector for a Chinese question is noise and the
library searches that question by keyword alone.
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
        self.languages = model_languages(self.path)

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


def model_languages(path: Path) -> frozenset[str] | None:
    """The languages the model reads (ISO 639-1 codes), or None when nothing says (then it is trusted with all).

    The catalog's word comes first (checked for the models it lists), then the file's own
    ``general.languages``, which llama.cpp's converter copies from the model card's ``language``.
    """
    from deskmate.core.engines.errors import EngineError
    from deskmate.core.engines.gguf_check import check_gguf
    from deskmate.core.models.catalog import CatalogError, load_catalog

    try:
        entry = next((m for m in load_catalog().embeddings if m.file == path.name), None)
    except CatalogError:
        entry = None
    if entry is not None and entry.languages:
        return frozenset(entry.languages)
    try:
        listed = check_gguf(path).metadata.get("general.languages")
    except EngineError:
        return None  # the engine that loads it says what is wrong with the file
    if isinstance(listed, list) and listed:
        return frozenset(str(code).strip().lower()[:2] for code in listed)
    return None


_CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})


def reads(languages: frozenset[str] | None, main: str) -> bool:
    """Whether a model reading ``languages`` (None: unknown) reads a text whose ``chunking.main_language``
    is ``main``: "zh" needs Chinese (or Japanese); "en" stands for any text in Latin letters."""
    if languages is None:
        return True
    if main == "zh":
        return bool(languages & {"zh", "ja"})
    return bool(languages - _CJK_LANGUAGES)


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
