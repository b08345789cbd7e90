"""The models this computer has and could have, and how well each fits in its memory.

Installed models (the built-in one first), the catalog's recommended ones, the default, and a
fit verdict for each. `deskmate models list` and the window's Models dialog both show this
one overview, so they give the same verdicts.
"""

from __future__ import annotations

import dataclasses

from deskmate.core.engines.embedded import embedded_model_path
from deskmate.core.engines.errors import EngineError
from deskmate.core.settings import SettingsError, load_settings

from deskmate.core.engines import fit as fitmod
from .catalog import Catalog, CatalogEntry, CatalogError, load_catalog
from .registry import InstalledModel, Registry, RegistryError

BUILTIN = "builtin"
DEFAULT_N_CTX = 4096  # when settings.toml cannot be read (the problem is reported)


BADGES = {**fitmod.BADGES, "broken": "broken file", "missing": "file missing"}


@dataclasses.dataclass(frozen=True)
class InstalledRow:
    model: InstalledModel
    builtin: bool
    default: bool
    verdict: str  # fits | slow | tight | wont_fit | broken | missing | "" (unknown)
    note: str  # the fit estimate (or what is wrong with the file) in words
    speed: fitmod.Speed | None = None  # expected decode speed, text models only

    @property
    def badge(self) -> str:
        return BADGES.get(self.verdict, "")


@dataclasses.dataclass(frozen=True)
class RecommendedRow:
    entry: CatalogEntry
    fit: fitmod.Fit
    installed: bool


@dataclasses.dataclass(frozen=True)
class Overview:
    n_ctx: int
    memory: fitmod.MemoryInfo
    catalog: Catalog | None
    installed: tuple[InstalledRow, ...]
    recommended: tuple[RecommendedRow, ...]
    problems: tuple[str, ...]  # settings, catalog or registry trouble, in words; the rest still shows


def builtin_model(name: str = "Built-in small model") -> InstalledModel | None:
    """The model that ships with the app, as an installed model (None when its package is missing)."""
    try:
        p = embedded_model_path()
    except EngineError:
        return None
    return InstalledModel(BUILTIN, name, "text", str(p), p.stat().st_size, "folder", filename=p.name)


def installed_fit(m: InstalledModel, catalog: Catalog | None, n_ctx: int,
                  memory: fitmod.MemoryInfo) -> tuple[str, str, fitmod.Speed | None]:
    """(verdict, note, speed) for an installed model: its file's header for text models, the catalog for others."""
    if not m.present:
        return "missing", m.path, None
    if m.kind == "text":
        try:
            shape = fitmod.shape_from_gguf(m.path)
        except EngineError as e:
            return "broken", str(e), None
        if m.files:  # a split GGUF: the first part's header counts only its own tensors
            shape = dataclasses.replace(shape, weights_bytes=max(shape.weights_bytes, m.size), read_bytes=None)
        f = fitmod.assess(shape, n_ctx, memory)
        return f.verdict, f.message, f.speed
    entry = catalog.get(m.catalog_id) if catalog is not None and m.catalog_id else None
    if entry is None or entry.memory_bytes is None:
        return "", "", None
    f = fitmod.assess_bytes(m.name, entry.memory_bytes, memory)
    return f.verdict, f.message, None


def catalog_fit(e: CatalogEntry, n_ctx: int, memory: fitmod.MemoryInfo) -> fitmod.Fit:
    if e.kind == "text":
        return fitmod.assess(fitmod.shape_from_catalog(e), n_ctx, memory)
    return fitmod.assess_bytes(e.name, e.memory_bytes or 0, memory)


def overview(
    registry: Registry | None = None,
    *,
    n_ctx: int | None = None,
    memory: fitmod.MemoryInfo | None = None,
    catalog: Catalog | None = None,
    builtin_name: str = "Built-in small model",
) -> Overview:
    """Look at the disk, the catalog and the settings; what cannot be read goes into ``problems``."""
    problems: list[str] = []
    registry = registry or Registry()
    if n_ctx is None:
        try:
            n_ctx = load_settings().engine.n_ctx
        except SettingsError as e:
            problems.append(str(e))
            n_ctx = DEFAULT_N_CTX
    memory = memory or fitmod.system_memory()
    if catalog is None:
        try:
            catalog = load_catalog()
        except CatalogError as e:
            problems.append(str(e))
    try:
        models = registry.list()
    except RegistryError as e:
        problems.append(str(e))
        models = []
    if registry.problem:
        problems.append(registry.problem)
    try:
        default = registry.default_path()
    except SettingsError:
        default = None  # already reported, when n_ctx was read
    builtin = builtin_model(builtin_name)
    installed = []
    for m in ([builtin] if builtin else []) + models:
        verdict, note, speed = installed_fit(m, catalog, n_ctx, memory)
        is_default = (m is builtin and default is None) or (
            m is not builtin and m.kind == "text" and default is not None and registry.is_default(m))
        installed.append(InstalledRow(m, m is builtin, is_default, verdict, note, speed))
    have = {m.catalog_id for m in models if m.catalog_id} | {(m.repo, m.filename) for m in models}
    recommended = tuple(
        RecommendedRow(e, catalog_fit(e, n_ctx, memory), e.id in have or (e.repo, e.file) in have)
        for e in (catalog.models if catalog is not None else ())
    )
    return Overview(n_ctx, memory, catalog, tuple(installed), recommended, tuple(problems))
