"""Proofreading: the model corrects, we work out the changes.

The model only returns corrected text. The list of changes comes from a diff
of word tokens (CJK text per character), so every change has exact positions
in the original and ``apply`` can accept or reject each one. Small models
sometimes leave sentences out; a sentence of the original with no counterpart
in the corrected text is put back from the original and reported, never lost.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Callable, Iterable, Sequence

from deskmate.core.engines.base import ChatClient, Message, Sampling, msg
from deskmate.core.engines.task_hint import for_task

from .translate import split_paragraphs

DEFAULT_SAMPLING = Sampling(temperature=0.1, top_p=0.9, top_k=40, repeat_penalty=1.0)
TASK_ID = "proofread.check"

# How many changes one reasons call explains; the rest keep an empty reason.
MAX_EXPLAINED = 12
REASON_CHARS = 60

# A sentence is "kept" when at least this share of its words appears in its counterpart.
KEPT_SHARE = 0.5

SYSTEM = (
    "You are a careful proofreader. Correct the spelling, grammar and punctuation of the user's text. "
    "Keep its meaning, its language, its wording where it is correct, and every sentence. "
    "Do not add anything. Reply with the corrected text only."
)

Ask = Callable[[str], Sequence[Message]]

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:['’][^\W{_CJK}]+)*|\s+|.", re.S)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|[。！？]+[”’」』）]*|\n")


# ------------------------------------------------------------------ data


@dataclasses.dataclass(frozen=True)
class Change:
    id: int
    start: int  # position in the original; start == end for an insertion
    end: int
    original: str
    replacement: str
    reason: str = ""  # what kind of edit it is, told from the edit itself, in the UI language
    note: str = ""  # the model's own words on it (optional; never a mere repeat of the edit)

    @property
    def explanation(self) -> str:
        """What the person reads: the kind of edit, and the model's note when it says more."""
        if self.note and self.reason:
            return f"{self.reason} ({self.note})"
        return self.reason or self.note

    @property
    def kind(self) -> str:
        if not self.original:
            return "insert"
        return "delete" if not self.replacement else "replace"


@dataclasses.dataclass(frozen=True)
class RestoredSentence:
    start: int  # position in the original
    end: int
    text: str


@dataclasses.dataclass(frozen=True)
class ProofreadResult:
    original: str
    corrected: str  # all changes accepted (restored sentences included)
    changes: tuple[Change, ...]
    restored: tuple[RestoredSentence, ...]  # sentences the model dropped and we put back

    def apply(self, accepted_ids: Iterable[int]) -> str:
        return apply(self.original, self.changes, accepted_ids)

    def unified_diff(self, accepted_ids: Iterable[int] | None = None) -> str:
        final = self.corrected if accepted_ids is None else self.apply(accepted_ids)
        return unified_diff(self.original, final)


# ------------------------------------------------------------------ tokens and changes


def tokenize(text: str) -> list[str]:
    """Words, single CJK characters, whitespace runs and single marks; they join back to ``text``."""
    return _TOKEN.findall(text)


def _offsets(tokens: Sequence[str]) -> list[int]:
    out = [0]
    for t in tokens:
        out.append(out[-1] + len(t))
    return out


def diff_changes(original: str, corrected: str) -> list[Change]:
    """Token-level changes that turn ``original`` into ``corrected``, with reasons left empty."""
    a, b = tokenize(original), tokenize(corrected)
    pos_a, pos_b = _offsets(a), _offsets(b)
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        changes.append(
            Change(
                len(changes) + 1,
                pos_a[i1],
                pos_a[i2],
                original[pos_a[i1] : pos_a[i2]],
                corrected[pos_b[j1] : pos_b[j2]],
            )
        )
    return changes


def apply(original: str, changes: Sequence[Change], accepted_ids: Iterable[int]) -> str:
    """The final text: ``original`` with the accepted changes made and the others left out."""
    accepted = set(accepted_ids)
    known = {c.id for c in changes}
    unknown = accepted - known
    if unknown:
        raise ValueError(f"No change with id {', '.join(map(str, sorted(unknown)))}; the ids are 1 to {len(changes)}.")
    out: list[str] = []
    pos = 0
    for c in sorted(changes, key=lambda c: (c.start, c.end)):
        if c.start < pos or original[c.start : c.end] != c.original:
            raise ValueError(
                f"Change {c.id} does not match the original text (it overlaps another or the text was edited)."
            )
        if c.id in accepted:
            out.append(original[pos : c.start])
            out.append(c.replacement)
            pos = c.end
    out.append(original[pos:])
    return "".join(out)


