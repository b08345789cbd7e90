"""The keyword leg (FTS5, bm25) and the fusion of both legs by reciprocal rank.

A question becomes an OR of quoted phrases, so a passage needs only some of its words and
bm25 ranks the ones with the rarer words first:

- English and other spaced scripts: each word that is not a stop word ("the", "how") —
  stemmed by the index's porter tokenizer, so "configuring" finds "configure";
- Chinese and Japanese: every character is a token in the index (store/fts.py); a run of
  one or two characters is one phrase ("户", "用户"), a longer run becomes its overlapping
  two-character phrases ("配置代理" -> "配置" OR "置代" OR "代理"), the usual way to search
  Chinese without a word segmenter. Question words and particles (如何, 什么, 的, 了...)
  split runs instead of joining them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence

from deskmate.core.store.fts import CJK_CLASS, phrase

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al.; what hybrid search engines use)
LEG_DEPTH = 50  # candidates each leg hands to the fusion
MATCH_BUDGET = 8000  # passages the keyword leg may score per question (see pruned_terms)

_STOP_EN = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other
    our ours out over own same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with would
    you your yours""".split()
)
# Question words and particles: they carry no topic, and a bigram across them ("的配") is noise.
_STOP_ZH = ("为什么", "怎么样", "是什么", "如何", "怎么", "怎样", "什么", "哪些", "哪个", "哪里", "是否", "可以",
            "能否",
            "请问", "一下", "一个", "有没有", "的", "了", "吗", "呢", "吧", "啊", "是", "在", "和", "与", "及", "或",
            "把", "被", "将", "对", "中", "我", "你", "要", "用")
_STOP_ZH_RE = re.compile("|".join(sorted(_STOP_ZH, key=len, reverse=True)))
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK_START = re.compile(CJK_CLASS)
_RUNS = re.compile(f"{CJK_CLASS}+|(?:(?!{CJK_CLASS}).)+")  # "apt代理" -> "apt", "代理"


def _cjk_phrases(run: str) -> list[str]:
    """A run of CJK characters -> the phrases to look for (see the module docstring)."""
    if len(run) <= 2:
        return [run]  # typed on its own: exactly this word, particles included
    out: list[str] = []
    for piece in _STOP_ZH_RE.split(run):
        if len(piece) == 2:
            out.append(piece)
        elif len(piece) > 2:
            out.extend(piece[i : i + 2] for i in range(len(piece) - 1))
    return out


def query_terms(question: str) -> list[str]:
    """The words and CJK phrases the keyword leg searches for, in question order, without repeats."""
    words = _WORD.findall(question)
    terms: list[str] = []
    for word in words:
        for run in _RUNS.findall(word):
            if _CJK_START.match(run):
                terms.extend(_cjk_phrases(run))
            elif run.lower() not in _STOP_EN or len(words) == 1:
                terms.append(run.lower())
    seen: set[str] = set()
    return [t for t in terms if not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]


def keyword_query(question: str) -> str | None:
    """The FTS5 MATCH expression for ``question``, or None when it has no searchable word."""
    terms = query_terms(question)
    return " OR ".join(phrase(t) for t in terms) if terms else None


def _document_counts(conn: sqlite3.Connection, terms: Sequence[str], cap: int) -> list[tuple[int, str]]:
    """(passages matching, term), rarest first; a count stops at ``cap`` + 1 (a common word's full
    count, thousands of passages read, would only tell that it is over the budget)."""
    counts = []
    for t in terms:
        n = conn.execute("SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
                         (phrase(t), cap + 1)).fetchone()[0]
        if n:
            counts.append((int(n), t))
    return sorted(counts)


def pruned_terms(conn: sqlite3.Connection, question: str, budget: int = MATCH_BUDGET) -> list[str]:
    """The question's terms, rarest first, while the passages they match stay within ``budget``.

    bm25 is computed for every passage that matches any term, so one common word ("system"
    in a system manual) can cost more than all the rest; it also weighs least in the score.
    The two rarest terms are always kept.
    """
    kept, total = [], 0
    for n, term in _document_counts(conn, query_terms(question), budget):
        if len(kept) >= 2 and total + n > budget:
            break
        kept.append(term)
        total += n
    return kept


def keyword_search(conn: sqlite3.Connection, collection_ids: Sequence[int] | None, question: str,
                   limit: int = LEG_DEPTH) -> list[int]:
    """Chunk ids best first by bm25 (the text counts twice as much as the file name and heading).

    ``collection_ids`` None means every collection, which needs no join.
    """
    terms = pruned_terms(conn, question)
    if not terms or collection_ids == []:
        return []
    match = " OR ".join(phrase(t) for t in terms)
    if collection_ids is None:
        rows = conn.execute(
            "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 1.0, 0.5) LIMIT ?",
            (match, limit)).fetchall()
        return [r[0] for r in rows]
    marks = ",".join("?" * len(collection_ids))
    rows = conn.execute(
        "SELECT chunks_fts.rowid FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
        f"JOIN files f ON f.id = c.file_id WHERE chunks_fts MATCH ? AND f.collection_id IN ({marks}) "
        "ORDER BY bm25(chunks_fts, 1.0, 0.5) LIMIT ?",
        (match, *collection_ids, limit),
    ).fetchall()
    return [r[0] for r in rows]


def fuse(rankings: Iterable[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: score(d) = sum over legs of 1 / (k + rank), rank counted from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, 1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda t: -t[1])
