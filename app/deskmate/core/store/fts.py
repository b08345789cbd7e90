"""Full-text search helpers shared by the drafts and the documents index.

unicode61 keeps a run of Han/kana as one token, so "季度" inside "第二季度报告" would never
match. Both indexes store those scripts one character per token by putting a zero-width
space (a separator for unicode61) around each; a phrase of single characters ("季 度") then
matches the word anywhere, with bm25 ranking. The trigram tokenizer would miss one- and
two-character words, and a word segmenter (jieba) would be a large dependency.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
CJK_CLASS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
CJK_RE = re.compile(f"({CJK_CLASS})")


def index_text(text: str) -> str:
    """``text`` as it goes into an FTS5 column (and into a phrase query): CJK one character per token."""
    return CJK_RE.sub(ZWSP + r"\1" + ZWSP, text.replace(ZWSP, " "))


def phrase(text: str) -> str:
    """A quoted FTS5 phrase for ``text``: safe against query syntax, CJK split like the index."""
    return '"' + index_text(text).replace('"', '""') + '"'
