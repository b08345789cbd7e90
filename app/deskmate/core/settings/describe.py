"""Words for the settings models: what a key expects, an example line, and pydantic errors as plain advice.

The same text serves the error messages and the README's list of keys, so the two cannot drift.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .errors import SettingsError

Loc = tuple[str | int, ...]


def toml_literal(value: Any, limit: int = 60) -> str:
    """``value`` as it is written in a TOML file (shortened past ``limit`` characters)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = repr(value)
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(toml_literal(v, limit) for v in value) + "]"
    elif isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {toml_literal(v, limit)}" for k, v in value.items())
        text = "{ " + inner + " }" if inner else "{}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def field_name(model: type[BaseModel], key: str) -> str | None:
    """The attribute behind a key as written in the file (the alias, where there is one)."""
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return name
    return None


def file_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


@dataclasses.dataclass(frozen=True)
class Spot:
    """What the models say about one place in the file."""

    annotation: Any  # None: no such setting
    info: FieldInfo | None
    owner: type[BaseModel] | None  # the model whose key this is
    key: str | int


def spot(model: type[BaseModel], loc: Loc) -> Spot:
    annotation: Any = model
    info: FieldInfo | None = None
    owner: type[BaseModel] | None = None
    for part in loc:
        annotation = _strip_optional(annotation)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if is_model(annotation) and isinstance(part, str):
            owner = annotation
            name = field_name(annotation, part)
            if name is None:
                return Spot(None, None, owner, part)
            info = annotation.model_fields[name]
            annotation = info.annotation
        elif origin in (tuple, list) and isinstance(part, int):
            annotation, info = args[0], None
        elif origin is dict and isinstance(part, str):
            annotation, info = args[1], None
        else:
            return Spot(None, None, owner, part)
    return Spot(annotation, info, owner, loc[-1] if loc else "")


def _range(info: FieldInfo | None) -> str:
    lo = hi = None
    for m in info.metadata if info else ():
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
    if lo is not None and hi is not None:
        return f" from {_number(lo)} to {_number(hi)}"
    if lo is not None:
        return f" of {_number(lo)} or more"
    return ""


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def extra_of(info: FieldInfo | None) -> dict[str, Any]:
    extra = info.json_schema_extra if info else None
    return extra if isinstance(extra, dict) else {}


def expectation(annotation: Any, info: FieldInfo | None = None) -> str:
    """What a key takes, in words: "true or false", "a whole number from 256 to 1048576"…"""
    if "expect" in extra_of(info):
        return str(extra_of(info)["expect"])
    annotation = _strip_optional(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "a whole number" + _range(info)
    if annotation is float:
        return "a number" + _range(info)
    if annotation is str:
        return "text in quotes"
    if origin is Literal:
        words = [toml_literal(a) for a in args]
        return "one of " + ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
    if origin is dict:
        return "a table whose values are " + expectation(args[1])
    if origin in (tuple, list) and args and is_model(args[0]):
        return "tables"
    return getattr(annotation, "__name__", str(annotation))


def default_of(info: FieldInfo | None) -> Any:
    """The default value, or PydanticUndefined for a required key."""
    if info is None:
        return PydanticUndefined
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return info.default


def example_line(key: str, annotation: Any, info: FieldInfo | None) -> str:
    annotation = _strip_optional(annotation)
    k = _toml_key(key)
    if annotation is bool:
        return f"{k} = true or {k} = false"
    if info is not None and info.examples:
        return f"{k} = {toml_literal(info.examples[0])}"
    if typing.get_origin(annotation) is Literal:
        return f"{k} = {toml_literal(typing.get_args(annotation)[0])}"
    default = default_of(info)
    if default is not PydanticUndefined and default is not None:
        return f"{k} = {toml_literal(default)}"
    return ""


def _cause(err: Any) -> BaseException | None:
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    return cause if isinstance(cause, BaseException) else None


def error_loc(err: Any) -> Loc:
    """Where a pydantic error is, narrowed by a validator's ``at`` (a list index, a key)."""
    return tuple(err["loc"]) + tuple(getattr(_cause(err), "at", ()))


def explain(model: type[BaseModel], err: Any, *, echo: bool = True, top: str = "key") -> str:
    """A pydantic error as sentences: what is wrong and what to write instead (no file name or place).

    ``echo`` False leaves the wrong value out (it might be a secret). ``top`` "table" words a wrong
    key at the top of ``model`` as a table.
    """
    loc = error_loc(err)
    where = spot(model, loc)
    cause = _cause(err)
    key = str(where.key)
    found = f", not {toml_literal(err['input'])}" if echo and "input" in err else ""
    if isinstance(cause, SettingsError):
        return str(cause)
    if where.annotation is None and where.owner is not None:
        known = file_keys(where.owner)
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"Did you mean {close[0]}? " if close else ""
        if top == "table" and len(loc) == 1:
            tables = ", ".join(f"[{k}]" for k in known)
            return f"Deskmate has no such table (its tables are {tables}). {hint}Check the spelling, or delete it."
        return (f"Deskmate has no such setting (the keys here are: {', '.join(known)}). "
                f"{hint}Check the spelling, or delete the line.")
    if err["type"] in ("model_type", "model_attributes_type", "dict_type") and is_model(
        _strip_optional(where.annotation)
    ):
        return "This must be a table: a [header] line with key = value lines under it."
    line = example_line(key, where.annotation, where.info)
    if err["type"] == "missing":
        return "Missing: every entry needs one." + (f" Write for example {line}." if line else "")
    sentence = f"It must be {expectation(where.annotation, where.info)}{found}."
    default = default_of(where.info)
    if line:
        sentence += f" Write for example {line}"
        if default is not PydanticUndefined:
            sentence += ", or delete the line to use the default"
            sentence += f" ({toml_literal(default)})." if default is not None and default != {} else "."
        else:
            sentence += "."
    return sentence


def first_message(model: type[BaseModel], e: ValidationError, label: str) -> str:
    """The first problem of a model built in code (not read from a file), e.g. ``Endpoint 'tiger': …``."""
    errors = e.errors()
    if not errors:
        return f"{label}: {e}"
    err = errors[0]
    cause = _cause(err)
    if isinstance(cause, SettingsError) and not getattr(cause, "at", ()):
        return str(cause)  # a validator's own sentence names what it checked
    keys = [part for part in error_loc(err) if isinstance(part, str)]
    where = f"{label} {keys[-1]}" if keys else label
    return f"{where}: {explain(model, err)}"
