"""Turn a catalog task and the user's values into chat messages and sampling settings."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from deskmate.core.engines.base import Message, Sampling, msg
from deskmate.core.engines.task_hint import TaskSampling

from . import creativity as _creativity
from .schema import LANGS, OPTIONAL_BLOCK, PLACEHOLDER, Catalog, Localized, Task, Variable

DEFAULT_SYSTEM = Localized(
    en="You are Deskmate, a careful and helpful office assistant.",
    zh="你是 Deskmate，一位细心、可靠的办公助手。",
)

# Answers the user waits for in a box; the kind says roughly how long they run.
_DEFAULT_MAX_TOKENS = {"text": 1024, "table": 1024, "diff": 1536, "json": 512, "translation": 1024, "image-prompt": 200}


class TaskInputError(ValueError):
    """A variable is missing or unknown; ``variable`` names it for the form that shows the error. The message
    names the task and its fields as the person sees them (their names in ``lang``), never by their ids."""

    def __init__(self, message: str, *, task_id: str, variable: str) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.variable = variable


# What the person must add, worded in the task's language: {task} and {fields} are the names shown in the form.
_NEEDS = {
    "text": {"en": "{task} needs some text in {fields}.", "zh": "“{task}”需要在{fields}中填写内容。"},
    "language": {"en": "{task} needs a language to translate into, in {fields} (for example English or zh).",
                 "zh": "“{task}”需要在{fields}中填写要译成的语言（例如 English 或 zh）。"},
    "bad_language": {"en": "{task}: {fields} says “{value}”, which is not a language Deskmate knows. Use a code "
                           "such as en, zh, fr, de, ja or an English name such as Spanish.",
                     "zh": "“{task}”：{fields}中的“{value}”不是 Deskmate 认识的语言。请填写语言代码（如 en、zh、fr、de、"
                           "ja）或英文名称（如 Spanish）。"},
}


def needs(kind: str, task: Task, fields: Sequence[Variable], lang: str, **more: str) -> TaskInputError:
    """The error for a task whose ``fields`` need (``kind``) something, named by their labels in ``lang``."""
    lang = lang if lang in ("en", "zh") else "en"
    quoted = [f"“{v.label.get(lang)}”" for v in fields]
    joined = "和".join(quoted) if lang == "zh" else " and ".join(quoted)
    message = _NEEDS[kind][lang].format(task=task.name.get(lang), fields=joined, **more)
    return TaskInputError(message, task_id=task.id, variable=fields[0].name)


def fill(template: str, values: Mapping[str, str]) -> str:
    """Drop optional blocks with an empty variable, then substitute in one pass.

    One pass matters: a value that itself contains ``{x}`` or ``[[`` is the user's
    text and must come out untouched.
    """

    def block(m: re.Match[str]) -> str:
        inner = m.group(1)
        keep = all(values.get(name, "").strip() for name in PLACEHOLDER.findall(inner))
        return inner if keep else ""

    kept = OPTIONAL_BLOCK.sub(block, template)
    # Tidy the template before the values go in: dropped blocks leave blank runs
    # and trailing spaces, but the user's own text must keep its exact layout.
    lines: list[str] = []
    for line in kept.strip().splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    tidy = "\n".join(lines).strip()
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), tidy)


def values_for(task: Task, variables: Mapping[str, object] | None, lang: str) -> dict[str, str]:
    """Every declared variable's value (given, else default, else empty), checked."""
    given = dict(variables or {})
    declared = [v.name for v in task.variables]
    unknown = sorted(set(given) - set(declared))
    if unknown:
        takes = ", ".join(declared) or "no variables"
        raise TaskInputError(
            f"Task {task.id} has no variable {', '.join(repr(u) for u in unknown)}; it takes: {takes}.",
            task_id=task.id,
            variable=unknown[0],
        )
    values: dict[str, str] = {}
    for var in task.variables:
        raw = given.get(var.name)
        text = "" if raw is None else str(raw)
        # Keep indentation (code) but not the blank lines and spaces around a pasted text.
        value = text.rstrip().lstrip("\r\n") if text.strip() else ""
        values[var.name] = value or var.default_for(lang)
    missing = [v for v in task.variables if v.required and not values[v.name]]
    if missing:
        raise needs("text", task, missing, lang)
    return values


def render(
    task: Task | str,
    variables: Mapping[str, object] | None = None,
    *,
    lang: str = "en",
    creativity: float | None = None,
    catalog: Catalog | None = None,
) -> tuple[list[Message], Sampling]:
    """Messages for the chat client and the sampling that matches the creativity (task default if None)."""
    if lang not in LANGS:
        raise ValueError(f"Language must be one of {', '.join(LANGS)}, not {lang!r}.")
    if isinstance(task, str):
        if catalog is None:
            from .catalog import default_catalog

            catalog = default_catalog()
        task = catalog.task(task)
    values = values_for(task, variables, lang)
    level = task.creativity if creativity is None else _creativity.check(creativity)
    system = (task.system or DEFAULT_SYSTEM).get(lang) + "\n\n" + _creativity.hint(level, lang)
    max_tokens = task.max_tokens or _DEFAULT_MAX_TOKENS[task.output] * (2 if task.heavy else 1)
    messages = [msg("system", system), msg("user", fill(task.prompt.get(lang), values))]
    # Naming the task lets Deskmate's engine decode it the fastest way (prompt lookup for copying tasks).
    return messages, _creativity.sampling_for(level, max_tokens=max_tokens, base=TaskSampling(task=task.id))
