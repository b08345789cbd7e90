"""Map a free-form request to a catalog task.

A keyword pass runs first: free and instant. Only when it is unsure (no match,
or two tasks close together) and a chat client is available does the model
choose, constrained by a grammar to valid task ids. Whatever happens, the
result names a task that exists, so the caller can always proceed.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any, Literal

from deskmate.core.engines.base import ChatClient, Sampling, msg

from .schema import Catalog, Task, UnknownTaskError

Method = Literal["keyword", "model", "default", "override"]

DEFAULT_TASK = "qa.open"
# Below this the keyword pass asks the model (when there is one).
CONFIDENT = 0.5
# How many keyword candidates the model chooses among when keywords found some.
MODEL_SHORTLIST = 5
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ROUTE_SAMPLING = Sampling(temperature=0.0, top_p=1.0, top_k=1, repeat_penalty=1.0, max_tokens=64, seed=0)


@dataclasses.dataclass(frozen=True)
class RouteResult:
    task_id: str
    category: str
    method: Method
    # 0–1. Keyword confidence grows with the winning score and its lead over the
    # runner-up; a model choice gets a flat 0.5 since the model reports no score.
    confidence: float
    alternatives: tuple[str, ...] = ()
    # Why a fallback happened, for logs and the "why this task?" tooltip.
    note: str = ""


@dataclasses.dataclass(frozen=True)
class _Keyword:
    task_id: str
    weight: float
    pattern: re.Pattern[str] | None  # None: a CJK keyword, matched as a substring
    text: str


def normalize(text: str) -> str:
    # NFKC folds full-width letters and punctuation (common in Chinese input) into ASCII.
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()
    return re.sub(r"\s+", " ", text).strip()


def _keyword(task_id: str, raw: str, task_weight: float) -> _Keyword:
    word = normalize(raw)
    cjk = len(_CJK.findall(word))
    latin = len(re.findall(r"[a-z0-9]+", _CJK.sub(" ", word)))
    # Longer phrases are stronger evidence; two Chinese characters count as one word.
    weight = task_weight * max(latin + cjk / 2, 0.5)
    if cjk:
        return _Keyword(task_id, weight, None, word)
    prefix = word.endswith("*")
    stem = word.rstrip("*")
    body = r"\s+".join(re.escape(part) for part in stem.split(" "))
    tail = r"[a-z0-9]*" if prefix else r"(?:s|es)?"
    return _Keyword(task_id, weight, re.compile(rf"(?<![a-z0-9]){body}{tail}(?![a-z0-9])"), word)


_compiled_lock = threading.Lock()
_compiled: dict[int, tuple[Catalog, list[_Keyword]]] = {}


def _keywords(catalog: Catalog) -> list[_Keyword]:
    # Keyed by identity and holding the catalog, so an id is never reused while cached.
    with _compiled_lock:
        hit = _compiled.get(id(catalog))
        if hit is None or hit[0] is not catalog:
            words = [
                _keyword(task.id, raw, task.keywords.weight) for task in catalog.tasks() for raw in task.keywords.all()
            ]
            if len(_compiled) > 8:
                _compiled.clear()
            hit = _compiled[id(catalog)] = (catalog, words)
        return hit[1]


def keyword_scores(request: str, catalog: Catalog) -> list[tuple[str, float]]:
    """Every task with a keyword in the request, best first."""
    text = normalize(request)
    matches: list[tuple[int, int, _Keyword]] = []
    for kw in _keywords(catalog):
        if kw.pattern is None:
            start = text.find(kw.text)
            while start >= 0:
                matches.append((start, start + len(kw.text), kw))
                start = text.find(kw.text, start + 1)
        else:
            matches += [(m.start(), m.end(), kw) for m in kw.pattern.finditer(text)]
    # A keyword inside a longer matched phrase does not count: "weekly report"
    # is about the weekly report, not about "report" (an outline task).
    kept = [
        (s, e, kw)
        for s, e, kw in matches
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in matches)
    ]
    best: dict[str, dict[str, float]] = {}
    for _, _, kw in kept:
        best.setdefault(kw.task_id, {})[kw.text] = kw.weight  # each keyword counts once
    order = {tid: i for i, tid in enumerate(catalog.ids())}
    scores = [(tid, sum(words.values())) for tid, words in best.items()]
    return sorted(scores, key=lambda item: (-item[1], order[item[0]]))


def matched_keywords(request: str, task: Task) -> list[str]:
    """The task's keywords found in the request, as written in the catalog (for "why this task")."""
    text = normalize(request)
    found = []
    for raw in task.keywords.all():
        kw = _keyword(task.id, raw, 1.0)
        if (kw.text in text) if kw.pattern is None else kw.pattern.search(text):
            found.append(raw.rstrip("*"))
    return found


