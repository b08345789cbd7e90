"""From a request in the person's own words to a task and its values: the route, why it was
chosen, and the fields filled from the request where they can be."""

from __future__ import annotations

import dataclasses
import re

from deskmate.core.engines.base import ChatClient
from deskmate.core.tasks import Catalog, RouteResult, Task, route
from deskmate.core.tasks.routing import matched_keywords
from deskmate.core.tasks.run import main_variable

# "Translate into English: …", "翻译成英文：…": the words after the colon are the material.
_MATERIAL_SPLIT = re.compile(r"^(?P<ask>[^\n:：]{1,120})[:：]\s*(?P<material>\S.*)$", re.DOTALL)
_ASK_THEN_LINES = re.compile(r"^(?P<ask>[^\n]{1,120})\n+(?P<material>\S.*)$", re.DOTALL)
# A target language named in the request: "into French", "to English", "成英文", "为日语".
_TARGET_EN = re.compile(r"\b(?:into|to|in)\s+([A-Za-z][A-Za-z ()-]{1,30}?)(?=[\s,.:;!?]|$)", re.IGNORECASE)
_TARGET_ZH = re.compile(r"(?:译成|翻成|译为|翻译成|成|为)\s*([\u4e00-\u9fff]{2,4}?)(?:[，。：:,.\s]|$)")
# What the request is about, after the task's own word: "a slogan for our new tea shop" → "our new tea shop".
_PREPOSITIONS = ("for", "about", "on", "of", "called", "named")
_OBJECT_EN = re.compile(rf"^\w*\s+(?:{'|'.join(_PREPOSITIONS)})\s+(?P<obj>\S.*?)[\s.!?]*$", re.IGNORECASE | re.DOTALL)
_OBJECT_AFTER_PREPOSITION = re.compile(r"^\s+(?P<obj>\S.*?)[\s.!?]*$", re.DOTALL)  # the keyword ends with one
# "为我们的新茶馆写一句口号", "写一句关于新茶馆的口号", "帮新茶馆想个口号".
_OBJECT_ZH = (re.compile(r"(?:为|给|替)(?P<obj>[^，。,.！？\n]{1,40}?)(?:写|起|想|拟|做|设计|编)"),
              re.compile(r"关于(?P<obj>[^，。,.！？\n]{1,40}?)的"),
              re.compile(r"帮(?P<obj>[^，。,.！？\n]{1,40}?)(?:写|起|想|拟|做|设计|编)"))
_NOT_AN_OBJECT = {"我", "我们", "咱们", "me", "us"}


@dataclasses.dataclass(frozen=True)
class Why:
    """Why the request went to this task, for the person to judge (the window words it)."""

    method: str  # keyword, model, default, override
    words: tuple[str, ...]  # the request's words that matched the task's keywords
    confidence: float
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Routed:
    task: Task
    values: dict[str, str]
    why: Why
    alternatives: tuple[str, ...]


def target_language(text: str) -> str | None:
    """The language a request asks for, as the person named it ("French", "英文"), if it names one."""
    from deskmate.core.tasks.langdetect import resolve_language

    candidates = [m.group(1).strip() for m in _TARGET_EN.finditer(text)]
    candidates += [m.group(1) for m in _TARGET_ZH.finditer(text)]
    for raw in candidates:
        for value in (raw, raw.split()[0] if raw.split() else raw, raw[-2:]):
            try:
                return resolve_language(value).name
            except ValueError:
                continue
    return None


def split_request(request: str) -> tuple[str, str]:
    """(what is asked, the material it is about): "Proofread: Their going…" → ("Proofread", "Their going…")."""
    text = request.strip()
    m = _MATERIAL_SPLIT.match(text) or _ASK_THEN_LINES.match(text)
    if m and len(m.group("material").strip()) >= 8:
        return m.group("ask").strip(), m.group("material").strip()
    return text, text


def request_object(request: str, task: Task) -> str | None:
    """What the request asks the task for, without the asking: "Write a slogan for our new tea shop" →
    "our new tea shop", "为我们的新茶馆写一句口号" → "我们的新茶馆"; None when it does not say."""
    text = request.strip()
    for pattern in _OBJECT_ZH:
        m = pattern.search(text)
        if m and m.group("obj").strip() not in _NOT_AN_OBJECT:
            return m.group("obj").strip()
    lowered = text.lower()
    for word in sorted(matched_keywords(text, task), key=len, reverse=True):
        at = lowered.find(word.lower())
        after = _OBJECT_AFTER_PREPOSITION if word.split()[-1].lower() in _PREPOSITIONS else _OBJECT_EN
        m = after.match(text[at + len(word):]) if at >= 0 else None
        if m and m.group("obj").strip().lower() not in _NOT_AN_OBJECT:
            return m.group("obj").strip()
    return None


def fill_values(task: Task, request: str) -> dict[str, str]:
    """The task's fields that the request fills: its main text (a one-line field such as a slogan's product
    gets only what the request is about), and a translation's target language."""
    if not task.variables:
        return {}
    ask, material = split_request(request)
    main = main_variable(task)
    if material == request.strip() and not next(v for v in task.variables if v.name == main).multiline:
        material = request_object(request, task) or material
    values = {main: material}
    names = {v.name for v in task.variables}
    if "target" in names:
        target = target_language(ask) or target_language(request)
        if target:
            values["target"] = target
    return values


def route_request(request: str, catalog: Catalog, client: ChatClient | None = None, *,
                  override: str | None = None) -> Routed:
    """Route (keyword pass, then the model when unsure and a client is given) and fill the fields."""
    result: RouteResult = route(request, client, catalog, override=override)
    task = catalog.task(result.task_id)
    words = tuple(dict.fromkeys(matched_keywords(request, task))) if result.method in ("keyword", "model") else ()
    why = Why(result.method, words, result.confidence, result.note)
    return Routed(task, fill_values(task, request), why, result.alternatives)
