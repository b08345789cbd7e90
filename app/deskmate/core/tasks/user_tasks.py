"""A person's own tasks, made in the window: one TOML file each in the folder the catalog reads.

    ut = UserTask(name_en="Polite reply", instruction="Reply politely to:\\n{message}",
                  fields=(UserField("message", "Message", kind="text"),))
    problems(ut)                 # [] or FieldProblem(part, message) per editor part
    task = save(ut)              # <data>/tasks/mine.polite_reply.toml, validated first, written atomically
    preview(ut, {"message": "Thanks!"})   # the prompt exactly as a run renders it
    list_user_tasks(); rename(task.id, "Kind reply", "礼貌回复"); delete(task.id)

Every file holds the "My tasks" category header and one task, so each stands alone and the
catalog (catalog.py) loads it like any user file: what is validated here is what it reads.
Files this module did not write (a person's hand-made ones) are read by the catalog as before and
are never touched here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import tomlkit
from pydantic import ValidationError

from deskmate.core.fs import atomic_write
from deskmate.core.settings.toml import TomlFileError, parse_toml, read_toml

from . import catalog as _catalog
from .render import render
from .schema import Task

CATEGORY = "mine"
CATEGORY_NAME = {"en": "My tasks", "zh": "我的任务"}
# A person's own tasks come first in the tree: they made them to use them.
CATEGORY_ORDER = 1
# Output kinds the editor offers (json needs a schema, image-prompt belongs to the Images tab).
OUTPUT_KINDS: tuple[str, ...] = ("text", "table", "diff", "translation")
FieldKind = Literal["line", "text"]


@dataclasses.dataclass(frozen=True)
class UserField:
    name: str  # the {name} in the instruction; made from the label when empty
    label_en: str
    label_zh: str = ""
    kind: FieldKind = "line"  # "text": several lines (a pasted text)
    required: bool = True
    default: str = ""

    def label(self, lang: str = "en") -> str:
        first, second = (self.label_zh, self.label_en) if lang == "zh" else (self.label_en, self.label_zh)
        return (first or second).strip()


@dataclasses.dataclass(frozen=True)
class UserTask:
    name_en: str = ""
    name_zh: str = ""
    instruction: str = ""
    fields: tuple[UserField, ...] = ()
    output: str = "text"
    creativity: float = 0.5
    quick: bool = False
    hotkey: str = ""  # pynput form, "<ctrl>+<alt>+t"; see hotkey_from_keys for "Ctrl+Alt+T"
    keywords: tuple[str, ...] = ()  # words that pick the task in the request box (its names when empty)
    id: str = ""  # "mine.<slug>"; empty until first saved


@dataclasses.dataclass(frozen=True)
class FieldProblem:
    """One thing to fix, for the editor part it belongs to: "name", "instruction", "output",
    "creativity", "quick", "hotkey", "keywords", or "field:<index>" (a field, by its position)."""

    part: str
    message: str
    label: str = ""  # the field's label, for a field's problem

    def __str__(self) -> str:
        return f"{self.label}: {self.message}" if self.label else self.message


class UserTaskError(ValueError):
    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = list(problems)


def folder() -> Path:
    return _catalog.user_tasks_dir()


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = "_".join(words)[:40].strip("_")
    return slug if slug and slug[0].isalpha() else (f"t_{slug}" if slug else "")


def field_name(f: UserField, index: int) -> str:
    return f.name.strip() or _slug(f.label_en) or f"field{index + 1}"


def hotkey_from_keys(keys: str) -> str:
    """A Qt key sequence as written ("Ctrl+Alt+T", "Ctrl+Shift+F5") in pynput's form ("<ctrl>+<alt>+t")."""
    parts = [p.strip().lower() for p in keys.split("+") if p.strip()]
    if not parts:
        return ""
    names = {"meta": "cmd", "win": "cmd", "super": "cmd", "control": "ctrl"}
    *mods, key = parts
    out = [f"<{names.get(m, m)}>" for m in mods]
    out.append(key if len(key) == 1 else f"<{key}>")
    return "+".join(out)


def hotkey_to_keys(combo: str) -> str:
    """pynput's "<ctrl>+<alt>+t" as a person reads it: "Ctrl+Alt+T"."""
    return "+".join(p.strip("<>").capitalize() if len(p.strip("<>")) > 1 else p.upper()
                    for p in combo.split("+") if p)


def _prompt(ut: UserTask) -> str:
    """The instruction, with every field it does not mention added after it, so a person can write
    "Make this polite" and still have the text go in (an optional field only when filled)."""
    prompt = ut.instruction.strip()
    for i, f in enumerate(ut.fields):
        name = field_name(f, i)
        if "{" + name + "}" in prompt:
            continue
        label = f.label("en") or name
        if f.required or f.default:
            prompt += f"\n\n{{{name}}}" if f.kind == "text" else f"\n\n{label}: {{{name}}}"
        else:
            prompt += f"\n\n[[{label}: {{{name}}}]]"
    return prompt


def _localized(en: str, zh: str) -> dict[str, str] | str:
    en, zh = en.strip(), zh.strip()
    return {k: v for k, v in (("en", en), ("zh", zh)) if v} or ""


