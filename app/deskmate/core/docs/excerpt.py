"""The part of a passage a question needs, when the whole passage is more than the model can read in time.

The cut keeps the sentences that share the most words with the question, then their neighbours
while they fit; a sentence longer than the room is cut around its first matching word. A cut
never splits a word of a spaced script (Chinese and Japanese may be cut between any two
characters). Offsets are into the passage's text, so the piece keeps its true place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from deskmate.core.store.fts import CJK_CLASS

from .chunking import tokens

# A sentence ends at . ! ? ; followed by a space, at a CJK full stop, or at a line break: a PDF's
# lines are often table rows or list items, and a prose line cut mid-sentence gets its neighbours
# back when there is room (measured on bench/docs_questions.json: the answer reached the model for
# 0.44 of the English and 0.68 of the Chinese questions at 120 tokens, against 0.32 and 0.60 when
# only blank lines ended a sentence).
_END = re.compile(r"[.!?;](?=\s)|[。！？；]|\n")
_CJK = re.compile(CJK_CLASS)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, surrounding white space left out."""
    spans, start = [], 0
    for m in _END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _stem(term: str) -> str:
    """Enough of an English word to find its other forms ("configuring" -> "configu")."""
    return term if _CJK.match(term) or len(term) <= 5 else term[: max(5, len(term) - 3)]


def _hits(text: str, stems: Sequence[str]) -> list[int]:
    """Where each stem first occurs in ``text`` (lowercased), -1 when absent."""
    low = text.lower()
    found = []
    for s in stems:
        if _CJK.match(s):
            found.append(low.find(s))
        else:
            m = re.search(rf"(?<!\w){re.escape(s)}", low)
            found.append(m.start() if m else -1)
    return found


def _in_word(text: str, i: int) -> bool:
    """Offset ``i`` falls inside a word of a spaced script."""
    return (0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()
            and not (_CJK.match(text[i - 1]) or _CJK.match(text[i])))


def _window(text: str, a: int, b: int, centre: int, budget: float) -> tuple[int, int]:
    """The widest span within [a, b) around ``centre`` of at most ``budget`` tokens, cut between words."""
    lo = hi = max(a, min(centre, b))
    used = 0.0
    while True:
        grew = False
        for side in (1, -1):
            i = hi if side == 1 else lo - 1
            if (a <= i < b) and used + tokens(text[i]) <= budget:
                used += tokens(text[i])
                if side == 1:
                    hi += 1
                else:
                    lo -= 1
                grew = True
        if not grew:
            break
    while _in_word(text, lo) and lo < hi:
        lo += 1
    while _in_word(text, hi) and hi > lo:
        hi -= 1
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def excerpt(text: str, terms: Sequence[str], budget: float) -> tuple[int, int]:
    """(start, end) in ``text`` of at most ``budget`` tokens (chunking.tokens) that best answers ``terms``."""
    if tokens(text) <= budget:
        return 0, len(text)
    spans = sentences(text) or [(0, len(text))]
    stems = [_stem(t) for t in terms]
    scores = [sum(h >= 0 for h in _hits(text[a:b], stems)) for a, b in spans]
    best = max(range(len(spans)), key=lambda i: (scores[i], -i))
    a, b = spans[best]
    if tokens(text[a:b]) > budget:
        hits = [h for h in _hits(text[a:b], stems) if h >= 0]
        return _window(text, a, b, a + (min(hits) if hits else 0), budget)
    used = tokens(text[a:b])
    lo = hi = best
    while True:  # the neighbour that matches more words first, the following one on a tie
        options = [i for i in (hi + 1, lo - 1) if 0 <= i < len(spans)]
        options = [i for i in options if used + tokens(text[spans[i][0]:spans[i][1]]) + 1 <= budget]
        if not options:
            break
        i = max(options, key=lambda j: (scores[j], j > hi))
        used += tokens(text[spans[i][0]:spans[i][1]]) + 1
        lo, hi = min(lo, i), max(hi, i)
    return spans[lo][0], spans[hi][1]
