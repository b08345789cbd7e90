"""Load the shipped task catalog plus the user's own task files.

Every file, shipped or the user's, describes one category in the same schema:

    id = "writing"                       # category id
    name = { en = "Writing", zh = "写作" }  # needed only for a new category
    [[tasks]]
    id = "writing.slogan"
    ...

User files live in ``<data dir>/tasks/*.toml`` and are read in name order. A
file naming an existing category extends it; a task with an existing id
replaces the shipped one. A bad user file never stops the app: each problem
comes back as a :class:`TaskFileError` naming the file and the field, and every
valid task (even from the same file) still loads.
"""

from __future__ import annotations

import dataclasses
import threading
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import Field, ValidationError

from deskmate.core import paths
from deskmate.core.settings.toml import TomlFileError, read_toml

from .schema import CATEGORY_ID, Catalog, Category, Localized, Task, _Model


@dataclasses.dataclass(frozen=True)
class TaskFileError:
    file: Path
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class CatalogLoad(NamedTuple):
    catalog: Catalog
    errors: tuple[TaskFileError, ...]


class ShippedCatalogError(RuntimeError):
    """The catalog inside the package is broken: a bug in Deskmate, not the user's doing."""


class _CategoryFile(_Model):
    # Tasks stay raw here so that each is validated on its own and one bad task spares the rest.
    id: str = Field(pattern=CATEGORY_ID)
    name: Localized | None = None
    description: Localized | None = None
    system: Localized | None = None
    order: int | None = None
    tasks: list[dict[str, Any]] = []


def user_tasks_dir() -> Path:
    return paths.data_dir() / "tasks"


def shipped_files() -> list[Path]:
    data = resources.files(__package__) / "data"
    return sorted(Path(str(f)) for f in data.iterdir() if f.name.endswith(".toml"))


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a person reads it: list items by their id or name when they have one."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            key = item.get("id") or item.get("name") if isinstance(item, dict) else None
            out += f"[{key}]" if isinstance(key, str) and key else f"[{part}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def validation_errors(file: Path, prefix: str, raw: Any, error: ValidationError) -> list[TaskFileError]:
    """Pydantic's errors for ``raw`` as the catalog reports them (also the task editor's, user_tasks.py)."""
    found = []
    for e in error.errors(include_url=False):
        # Union members ("str" vs a table) repeat one mistake; the location up to them is what matters.
        loc = tuple(p for p in e["loc"] if p not in ("str", "Localized", "function-before[_plain_string()]"))
        where = _where(raw, loc)
        found.append(TaskFileError(file, f"{prefix}{where}" if where else prefix.rstrip("."), e["msg"]))
    # Deduplicate while keeping order: unions can report the same field twice.
    return list(dict.fromkeys(found))


class _Builder:
    def __init__(self) -> None:
        self.headers: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Task]] = {}
        self.errors: list[TaskFileError] = []

    def add_file(self, file: Path) -> None:
        try:
            raw = read_toml(file)
        except TomlFileError as e:
            self.errors.append(TaskFileError(file, "", e.reason.removeprefix("is ")))
            return
        try:
            head = _CategoryFile.model_validate(raw)
        except ValidationError as e:
            # Without a valid header the tasks have no category to join.
            self.errors += [
                dataclasses.replace(err, message=err.message + " (nothing from this file was loaded)")
                for err in validation_errors(file, "", raw, e)
            ]
            return
        if head.id not in self.headers and head.name is None:
            self.errors.append(TaskFileError(file, "name", f"'{head.id}' is a new category, so it needs a name"))
            return
        header = self.headers.setdefault(head.id, {"id": head.id})
        for key in ("name", "description", "system", "order"):
            if getattr(head, key) is not None:
                header[key] = getattr(head, key)
        tasks = self.tasks.setdefault(head.id, {})
        seen: set[str] = set()
        for index, raw_task in enumerate(head.tasks):
            label = raw_task.get("id") if isinstance(raw_task.get("id"), str) else str(index)
            prefix = f"tasks[{label}]."
            try:
                task = Task.model_validate(raw_task)
            except ValidationError as e:
                self.errors += validation_errors(file, prefix, raw_task, e)
                continue
            if task.category_id != head.id:
                self.errors.append(
                    TaskFileError(file, prefix + "id", f"must start with '{head.id}.' (the file's category)")
                )
                continue
            if task.id in seen:
                self.errors.append(TaskFileError(file, prefix + "id", "this id appears twice in the file"))
                continue
            seen.add(task.id)
            tasks[task.id] = task  # a later file's task replaces an earlier one with the same id

    def build(self) -> Catalog:
        categories = []
        for cid, header in self.headers.items():
            system = header.get("system")
            # Tasks inherit the category's system prompt so a task stands alone once loaded.
            tasks = tuple(
                t if t.system is not None or system is None else t.model_copy(update={"system": system})
                for t in self.tasks.get(cid, {}).values()
            )
            if tasks:
                categories.append(Category.model_validate({**header, "tasks": tasks}))
        return Catalog(categories=tuple(sorted(categories, key=lambda c: (c.order, c.id))))


def load_catalog(user_dir: Path | None = None, *, include_user: bool = True) -> CatalogLoad:
    """The shipped catalog merged with the user's task files, and every problem found in those files."""
    builder = _Builder()
    for file in shipped_files():
        builder.add_file(file)
    if builder.errors:
        raise ShippedCatalogError("The built-in task catalog is invalid:\n" + "\n".join(map(str, builder.errors)))
    if include_user:
        folder = user_dir if user_dir is not None else user_tasks_dir()
        if folder.is_dir():
            for file in sorted(folder.glob("*.toml")):
                builder.add_file(file)
    return CatalogLoad(builder.build(), tuple(builder.errors))


_cache_lock = threading.Lock()
_cache: tuple[tuple[Any, ...], CatalogLoad] | None = None


def _signature(folder: Path) -> tuple[Any, ...]:
    try:
        files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        return (str(folder), *((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    except OSError:
        return (str(folder), "unreadable")


def current() -> CatalogLoad:
    """The catalog (with errors), loaded once and reloaded when the user's task files change."""
    global _cache
    folder = user_tasks_dir()
    sig = _signature(folder)
    with _cache_lock:
        if _cache is None or _cache[0] != sig:
            _cache = (sig, load_catalog(folder))
        return _cache[1]


def default_catalog() -> Catalog:
    return current().catalog
