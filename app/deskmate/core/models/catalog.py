"""The catalog of recommended models (``data/catalog.toml``), validated on load.

A broken shipped catalog is a bug in Deskmate, so it raises :class:`CatalogError`
with the entry and field at fault instead of half-loading.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from deskmate.core.settings.toml import TomlFileError, parse_toml

REPO_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$"
SHA256 = r"^[0-9a-f]{64}$"


class CatalogError(RuntimeError):
    """The model catalog cannot be read or does not fit its schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Arch(_Strict):
    """What the memory estimate needs before the file is on disk."""

    layers: int = Field(gt=0)
    heads: int = Field(gt=0)
    kv_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    embedding: int = Field(gt=0)
    vocab: int = Field(gt=0)
    # The output layer reuses the embedding table, so decoding reads it for every token.
    tied_embeddings: bool = False


class CatalogEntry(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: str = Field(min_length=1)
    kind: Literal["text", "image", "embedding"]
    tier: Literal["standard", "light", "image", "embedding"]
    repo: str = Field(pattern=REPO_ID)
    file: str | None = None  # text and embedding: the one GGUF file
    files: tuple[str, ...] = ()  # image: glob patterns of the files to fetch
    size_bytes: int = Field(gt=0)
    size_exact: bool = True
    sha256: str | None = Field(default=None, pattern=SHA256)
    license: str = Field(min_length=1)
    parameters: int = Field(gt=0)
    quantization: str = Field(min_length=1)
    context_length: int | None = Field(default=None, gt=0)
    arch: Arch | None = None
    memory_bytes: int | None = Field(default=None, gt=0)
    dimensions: int | None = Field(default=None, gt=0)  # embedding: length of its vectors
    languages: tuple[str, ...] = ()
    description: dict[str, str] = {}

    @model_validator(mode="after")
    def _kind_fields(self) -> CatalogEntry:
        if self.kind == "text":
            if not self.file or not self.file.lower().endswith(".gguf"):
                raise ValueError("a text model needs 'file', the name of a .gguf file")
            if self.arch is None or self.context_length is None:
                raise ValueError("a text model needs 'arch' and 'context_length' for the memory estimate")
            if self.files:
                raise ValueError("'files' is for image models; a text model names one 'file'")
        elif self.kind == "embedding":
            # Documents search (core/docs): run with llama.cpp's embedding mode in a child process.
            if not self.file or not self.file.lower().endswith(".gguf"):
                raise ValueError("an embedding model needs 'file', the name of a .gguf file")
            if self.memory_bytes is None or self.dimensions is None:
                raise ValueError("an embedding model needs 'memory_bytes' and 'dimensions'")
            if self.files:
                raise ValueError("'files' is for image models; an embedding model names one 'file'")
        else:
            if not self.files:
                raise ValueError("an image model needs 'files', the patterns of the files to fetch")
            if self.memory_bytes is None:
                raise ValueError("an image model needs 'memory_bytes'")
            if self.file or self.sha256:
                raise ValueError("'file' and 'sha256' are for single-file text models")
        return self

    def describe(self, lang: str = "en") -> str:
        return self.description.get(lang) or self.description.get("en", "")


class Catalog(_Strict):
    schema_: int = Field(alias="schema", ge=1, le=1)
    models: tuple[CatalogEntry, ...]

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        seen: set[str] = set()
        for m in self.models:
            if m.id in seen:
                raise ValueError(f"model id {m.id!r} appears twice")
            seen.add(m.id)
        return self

    def get(self, model_id: str) -> CatalogEntry | None:
        return next((m for m in self.models if m.id == model_id), None)

    def find_file(self, repo: str, filename: str) -> CatalogEntry | None:
        return next((m for m in self.models if m.repo == repo and m.file == filename), None)

    @property
    def text(self) -> tuple[CatalogEntry, ...]:
        return tuple(m for m in self.models if m.kind == "text")

    @property
    def images(self) -> tuple[CatalogEntry, ...]:
        return tuple(m for m in self.models if m.kind == "image")

    @property
    def embeddings(self) -> tuple[CatalogEntry, ...]:
        return tuple(m for m in self.models if m.kind == "embedding")


def shipped_catalog_path() -> Path:
    return Path(str(resources.files(__package__) / "data" / "catalog.toml"))


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a person reads it: models by their id."""
    out, node = "", raw
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            key = node.get("id") if isinstance(node, dict) else None
            out += f"[{key or part}]"
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out += f".{part}" if out else str(part)
    return out


def parse_catalog(text: str, source: str = "catalog") -> Catalog:
    try:
        raw = parse_toml(text, source)
    except TomlFileError as e:
        raise CatalogError(str(e)) from None
    try:
        return Catalog.model_validate(raw)
    except ValidationError as e:
        problems = "; ".join(f"{_where(raw, err['loc'])}: {err['msg']}" for err in e.errors())
        raise CatalogError(f"{source} is invalid: {problems}") from None


@functools.lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    path = shipped_catalog_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise CatalogError(f"Cannot read the model catalog {path}: {e.strerror or e}. Reinstall Deskmate.") from None
    return parse_catalog(text, str(path))
