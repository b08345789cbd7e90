"""Installed models: the files under ``<data dir>/models/`` and a small JSON registry beside them.

The registry remembers what the folder cannot tell: where a file came from (hub repo and
commit, or the imported original), its SHA-256 for ``verify``, and its catalog id. A
``.gguf`` someone dropped into the folder by hand still shows up (source ``folder``). The
file is rewritten atomically under a lock, so a GUI and a CLI can both change it.
The default model is not kept here but in settings.toml (``[engine] model``), where the
engine already looks.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from deskmate.core import paths
from deskmate.core.fs import atomic_write

REGISTRY_FILE = "registry.json"
Source = Literal["hub", "import", "folder"]


class RegistryError(Exception):
    """An installed-model operation failed; the message says what to do."""


class ModelNotInstalledError(RegistryError):
    pass


def models_dir() -> Path:
    return paths.data_dir() / "models"


@dataclasses.dataclass(frozen=True)
class InstalledModel:
    id: str
    name: str
    kind: Literal["text", "image", "embedding"]
    path: str  # the .gguf file, or the folder of an image model
    size: int
    source: Source
    sha256: str | None = None
    repo: str | None = None
    filename: str | None = None
    commit: str | None = None
    catalog_id: str | None = None
    original: str | None = None  # the imported file it was copied or linked from
    link: Literal["copy", "hardlink", "symlink"] | None = None
    added: float = 0.0
    # image models: relative path → checksum, one per file of the folder
    files: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def file(self) -> Path:
        return Path(self.path)

    @property
    def present(self) -> bool:
        return self.file.exists()

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> InstalledModel:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})  # type: ignore[arg-type]


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")
    return s or "model"


class Registry:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else models_dir()
        self.file = self.root / REGISTRY_FILE
        self.problem: str | None = None  # set when a damaged registry file was put aside

    # --- storage ---------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        import filelock

        self.root.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.file) + ".lock", timeout=30)
        try:
            with lock:
                yield
        except filelock.Timeout:
            raise RegistryError(f"The model registry {self.file} stayed locked by another Deskmate process.") from None

    def _read(self) -> list[InstalledModel]:
        try:
            raw = self.file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as e:
            raise RegistryError(f"Cannot read the model registry {self.file}: {e.strerror or e}.") from None
        try:
            data = json.loads(raw)
            return [InstalledModel.from_json(m) for m in data["models"]]
        except (ValueError, KeyError, TypeError) as e:
            # Keep the damaged file for a person to look at; the model files themselves are untouched
            # and reappear as "folder" models.
            aside = self.file.with_name(f"{REGISTRY_FILE}.damaged-{int(time.time())}")
            try:
                os.replace(self.file, aside)
            except OSError:
                pass
            self.problem = f"The model registry was damaged ({e}); it was kept as {aside.name} and started afresh."
            return []

    def _write(self, models: list[InstalledModel]) -> None:
        data = {"version": 1, "models": [m.to_json() for m in models]}
        atomic_write(self.file, json.dumps(data, ensure_ascii=False, indent=1))

    # --- queries -----------------------------------------------------------------------
    def registered(self) -> list[InstalledModel]:
        return self._read()

    def list(self) -> list[InstalledModel]:
        """Registered models plus any .gguf file found in the folder but not registered."""
        models = self._read()
        known = {os.path.normcase(os.path.abspath(m.path)) for m in models}
        ids = {m.id for m in models}
        if self.root.exists():
            for f in sorted(self.root.rglob("*.gguf")):
                if ".partial" in f.relative_to(self.root).parts:
                    continue
                if os.path.normcase(os.path.abspath(f)) in known:
                    continue
                mid = _unique(slug(f.stem), ids)
                ids.add(mid)
                models.append(
                    InstalledModel(mid, f.stem, "text", str(f), _size(f), "folder", filename=f.name, added=_mtime(f))
                )
        return models

    def get(self, ref: str) -> InstalledModel:
        """By id, or by the path of its file."""
        models = self.list()
        for m in models:
            if m.id == ref:
                return m
        p = os.path.normcase(os.path.abspath(os.path.expanduser(ref)))
        for m in models:
            if os.path.normcase(os.path.abspath(m.path)) == p:
                return m
        names = ", ".join(m.id for m in models) or "none"
        raise ModelNotInstalledError(f"No installed model is called {ref!r} (installed: {names}).")

    def new_id(self, wanted: str, for_path: str | os.PathLike[str] | None = None) -> str:
        """A free id; a file found in the folder does not block the id of its own registration."""
        mine = os.path.abspath(for_path) if for_path is not None else None
        return _unique(slug(wanted), {m.id for m in self.list() if os.path.abspath(m.path) != mine})

    # --- changes -----------------------------------------------------------------------
    def add(self, model: InstalledModel) -> InstalledModel:
        """Register (or re-register, by id or path) a model."""
        if not model.added:
            model = dataclasses.replace(model, added=time.time())
        with self._locked():
            models = [
                m for m in self._read()
                if m.id != model.id and os.path.abspath(m.path) != os.path.abspath(model.path)
            ]
            models.append(model)
            self._write(models)
        return model

    def default_path(self) -> Path | None:
        from deskmate.core.settings import load_settings

        model = load_settings().engine.model
        return Path(model) if model else None

    def is_default(self, model: InstalledModel) -> bool:
        default = self.default_path()
        return default is not None and _same(default, model.file)

    def set_default(self, ref: str) -> InstalledModel:
        from deskmate.core.settings import set_engine_model

        model = self.get(ref)
        if model.kind != "text":
            raise RegistryError(f"{model.name} is an {model.kind} model; the default chat model must be a text "
                                "(chat) model.")
        if not model.present:
            raise RegistryError(f"The file of {model.name} is missing ({model.path}); download or import it again.")
        set_engine_model(model.file)
        return model

    def remove(self, ref: str, delete_files: bool = True) -> tuple[InstalledModel, bool]:
        """Unregister a model and delete its file(s). Returns it and whether it was the default
        (the default then goes back to the built-in model)."""
        model = self.get(ref)
        was_default = self.is_default(model)
        if delete_files and model.present:
            self._delete_files(model)
        with self._locked():
            self._write([m for m in self._read() if m.id != model.id])
        if was_default:
            from deskmate.core.settings import set_engine_model

            set_engine_model(None)
        return model, was_default

    def _delete_files(self, model: InstalledModel) -> None:
        target = model.file
        if target.is_symlink() or model.link in ("hardlink", "symlink"):
            # Only our link goes; the user's original file stays where it was.
            target.unlink(missing_ok=True)
            return
        root = self.root.resolve()
        resolved = target.resolve()
        if root not in resolved.parents:
            raise RegistryError(
                f"{model.name} lives outside Deskmate's models folder ({target}); Deskmate does not delete it. "
                "Remove it from the list with --keep-file, and delete the file yourself if you want."
            )
        try:
            if resolved.is_dir():
                shutil.rmtree(resolved)
            else:
                for part in model.files:  # the other parts of a split GGUF
                    (resolved.parent / part).unlink(missing_ok=True)
                resolved.unlink(missing_ok=True)
        except OSError as e:
            raise RegistryError(
                f"Cannot delete {target}: {e.strerror or e}. If the model is in use, stop it (or close Deskmate) first."
            ) from None
        parent = resolved.parent
        if parent != root and root in parent.parents and not any(parent.iterdir()):
            parent.rmdir()


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


# --- verification ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Verification:
    model: InstalledModel
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def file_checksum(path: Path, kind: str, on_bytes: Callable[[int], None] | None = None) -> str:
    """``sha256`` of the bytes, or ``git-sha1``: git's blob id (SHA-1 of "blob <size>\\0" + bytes)."""
    import hashlib

    h = hashlib.sha256() if kind == "sha256" else hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(8 << 20), b""):
            h.update(block)
            if on_bytes:
                on_bytes(len(block))
    return h.hexdigest()


