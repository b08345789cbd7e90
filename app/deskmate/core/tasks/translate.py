"""Translate a document paragraph by paragraph, streaming, keeping its structure.

The text is split into paragraphs at blank lines (a fenced code block is one
paragraph even when it holds blank lines). Code, and paragraphs with no
letters, are copied through without asking the model. Inside a paragraph,
Markdown markers (heading hashes, list bullets, quote marks, table pipes) are
kept by us and only the words between them go to the model, so a small model
cannot break the structure. The blank lines between paragraphs are copied
byte for byte, which is what keeps the paragraph count.

    job = Translation(client, text, "zh", glossary={"invoice": "发票"})
    for event in job:            # ParagraphStart, ParagraphDelta, ParagraphDone, Finished
        ...
    job.cancel()                 # from any thread
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from typing import Literal, Union

from deskmate.core.engines.base import Cancellable, ChatClient, Message, Sampling, msg

from .langdetect import Language, detect_language, resolve_language

# Faithful, not inventive; no repeat penalty, so the source's own terms may recur.
DEFAULT_SAMPLING = Sampling(temperature=0.2, top_p=0.9, top_k=40, repeat_penalty=1.0)

# The previous paragraph is carried as context; cut it so long documents fit the window.
CONTEXT_CHARS = 600
MAX_SEGMENT_TOKENS = 2048

ParagraphKind = Literal["prose", "code", "no-text"]


# ---------------------------------------------------------------- paragraphs


@dataclasses.dataclass(frozen=True)
class Paragraph:
    index: int
    text: str
    lead: str  # the blank lines (or nothing) before it, copied as they are
    kind: ParagraphKind


@dataclasses.dataclass(frozen=True)
class Document:
    paragraphs: tuple[Paragraph, ...]
    trailing: str  # whitespace after the last paragraph

    def join(self, texts: Sequence[str]) -> str:
        """Put the document back together with new paragraph texts."""
        if len(texts) != len(self.paragraphs):
            raise ValueError(f"Expected {len(self.paragraphs)} paragraphs, got {len(texts)}.")
        return "".join(p.lead + t for p, t in zip(self.paragraphs, texts)) + self.trailing


_FENCE_OPEN = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def split_paragraphs(text: str) -> Document:
    """Split at blank lines; a fenced code block stays whole."""
    lines = text.splitlines(keepends=True)
    paragraphs: list[Paragraph] = []
    lead: list[str] = []
    i = 0
    while i < len(lines):
        if _is_blank(lines[i]):
            lead.append(lines[i])
            i += 1
            continue
        start = i
        fenced = False
        while i < len(lines) and not _is_blank(lines[i]):
            m = _FENCE_OPEN.match(lines[i])
            if m:
                fenced = True
                fence = m.group(1)
                i += 1
                # Everything up to the closing fence (or the end) belongs to the block.
                while i < len(lines) and not lines[i].lstrip().startswith(fence[0] * len(fence)):
                    i += 1
                i = min(i + 1, len(lines))
            else:
                i += 1
        body = "".join(lines[start:i])
        # The line break ending a paragraph belongs to the gap after it.
        stripped = body.rstrip("\r\n")
        ending = body[len(stripped):]
        paragraphs.append(Paragraph(len(paragraphs), stripped, "".join(lead), _kind(stripped, fenced)))
        lead = [ending]
    trailing = "".join(lead)
    if not paragraphs:
        return Document((), text)
    return Document(tuple(paragraphs), trailing)


def _kind(text: str, fenced: bool) -> ParagraphKind:
    # A paragraph holding a fence is kept whole: prose glued to code is rare, and
    # translating it would put the code at risk.
    if fenced:
        return "code"
    lines = text.splitlines()
    if all(line.startswith(("    ", "\t")) for line in lines) and not any(_LIST_ITEM.match(line) for line in lines):
        return "code"
    if not _has_letters(text):
        return "no-text"
    return "prose"


# ------------------------------------------------------------------ segments
# A prose paragraph becomes literal pieces (markers, pipes, numbers) and pieces to translate.


@dataclasses.dataclass(frozen=True)
class Piece:
    text: str
    translate: bool
    indent: str = ""  # put after each line break of the translation (wrapped list items)


_HEADING = re.compile(r"^(\s{0,3}#{1,6}[ \t]+)(.*?)([ \t]+#+[ \t]*)?$")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)(.*)$")
_QUOTE = re.compile(r"^(\s*(?:>[ \t]?)+)(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_INLINE_CODE = re.compile(r"`[^`\n]+`")


@dataclasses.dataclass
class _Item:
    prefix: str
    lines: list[str]
    suffix: str = ""
    indent: str = ""


def _line_parts(line: str) -> tuple[str, str, str, bool]:
    """(marker prefix, content, closing suffix, whether the line starts a new item)."""
    prefix = ""
    m = _QUOTE.match(line)
    if m:
        prefix, line = m.group(1), m.group(2)
    m = _HEADING.match(line)
    if m:
        return prefix + m.group(1), m.group(2), m.group(3) or "", True
    m = _ITEM.match(line)
    if m:
        return prefix + m.group(1), m.group(2), "", True
    return prefix, line, "", bool(prefix)


def segment(paragraph: str) -> list[Piece]:
    """Split a prose paragraph into literal markers and the text to translate."""
    items: list[_Item | list[Piece]] = []
    for line in paragraph.split("\n"):
        if _TABLE_ROW.match(line):
            cells: list[Piece] = []
            for cell in re.split(r"(\|)", line):
                cells.extend([Piece(cell, False)] if cell == "|" else _split_edges(cell))
            items.append(cells)
            continue
        if not _has_letters(line):  # rules, setext underlines, bare numbers
            items.append([Piece(line, False)])
            continue
        prefix, content, suffix, starts = _line_parts(line)
        last = items[-1] if items else None
        if not starts and isinstance(last, _Item) and not last.suffix:
            # A wrapped line continues the item above it.
            last.indent = last.indent or content[: len(content) - len(content.lstrip())]
            last.lines.append(content.strip())
        else:
            items.append(_Item(prefix, [content], suffix))
    pieces: list[Piece] = []
    for n, item in enumerate(items):
        if n:
            pieces.append(Piece("\n", False))
        if isinstance(item, _Item):
            pieces.append(Piece(item.prefix, False))
            pieces.extend(_split_edges("\n".join(item.lines), item.indent))
            pieces.append(Piece(item.suffix, False))
        else:
            pieces.extend(item)
    return _merge([p for p in pieces if p.text])


def _split_edges(text: str, indent: str = "") -> list[Piece]:
    """Keep surrounding spaces literal; text with no letters is literal too."""
    core = text.strip()
    if not core or not _has_letters(_INLINE_CODE.sub("", core)):
        return [Piece(text, False)]
    left = text[: len(text) - len(text.lstrip())]
    right = text[len(text.rstrip()):]
    return [Piece(left, False), Piece(core, True, indent), Piece(right, False)]


def _merge(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        if out and not p.translate and not out[-1].translate:
            out[-1] = Piece(out[-1].text + p.text, False)
        else:
            out.append(p)
    return out


# ------------------------------------------------------------------ checks

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_LATIN = re.compile(r"[A-Za-z]")


def _contains_term(text: str, term: str) -> bool:
    term = term.strip()
    if not term:
        return True
    if _LATIN.match(term[0]) and _LATIN.match(term[-1]):
        # Whole words for Latin-script terms, so "cat" is not found in "category".
        return re.search(r"(?<![A-Za-z])" + re.escape(term) + r"(?![A-Za-z])", text, re.I) is not None
    return term.casefold() in text.casefold()


def check_glossary(source: str, translation: str, glossary: Mapping[str, str]) -> list[tuple[str, str]]:
    """Glossary pairs whose source term is in ``source`` but whose target is missing from ``translation``."""
    return [
        (src, tgt)
        for src, tgt in glossary.items()
        if src.strip() and _contains_term(source, src) and not _contains_term(translation, tgt)
    ]


def missing_numbers(source: str, translation: str) -> list[str]:
    """Numbers written in the source that do not appear in the translation."""
    have = {n.replace(",", "") for n in _NUMBER.findall(translation)}
    missing: list[str] = []
    for n in _NUMBER.findall(source):
        if n.replace(",", "") not in have and n not in missing:
            missing.append(n)
    return missing


def parse_glossary(text: str) -> dict[str, str]:
    """Read term pairs, one a line: ``term = translation`` (also ``=>``, tab, or a comma).

    Lines starting with # are comments. Raises ValueError naming the bad line."""
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for sep in ("=>", "\t", "=", ","):
            if sep in line:
                src, tgt = (part.strip() for part in line.split(sep, 1))
                break
        else:
            src = tgt = ""
        if not src or not tgt:
            raise ValueError(f"Glossary line {number} is not a term pair: '{line}'. Write it as: term = translation")
        pairs[src] = tgt
    return pairs