def unified_diff(original: str, corrected: str, fromfile: str = "original", tofile: str = "corrected") -> str:
    """A line diff for the terminal (``deskmate proofread --diff``)."""
    def lines(text: str) -> list[str]:
        return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]

    return "".join(difflib.unified_diff(lines(original), lines(corrected), fromfile, tofile))


def render_inline(original: str, changes: Sequence[Change], accepted_ids: Iterable[int] | None = None) -> str:
    """The original with each change marked ``[-old-]{+new+}`` (like ``git diff --word-diff``)."""
    accepted = None if accepted_ids is None else set(accepted_ids)
    out: list[str] = []
    pos = 0
    for c in sorted(changes, key=lambda c: c.start):
        if accepted is not None and c.id not in accepted:
            continue
        out.append(original[pos : c.start])
        out.append((f"[-{c.original}-]" if c.original else "") + (f"{{+{c.replacement}+}}" if c.replacement else ""))
        pos = c.end
    out.append(original[pos:])
    return "".join(out)


# ------------------------------------------------------------------ dropped sentences


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without the space around it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        _add_span(text, start, m.end(), spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    if chunk.strip():
        left = len(chunk) - len(chunk.lstrip())
        spans.append((start + left, start + len(chunk.rstrip())))


def _words(tokens: Iterable[str]) -> list[str]:
    return [t.casefold() for t in tokens if t[0].isalnum() or t[0] == "_"]


def _kept_share(words: Sequence[str], counterpart: Sequence[str]) -> float:
    """Share of ``words`` found in ``counterpart``, allowing for corrected spellings."""
    if not words:
        return 1.0
    pool = set(counterpart)
    found = 0
    for w in words:
        if w in pool or (len(w) >= 4 and any(difflib.SequenceMatcher(None, w, c).ratio() >= 0.75 for c in pool)):
            found += 1
    return found / len(words)


def restore_dropped(original: str, corrected: str) -> tuple[str, list[RestoredSentence]]:
    """Put back sentences of ``original`` that have no counterpart in ``corrected``.

    Returns the repaired corrected text and the sentences restored (positions in the original)."""
    a, b = tokenize(original), tokenize(corrected)
    pos_a, pos_b = _offsets(a), _offsets(b)
    # Tokens that are unchanged tie the two texts together: a_index -> b_index.
    anchors: dict[int, int] = {}
    for i, j, n in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(n):
            anchors[i + k] = j + k
    anchored = sorted(anchors)

    def token_range(start: int, end: int) -> tuple[int, int]:
        first = next(i for i in range(len(a)) if pos_a[i + 1] > start)
        last = next(i for i in range(first, len(a)) if pos_a[i + 1] >= end)
        return first, last + 1

    dropped: list[tuple[int, int, int, int]] = []  # sentence span, its token range
    for start, end in sentence_spans(original):
        ta, tb = token_range(start, end)
        before = [i for i in anchored if i < ta]
        after = [i for i in anchored if i >= tb]
        jb = anchors[before[-1]] + 1 if before else 0
        je = anchors[after[0]] if after else len(b)
        if _kept_share(_words(a[ta:tb]), _words(b[jb:je])) < KEPT_SHARE:
            dropped.append((start, end, ta, tb))
    if not dropped:
        return corrected, []

    # Consecutive dropped sentences go back as one run, after the last anchor before the run.
    runs: list[list[tuple[int, int, int, int]]] = []
    for d in dropped:
        if runs and not any(runs[-1][-1][3] <= i < d[2] for i in anchored):
            runs[-1].append(d)
        else:
            runs.append([d])
    # Each run goes back at the first sentence boundary of the corrected text at or after
    # where it used to be: tokens the run shares by chance (a final ".") must not split a sentence.
    boundaries = sorted({0, *(x for span in sentence_spans(corrected) for x in span)})
    insertions: list[tuple[int, int, str]] = []
    for n, run in enumerate(runs):
        before = [i for i in anchored if i < run[0][2]]
        near = pos_b[anchors[before[-1]] + 1] if before else 0
        at = next((x for x in boundaries if x >= near), len(corrected))
        start, end = run[0][0], run[-1][1]
        piece = original[start:end]
        if at > 0 and not corrected[at - 1].isspace():
            piece = _gap_before(original, start) + piece
        elif at < len(corrected) and not corrected[at].isspace():
            piece += _gap_after(original, end)
        insertions.append((at, n, piece))
    repaired = corrected
    for at, _, piece in sorted(insertions, reverse=True):
        repaired = repaired[:at] + piece + repaired[at:]
    return repaired, [RestoredSentence(s, e, original[s:e]) for s, e, _, _ in dropped]


def _gap_before(text: str, start: int) -> str:
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return text[i:start] if i < start else _default_gap(text)


def _gap_after(text: str, end: int) -> str:
    i = end
    while i < len(text) and text[i].isspace():
        i += 1
    return text[end:i] if i > end else _default_gap(text)


def _default_gap(text: str) -> str:
    # CJK sentences follow each other with no space between them.
    return "" if re.search(rf"[{_CJK}]", text) else " "


# ------------------------------------------------------------------ the model


def _budget(text: str) -> int:
    cjk = sum(1 for ch in text if re.match(rf"[{_CJK}]", ch))
    return min(2048, 32 + int((len(text) - cjk) * 0.5 + cjk * 2))


def _clean_answer(answer: str) -> str:
    """The corrected paragraph from the model's reply: no label line, no notes after a blank line."""
    text = answer.replace("\r\n", "\n").strip()
    first, _, rest = text.partition("\n")
    if rest and first.rstrip().endswith(":") and len(first) < 60:  # "Here is the corrected text:"
        text = rest.strip()
    return re.split(r"\n\s*\n", text, maxsplit=1)[0].strip()


def default_ask(paragraph: str) -> list[Message]:
    return [msg("system", SYSTEM), msg("user", paragraph)]


def correct_paragraph(client: ChatClient, text: str, sampling: Sampling | None = None,
                      ask: Ask = default_ask) -> str:
    # The answer copies the paragraph: named, the engine decodes it with prompt lookup where that pays.
    sampling = for_task(sampling or DEFAULT_SAMPLING, TASK_ID).replace(max_tokens=_budget(text))
    answer = client.complete(ask(text), sampling).text
    return _clean_answer(answer)


def proofread(
    client: ChatClient,
    text: str,
    *,
    explain: bool = True,
    sampling: Sampling | None = None,
    ask: Ask = default_ask,
    lang: str = "en",
) -> ProofreadResult:
    """Correct ``text`` paragraph by paragraph; code and paragraphs without letters are left alone.

    ``ask`` turns one paragraph into the messages that ask for its correction: a catalog
    task passes its own system prompt and instruction (proofread.check, proofread.polish)."""
    doc = split_paragraphs(text)
    corrected: list[str] = []
    restored: list[RestoredSentence] = []
    offset = 0
    for para in doc.paragraphs:
        offset += len(para.lead)
        if para.kind == "prose":
            # Dropped sentences are restored inside their own paragraph, so a put-back
            # sentence can never land across a paragraph break.
            fixed, back = restore_dropped(para.text, correct_paragraph(client, para.text, sampling, ask))
            restored += [RestoredSentence(r.start + offset, r.end + offset, r.text) for r in back]
            corrected.append(fixed)
        else:
            corrected.append(para.text)
        offset += len(para.text)
    return _result(text, doc.join(corrected), restored, client if explain else None, lang)


def build_result(original: str, corrected: str, explainer: ChatClient | None = None,
                 lang: str = "en") -> ProofreadResult:
    """The result for a corrected text from anywhere: restore dropped sentences, list the changes,
    and (given a client) ask for their reasons. For one paragraph, or texts whose paragraphs line up."""
    repaired, restored = restore_dropped(original, corrected)
    return _result(original, repaired, restored, explainer, lang)


def _result(
    original: str, corrected: str, restored: Sequence[RestoredSentence], explainer: ChatClient | None,
    lang: str = "en",
) -> ProofreadResult:
    # Every change gets its reason from the edit itself, in the UI language ``lang``.
    changes = [dataclasses.replace(c, reason=edit_reason(c, lang)) for c in diff_changes(original, corrected)]
    if explainer is not None:
        changes = explain_changes(explainer, original, changes)
    return ProofreadResult(original, corrected, tuple(changes), tuple(restored))


REASONS = {
    "en": {"spacing": "spacing", "capitalisation": "capitalisation", "punctuation": "punctuation",
           "spelling": "spelling", "word form": "word form", "word choice": "word choice",
           "missing word": "missing word", "extra word": "extra word"},
    "zh": {"spacing": "空格", "capitalisation": "大小写", "punctuation": "标点", "spelling": "拼写",
           "word form": "词形", "word choice": "用词", "missing word": "缺词", "extra word": "多余的词"},
}
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "est", "ly", "'s", "’s", "n", "en", "ren")


