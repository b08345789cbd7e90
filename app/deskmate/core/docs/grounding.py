"""Citations in an answer, and the check that each sentence is backed by a passage it cites.

An answer cites passages by number: "Open tray 2 [1]." or "见[2][3]" or "[1, 3]". A
sentence counts as supported when most of its content words (English words without stop
words, lightly stemmed; Chinese as overlapping two-character pieces) and every number in
it appear in the passages it cites — or, for a sentence that cites nothing, in any of the
passages. It is a cheap lexical check, the kind a reader does by eye: it catches a
sentence the passages never say, not a subtle misreading. Across languages (a Chinese
answer from English passages) only the numbers can be compared.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from deskmate.core.store.fts import CJK_RE

from .search import query_terms

CITATION = re.compile(r"\[\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*\]")
# A sentence ends at . ! ? (followed by space or end) or at 。！？, citations after the mark included.
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s|$)|[。！？]|\n|$)(?:\s*\[[\d\s,，、]+\])*", re.S)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
SUPPORT = 0.6  # share of a sentence's content words that its passages must contain


@dataclasses.dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # span in the answer text
    end: int
    cites: tuple[int, ...]  # passage numbers, as written
    supported: bool


def cited_numbers(text: str) -> list[int]:
    """Every passage number cited in ``text``, in order of first appearance."""
    out: list[int] = []
    for m in CITATION.finditer(text):
        for n in re.split(r"[,，、]", m.group(1)):
            k = int(n)
            if k not in out:
                out.append(k)
    return out


def renumber(text: str, mapping: Mapping[int, int]) -> str:
    """Rewrite citations with ``mapping`` (old -> new); numbers not in it are dropped, and so is a
    citation left empty."""

    def one(m: re.Match[str]) -> str:
        new = []
        for n in re.split(r"[,，、]", m.group(1)):
            k = mapping.get(int(n))
            if k is not None and k not in new:
                new.append(k)
        return "".join(f"[{k}]" for k in new)

    return CITATION.sub(one, text)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    text = CITATION.sub(" ", text)
    words = set()
    for term in query_terms(text):
        if CJK_RE.match(term):
            words.add(term)
        elif not term.isdigit():
            words.add(_stem(term))
    return words


def _vocabulary(texts: Sequence[str]) -> tuple[set[str], str]:
    joined = "\n".join(texts)
    words = content_words(joined)
    # A two-character piece of a longer Chinese run in the passage counts too ("配置代理" holds "置代").
    for run in CJK_RE.findall(joined):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return words, joined


def supported(sentence: str, passages: Sequence[str]) -> bool:
    words = content_words(sentence)
    if not words and not _NUMBER.search(CITATION.sub(" ", sentence)):
        return True  # nothing to check ("Here is what the manual says:")
    vocab, joined = _vocabulary(passages)
    for number in _NUMBER.findall(CITATION.sub(" ", sentence)):
        if number not in joined:
            return False
    if not words:
        return True
    if _one_script(words) != _one_script(vocab) and None not in (_one_script(words), _one_script(vocab)):
        return True  # a Chinese answer from English passages (or the reverse): words cannot be compared
    return len(words & vocab) / len(words) >= SUPPORT


def _one_script(words: set[str]) -> str | None:
    """"cjk" or "latin" when every word is written in it; None for a mix."""
    cjk = sum(1 for w in words if CJK_RE.match(w))
    if cjk == len(words):
        return "cjk"
    return "latin" if cjk == 0 else None


def check(answer: str, passages: Mapping[int, str]) -> list[Sentence]:
    """The answer's sentences, each with what it cites and whether those passages support it."""
    out = []
    for m in _SENTENCE.finditer(answer):
        raw = m.group(0)
        if not raw.strip():
            continue
        start = m.start() + len(raw) - len(raw.lstrip())
        end = m.start() + len(raw.rstrip())
        text = answer[start:end]
        cites = tuple(cited_numbers(text))
        backing = [passages[n] for n in cites if n in passages] if cites else list(passages.values())
        out.append(Sentence(text, start, end, cites, bool(backing) and supported(text, backing)))
    return out