def raw_task(ut: UserTask, task_id: str) -> dict[str, Any]:
    """The task's table as the file holds it (the catalog's own keys)."""
    variables = []
    for i, f in enumerate(ut.fields):
        var: dict[str, Any] = {"name": field_name(f, i), "label": _localized(f.label_en, f.label_zh)}
        if not f.required:
            var["required"] = False
        if f.default.strip():
            var["default"] = f.default.strip()
        if f.kind == "text":
            var["multiline"] = True
        variables.append(var)
    words = [w.strip() for w in ut.keywords if w.strip()] or [ut.name_en.strip(), ut.name_zh.strip()]
    raw: dict[str, Any] = {"id": task_id, "name": _localized(ut.name_en, ut.name_zh)}
    if variables:
        raw["variables"] = variables
    raw["prompt"] = _prompt(ut)
    raw["output"] = ut.output
    raw["creativity"] = round(float(ut.creativity), 2)
    en = [w for w in words if w and w.isascii()]
    zh = [w for w in words if w and not w.isascii()]
    if en or zh:
        # A person names their own task in a request ("polite reply to …"): its name should win.
        raw["keywords"] = {"en": en, "zh": zh, "weight": 2.0}
    if ut.quick:
        raw["quick"] = True
    if ut.hotkey.strip():
        raw["hotkey"] = ut.hotkey.strip()
    return raw


def _inline(value: Any) -> Any:
    # { en = "...", zh = "..." } on one line, as the shipped catalog writes names and labels.
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update(value)
        return table
    return value


def _file_text(raw: dict[str, Any]) -> str:
    doc = tomlkit.document()
    doc.add(tomlkit.comment("Made in Deskmate's task editor. Edit it there, or here by hand."))
    doc["id"] = CATEGORY
    doc["name"] = _inline(CATEGORY_NAME)
    doc["order"] = CATEGORY_ORDER
    table = tomlkit.table()
    for key, value in raw.items():
        if key == "variables":
            value = [_inline({k: _inline(v) for k, v in var.items()}) for var in value]
            array = tomlkit.array()
            array.extend(value)
            array.multiline(True)
            value = array
        elif key == "prompt" and "\n" in value:
            value = tomlkit.string(value, multiline=True)
        table[key] = _inline(value)
    tasks = tomlkit.aot()
    tasks.append(table)
    doc["tasks"] = tasks
    text = tomlkit.dumps(doc)
    return text


def _part(ut: UserTask, where: str) -> tuple[str, str]:
    """The editor part (and the field's label) for a catalog error location such as "variables[topic].label"."""
    head = where.split(".", 1)[0].split("[", 1)[0]
    if head == "variables":
        m = re.match(r"variables\[([^\]]+)\]", where)
        key = m.group(1) if m else ""
        for i, f in enumerate(ut.fields):
            if key in (field_name(f, i), str(i)):
                return f"field:{i}", f.label() or field_name(f, i)
        return "fields", ""
    return {"prompt": "instruction", "id": "name"}.get(head, head), ""


def _check_raw(ut: UserTask, raw: dict[str, Any], path: Path) -> Task:
    """Validate with the catalog's own schema, from the very text that will be written."""
    text = _file_text(raw)
    try:
        reread = parse_toml(text, str(path))
    except TomlFileError as e:  # cannot happen with tomlkit's output; said plainly if it ever does
        raise UserTaskError([FieldProblem("name", e.reason)]) from None
    try:
        return Task.model_validate(reread["tasks"][0])
    except ValidationError as e:
        found = []
        for err in _catalog.validation_errors(path, "", raw, e):
            part, label = _part(ut, err.field)
            # The schema's words where they name file keys, in the editor's words.
            message = err.message.replace("the prompt never uses", "the instruction never uses")
            found.append(FieldProblem(part, message, label))
        raise UserTaskError(found) from None


def problems(ut: UserTask) -> list[FieldProblem]:
    """Everything to fix before the task can be saved; empty when it can."""
    try:
        _validated(ut)
    except UserTaskError as e:
        return e.problems
    return []


def _validated(ut: UserTask) -> Task:
    found: list[FieldProblem] = []
    if not (ut.name_en.strip() or ut.name_zh.strip()):
        found.append(FieldProblem("name", "give the task a name (in English, Chinese or both)"))
    if not ut.instruction.strip():
        found.append(FieldProblem("instruction", "write what the model should do"))
    if ut.output not in OUTPUT_KINDS:
        found.append(FieldProblem("output", f"choose one of: {', '.join(OUTPUT_KINDS)}"))
    for i, f in enumerate(ut.fields):
        if not f.label().strip():
            found.append(FieldProblem(f"field:{i}", "give the field a label", f"#{i + 1}"))
    if found:
        raise UserTaskError(found)
    task_id = ut.id or f"{CATEGORY}.draft"
    return _check_raw(ut, raw_task(ut, task_id), folder() / f"{task_id}.toml")


