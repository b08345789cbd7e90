"""Quick actions on a piece of text from any application (the clipboard).

Qt-free: the tray, the palette, the hotkey and ``deskmate quick`` all end up here.

    qi = prepare(clipboard_text, budget=char_budget(client))   # limits, with a notice when cut
    run = run_action(client, "shorter", qi.text)                # iterate for text deltas, cancel() any time
    for piece in run: ...
    run.result                                                  # QuickResult: text (+ html/tsv/markdown, changes)

Prompt order matters for speed: every action keeps the system prompt and its
instruction *before* the user's text, so a second run of the same action shares
the longest possible token prefix with the first and llama.cpp's KV cache skips
re-reading it.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any

from deskmate.core.engines.base import ChatClient

# More than this many bytes of UTF-8 is refused outright: it is not a "quick" text.
MAX_BYTES = 1_000_000
# The local context is ~4k tokens by default; about 12,000 characters of prose fit with room to answer.
DEFAULT_CHAR_BUDGET = 12_000
# Paragraph-by-paragraph actions (grammar, translate) read the text in chunks, so they may take more.
CHUNKED_FACTOR = 4

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class QuickInputError(ValueError):
    """The text cannot be used for a quick action; the message says why in plain words."""


@dataclasses.dataclass(frozen=True)
class QuickAction:
    id: str
    label_en: str
    label_zh: str
    task: str  # catalog task id, or the core service it runs
    kind: str  # "text" (streamed rewrite/summary), "diff" (proofread), "translation", "table"
    variables: Mapping[str, str] = dataclasses.field(default_factory=dict)
    to: str | None = None  # fixed target language for translation actions
    input: str = "text"  # the task's field that gets the clipboard text
    hotkey: str = ""  # a user action's own global hotkey (pynput form)

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang == "zh" else self.label_en


ACTIONS: tuple[QuickAction, ...] = (
    QuickAction("shorter", "Rewrite shorter", "改写：更简短", "rewrite.shorter", "text"),
    QuickAction("formal", "Rewrite more formal", "改写：更正式", "rewrite.formal", "text"),
    QuickAction("friendly", "Rewrite friendlier", "改写：更亲切", "rewrite.friendly", "text"),
    QuickAction("grammar", "Fix grammar", "修正语法", "proofread.check", "diff"),
    QuickAction("translate-zh", "Translate to Chinese", "翻译成中文", "translate.text", "translation", to="zh"),
    QuickAction("translate-en", "Translate to English", "翻译成英文", "translate.text", "translation", to="en"),
    QuickAction("translate", "Translate to…", "翻译成…", "translate.text", "translation"),
    QuickAction("summary", "Summarise", "总结", "summarize.summary", "text"),
    QuickAction("table", "Make a table", "整理成表格", "table.extract", "table"),
)

ALIASES = {
    "summarise": "summary",
    "summarize": "summary",
    "shorten": "shorter",
    "proofread": "grammar",
    "fix": "grammar",
    "zh": "translate-zh",
    "en": "translate-en",
}


# A user task's output kind as a quick action shows it.
_KINDS = {"diff": "diff", "translation": "translation", "table": "table"}


def user_actions(catalog: Any = None) -> tuple[QuickAction, ...]:
    """The person's own tasks marked ``quick = true`` (core/tasks/user_tasks.py), as quick actions."""
    from deskmate.core.tasks.catalog import default_catalog
    from deskmate.core.tasks.run import main_variable

    tasks = (catalog or default_catalog()).tasks()
    return tuple(QuickAction(t.id, t.name.get("en"), t.name.get("zh"), t.id, _KINDS.get(t.output, "text"),
                             input=main_variable(t), hotkey=t.hotkey or "")
                 for t in tasks if t.quick and t.variables)


def all_actions(catalog: Any = None) -> tuple[QuickAction, ...]:
    """The built-in actions, then the person's own."""
    return ACTIONS + user_actions(catalog)