def verify(
    model: InstalledModel, *, quick: bool = False, on_bytes: Callable[[int], None] | None = None
) -> Verification:
    """Is the model still what was installed? ``quick`` skips hashing (sizes and the GGUF header only)."""
    from deskmate.core.engines.errors import EngineError
    from deskmate.core.engines.gguf_check import check_gguf

    problems: list[str] = []
    target = model.file
    if not target.exists():
        return Verification(model, (f"its file is missing ({target})",))
    if model.kind in ("text", "embedding"):
        size = _size(target)
        if model.size and not model.files and size != model.size:
            problems.append(f"its size changed from {model.size:,} to {size:,} bytes")
        try:
            check_gguf(target)
        except EngineError as e:
            problems.append(str(e))
        if not quick and model.sha256 and not model.files and not problems:
            digest = file_checksum(target, "sha256", on_bytes)
            if digest != model.sha256:
                problems.append(f"its SHA-256 is {digest}, not {model.sha256}: the file is damaged")
    if model.files:
        # Image folders, and the parts of a split GGUF (which sit beside the first part).
        folder = target if model.kind == "image" else target.parent
        for rel, checksum in sorted(model.files.items()):
            f = folder / rel
            kind, _, want = checksum.partition(":")
            if not f.exists():
                problems.append(f"{rel} is missing")
            elif not quick and file_checksum(f, kind, on_bytes) != want:
                problems.append(f"{rel} is damaged (checksum differs)")
    return Verification(model, tuple(problems))