def _word_form(a: str, b: str) -> bool:
    """One word is the other with another ending: meets/meet, go/going, happy/happily, child/children."""
    a, b = a.casefold(), b.casefold()
    stem = len(_common_prefix(a, b))
    if stem < 2 or min(len(a), len(b)) < 2:
        return False
    ends = {a[stem:], b[stem:]}
    if "" in ends:  # meet/meets, go/going, child/children
        return (ends - {""}).pop() in _INFLECTIONS
    # happy/happily, try/tries, carry/carried, make/making
    return ends in ({"y", "ily"}, {"y", "ies"}, {"y", "ied"}, {"y", "ier"}, {"y", "iest"}, {"e", "ing"},
                    {"e", "ed"}, {"e", "er"})


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def edit_kind(original: str, replacement: str) -> str:
    """What kind of edit turns ``original`` into ``replacement``: spacing, capitalisation, punctuation,
    spelling, word form, word choice, missing word or extra word (an English key; see ``REASONS``)."""
    a, b = original.strip(), replacement.strip()
    if a == b:
        return "spacing"
    if "".join(a.split()) == "".join(b.split()):
        return "spacing"
    if a.casefold() == b.casefold():
        return "capitalisation"
    letters = lambda t: "".join(ch for ch in t if ch.isalnum())  # noqa: E731
    if letters(a).casefold() == letters(b).casefold():
        # "paris" → "Paris.": the case is the change to explain; "dont" → "don't": the apostrophe.
        return "capitalisation" if letters(a) != letters(b) else "punctuation"
    words_a, words_b = _words(tokenize(a)), _words(tokenize(b))
    if not words_a:
        return "missing word" if words_b else "punctuation"
    if not words_b:
        return "extra word"
    if len(words_a) == len(words_b) == 1:
        x, y = words_a[0], words_b[0]
        if re.match(rf"[{_CJK}]", x) or re.match(rf"[{_CJK}]", y):
            return "word choice"  # one character for another: a wrong character or another word
        if _word_form(x, y):
            return "word form"
        if difflib.SequenceMatcher(None, x, y).ratio() >= 0.6:
            return "spelling"
    return "word choice"