def _confidence(scores: Sequence[tuple[str, float]]) -> float:
    if not scores:
        return 0.0
    top = scores[0][1]
    second = scores[1][1] if len(scores) > 1 else 0.0
    return round(min(1.0, top) * (top - second) / top, 3)


def _result(
    catalog: Catalog, task_id: str, method: Method, confidence: float, ranked: Sequence[str], note: str = ""
) -> RouteResult:
    alternatives = tuple(t for t in ranked if t != task_id)[:MODEL_SHORTLIST]
    return RouteResult(task_id, catalog.task(task_id).category_id, method, confidence, alternatives, note)


def choice_schema(ids: Sequence[str]) -> dict[str, Any]:
    return {"type": "object", "properties": {"task": {"type": "string", "enum": list(ids)}}, "required": ["task"]}


def _model_messages(request: str, catalog: Catalog, ids: Sequence[str]) -> list[dict[str, str]]:
    # English names only: the ids are English anyway, and every line costs
    # prompt time on a CPU (the full list is the bulk of the prompt).
    lines = [f"- {tid}: {catalog.task(tid).name.get('en')}" for tid in ids]
    # The list comes before the request so the engine can reuse the shared prefix from its cache.
    return [
        msg("system", "You sort office requests into tasks. Pick the one task id that best fits the request."),
        msg("user", "Tasks:\n" + "\n".join(lines) + f"\n\nRequest: {request.strip()}\n\nWhich task fits best?"),
    ]


def ask_model(request: str, client: ChatClient, catalog: Catalog, ids: Sequence[str]) -> str:
    """The model's pick among ``ids``; raises on any failure so the caller can fall back."""
    messages = _model_messages(request, catalog, ids)
    completion = client.complete(messages, sampling=_ROUTE_SAMPLING, schema=choice_schema(ids))
    choice = json.loads(completion.text, strict=False)["task"]
    if choice not in ids:
        raise ValueError(f"the model chose {choice!r}, which is not among the choices")
    return choice


def route(
    request: str,
    client: ChatClient | None = None,
    catalog: Catalog | None = None,
    *,
    override: str | None = None,
    default: str = DEFAULT_TASK,
) -> RouteResult:
    """The task for ``request``. ``override`` (or a request that is itself a task id) wins outright."""
    if catalog is None:
        from .catalog import default_catalog

        catalog = default_catalog()
    if default not in catalog:
        default = catalog.ids()[0]
    chosen = override if override is not None else request.strip()
    if override is not None or chosen in catalog:
        catalog.task(chosen)  # an unknown override is the caller's bug: say so, with suggestions
        return _result(catalog, chosen, "override", 1.0, [])

    scores = keyword_scores(request, catalog)
    ranked = [tid for tid, _ in scores]
    confidence = _confidence(scores)
    if scores and (confidence >= CONFIDENT or client is None):
        return _result(catalog, ranked[0], "keyword", confidence, ranked)
    if client is None or not request.strip():
        return _result(catalog, default, "default", 0.0, ranked, "no keyword matched")

    # Keyword hits narrow the model's choice: picking among a few is far easier
    # for a small model than among the whole catalog.
    ids = ranked[:MODEL_SHORTLIST] if scores else catalog.ids()
    try:
        choice = ask_model(request, client, catalog, ids)
    except Exception as e:  # any engine or parsing failure must still yield a usable task
        note = f"model routing failed ({type(e).__name__}: {e})"
        if scores:
            return _result(catalog, ranked[0], "keyword", confidence, ranked, note)
        return _result(catalog, default, "default", 0.0, ranked, note)
    return _result(catalog, choice, "model", 0.5, ranked)


__all__ = ["RouteResult", "route", "keyword_scores", "matched_keywords", "ask_model", "choice_schema", "normalize", "UnknownTaskError"]
