"""Change the ``[remote]`` table: add, change, rename or remove a server; the default server; routes.

Each is one :func:`.write.edit_settings` call, so the rest of the file (and the other
servers' tables, comments included) stays as the user wrote it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, Table

from .errors import SettingsError
from .remote import MODES, EndpointError, Mode, RemoteEndpoint
from .write import Document, edit_settings, new_table, put

_REMOTE = (("remote",),)


def _remote(doc: Document) -> Table:
    if "remote" not in doc:
        doc.add("remote", new_table(super_table=True))
    remote = doc["remote"]
    if not isinstance(remote, Table):
        raise SettingsError("[remote] in the settings file is not a table; write it as a [remote] header line.")
    return remote


def _entries(remote: Table) -> AoT | Array | list[Any]:
    items = remote.get("endpoints", [])
    if not isinstance(items, (AoT, Array, list)):
        raise EndpointError("Remote endpoints must be written as [[remote.endpoints]] tables.")
    return items


def _names(items: AoT | Array | list[Any]) -> list[Any]:
    return [item.get("name") if isinstance(item, dict) else None for item in items]


def _value(v: Any) -> Any:
    # A table inside an endpoint (its extra fields) stays on one line, as people write it.
    if isinstance(v, dict):
        inline = tomlkit.inline_table()
        inline.update({k: _value(x) for k, x in v.items()})
        return inline
    return v


def _fill(table: Any, fields: dict[str, Any]) -> None:
    for k in [k for k in table if k not in fields]:
        del table[k]
    for k, v in fields.items():
        if table.get(k) != v:
            put(table, k, _value(v))


def _tidy(doc: Document) -> None:
    remote = doc.get("remote")
    if isinstance(remote, Table):
        if "endpoints" in remote and not len(remote["endpoints"]):
            del remote["endpoints"]
        if "tasks" in remote and not len(remote["tasks"]):
            del remote["tasks"]
        if not len(remote):
            del doc["remote"]


def save_endpoint(
    endpoint: RemoteEndpoint, *, replace: str | None = None, overwrite: bool = False, path: Path | None = None
) -> Path:
    """Add ``endpoint`` to settings.toml, or replace the one called ``replace`` (which may be a rename).

    An endpoint of the same name is an error unless ``overwrite`` (or it is the one replaced).
    """

    def change(doc: Document) -> None:
        remote = _remote(doc)
        items = _entries(remote)
        names = _names(items)
        if replace is not None and replace not in names:
            raise EndpointError(f"There is no remote server called '{replace}' to change.")
        if endpoint.name in names and endpoint.name != replace and not overwrite:
            raise EndpointError(f"A remote server called '{endpoint.name}' already exists. Choose another name.")
        target = replace if replace is not None else (endpoint.name if endpoint.name in names else None)
        new = endpoint.to_toml()
        if target is None:
            if "endpoints" not in remote:
                remote.append("endpoints", tomlkit.aot())
                items = remote["endpoints"]
            entry = new_table() if isinstance(items, AoT) else tomlkit.inline_table()
            _fill(entry, new)
            items.append(entry)
        else:
            _fill(items[names.index(target)], new)
            if endpoint.name != target and endpoint.name in names:  # renamed onto another one: overwritten
                del items[names.index(endpoint.name)]
        if replace is not None and replace != endpoint.name and remote.get("endpoint") == replace:
            put(remote, "endpoint", endpoint.name)
        _tidy(doc)

    return edit_settings(change, touched=_REMOTE, path=path)


def remove_endpoint(name: str, path: Path | None = None) -> Path:
    def change(doc: Document) -> None:
        remote = _remote(doc)
        items = _entries(remote)
        names = _names(items)
        if name not in names:
            raise EndpointError(f"There is no remote server called '{name}'.")
        del items[names.index(name)]
        if remote.get("endpoint") == name:
            del remote["endpoint"]
        _tidy(doc)

    return edit_settings(change, touched=_REMOTE, path=path)


def set_default_endpoint(name: str | None, path: Path | None = None) -> Path:
    def change(doc: Document) -> None:
        remote = _remote(doc)
        if name is None:
            remote.pop("endpoint", None)
        elif name not in _names(_entries(remote)):
            raise EndpointError(f"There is no remote server called '{name}'.")
        else:
            put(remote, "endpoint", name)
        _tidy(doc)

    return edit_settings(change, touched=_REMOTE, path=path)


def set_route(task_id: str | None, mode: Mode | None, path: Path | None = None) -> Path:
    """Set the default route (``task_id`` None) or one task's route (``mode`` None: back to the default)."""
    if mode is not None and mode not in MODES:
        raise SettingsError(f"A route must be one of {', '.join(MODES)} (got {mode!r}).")

    def change(doc: Document) -> None:
        remote = _remote(doc)
        if task_id is None:
            if mode is None:
                remote.pop("mode", None)
            else:
                put(remote, "mode", mode)
        else:
            if "tasks" not in remote:
                remote.append("tasks", new_table())
            tasks = remote["tasks"]
            if mode is None:
                tasks.pop(task_id, None)
            else:
                put(tasks, task_id, mode)
        _tidy(doc)

    return edit_settings(change, touched=_REMOTE, path=path)
