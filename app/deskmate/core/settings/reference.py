"""The list of every settings key, made from the models: the README's "Settings" table.

``python -m deskmate.core.settings`` prints it; tests/core/test_settings.py fails when the README's copy differs.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .describe import extra_of, default_of, expectation, is_model, toml_literal
from .schema import Settings

README_BEGIN = "<!-- settings: made by `python -m deskmate.core.settings`; do not edit by hand -->"
README_END = "<!-- settings: end -->"


@dataclasses.dataclass(frozen=True)
class KeyDoc:
    table: str  # as its header is written: "[engine]", "[[remote.endpoints]]"
    key: str
    takes: str
    default: str
    description: str


def _default_text(value: Any) -> str:
    if value is PydanticUndefined:
        return "(required)"
    if value is None or value == {} or value == ():
        return "(unset)"
    return toml_literal(value)


def keys(model: type[BaseModel] = Settings, header: str = "", path: str = "") -> Iterator[KeyDoc]:
    """Every key under ``model``, in declaration order, a table's own keys before its sub-tables."""
    later: list[tuple[str, str, Any]] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        annotation = info.annotation
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        sub = f"{path}.{key}" if path else key
        if is_model(annotation):
            later.append((f"[{sub}]", sub, annotation))
        elif origin in (tuple, list) and args and is_model(args[0]):
            later.append((f"[[{sub}]]", sub, args[0]))
        elif origin is dict and "key" in extra_of(info):
            later.append((f"[{sub}]", sub, info))
        else:
            yield KeyDoc(header, key, expectation(annotation, info), _default_text(default_of(info)),
                         info.description or "")
    for sub_header, sub, what in later:
        if is_model(what):
            yield from keys(what, sub_header, sub)
        else:  # a table of free keys, e.g. [remote.tasks]: task id = route
            value = typing.get_args(what.annotation)[1]
            yield KeyDoc(sub_header, str(extra_of(what)["key"]), expectation(value), "(unset)", what.description or "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The README's table of settings (between its two marker lines)."""
    lines = [
        README_BEGIN,
        "| Table | Key | Takes | Default | What it does |",
        "| --- | --- | --- | --- | --- |",
    ]
    for k in keys():
        lines.append(f"| `{k.table}` | `{k.key}` | {_cell(k.takes)} | `{_cell(k.default)}` | {_cell(k.description)} |")
    lines.append(README_END)
    return "\n".join(lines) + "\n"
