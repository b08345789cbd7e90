"""Change one value in settings.toml without disturbing the rest of the file.

There is no TOML writer among our dependencies, and rewriting the whole file from a
parsed dict would drop the user's comments. So this edits the one line in place
(or adds it), then proves the result: the new text must parse, hold exactly the new
value, and pass :func:`deskmate.core.settings.load_settings`, before it atomically
replaces the old file. A file it cannot edit safely is left untouched with a
:class:`SettingsError` that says what to change by hand.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path

from .settings import SettingsError, load_settings, settings_path

Value = str | int | bool | None
_MISSING = object()


def _toml_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # A JSON string is a valid TOML basic string (same escapes); keep non-ASCII paths readable.
    return json.dumps(value, ensure_ascii=False)


def _lookup(data: dict[str, object], table: str, key: str) -> object:
    section = data.get(table)
    if not isinstance(section, dict):
        return _MISSING
    return section.get(key, _MISSING)


def set_value(table: str, key: str, value: Value, path: Path | None = None) -> Path:
    """Set ``[table] key = value`` (``None`` removes the key). Returns the settings file."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", table) or not re.fullmatch(r"[A-Za-z0-9_-]+", key):
        raise ValueError("table and key must be bare TOML keys")
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"Cannot read {path}: {e}.") from None
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path} is not valid TOML ({e}); fix it before Deskmate changes it.") from None

    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]\s*(#.*)?$")
    any_header = re.compile(r"^\s*\[")
    key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
    new_line = None if value is None else f"{key} = {_toml_value(value)}\n"

    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        if new_line is not None:
            if lines and lines[-1].strip():
                lines.append("\n")
            lines += [f"[{table}]\n", new_line]
    else:
        end = next((j for j in range(start + 1, len(lines)) if any_header.match(lines[j])), len(lines))
        found = next((j for j in range(start + 1, end) if key_line.match(lines[j])), None)
        if found is not None:
            if new_line is None:
                del lines[found]
            else:
                lines[found] = new_line
        elif new_line is not None:
            # After the table's last non-blank line, so a blank separator stays where it was.
            at = end
            while at > start + 1 and not lines[at - 1].strip():
                at -= 1
            lines.insert(at, new_line)
    new_text = "".join(lines)

    try:
        parsed = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        parsed = None
    expected = _MISSING if value is None else value
    if parsed is None or _lookup(parsed, table, key) != expected:
        raise SettingsError(
            f"Deskmate could not safely change '{key}' in [{table}] of {path}. "
            f"Edit the file by hand: under [{table}], write {new_line.strip() if new_line else f'no {key} line'}."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(new_text)
            f.flush()
            os.fsync(f.fileno())
        try:
            load_settings(tmp)  # the app must still start with the new file
        except SettingsError as e:
            raise SettingsError(str(e).replace(str(tmp), str(path))) from None
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def set_engine_model(model: str | os.PathLike[str] | None, path: Path | None = None) -> Path:
    """Make ``model`` the default model file (``None``: back to the built-in model)."""
    return set_value("engine", "model", None if model is None else str(Path(model)), path)
