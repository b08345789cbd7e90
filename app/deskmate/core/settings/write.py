"""Change settings.toml the way a careful person would: only what was asked, comments and layout kept.

tomlkit edits the parsed document in place, so every other line, comment and blank stays
byte for byte. Before the new text replaces the file (atomically), it is read back with
the same parser and models as :mod:`.load`: the other tables must be unchanged, and the
change may not add a problem. A problem that was already in the file elsewhere does not
block an unrelated change; Deskmate never rewrites a key it was not asked to change.
A lock (between threads and between processes) keeps two writers from losing each other's change.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import filelock
import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, InlineTable, Table

from deskmate.core.fs import atomic_write

from .describe import Loc
from .errors import SettingsError
from .load import check, settings_path
from .toml import TomlFileError, parse_toml

Value = str | int | float | bool | None
Document = tomlkit.TOMLDocument

_thread_lock = threading.RLock()
# Another Deskmate (the CLI while the window runs) waits this long for a writer to finish.
LOCK_TIMEOUT = 30.0


def _same_place(loc: Loc, prefixes: Iterable[Loc]) -> bool:
    return any(loc[: len(p)] == p for p in prefixes)


def edit_settings(
    change: Callable[[Document], None],
    *,
    touched: Iterable[Loc],
    path: Path | None = None,
    expect: Callable[[dict[str, Any]], bool] | None = None,
) -> Path:
    """Apply ``change`` to the parsed document and write it back. Returns the settings file.

    ``touched`` are the places the change may alter (("engine", "n_ctx"), ("remote",)); anything
    else that differs afterwards means the edit went wrong and nothing is written. ``expect``
    checks that the new data holds what was asked.
    """
    path = path or settings_path()
    touched = tuple(touched)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _thread_lock, filelock.FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT):
            return _edit_locked(path, change, touched, expect)
    except filelock.Timeout:
        raise SettingsError(
            f"Another program has been changing {path} for {LOCK_TIMEOUT:g} seconds; nothing was saved. "
            "Try again in a moment."
        ) from None


def _edit_locked(
    path: Path,
    change: Callable[[Document], None],
    touched: tuple[Loc, ...],
    expect: Callable[[dict[str, Any]], bool] | None,
) -> Path:
    try:
        # newline="": the file's own line ends (a Windows-made file keeps its CRLF).
        with open(path, encoding="utf-8", newline="") if path.exists() else _no_file() as f:
            old_text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"{path} cannot be read ({e}); nothing was changed.") from None
    try:
        old_data = parse_toml(old_text, str(path))
        doc = tomlkit.parse(old_text)
    except (TomlFileError, TOMLKitError) as e:
        raise SettingsError(f"{e} Fix that line by hand before Deskmate changes the file.") from None
    try:
        change(doc)
        new_text = tomlkit.dumps(doc)
    except TOMLKitError:
        new_text = None
    if new_text is not None:
        new_text = _same_line_ends(old_text, new_text)
    try:
        new_data = None if new_text is None else parse_toml(new_text, str(path))
    except TomlFileError:
        new_data = None
    if new_data is None or _outside(old_data, touched) != _outside(new_data, touched) or (
        expect is not None and not expect(new_data)
    ):
        raise SettingsError(
            f"Deskmate could not safely change {path}; nothing was written. Edit the file by hand, or check "
            "that its tables are written as [table] headers (not dotted keys elsewhere)."
        )
    already = {p.loc for p in check(old_data, path).problems}
    for problem in check(new_data, path).problems:
        if problem.loc not in already or _same_place(problem.loc, touched):
            raise SettingsError(f"Nothing was saved. {problem.message}")
    if new_text != old_text:
        atomic_write(path, new_text)  # type: ignore[arg-type]  # not None once new_data parsed
    return path


def _no_file() -> io.StringIO:
    return io.StringIO("")


def _same_line_ends(old: str, new: str) -> str:
    """New lines end like the file's own, and a new last table brings no blank line to the file's end."""
    crlf = "\r\n" in old and old.count("\r\n") == old.count("\n")
    new = new.replace("\r\n", "\n")
    if new.endswith("\n\n") and not old.replace("\r\n", "\n").endswith("\n\n"):
        new = new.rstrip("\n") + "\n"
    return new.replace("\n", "\r\n") if crlf else new


def _outside(data: dict[str, Any], touched: tuple[Loc, ...]) -> dict[str, Any]:
    """``data`` without the touched places: what an edit must leave exactly as it was."""
    out: dict[str, Any] = {}
    for table, value in data.items():
        inner = [p[1:] for p in touched if p[:1] == (table,)]
        if any(not p for p in inner):
            continue
        if inner and isinstance(value, dict):
            value = {k: v for k, v in value.items() if (k,) not in inner}
            if not value:
                continue  # a table that holds only the changed key may come or go with it
        out[table] = value
    return out


def new_table(*, super_table: bool = False) -> Table:
    """An empty table that ends with a blank line, so whatever follows it stays apart."""
    table = tomlkit.table(is_super_table=super_table or None)
    if not super_table:
        table.add(tomlkit.nl())
    return table


def table_of(doc: Document, name: str, *, create: bool = True) -> Table | InlineTable | None:
    """The ``[name]`` table of the document (made at the end when missing and ``create``)."""
    if name not in doc:
        if not create:
            return None
        doc.add(name, new_table())
    table = doc[name]
    if not isinstance(table, (Table, InlineTable)):
        raise SettingsError(f"[{name}] in the settings file is not a table; write it as a [{name}] header line.")
    return table


def put(table: Table | InlineTable, key: str, value: Any) -> None:
    """Set ``key`` in place, or add it right after the table's last key.

    tomlkit alone would add it after the blank lines and comments that end the table, which
    usually introduce the next table.
    """
    if key in table or not isinstance(table, Table):
        table[key] = value
        return
    # Sub-tables ([remote.tasks], [[remote.endpoints]]) are written after the plain keys, whatever their order.
    keys = [k for k, item in table.value.body if k is not None and not isinstance(item, (Table, AoT))]
    if keys:
        table.value._insert_after(keys[-1], key, value)
    elif table.value.body:
        table.value._insert_at(0, key, value)
    else:
        table[key] = value


def set_values(changes: Iterable[tuple[str, str, Value]], path: Path | None = None) -> Path:
    """Set several ``(table, key, value)`` at once (``None`` removes the key): all are saved, or none."""
    changes = list(changes)

    def change(doc: Document) -> None:
        for table, key, value in changes:
            section = table_of(doc, table, create=value is not None)
            if section is None:
                continue
            if value is None:
                section.pop(key, None)
            else:
                put(section, key, value)

    def landed(data: dict[str, Any]) -> bool:
        for table, key, value in changes:
            section = data.get(table, {})
            if not isinstance(section, dict) or section.get(key) != value:
                return False
        return True

    return edit_settings(change, touched=[(t, k) for t, k, _ in changes], path=path, expect=landed)


def set_value(table: str, key: str, value: Value, path: Path | None = None) -> Path:
    """Set ``[table] key = value`` (``None`` removes the key). Returns the settings file."""
    return set_values([(table, key, value)], path)


def set_engine_model(model: str | os.PathLike[str] | None, path: Path | None = None) -> Path:
    """Make ``model`` the default model file (``None``: back to the built-in model)."""
    return set_value("engine", "model", None if model is None else str(Path(model)), path)
