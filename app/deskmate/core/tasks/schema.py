"""The task catalog's data model, validated when a catalog file is loaded.

A prompt is a template: ``{name}`` is a declared variable; ``[[ ... ]]`` is an
optional block, dropped when any variable inside it is empty, so an optional
detail never leaves a dangling "Audience: " in the prompt. Nothing else is
special, so prompts can show JSON or code braces freely.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
OutputKind = Literal["text", "table", "diff", "json", "translation", "image-prompt"]

CATEGORY_ID = r"^[a-z][a-z0-9_]*$"
TASK_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
# A global hotkey as pynput reads it: one or more modifiers, then one key ("<ctrl>+<alt>+t", "<ctrl>+<shift>+<f5>").
HOTKEY = r"^(<(ctrl|alt|shift|cmd)>\+)+(<[a-z0-9_]+>|[a-z0-9])$"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
OPTIONAL_BLOCK = re.compile(r"\[\[(.*?)\]\]", re.S)

# Constrained generation with an unbounded schema can run until max_tokens on
# a weak model; bounds keep a json task's answer finite and parseable.
_MAX_ITEMS = 200
_MAX_LENGTH = 20_000


def _error(kind: str, message: str) -> PydanticCustomError:
    # A custom error keeps the message free of pydantic's "Value error," prefix.
    return PydanticCustomError(kind, message)


class _Model(BaseModel):
    # extra="forbid" turns a misspelt key in a user's file into an error naming it.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Model):
    """Text in English and Simplified Chinese; either alone is allowed and stands in for the other."""

    en: str | None = None
    zh: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value, "zh": value}
        if not isinstance(value, (dict, Localized)):
            raise _error("localized_type", 'give a text, or a table such as { en = "...", zh = "..." }')
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> "Localized":
        if not ((self.en or "").strip() or (self.zh or "").strip()):
            raise _error("localized_empty", "give the text in at least one language (en or zh)")
        return self

    def get(self, lang: str) -> str:
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return (first if first and first.strip() else second or "").strip()

    @property
    def complete(self) -> bool:
        return bool((self.en or "").strip() and (self.zh or "").strip())


class Keywords(_Model):
    """Routing words.

    English ones match whole words, plurals included (a trailing ``*`` matches
    any ending); ones with Chinese characters match anywhere, as Chinese has no
    spaces between words.
    """

    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()
    # Verbs that act on a text ("translate", "summarise") name the job, while the
    # nouns beside them ("email", "report") only name the material; a weight
    # above 1 lets the job win those ties.
    weight: float = Field(1.0, gt=0.0, le=5.0)

    @field_validator("en", "zh")
    @classmethod
    def _no_blanks(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        if any(not w.strip() or w.strip() == "*" for w in words):
            raise _error("keyword_blank", "keywords may not be empty")
        return tuple(w.strip() for w in words)

    def all(self) -> Iterator[str]:
        yield from self.en
        yield from self.zh


class Variable(_Model):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    label: Localized
    required: bool = True
    default: Localized | None = None
    multiline: bool = False

    def default_for(self, lang: str) -> str:
        return self.default.get(lang) if self.default else ""


def template_problems(template: str, variables: tuple[Variable, ...]) -> list[str]:
    """What is wrong with one prompt template, given the task's declared variables."""
    problems: list[str] = []
    outside = OPTIONAL_BLOCK.sub("", template)
    if "[[" in outside or "]]" in outside:
        problems.append("an optional block '[[' has no matching ']]' (or the reverse)")
    for block in OPTIONAL_BLOCK.findall(template):
        if "[[" in block:
            problems.append("optional blocks [[...]] cannot be nested")
        if not PLACEHOLDER.search(block):
            problems.append(f"the optional block [[{block.strip()}]] holds no {{variable}}, so it would always show")
    declared = {v.name: v for v in variables}
    used = set(PLACEHOLDER.findall(template))
    for name in sorted(used - declared.keys()):
        problems.append(f"{{{name}}} is not a declared variable (declared: {', '.join(declared) or 'none'})")
    for name in [n for n in declared if n not in used]:
        problems.append(f"variable '{name}' is declared but the prompt never uses {{{name}}}")
    for var in variables:
        if not var.required and var.default is None and var.name in set(PLACEHOLDER.findall(outside)):
            problems.append(
                f"optional variable '{var.name}' has no default, so it must sit inside an optional block [[...]]"
            )
    return problems


