"""Answer a question from the library, citing its passages: the service `deskmate docs ask` and the
window's Documents area both use.

    run = AskRun(library, "How do I clear a paper jam?", client=client)
    for event in run: ...   # Notice, SourcesFound, Delta (the answer as written), AnswerDone or Failed
    run.result              # Answer: text with [1], [2]; sources best first; each sentence's grounding
    run.cancel()            # any thread: stops this run's request and no other

When the whole text of the searched collections fits what the model can read before its
first token is due (budget.py: its context, and its prefill pace as measured) it all goes in
(numbered passage by passage, in file order); otherwise the best passages from retrieval, as
many as fit, each cut to the sentences that best match the question (excerpt.py).
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
from .budget import PACE, Pace, context_tokens, fit, model_of, passage_budget
from .chunking import tokens
from .errors import DocsError
from .library import Passage
from .search import query_terms

if TYPE_CHECKING:
    from .library import Library

# The vector leg always returns its top k, however far from the question; a passage found only by
# meaning counts when it is at least this close (cosine). MiniLM and bge-small put unrelated
# sentences well below it and paraphrases above.
MIN_SIMILARITY = 0.5
ANSWER_TOKENS = 400

# One set of instructions whatever the language, and nothing that changes from one question to the
# next before the passages: the engine keeps the prompt it last read, so this part costs nothing the
# second time, in either language (what changes, the passages and the question, comes after it).
NONE = {"en": "The documents do not say.", "zh": "文档中没有相关内容。"}
SYSTEM = ("Answer from the numbered passages only, briefly, in the language of the question. "
          "After each sentence cite its passages like [1] or [2][3]. If the passages do not answer the "
          f"question, reply only: {NONE['en']} (to a question in Chinese: {NONE['zh']})")
FIXED = "Passages:\n\n"

WORDS = {
    "en": {
        "none": NONE["en"],
        "nothing": "Nothing relevant was found in your documents.",
        "empty": "Your library is empty: add files or folders to it, then ask again.",
        "unsearchable": "None of the files in your library can be searched yet: they are still being read, "
                        "or could not be read.",
        "question": "Question:",
        "uncited": "The answer cites no passage; the passages it was given are listed.",
    },
    "zh": {
        "none": NONE["zh"],
        "nothing": "在您的文档中没有找到相关内容。",
        "empty": "您的文档库是空的：请先添加文件或文件夹，然后再提问。",
        "unsearchable": "文档库中的文件还不能搜索：它们仍在读取中，或者无法读取。",
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
    empty: bool = False  # nothing in the library can be searched (no files, or none read yet): ``text`` says so
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
                 max_tokens: int | None = None, pace: Pace | None = None) -> None:
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
        self.pace = pace or PACE  # how fast this model reads a prompt, as measured in this process
        # Paced per model and language: a Chinese character is one token to chunking.tokens, often two to a model.
        self.pace_key = f"{model_of(client)[0]}|{'zh' if self.lang.startswith('zh') else 'en'}"

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
        files, passages = self.library.searchable(self.collection)
        if not passages:
            answer.empty = True
            answer.text = self.words["unsearchable" if files else "empty"]
            yield AnswerDone(answer)
            return
        found = self.library.search(self.question, k=self.k, collection=self.collection)
        for notice in found.notices:
            yield Notice(notice)
        ranked = [p for p in found.passages if relevant(p)]
        if not ranked:
            answer.text = self.words["nothing"]
            yield AnswerDone(answer)
            return
        ask = f"{self.words['question']} {self.question}"
        budget = passage_budget(self._scope.client, ask, self.max_tokens, SYSTEM + FIXED, self.pace, self.pace_key)
        given = self._whole_text(budget) if self.allow_whole else None
        answer.whole = given is not None
        given = given or fit(ranked, query_terms(self.question), budget)
        yield SourcesFound(given, answer.whole)  # before the model starts: the front end shows them at once
        prompt = f"{FIXED}{numbered(given)}\n\n{ask}"
        messages = [msg("system", SYSTEM), msg("user", prompt)]
        asked = time.monotonic()
        stream = self._adopt(self._scope.stream(messages, Sampling(temperature=0.2, max_tokens=self.max_tokens)))
        try:
            for piece in stream:
                if answer.first_token_seconds is None:
                    answer.first_token_seconds = time.monotonic() - t0
                    # What changes from question to question: the rest is in the engine's cache
                    # (the first time it is not, and the pace comes out low, which errs on time).
                    self.pace.observe(self.pace_key, tokens(prompt) - tokens(FIXED), time.monotonic() - asked,
                                      model_of(self._scope.client)[1])
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

    def _whole_text(self, budget: float) -> list[Passage] | None:
        every = self.library.whole_text(self.collection, max_chars=int(budget * 4))
        if not every:
            return None
        size = sum(tokens(p.text) + tokens(label(p)) + 3 for p in every)
        return every if size <= budget else None

    def _cite(self, answer: Answer, given: list[Passage], ranked: list[Passage]) -> None:
        """Renumber the model's citations best first, keep the passages it cited, check each sentence."""
        raw = answer.raw.strip()
        if not raw or any(none.rstrip(".。") in raw and len(raw) < 2 * len(none) + 10 for none in NONE.values()):
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
