"""Proofreading: changes with positions, accept/reject round trips, dropped sentences restored.

Constructed corrections pin the exact behaviour; the real tiny model checks
that the same guarantees hold for whatever it returns.
"""

from __future__ import annotations

import itertools

import pytest

from deskmate.core.tasks.proofread import (
    Change,
    apply,
    build_result,
    diff_changes,
    proofread,
    render_inline,
    restore_dropped,
    sentence_spans,
    tokenize,
)

ORIGINAL = "Their going too the store tomorow. I has three apple."
CORRECTED = "They're going to the store tomorrow. I have three apples."


def test_tokens_join_back_and_cjk_is_per_character() -> None:
    for text in [ORIGINAL, "我今天去了商店。", "Mixed 中文 text, don't split it!\n\tNext line"]:
        assert "".join(tokenize(text)) == text
    assert tokenize("去了商店。") == ["去", "了", "商", "店", "。"]
    assert tokenize("don't stop") == ["don't", " ", "stop"]


def test_changes_are_word_level_with_positions_in_the_original() -> None:
    changes = diff_changes(ORIGINAL, CORRECTED)
    assert [(c.original, c.replacement) for c in changes] == [
        ("Their", "They're"), ("too", "to"), ("tomorow", "tomorrow"), ("has", "have"), ("apple", "apples"),
    ]
    for c in changes:
        assert ORIGINAL[c.start : c.end] == c.original
    cjk = diff_changes("我今天去商店。", "我今天去了商店。")
    assert [(c.start, c.end, c.original, c.replacement, c.kind) for c in cjk] == [(4, 4, "", "了", "insert")]


def test_accept_and_reject_round_trip_exactly() -> None:
    result = build_result(ORIGINAL, CORRECTED)
    ids = [c.id for c in result.changes]
    assert result.apply(ids) == CORRECTED
    assert result.apply([]) == ORIGINAL
    assert result.apply([1, 3, 5]) == "They're going too the store tomorrow. I has three apples."
    assert result.apply([2, 4]) == "Their going to the store tomorow. I have three apple."
    # Every subset is a valid text that takes exactly the chosen corrections.
    for n in range(len(ids) + 1):
        for chosen in itertools.combinations(ids, n):
            text = result.apply(chosen)
            assert apply(text, diff_changes(text, CORRECTED), [c.id for c in diff_changes(text, CORRECTED)]) == CORRECTED


def test_apply_refuses_unknown_or_stale_changes() -> None:
    changes = diff_changes(ORIGINAL, CORRECTED)
    with pytest.raises(ValueError, match="No change with id 99"):
        apply(ORIGINAL, changes, [99])
    with pytest.raises(ValueError, match="does not match"):
        apply("Something else entirely, edited meanwhile.", changes, [1])
    overlapping = [Change(1, 0, 5, "Their", "A"), Change(2, 3, 8, "ir go", "B")]
    with pytest.raises(ValueError, match="overlaps"):
        apply(ORIGINAL, overlapping, [1, 2])


@pytest.mark.parametrize(
    ("original", "corrected", "expected", "dropped"),
    [
        (
            "First sentence is fine. Second one is dropped here. Third is also fine.",
            "First sentence is fine. Third is also fine.",
            "First sentence is fine. Second one is dropped here. Third is also fine.",
            ["Second one is dropped here."],
        ),
        (
            "Opening words go first. The middle stays. Closing words end it.",
            "The middle stays. Closing words end it.",
            "Opening words go first. The middle stays. Closing words end it.",
            ["Opening words go first."],
        ),
        (
            ORIGINAL + " The shop closes at 5 pm.",
            CORRECTED,
            CORRECTED + " The shop closes at 5 pm.",
            ["The shop closes at 5 pm."],
        ),
        (
            "One two three four. Five six seven eight. Nine ten eleven twelve. End here now.",
            "One two three four. End here now.",
            "One two three four. Five six seven eight. Nine ten eleven twelve. End here now.",
            ["Five six seven eight.", "Nine ten eleven twelve."],
        ),
        ("我今天去商店。我买了苹果。天气很好。", "我今天去了商店。天气很好。", "我今天去了商店。我买了苹果。天气很好。", ["我买了苹果。"]),
    ],
)
def test_dropped_sentence_is_restored_and_reported(original: str, corrected: str, expected: str, dropped: list[str]) -> None:
    result = build_result(original, corrected)
    assert result.corrected == expected
    assert [r.text for r in result.restored] == dropped
    for r in result.restored:
        assert original[r.start : r.end] == r.text
    # The restored sentence is not a change to accept: it is there either way.
    assert result.apply([]) == original
    assert result.apply([c.id for c in result.changes]) == expected


def test_merged_or_corrected_sentences_are_not_reported_as_dropped() -> None:
    assert restore_dropped("I went home. I slept.", "I went home and slept.") == ("I went home and slept.", [])
    assert restore_dropped(ORIGINAL, CORRECTED) == (CORRECTED, [])
    assert [ORIGINAL[s:e] for s, e in sentence_spans(ORIGINAL)] == ["Their going too the store tomorow.", "I has three apple."]


def test_diff_renderings() -> None:
    result = build_result("Line one is fine.\nLine too has a eror.\n", "Line one is fine.\nLine two has an error.\n")
    diff = result.unified_diff()
    assert diff.startswith("--- original\n+++ corrected\n")
    assert "-Line too has a eror.\n" in diff and "+Line two has an error.\n" in diff
    assert result.unified_diff(accepted_ids=[]) == ""
    inline = render_inline(result.original, result.changes)
    assert "[-too-]{+two+}" in inline and "[-eror-]{+error+}" in inline


# ---------------------------------------------------------------- on the real model

TEXT = (
    "Dear team,\n\n"
    "the meeting are moved to friday. Please bring you reports. We will discuss the budjet for next year.\n\n"
    "```\nconfig = load( 'teh file' )\n```\n\n"
    "我今天去商店了，我买了三个平果。"
)


def test_real_model_round_trips_and_keeps_every_sentence(engine: object) -> None:
    result = proofread(engine, TEXT)
    ids = [c.id for c in result.changes]
    assert result.apply(ids) == result.corrected
    assert result.apply([]) == TEXT
    half = ids[::2]
    mixed = result.apply(half)
    assert mixed == apply(TEXT, [c for c in result.changes if c.id in half], half)
    for c in result.changes:
        assert TEXT[c.start : c.end] == c.original
        assert isinstance(c.reason, str) and len(c.reason) <= 60
    # Code is never proofread, and the paragraphs stay where they were.
    assert "```\nconfig = load( 'teh file' )\n```" in result.corrected
    assert result.corrected.count("\n\n") == TEXT.count("\n\n")
    # No sentence of the original is missing from the result.
    assert restore_dropped(TEXT, result.corrected)[1] == []
    for r in result.restored:
        assert r.text in result.corrected and TEXT[r.start : r.end] == r.text


def test_real_model_output_with_a_sentence_removed_gets_it_back(engine: object) -> None:
    text = "The report are late. Anna will sends it on monday. The budget is fine."
    model_fixed = proofread(engine, text, explain=False).corrected
    assert restore_dropped(text, model_fixed)[1] == []
    # Take the model's own correction and lose the budget sentence, as small models do.
    kept = [model_fixed[s:e] for s, e in sentence_spans(model_fixed) if "budget" not in model_fixed[s:e].lower()]
    shortened = " ".join(kept)
    result = build_result(text, shortened)
    assert "The budget is fine." in [r.text for r in result.restored]
    assert "The budget is fine." in result.corrected
    assert result.apply([]) == text