def preview(ut: UserTask, values: Mapping[str, str] | None = None, *, lang: str = "en") -> str:
    """The prompt a run sends for these field values (render(), the run's own code); a field with
    no value shows as ‹its label›. Raises UserTaskError while the task cannot be saved."""
    task = _validated(ut)
    given = dict(values or {})
    filled = {}
    for v in task.variables:
        value = str(given.get(v.name) or "").strip()
        if not value and v.required and not v.default:
            value = f"‹{v.label.get(lang)}›"
        filled[v.name] = value
    messages, _ = render(task, filled, lang=lang)
    return str(messages[-1]["content"])


def _new_id(ut: UserTask, where: Path) -> str:
    base = _slug(ut.name_en) or "task"
    taken = {p.stem for p in where.glob(f"{CATEGORY}.*.toml")} if where.is_dir() else set()
    candidate, n = f"{CATEGORY}.{base}", 2
    while candidate in taken:
        candidate, n = f"{CATEGORY}.{base}_{n}", n + 1
    return candidate


def path_of(task_id: str, where: Path | None = None) -> Path:
    if not re.fullmatch(rf"{CATEGORY}\.[a-z][a-z0-9_]*", task_id):
        raise UserTaskError([FieldProblem("name", f"“{task_id}” is not one of your tasks")])
    return (where or folder()) / f"{task_id}.toml"


def save(ut: UserTask, where: Path | None = None) -> Task:
    """Validate and write the task's file (a new id for a new task). Returns the task as the catalog reads it."""
    where = where or folder()
    _validated(ut)
    task_id = ut.id or _new_id(ut, where)
    path = path_of(task_id, where)
    raw = raw_task(ut, task_id)
    task = _check_raw(ut, raw, path)
    where.mkdir(parents=True, exist_ok=True)
    atomic_write(path, _file_text(raw))
    return task


def from_task(task: Task, lang: str = "en", *, values: Mapping[str, str] | None = None,
              instruction: str = "", mine: bool | None = None) -> UserTask:
    """An editor's starting point from any task: its fields with ``values`` as their defaults, and
    its prompt (plus ``instruction``, e.g. a conversation's refinement). A task of one's own keeps
    its id (editing it); any other becomes a new task of one's own."""
    given = dict(values or {})
    fields = tuple(
        UserField(v.name, v.label.en or v.label.get("en"), v.label.zh or "", "text" if v.multiline else "line",
                  v.required, str(given.get(v.name) or v.default_for(lang) or "").strip())
        for v in task.variables)
    prompt = task.prompt.get(lang)
    if instruction.strip():
        prompt = f"{prompt}\n\n{instruction.strip()}"
    own = task.category_id == CATEGORY if mine is None else mine
    suffix = ("", "") if own else (" (mine)", "（我的）")
    return UserTask(
        name_en=(task.name.en or "") + suffix[0] if task.name.en else "",
        name_zh=(task.name.zh or "") + suffix[1] if task.name.zh else "",
        instruction=prompt, fields=fields,
        output=task.output if task.output in OUTPUT_KINDS else "text", creativity=task.creativity,
        quick=task.quick, hotkey=(task.hotkey or "") if own else "",
        keywords=tuple(task.keywords.all()) if own else (), id=task.id if own else "")


def _read(path: Path) -> Task | None:
    try:
        raw = read_toml(path)
        return Task.model_validate(raw["tasks"][0])
    except (TomlFileError, ValidationError, KeyError, IndexError, TypeError):
        return None  # the catalog reports a broken file with its field; here it is simply not listed


def list_user_tasks(where: Path | None = None) -> list[Task]:
    """The tasks made in the editor, by name (broken files are left to the catalog's error report)."""
    where = where or folder()
    if not where.is_dir():
        return []
    found = [t for t in (_read(p) for p in sorted(where.glob(f"{CATEGORY}.*.toml"))) if t is not None]
    return sorted(found, key=lambda t: t.name.get("en").lower())


def load(task_id: str, where: Path | None = None) -> UserTask:
    task = _read(path_of(task_id, where))
    if task is None:
        raise UserTaskError([FieldProblem("name", f"your task “{task_id}” is missing or cannot be read")])
    return from_task(task, mine=True)


def rename(task_id: str, name_en: str, name_zh: str = "", where: Path | None = None) -> Task:
    ut = load(task_id, where)
    renamed_words = () if set(ut.keywords) <= {ut.name_en, ut.name_zh} else ut.keywords
    return save(dataclasses.replace(ut, name_en=name_en, name_zh=name_zh, keywords=renamed_words), where)


def delete(task_id: str, where: Path | None = None) -> None:
    path = path_of(task_id, where)
    if not path.exists():
        raise UserTaskError([FieldProblem("name", f"your task “{task_id}” is already gone")])
    path.unlink()


__all__ = [
    "CATEGORY",
    "FieldProblem",
    "OUTPUT_KINDS",
    "UserField",
    "UserTask",
    "UserTaskError",
    "delete",
    "from_task",
    "hotkey_from_keys",
    "hotkey_to_keys",
    "list_user_tasks",
    "load",
    "preview",
    "problems",
    "rename",
    "save",
]
