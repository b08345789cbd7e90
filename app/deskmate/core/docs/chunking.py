"""Parsed blocks -> passages ("chunks") small enough to embed and to quote as a source.

The document's text is its blocks joined by a blank line; every chunk is an exact slice
``text[start:end]`` of it, within one block (so within one page or under one heading), cut
at paragraph, line or sentence ends. Chunks do not overlap, so the chunks of a file in
order give back its whole text (what a whole-document summary reads).

Size is counted in rough model tokens: a Chinese or Japanese character is about one token,
other text about four characters per token. The limit keeps a chunk well inside the 512
tokens of the small BERT embedders (GPT4All chunks by whitespace, so a Chinese paragraph
becomes one giant "word").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from deskmate.core.store.fts import CJK_RE

from .parsers import Block

MAX_TOKENS = 250
BLOCK_SEPARATOR = "\n\n"

# Ends after which a chunk may be cut, best first: blank line, line end, sentence end.
_BREAKS = re.compile(r"\n\s*\n|\n|(?<=[.!?;:])\s+|(?<=[。！？；：])")


@dataclasses.dataclass(frozen=True)
class Chunk:
    seq: int  # order within the file
    text: str
    start: int  # span in the file's text (blocks joined by BLOCK_SEPARATOR)
    end: int
    page: int | None
    section: str | None


def tokens(text: str) -> float:
    cjk = len(CJK_RE.findall(text))
    return cjk + (len(text) - cjk) / 4


def main_language(text: str) -> str:
    """"zh" when Chinese (or Japanese) characters make at least half of the text's tokens, else "en"."""
    cjk = len(CJK_RE.findall(text))
    return "zh" if cjk and cjk >= (len(text) - cjk) / 4 else "en"


def document_text(blocks: Sequence[Block]) -> str:
    return BLOCK_SEPARATOR.join(b.text for b in blocks)


def _atoms(text: str, max_tokens: float) -> list[tuple[int, int]]:
    """Spans that cover ``text`` end to end, cut at natural breaks; none over ``max_tokens``."""
    spans, start = [], 0
    for m in _BREAKS.finditer(text):
        if m.end() > start:
            spans.append((start, m.end()))
            start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while tokens(text[a:b]) > max_tokens:
            cut = _hard_cut(text, a, b, max_tokens)
            out.append((a, cut))
            a = cut
        if b > a:
            out.append((a, b))
    return out


def _hard_cut(text: str, a: int, b: int, max_tokens: float) -> int:
    """The furthest place before the limit to cut a run with no natural break: a space if any."""
    lo, hi = a + 1, b
    while lo < hi:  # the longest prefix within the limit (tokens() grows with the prefix)
        mid = (lo + hi + 1) // 2
        if tokens(text[a:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    space = text.rfind(" ", a + 1, lo)
    return space + 1 if space > a + (lo - a) // 2 else lo


def chunk_blocks(blocks: Sequence[Block], max_tokens: float = MAX_TOKENS) -> list[Chunk]:
    chunks: list[Chunk] = []
    offset = 0
    for i, block in enumerate(blocks):
        if i:
            offset += len(BLOCK_SEPARATOR)
        text = block.text
        start = end = None
        size = 0.0
        for a, b in _atoms(text, max_tokens):
            t = tokens(text[a:b])
            if start is not None and size + t > max_tokens:
                chunks.append(_make(len(chunks), text, start, end, offset, block))  # type: ignore[arg-type]
                start = None
            if start is None:
                start, size = a, 0.0
            end = b
            size += t
        if start is not None:
            chunks.append(_make(len(chunks), text, start, end, offset, block))  # type: ignore[arg-type]
        offset += len(text)
    kept = [c for c in chunks if c.text]
    return [dataclasses.replace(c, seq=n) for n, c in enumerate(kept)]


def _make(seq: int, text: str, a: int, b: int, offset: int, block: Block) -> Chunk:
    # Trim the whitespace a cut leaves at either end; the span follows the trimmed text.
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return Chunk(seq, text[a:b], offset + a, offset + b, block.page, block.section)
