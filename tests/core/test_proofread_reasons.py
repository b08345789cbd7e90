"""Proofreading reasons come from the edit itself (core/tasks/proofread.py), in the UI language; the
model's words are only an optional note, dropped when they repeat a word of the edit."""

from __future__ import annotations

import pytest
from deskmate.core.tasks.proofread import Change, edit_kind, proofread, repeats_the_edit
from deskmate.core.tasks.run import ProofreadDone, TaskRun

TWELVE = ("Their going too the markt on monday , and they buys apples ,pears and and milk. "
          "Its realy the best shop in paris")
FIXED = ("They're going to the market on Monday, and they buy apples, pears and milk. "
         "It's really the best shop in Paris.")


@pytest.mark.parametrize("original, replacement, kind", [
    ("markt", "market", "spelling"),
    ("realy", "really", "spelling"),
    ("monday", "Monday", "capitalisation"),
    ("Its", "It's", "punctuation"),
    (" ,", ",", "spacing"),
    (",", ".", "punctuation"),
    ("buys", "buy", "word form"),
    ("child", "children", "word form"),
    ("big", "large", "word choice"),
    ("再", "在", "word choice"),
    ("", "the", "missing word"),
    ("and ", "", "extra word"),
])
def test_the_kind_of_edit_is_told_from_the_edit(original: str, replacement: str, kind: str) -> None:
    assert edit_kind(original, replacement) == kind


def test_a_note_that_repeats_the_edit_is_not_an_explanation() -> None:
    c = Change(1, 0, 5, "Their", "They're", "spelling")
    assert repeats_the_edit("They're", c) and repeats_the_edit("— their", c) and repeats_the_edit("...", c)
    assert not repeats_the_edit("contraction of they are", c)


def test_twelve_changes_all_explained_with_the_same_echo_get_their_own_reasons(standin, client) -> None:
    # The issue: every change's reason was whatever the model wrote ("— They're" on nearly all twelve).
    standin.enqueue(FIXED, match="Their going")
    # Six of the changes are words (spelling, form, an extra word); case, spacing and commas need no words.
    standin.enqueue({"reasons": ["They're"] * 6}, match="You explain proofreading")
    run = TaskRun("proofread.check", {"text": TWELVE}, client=client)
    result = next(e.result for e in run if isinstance(e, ProofreadDone))
    reasons = {(c.original, c.replacement): c.reason for c in result.changes}
    assert reasons[("markt", "market")] == "spelling"
    assert reasons[("monday ", "Monday")] == "capitalisation"
    assert reasons[(" and", "")] == "extra word" and reasons[("", ",")] == "punctuation"
    assert reasons[("paris", "Paris.")] == "capitalisation"
    assert reasons[("buys", "buy")] == "word form"
    assert reasons[("too", "to")] == "spelling"
    assert all(c.reason for c in result.changes)
    assert not any("They're" in c.explanation for c in result.changes if c.replacement != "They're")
    assert all(c.note == "" for c in result.changes)  # the echo is never shown


def test_reasons_in_the_chinese_ui(standin, client) -> None:
    standin.enqueue("我们明天在开会。", match="我们明天再开会")
    standin.enqueue({"reasons": ["“再”应为“在”"]}, match="You explain proofreading")
    run = TaskRun("proofread.check", {"text": "我们明天再开会。"}, client=client, lang="zh")
    result = run.run().proofread
    (change,) = result.changes
    assert (change.original, change.replacement, change.reason) == ("再", "在", "用词")
    assert change.note == ""  # it repeats a character of the edit
    english = TaskRun("proofread.check", {"text": "Meet on monday."}, client=client, lang="zh", explain=False)
    standin.enqueue("Meet on Monday.", match="Meet on monday")
    assert [c.reason for c in english.run().proofread.changes] == ["大小写"]


def test_the_tiny_model_never_drops_a_sentence_and_every_change_has_a_reason(engine) -> None:
    text = "Their going to the markt tomorow. We meets at nine in the morning. The shop close at five."
    result = proofread(engine, text)
    for c in result.changes:
        assert c.reason in ("spacing", "capitalisation", "punctuation", "spelling", "word form", "word choice",
                            "missing word", "extra word")
        assert not (c.note and repeats_the_edit(c.note, c))
    for sentence in ("markt", "nine", "five"):
        assert sentence in result.corrected or sentence in text  # nothing lost: dropped sentences come back
    from deskmate.core.tasks.proofread import restore_dropped

    assert restore_dropped(text, result.corrected)[1] == []