# ------------------------------------------------------------------ the output's language

# Letters an answer needs before its language is judged (CJK characters count as letters).
JUDGE_LETTERS = 16
JUDGE_CJK = 4


class TranslationLanguageError(ValueError):
    """The model answered in the wrong language, twice. ``partial`` is the text translated before."""

    def __init__(self, target: Language, answered: Language, partial: str = "") -> None:
        name = answered.name if answered.known else "another language"
        # The paragraphs before it were translated and shown: say only what was held back.
        held = "Its answer to that paragraph was not shown." if partial.strip() else \
            "Nothing was presented as the translation."
        super().__init__(
            f"This is not a translation into {target.name}: the model answered in {name}. {held} "
            "Try again, or choose a larger model in Settings."
        )
        self.target, self.answered, self.partial = target, answered, partial


def _letters(text: str) -> tuple[int, int]:
    """(letters, CJK characters among them)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters), sum(1 for ch in letters if _CJK_CHAR.match(ch))


def language_matches(text: str, target: Language) -> bool | None:
    """Whether ``text`` is written in ``target``; None while there is too little of it to tell.

    CJK targets are told by script (a small model's wrong answer is in the source's script); other
    targets by py3langid, with the benefit of the doubt when it is unsure."""
    letters, cjk = _letters(text)
    if target.code in _CJK_CODES:
        if letters < JUDGE_CJK:
            return None
        if cjk / letters < 0.3:
            return False
        detected = detect_language(text)
        return detected.code in _CJK_CODES and (detected.code == target.code or target.code not in ("ja", "ko"))
    if cjk >= JUDGE_CJK and cjk / letters > 0.3:
        return False
    if letters < JUDGE_LETTERS:
        return None
    detected = detect_language(text)
    return detected.code == target.code or detected.confidence < 0.9


def _needs_judging(source_piece: str, source: Language, target: Language) -> bool:
    letters, cjk = _letters(source_piece)
    if source.known and source.code == target.code:
        return False
    return cjk >= JUDGE_CJK if cjk else letters >= JUDGE_LETTERS


# ------------------------------------------------------------------ events


@dataclasses.dataclass(frozen=True)
class TranslatedParagraph:
    index: int
    source: str
    translation: str
    passthrough: bool  # copied without the model (code, numbers, or nothing came back)
    missing_terms: tuple[tuple[str, str], ...] = ()
    missing_numbers: tuple[str, ...] = ()
    fallback: bool = False  # the model gave nothing for some piece, so its source was kept


@dataclasses.dataclass(frozen=True)
class ParagraphStart:
    index: int
    total: int
    lead: str  # blank lines before the paragraph: write them before its deltas
    source: str
    passthrough: bool


@dataclasses.dataclass(frozen=True)
class ParagraphDelta:
    index: int
    text: str


@dataclasses.dataclass(frozen=True)
class ParagraphDone:
    index: int
    paragraph: TranslatedParagraph


@dataclasses.dataclass(frozen=True)
class TranslationResult:
    text: str  # leads + deltas (+ trailing when complete): exactly what was streamed
    source_language: Language
    target_language: Language
    paragraphs: tuple[TranslatedParagraph, ...]
    cancelled: bool

    @property
    def glossary_misses(self) -> list[tuple[int, str, str]]:
        """(paragraph index, source term, target term) for every glossary target not found."""
        return [(p.index, s, t) for p in self.paragraphs for s, t in p.missing_terms]


@dataclasses.dataclass(frozen=True)
class Finished:
    trailing: str  # whitespace after the last paragraph: write it last
    result: TranslationResult


TranslationEvent = Union[ParagraphStart, ParagraphDelta, ParagraphDone, Finished]


# ------------------------------------------------------------------ streaming


class _OutputFilter:
    """Clean a model's streamed answer for one piece while it streams.

    Drops leading blank space and trailing whitespace, and ends the piece at a
    blank line (or at any line break for a one-line piece): what follows is the
    model's notes, and a blank line would split the paragraph in two."""

    def __init__(self, single_line: bool) -> None:
        self.raw = ""
        self.emitted = ""
        self.done = False
        self._stop = "\n" if single_line else "\n\n"

    def feed(self, delta: str) -> str:
        self.raw += delta.replace("\r\n", "\n")
        clean = self.raw.lstrip()
        cut = clean.find(self._stop)
        if cut >= 0:
            clean = clean[:cut]
            self.done = True
        clean = clean.rstrip()
        out = clean[len(self.emitted):]
        self.emitted = clean
        return out


