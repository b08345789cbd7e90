"""Answer a question from the library, citing its passages: the service `deskmate docs ask` and the
window's Documents area both use.

    run = AskRun(library, "How do I clear a paper jam?", client=client)
    for event in run: ...   # Notice, SourcesFound, Delta (the answer as written), AnswerDone or Failed
    run.result              # Answer: text with [1], [2]; sources best first; each sentence's grounding
    run.cancel()            # any thread: stops this run's request and no other

When the whole text of the searched collections fits the model's context it all goes in
(numbered passage by passage, in file order); otherwise the best passages from retrieval.
Either way the passages are numbered, the model cites them, and the answer is renumbered
so that [n] is ``sources[n - 1]``, best first. Nothing relevant (see :func:`relevant`)
means no model call at all: the answer says so.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from deskmate.core.engines.base import ChatClient, ClientRun, Completion, Sampling, msg
from deskmate.core.store.fts import CJK_RE
from deskmate.core.tasks.run import Delta, Failed, Notice

from . import grounding
from .chunking import tokens
from .errors import DocsError
from .library import Passage

if TYPE_CHECKING:
    from .library import Library

# The vector leg always returns its top k, however far from the question; a passage found only by
# meaning counts when it is at least this close (cosine). MiniLM and bge-small put unrelated
# sentences well below it and paraphrases above.
MIN_SIMILARITY = 0.5
ANSWER_TOKENS = 400
PROMPT_TOKENS = 300  # the instructions, the labels and the question, roughly
DEFAULT_CONTEXT = 4096

WORDS = {
    "en": {
        "system": "You answer questions from the person's own documents, using only the numbered passages "
                  "given. After each sentence, cite the passages it comes from by number in square brackets, "
                  "like [1] or [2][3]. If the passages do not answer the question, reply only: {none} "
                  "Answer briefly, in the language of the question.",
        "none": "The documents do not say.",
        "nothing": "Nothing relevant was found in your documents.",
        "passages": "Passages:",
        "question": "Question:",
        "uncited": "The answer cites no passage; the passages it was given are listed.",
    },
    "zh": {
        "system": "你根据用户自己的文档回答问题，只使用给出的编号段落。每句话后用方括号标出它来自哪些段落，"
                  "例如 [1] 或 [2][3]。如果这些段落不能回答问题，只回答：{none} 回答要简短，使用提问的语言。",
        "none": "文档中没有相关内容。",
        "nothing": "在您的文档中没有找到相关内容。",
        "passages": "段落：",
        "question": "问题：",
        "uncited": "回答没有引用任何段落；下面列出了提供给它的段落。",
    },
}


def language_of(text: str) -> str:
    """"zh" when the text is written in Chinese (or Japanese), else "en": the prompts' two languages."""
    return "zh" if CJK_RE.search(text) else "en"


def relevant(passage: Passage) -> bool:
    """Found by keyword (it shares a word with the question), or close enough in meaning."""
    return passage.keyword or (passage.similarity is not None and passage.similarity >= MIN_SIMILARITY)


def context_tokens(client: object) -> int:
    """The model's context size: a local engine's n_ctx, a remote endpoint's context, else 4096."""
    for value in (getattr(getattr(client, "config", None), "n_ctx", None), getattr(client, "context", None)):
        if isinstance(value, int) and value > 0:
            return value
    inner = getattr(client, "client", None)  # a ScopedClient or router wraps the real one
    return context_tokens(inner) if inner is not None and inner is not client else DEFAULT_CONTEXT


def label(passage: Passage) -> str:
    where = f", {passage.where}" if passage.where else ""
    return f"({passage.path.name}{where})"


def numbered(passages: Sequence[Passage]) -> str:
    return "\n\n".join(f"[{n}] {label(p)}\n{p.text}" for n, p in enumerate(passages, 1))


# ------------------------------------------------------------------ events and result


@dataclasses.dataclass(frozen=True)
class SourcesFound:
    """The passages the model is given, numbered from 1 in this order (``whole``: the whole text)."""

    passages: list[Passage]
    whole: bool


@dataclasses.dataclass
class Answer:
    question: str
    text: str = ""  # what the person reads; [n] is sources[n - 1]
    sources: list[Passage] = dataclasses.field(default_factory=list)  # best first
    sentences: list[grounding.Sentence] = dataclasses.field(default_factory=list)
    found: bool = False  # False: nothing in the library answers it, and ``text`` says so
    whole: bool = False  # the whole text of the documents was in context
    raw: str = ""  # the model's own words and numbering
    cancelled: bool = False
    completion: Completion | None = None
    notices: list[str] = dataclasses.field(default_factory=list)
    first_token_seconds: float | None = None  # from the start of the run
    seconds: float = 0.0

    @property
    def unsupported(self) -> list[str]:
        """Sentences no cited passage supports (the grounding check)."""
        return [s.text for s in self.sentences if not s.supported]