def bounds_problems(schema: Any, where: str = "$") -> list[str]:
    """Arrays need maxItems and strings need maxLength (or an enum), so a constrained answer always ends."""
    if not isinstance(schema, dict):
        return [f"{where}: a schema must be an object"]
    problems: list[str] = []
    types = schema.get("type")
    types = set(types) if isinstance(types, list) else {types}
    if "enum" in schema or "const" in schema:
        return problems
    if "array" in types:
        limit = schema.get("maxItems")
        if not isinstance(limit, int) or not 0 < limit <= _MAX_ITEMS:
            problems.append(f"{where}: an array needs maxItems between 1 and {_MAX_ITEMS}")
        problems += bounds_problems(schema.get("items"), f"{where}[]")
    if "string" in types:
        limit = schema.get("maxLength")
        if not isinstance(limit, int) or not 0 < limit <= _MAX_LENGTH:
            problems.append(f"{where}: a string needs maxLength between 1 and {_MAX_LENGTH}")
    if "object" in types:
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            problems.append(f"{where}: an object needs its properties listed")
        else:
            for key, sub in props.items():
                problems += bounds_problems(sub, f"{where}.{key}")
    if types == {None}:
        problems.append(f"{where}: give a type")
    return problems


class Task(_Model):
    id: str = Field(pattern=TASK_ID)
    name: Localized
    description: Localized | None = None
    system: Localized | None = None
    # Declared before `prompt` so the prompt's check can see them.
    variables: tuple[Variable, ...] = ()
    prompt: Localized
    output: OutputKind = "text"
    creativity: float = Field(0.5, ge=0.0, le=1.0)
    # Long or hard jobs that a bigger remote model should take when one is configured.
    heavy: bool = False
    max_tokens: int | None = Field(None, ge=16, le=32768)
    keywords: Keywords = Keywords()
    json_schema: dict[str, Any] | None = Field(None, validate_default=True)
    # A quick action runs the task on the clipboard text (its first field) from the palette, the tray,
    # `deskmate quick <id>` and its own hotkey, if it has one.
    quick: bool = False
    hotkey: str | None = None

    @field_validator("hotkey")
    @classmethod
    def _hotkey(cls, combo: str | None, info: ValidationInfo) -> str | None:
        if combo is not None and not re.match(HOTKEY, combo):
            raise _error("hotkey", f"“{combo}” is not a key combination; give modifiers and one key, "
                         "such as <ctrl>+<alt>+t")
        if combo is not None and info.data.get("quick") is False:
            raise _error("hotkey_not_quick", "only a quick action (quick = true) has a hotkey")
        return combo

    @field_validator("quick")
    @classmethod
    def _quick_input(cls, quick: bool, info: ValidationInfo) -> bool:
        if quick and "variables" in info.data and not info.data["variables"]:
            raise _error("quick_input", "a quick action needs a field for the text it works on (the clipboard)")
        return quick

    @field_validator("variables")
    @classmethod
    def _unique_names(cls, variables: tuple[Variable, ...]) -> tuple[Variable, ...]:
        names = [v.name for v in variables]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise _error("variable_duplicate", f"variable names must be unique; repeated: {', '.join(dupes)}")
        return variables

    @field_validator("prompt")
    @classmethod
    def _template(cls, prompt: Localized, info: ValidationInfo) -> Localized:
        if "variables" not in info.data:
            return prompt  # the variables already failed; that error names them
        problems = []
        same = prompt.en == prompt.zh  # a plain-string prompt: report its problems once
        for lang in LANGS[:1] if same else LANGS:
            text = getattr(prompt, lang)
            if text and text.strip():
                found = template_problems(text, info.data["variables"])
                problems += found if same else [f"{lang}: {p}" for p in found]
        if problems:
            raise _error("template", "; ".join(problems))
        return prompt

    @field_validator("output")
    @classmethod
    def _output_variables(cls, output: str, info: ValidationInfo) -> str:
        names = [v.name for v in info.data.get("variables", ())]
        if output in ("diff", "translation") and not names:
            raise _error("output_text", f"a task with output = \"{output}\" needs a variable for the text it works on")
        if output == "translation" and "target" not in names:
            raise _error("translation_target", 'a task with output = "translation" needs a variable named '
                         '"target" (the language to translate into)')
        return output

    @field_validator("json_schema", mode="before")
    @classmethod
    def _json_text(cls, value: Any) -> Any:
        # A schema may be written as a JSON string in TOML, which reads better than nested tables.
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as e:
                raise _error("schema_json", f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
        return value

    @field_validator("json_schema")
    @classmethod
    def _schema_matches_output(cls, schema: dict[str, Any] | None, info: ValidationInfo) -> dict[str, Any] | None:
        output = info.data.get("output")
        if output == "json" and schema is None:
            raise _error("schema_missing", "a task with output = \"json\" needs a json_schema")
        if output is not None and output != "json" and schema is not None:
            raise _error("schema_unexpected", f"only output = \"json\" takes a json_schema (this one is {output!r})")
        if schema is not None:
            problems = bounds_problems(schema)
            if problems:
                raise _error("schema_unbounded", "; ".join(problems))
        return schema

    @property
    def category_id(self) -> str:
        return self.id.split(".", 1)[0]

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)