class Translation(Cancellable):
    """One translation job: iterate it once for events; ``cancel()`` from any thread."""

    def __init__(
        self,
        client: ChatClient,
        text: str,
        target: str | Language,
        *,
        source: str | Language | None = None,
        glossary: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        sampling: Sampling | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.document = split_paragraphs(text)
        self.target = target if isinstance(target, Language) else resolve_language(target)
        if source is None:
            self.source = detect_language(text)
        else:
            self.source = source if isinstance(source, Language) else resolve_language(source)
        self.glossary = dict(glossary.items() if isinstance(glossary, Mapping) else glossary or ())
        self.sampling = sampling or DEFAULT_SAMPLING
        self._streamed: list[str] = []
        self._done: list[TranslatedParagraph] = []
        self._started = False
        self.result: TranslationResult | None = None

    @property
    def total(self) -> int:
        return len(self.document.paragraphs)

    @property
    def text_so_far(self) -> str:
        return "".join(self._streamed)

    def run(self) -> TranslationResult:
        """Translate everything without looking at the events."""
        for _ in self:
            pass
        assert self.result is not None
        return self.result

    def __iter__(self) -> Iterator[TranslationEvent]:
        if self._started:
            raise RuntimeError("A translation can be iterated only once.")
        self._started = True
        context: tuple[str, str] | None = None
        try:
            for para in self.document.paragraphs:
                if self._cancel.is_set():
                    break
                passthrough = para.kind != "prose"
                yield ParagraphStart(para.index, self.total, para.lead, para.text, passthrough)
                self._streamed.append(para.lead)
                if passthrough:
                    self._streamed.append(para.text)
                    yield ParagraphDelta(para.index, para.text)
                    done = TranslatedParagraph(para.index, para.text, para.text, True)
                else:
                    out: list[str] = []
                    fallback = False
                    for piece in segment(para.text):
                        if self._cancel.is_set():
                            break
                        if piece.translate:
                            got = yield from self._translate_piece(para.index, piece, context)
                            if got or self._cancel.is_set():
                                out.append(got)
                                continue
                            # Nothing usable came back: keep the source so no words vanish.
                            fallback = True
                        text = piece.text.replace("\n", "\n" + piece.indent) if piece.indent else piece.text
                        out.append(text)
                        self._streamed.append(text)
                        yield ParagraphDelta(para.index, text)
                    translation = "".join(out)
                    if self._cancel.is_set():
                        break
                    done = TranslatedParagraph(
                        para.index,
                        para.text,
                        translation,
                        False,
                        tuple(check_glossary(para.text, translation, self.glossary)),
                        tuple(missing_numbers(para.text, translation)),
                        fallback,
                    )
                    context = (para.text, translation)
                self._done.append(done)
                yield ParagraphDone(para.index, done)
            cancelled = self._cancel.is_set()
            if not cancelled:
                self._streamed.append(self.document.trailing)
            self.result = TranslationResult(
                self.text_so_far, self.source, self.target, tuple(self._done), cancelled
            )
            yield Finished("" if cancelled else self.document.trailing, self.result)
        finally:
            # A consumer that stops early must not leave the model generating.
            with self._job_lock:
                stream = self._job
            if stream is not None:
                stream.cancel()

    def _translate_piece(
        self, index: int, piece: Piece, context: tuple[str, str] | None
    ) -> Generator[TranslationEvent, None, str]:
        """Stream one piece as deltas; return its cleaned translation ('' if none).

        The first words are held back until their language can be told: an answer in the wrong
        language is never streamed, it is asked for again once with a stronger instruction, and a
        second wrong answer ends the translation with TranslationLanguageError."""
        judge = _needs_judging(piece.text, self.source, self.target)
        wrong: Language | None = None
        for attempt in range(2 if judge else 1):
            got, verdict, answer = yield from self._stream_piece(index, piece, context, judge, strong=attempt > 0)
            if verdict is not False:
                return got
            wrong = detect_language(answer)
        assert wrong is not None
        raise TranslationLanguageError(self.target, wrong, self.text_so_far)

    def _stream_piece(
        self, index: int, piece: Piece, context: tuple[str, str] | None, judge: bool, strong: bool
    ) -> Generator[TranslationEvent, None, tuple[str, bool | None, str]]:
        single_line = "\n" not in piece.text
        # The server stops at the end of the piece by itself. Cancelling instead would cost a
        # dropped connection per piece, and the local engine's cancel watchdog can kill the
        # process when the next request keeps it busy right after a cancel.
        stop = "\n" if single_line else "\n\n"
        sampling = self.sampling.replace(
            max_tokens=_budget(piece.text, self.target),
            stop=tuple(dict.fromkeys((*self.sampling.stop, stop))),
        )
        stream = self._adopt(self.client.stream(self.messages(piece.text, context, strong=strong), sampling))
        flt = _OutputFilter(single_line)
        got: list[str] = []
        held: list[str] = []
        verdict: bool | None = None if judge else True
        try:
            for delta in stream:
                clean = flt.feed(delta)
                if clean and verdict is not False:
                    if piece.indent:
                        clean = clean.replace("\n", "\n" + piece.indent)
                    held.append(clean)
                    if verdict is None:
                        verdict = language_matches(flt.emitted, self.target)
                    if verdict:
                        yield from self._emit(index, held, got)
                if flt.done:  # a server that ignored the stop sequence
                    stream.cancel()
                    break
            if verdict is None:  # too short to tell: it stands
                verdict = language_matches(flt.emitted, self.target)
                if verdict is not False:
                    yield from self._emit(index, held, got)
        finally:
            self._release(stream)
            if stream.finish_reason is None:
                stream.cancel()
        return "".join(got), verdict, flt.emitted

    def _emit(self, index: int, held: list[str], got: list[str]) -> Iterator[TranslationEvent]:
        for clean in held:
            got.append(clean)
            self._streamed.append(clean)
            yield ParagraphDelta(index, clean)
        held.clear()

    def messages(self, text: str, context: tuple[str, str] | None, *, strong: bool = False) -> list[Message]:
        """The prompt for one piece, with the previous paragraph and its translation as context.

        ``strong``: the model answered in the wrong language; say plainly which one to write in."""
        source = f" from {self.source.prompt_name}" if self.source.known else ""
        rules = (
            f"You are a professional translator. Translate the user's text{source} into "
            f"{self.target.prompt_name}. Reply with the translation only, with no notes or explanations. "
            "Keep numbers, names, URLs, and anything in `backticks` exactly as written. Keep line breaks."
        )
        terms = {s: t for s, t in self.glossary.items() if _contains_term(text, s)}
        if terms:
            pairs = "\n".join(f"- {s} → {t}" for s, t in terms.items())
            rules += "\nAlways translate these terms like this:\n" + pairs
        if strong:
            rules += (f"\nWrite the answer in {self.target.prompt_name} only. Do not copy the text and do not "
                      f"answer in {self.source.name if self.source.known else 'the language of the text'}.")
        ask = f"Translate into {self.target.prompt_name}:\n\n"
        messages = [msg("system", rules)]
        if context is not None and not strong:
            prev_src, prev_out = context
            messages += [msg("user", ask + _clip(prev_src)), msg("assistant", _clip(prev_out))]
        messages.append(msg("user", ask + text))
        return messages


def _clip(text: str) -> str:
    return text if len(text) <= CONTEXT_CHARS else "…" + text[-CONTEXT_CHARS:]


_CJK_CODES = ("zh", "ja", "ko", "yue", "wuu")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _budget(text: str, target: Language) -> int:
    """Enough tokens for a faithful translation, few enough to stop a looping model early.

    Measured on SmolLM2's tokenizer: English into Chinese takes about 0.65 tokens per
    source character, Chinese into English about 0.65 per source character too; the
    rates below leave room for wordier translations and less frugal tokenizers."""
    cjk_target = target.code in _CJK_CODES
    cjk = len(_CJK_CHAR.findall(text))
    rate_cjk, rate_other = (2.0, 0.9) if cjk_target else (1.2, 0.5)
    return min(MAX_SEGMENT_TOKENS, 24 + int(cjk * rate_cjk + (len(text) - cjk) * rate_other))


def translate(
    client: ChatClient,
    text: str,
    target: str | Language,
    *,
    source: str | Language | None = None,
    glossary: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    sampling: Sampling | None = None,
) -> TranslationResult:
    """Translate ``text`` in one go (no events)."""
    return Translation(client, text, target, source=source, glossary=glossary, sampling=sampling).run()