def action(action_id: str) -> QuickAction:
    key = ALIASES.get(action_id.strip().lower(), action_id.strip().lower())
    actions = all_actions()
    for a in actions:
        if a.id == key:
            return a
    names = ", ".join(a.id for a in actions)
    raise QuickInputError(f"There is no quick action “{action_id}”. Choose one of: {names}.")


# ------------------------------------------------------------------ limits


@dataclasses.dataclass(frozen=True)
class QuickInput:
    text: str  # what the model will read (maybe shortened)
    original: str  # exactly what was given
    notice: str = ""  # said to the person when the text was cut or chunked
    truncated: bool = False


def char_budget(client: object | None = None) -> int:
    """Characters of input that fit the client's context with room for an answer."""
    n_ctx = getattr(getattr(client, "config", None), "n_ctx", None)
    if not isinstance(n_ctx, int) or n_ctx <= 0:
        return DEFAULT_CHAR_BUDGET
    # ~3 characters a token for prose (CJK is ~1; cut_to_budget counts those separately).
    return max(1_000, min(DEFAULT_CHAR_BUDGET, (n_ctx // 2) * 3))


def _weight(text: str) -> int:
    """Length in "prose characters": a CJK character counts as three (about one token)."""
    return len(text) + 2 * len(_CJK.findall(text))


def _cut(text: str, budget: int) -> str:
    """The longest head of ``text`` within ``budget`` that ends at a paragraph, else a sentence, break."""
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix whose weight fits
        mid = (lo + hi + 1) // 2
        if _weight(text[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    head = text[:lo]
    for pattern in (r"\n\s*\n", r"(?<=[.!?。！？])\s*"):
        ends = [m.start() for m in re.finditer(pattern, head) if m.start() > lo // 2]
        if ends:
            return head[: ends[-1]].rstrip()
    return head.rstrip()


def prepare(text: str | None, *, budget: int = DEFAULT_CHAR_BUDGET, chunked: bool = False) -> QuickInput:
    """Check the text against the limits: refuse empty or over-1-MB text, cut long text with a notice.

    ``chunked`` actions (grammar, translation) read paragraph by paragraph, so they take
    ``CHUNKED_FACTOR`` times the budget before cutting."""
    if text is None or not text.strip():
        raise QuickInputError("There is no text to work on: copy some text first, then try again.")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise QuickInputError(
            f"The text is too large for a quick action ({size / 1_000_000:.1f} MB; the limit is 1 MB). "
            "Open it in Deskmate as a draft and work on a part of it."
        )
    if "\x00" in text:
        raise QuickInputError("The clipboard holds binary data, not text. Copy some text and try again.")
    limit = budget * (CHUNKED_FACTOR if chunked else 1)
    if _weight(text) <= limit:
        return QuickInput(text, text)
    head = _cut(text, limit)
    notice = (
        f"The text is long ({len(text):,} characters), so Deskmate worked on the first "
        f"{len(head):,} characters only. Open it as a draft to work on the rest."
    )
    return QuickInput(head, text, notice, True)


# ------------------------------------------------------------------ running


@dataclasses.dataclass
class QuickResult:
    action: str
    kind: str
    original: str  # the text the action read
    text: str  # what goes on the clipboard as plain text
    html: str = ""  # tables: a real table for word processors
    tsv: str = ""
    markdown: str = ""
    changes: tuple[Any, ...] = ()  # proofread Change objects (grammar)
    notice: str = ""
    cancelled: bool = False
    first_token_seconds: float | None = None
    seconds: float = 0.0
    target: str = ""  # translation target language code

    def to_json(self) -> dict[str, Any]:
        """What the single-instance server sends back (changes as plain pairs)."""
        out = {k: v for k, v in dataclasses.asdict(self).items() if k != "changes"}
        out["changes"] = [[c.original, c.replacement] for c in self.changes]
        return out


def answer_budget(text: str, ceiling: int) -> int:
    """Tokens enough for a rewrite of ``text`` (an answer about as long as the text), capped by the task's."""
    cjk = len(_CJK.findall(text))
    return max(64, min(ceiling, 64 + int(cjk * 1.6 + (len(text) - cjk) * 0.45)))


def default_target(text: str) -> str:
    """Chinese text goes to English, anything else to Chinese."""
    letters = sum(ch.isalpha() for ch in text) or 1
    return "en" if len(_CJK.findall(text)) / letters > 0.3 else "zh"


class QuickRun:
    """One quick action: iterate once for text deltas; ``result`` is set when iteration ends.

    The work is a :class:`~deskmate.core.tasks.run.TaskRun` of the action's catalog task;
    ``cancel()`` may be called from any thread and stops that run only."""

    def __init__(self, client: ChatClient, act: QuickAction, qi: QuickInput, *, to: str | None = None,
                 lang: str = "en", max_tokens: int | None = None) -> None:
        from deskmate.core.tasks.run import TaskRun

        self.client = client
        self.action = act
        self.input = qi
        self.to = to or act.to or default_target(qi.text)
        self.lang = lang
        self.max_tokens = max_tokens
        self.result: QuickResult | None = None
        values = {act.input: qi.text, **act.variables}
        if act.kind == "translation":
            values["target"] = self.to
        # A quick fix wants the corrected text now: no reasons pass; the diff shows the changes.
        self._run = TaskRun(act.task, values, client=client, lang=lang, explain=False)
        if act.kind == "text":
            ceiling = self._run.sampling.max_tokens
            self._run.sampling = self._run.sampling.replace(max_tokens=max_tokens or answer_budget(qi.text, ceiling))
        elif max_tokens and act.kind == "table":
            self._run.sampling = self._run.sampling.replace(max_tokens=max_tokens)

    @property
    def messages(self) -> list[dict[str, str]]:
        """What the model is asked (system, instruction, then the text last: see the module doc)."""
        return self._run.messages

    def cancel(self) -> None:
        self._run.cancel()

    def __iter__(self) -> Iterator[str]:
        from deskmate.core.tasks.run import Delta, Failed, ProofreadDone

        t0 = time.monotonic()
        first: float | None = None
        for event in self._run:
            if isinstance(event, Delta):
                if first is None:
                    first = time.monotonic() - t0
                yield event.text
            elif isinstance(event, ProofreadDone) and event.result.corrected:
                yield event.result.corrected
            elif isinstance(event, Failed):
                raise event.error
        done = self._run.result
        assert done is not None
        result = QuickResult(self.action.id, self.action.kind, self.input.text, done.text.strip(),
                             cancelled=done.cancelled, notice=self.input.notice, seconds=time.monotonic() - t0,
                             first_token_seconds=first if first is not None else time.monotonic() - t0)
        if done.table is not None:
            from deskmate.core.tables.export import clipboard_payload, to_markdown

            result.html, result.tsv = clipboard_payload(done.table)
            result.text, result.markdown = result.tsv, to_markdown(done.table)
        elif done.cancelled and self.action.kind == "table":
            result.text = ""
        if done.proofread is not None:
            result.changes = tuple(done.proofread.changes)
        if self.action.kind == "translation":
            result.target = self._run.target_language.code  # type: ignore[union-attr]
        self.result = result
        return result

    def run(self) -> QuickResult:
        """Run to the end without looking at the deltas."""
        for _ in self:
            pass
        assert self.result is not None
        return self.result


def run_action(client: ChatClient, action_id: str, text: str, *, to: str | None = None, lang: str = "en",
               budget: int | None = None, max_tokens: int | None = None) -> QuickRun:
    """Check ``text`` against the limits and return the job (iterate it, or call ``.run()``).

    Raises QuickInputError (a ValueError with a sentence for the person) for an unknown
    action, empty text or text over 1 MB."""
    act = action(action_id)
    if to is not None and act.kind != "translation":
        raise QuickInputError(f"--to is only for translation; “{act.id}” does not take a language.")
    if to is not None:
        from deskmate.core.tasks.langdetect import resolve_language

        try:
            resolve_language(to)
        except ValueError as e:
            raise QuickInputError(str(e)) from None
    qi = prepare(text, budget=budget or char_budget(client), chunked=act.kind in ("diff", "translation"))
    return QuickRun(client, act, qi, to=to, lang=lang, max_tokens=max_tokens)
