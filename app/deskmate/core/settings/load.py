"""Read settings.toml: every problem named by file, table and key, with what to write instead.

:func:`load_settings` refuses a file with any problem (the command line stops with the
message). :func:`load_settings_leniently` is for the window: each wrong key falls back to
its default, the rest of the file still counts, and the problems are returned to be shown.
Neither ever writes the file.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from .describe import Loc, error_loc, explain, toml_literal
from .early import settings_path
from .errors import SettingsError
from .remote import EndpointError
from .schema import Settings
from .toml import TomlFileError, parse_toml


@dataclasses.dataclass(frozen=True)
class SettingsProblem:
    loc: Loc  # where in the file: ("engine", "n_ctx"), ("remote", "endpoints", 0, "base_url")
    message: str  # the whole sentence, file name first

    @property
    def table(self) -> str:
        return str(self.loc[0]) if self.loc else ""

    def __str__(self) -> str:
        return self.message


class Loaded(NamedTuple):
    settings: Settings
    problems: tuple[SettingsProblem, ...]


_DROP = object()
# Past this many rounds of "drop the wrong keys and check again" something is circular: give up on the file.
_MAX_ROUNDS = 20


def where(loc: Loc, data: dict[str, Any]) -> str:
    """A place in the file as its author finds it: ``[engine] n_ctx``, ``[[remote.endpoints]] "tiger" model``."""
    if not loc:
        return ""
    table, rest = f"[{loc[0]}]", loc[1:]
    if loc[0] == "remote" and len(loc) >= 2 and loc[1] in ("endpoints", "tasks"):
        table, rest = f"[remote.{loc[1]}]", loc[2:]
        if loc[1] == "endpoints":
            table = "[[remote.endpoints]]"
            if rest and isinstance(rest[0], int):
                entry = _get(data, loc[:3])
                name = entry.get("name") if isinstance(entry, dict) else None
                table += f" {json.dumps(name, ensure_ascii=False)}" if isinstance(name, str) else f" number {rest[0] + 1}"
                rest = rest[1:]
    keys = [toml_literal(p) if isinstance(p, str) and not p.replace("_", "").isalnum() else str(p) for p in rest]
    return table + (" " + ".".join(keys) if keys else "")


def _get(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _drop(data: dict[str, Any], loc: Loc) -> None:
    # A server with a wrong field is left out whole: half an endpoint is no endpoint.
    if loc[:2] == ("remote", "endpoints") and len(loc) > 3:
        loc = loc[:3]
    parent = _get(data, loc[:-1])
    last = loc[-1]
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        parent[last] = _DROP
    elif isinstance(parent, dict):
        parent.pop(last, None)  # type: ignore[call-overload]


def _purge(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _purge(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_purge(v) for v in node if v is not _DROP]
    return node


def check(data: dict[str, Any], source: Path | str) -> Loaded:
    """Validate parsed settings: each wrong key is reported and replaced by its default."""
    data = copy.deepcopy(data)
    problems: list[SettingsProblem] = []
    for _ in range(_MAX_ROUNDS):
        try:
            return Loaded(Settings.model_validate(data), tuple(problems))
        except ValidationError as e:
            found = []
            for err in e.errors():
                loc = error_loc(err)
                secret_risk = loc[:2] == ("remote", "endpoints")  # never echo what might be a key
                text = explain(Settings, err, echo=not secret_risk, top="table")
                found.append(SettingsProblem(loc, f"{source} {where(loc, data)}: {text}"))
            for problem in found:
                _drop(data, problem.loc)
            problems += found
            data = _purge(data)
    return Loaded(Settings(), tuple(problems))


def read_settings_data(path: Path) -> dict[str, Any]:
    """The parsed file ({} when there is none); SettingsError when it cannot be read or is not TOML."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(f"{path} cannot be read: it is not UTF-8 text (save it as UTF-8).") from None
    except OSError as e:
        raise SettingsError(f"{path} cannot be read: {e.strerror or e}.") from None
    try:
        return parse_toml(text, str(path))
    except TomlFileError as e:
        raise SettingsError(f"{e} Fix that line; until then Deskmate uses its default settings.") from None


def load_settings_leniently(path: Path | None = None) -> Loaded:
    """The settings with a default for every key that is wrong, and the problems to show."""
    path = path or settings_path()
    try:
        data = read_settings_data(path)
    except SettingsError as e:
        return Loaded(Settings(), (SettingsProblem((), str(e)),))
    return check(data, path)


def load_settings(path: Path | None = None) -> Settings:
    """The settings; SettingsError (EndpointError for [remote]) naming every wrong key when there is one."""
    path = path or settings_path()
    settings, problems = check(read_settings_data(path), path)
    if problems:
        error = EndpointError if problems[0].table == "remote" else SettingsError
        raise error("\n".join(p.message for p in problems))
    return settings