def edit_reason(c: Change, lang: str = "en") -> str:
    return REASONS.get(lang, REASONS["en"])[edit_kind(c.original, c.replacement)]


def repeats_the_edit(note: str, c: Change) -> bool:
    """The note only repeats a word of the edit ("— They're"): it explains nothing."""
    said = set(_words(tokenize(note)))
    edit = set(_words(tokenize(c.original))) | set(_words(tokenize(c.replacement)))
    return bool(said & edit) or not any(ch.isalpha() for ch in note)


def explain_changes(client: ChatClient, original: str, changes: Sequence[Change]) -> list[Change]:
    """Ask the model once, with a bounded JSON schema, for a short reason per word change."""
    # Spacing, case and punctuation need no words; the model may add a note to the others.
    todo = [c for c in changes
            if edit_kind(c.original, c.replacement) not in ("spacing", "capitalisation", "punctuation")][:MAX_EXPLAINED]
    if not todo:
        return list(changes)
    lines = []
    for n, c in enumerate(todo, 1):
        around = original[max(0, c.start - 30) : c.end + 30].replace("\n", " ")
        lines.append(f'{n}. "{c.original}" → "{c.replacement}" (in: "…{around}…")')
    schema = {
        "type": "object",
        "properties": {
            "reasons": {
                "type": "array",
                "items": {"type": "string", "maxLength": REASON_CHARS},
                "minItems": len(todo),
                "maxItems": len(todo),
            }
        },
        "required": ["reasons"],
        "additionalProperties": False,
    }
    messages = [
        msg("system", "You explain proofreading corrections. For each numbered change, give its reason "
            "in a few words (for example: spelling)."),
        msg("user", "\n".join(lines)),
    ]
    completion = client.complete(messages, DEFAULT_SAMPLING.replace(max_tokens=40 + 25 * len(todo)), schema=schema)
    try:
        reasons = json.loads(completion.text, strict=False).get("reasons", [])
    except (ValueError, AttributeError):
        reasons = []  # a cut-off answer: the changes stay valid, only unexplained
    by_id = {}
    # Words of the text and of its corrections: a note made only of them quotes, it does not explain.
    quoted = set(_words(tokenize(original))) | {w for c in changes for w in _words(tokenize(c.replacement))}
    for c, r in zip(todo, reasons):
        r = " ".join(str(r).split()).strip(" .;,-—–")[:REASON_CHARS]
        # A note that repeats a word of the edit ("— They're") explains nothing, and the kind of
        # edit (the reason) is already known.
        words = set(_words(tokenize(r)))
        if r and not repeats_the_edit(r, c) and r.casefold() != c.reason.casefold() and not words <= quoted:
            by_id[c.id] = r
    return [dataclasses.replace(c, note=by_id.get(c.id, "")) for c in changes]