@dataclasses.dataclass(frozen=True)
class AnswerDone:
    answer: Answer


Event = Notice | SourcesFound | Delta | AnswerDone | Failed


# ------------------------------------------------------------------ the run


class AskRun(ClientRun):
    """One question. Iterate once for events; ``cancel()`` from any thread."""

    def __init__(self, library: Library, question: str, *, client: ChatClient, k: int = 5,
                 collection: str | None = None, lang: str | None = None, whole: bool = True,
                 max_tokens: int | None = None) -> None:
        super().__init__(client)
        self.question = " ".join(question.split())
        if not self.question:
            raise DocsError("The question is empty: type what you want to know about your documents.")
        self.library = library
        self.k = k
        self.collection = collection
        self.lang = lang or language_of(self.question)
        self.words = WORDS["zh" if self.lang.startswith("zh") else "en"]
        self.allow_whole = whole
        self.max_tokens = max_tokens or ANSWER_TOKENS

    def run(self) -> Answer:
        return super().run()  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Event]:
        self._start_once()
        t0 = time.monotonic()
        answer = Answer(self.question)
        try:
            for event in self._body(answer, t0):
                if isinstance(event, Notice):
                    answer.notices.append(event.text)
                yield event
        except Exception as e:  # every failure reaches the person as an event, with the text so far
            yield Failed(e, answer.raw)
        answer.cancelled = answer.cancelled or self._cancel.is_set()
        answer.seconds = time.monotonic() - t0
        self.result = answer

    def _body(self, answer: Answer, t0: float) -> Iterator[Event]:
        found = self.library.search(self.question, k=self.k, collection=self.collection)
        for notice in found.notices:
            yield Notice(notice)
        ranked = [p for p in found.passages if relevant(p)]
        if not ranked:
            answer.text = self.words["nothing"]
            yield AnswerDone(answer)
            return
        given = self._whole_text() if self.allow_whole else None
        answer.whole = given is not None
        given = given or ranked
        yield SourcesFound(given, answer.whole)
        messages = [msg("system", self.words["system"].format(none=self.words["none"])),
                    msg("user", f"{self.words['passages']}\n\n{numbered(given)}\n\n"
                                f"{self.words['question']} {self.question}")]
        stream = self._adopt(self._scope.stream(messages, Sampling(temperature=0.2, max_tokens=self.max_tokens)))
        try:
            for piece in stream:
                if answer.first_token_seconds is None:
                    answer.first_token_seconds = time.monotonic() - t0
                answer.raw += piece
                yield Delta(piece)
            done = stream.result()
        finally:
            self._release(stream)
        answer.completion, answer.raw = done, done.text
        answer.cancelled = done.finish_reason == "cancelled"
        self._cite(answer, given, ranked)
        if not answer.found:
            answer.text = self.words["none"]
        yield AnswerDone(answer)

    def _whole_text(self) -> list[Passage] | None:
        budget = context_tokens(self._scope.client) - self.max_tokens - PROMPT_TOKENS
        if budget <= 0:
            return None
        every = self.library.whole_text(self.collection, max_chars=budget * 4)
        if not every:
            return None
        size = sum(tokens(p.text) + tokens(label(p)) + 3 for p in every)
        return every if size <= budget else None

    def _cite(self, answer: Answer, given: list[Passage], ranked: list[Passage]) -> None:
        """Renumber the model's citations best first, keep the passages it cited, check each sentence."""
        raw = answer.raw.strip()
        if not raw or self.words["none"].rstrip(".。") in raw and len(raw) < 2 * len(self.words["none"]) + 10:
            answer.found = False
            return
        answer.found = True
        cited = [n for n in grounding.cited_numbers(raw) if 1 <= n <= len(given)]
        rank = {p.chunk_id: i for i, p in enumerate(ranked)}
        order = sorted(cited, key=lambda n: (rank.get(given[n - 1].chunk_id, len(rank)), n))
        mapping = {old: new for new, old in enumerate(order, 1)}
        answer.text = grounding.renumber(raw, mapping)
        if order:
            answer.sources = [given[n - 1] for n in order]
        else:
            answer.sources = ranked
            answer.notices.append(self.words["uncited"])
        answer.sentences = grounding.check(answer.text, {n: p.text for n, p in enumerate(answer.sources, 1)})


__all__ = ["Answer", "AnswerDone", "AskRun", "Event", "MIN_SIMILARITY", "SourcesFound", "context_tokens",
           "language_of", "relevant"]