class Category(_Model):
    id: str = Field(pattern=CATEGORY_ID)
    name: Localized
    description: Localized | None = None
    system: Localized | None = None
    # Menus list categories by this, then by id; the user's new ones come after the shipped ones.
    order: int = 1000
    tasks: tuple[Task, ...] = ()

    @model_validator(mode="after")
    def _task_ids(self) -> "Category":
        ids = [t.id for t in self.tasks]
        strays = [i for i in ids if not i.startswith(self.id + ".")]
        if strays:
            raise _error(
                "task_prefix", f"task ids in category '{self.id}' must start with '{self.id}.': {', '.join(strays)}"
            )
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise _error("task_duplicate", f"task ids must be unique; repeated: {', '.join(dupes)}")
        return self


class UnknownTaskError(KeyError):
    """A task id the catalog does not have; the message suggests close ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown task"


class Catalog(_Model):
    categories: tuple[Category, ...] = ()
    _tasks: dict[str, Task] = PrivateAttr(default_factory=dict)
    _categories: dict[str, Category] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique(self) -> "Catalog":
        ids = [c.id for c in self.categories]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise _error("category_duplicate", f"category ids must be unique; repeated: {', '.join(dupes)}")
        return self

    def model_post_init(self, __context: Any) -> None:
        self._categories = {c.id: c for c in self.categories}
        self._tasks = {t.id: t for c in self.categories for t in c.tasks}

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._tasks

    def __len__(self) -> int:
        return len(self._tasks)

    def ids(self) -> list[str]:
        return list(self._tasks)

    def tasks(self) -> list[Task]:
        return list(self._tasks.values())

    def get(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    def task(self, task_id: str) -> Task:
        found = self._tasks.get(task_id)
        if found is None:
            import difflib

            close = difflib.get_close_matches(task_id, self._tasks, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else " `deskmate tasks list` shows them all."
            raise UnknownTaskError(f"There is no task '{task_id}'.{hint}")
        return found

    def category(self, category_id: str) -> Category:
        found = self._categories.get(category_id)
        if found is None:
            raise UnknownTaskError(f"There is no category '{category_id}'.")
        return found

    def category_of(self, task_id: str) -> Category:
        return self.category(self.task(task_id).category_id)
