"""Review pass: a constrained verdict, one rewrite when it fails, both versions returned."""

from __future__ import annotations

import pytest

from deskmate.core.tasks.review import (
    ISSUE_CHARS,
    MAX_ISSUES,
    ReviewError,
    ReviewResult,
    check,
    parse_verdict,
    review,
    revise,
)


def test_verdict_parsing_on_fixed_strings() -> None:
    assert parse_verdict('{"issues": [], "ok": true}').ok is True
    failed = parse_verdict('{"issues": ["Too long.", "Too long.", "  Wrong   language "], "ok": false}')
    assert failed.ok is False and failed.issues == ("Too long.", "Wrong language")
    # Issues listed mean not ok, even when the model says ok.
    assert parse_verdict('{"issues": ["Misses the date."], "ok": true}').ok is False
    # Raw control characters inside strings, as small models write them.
    assert parse_verdict('{"issues": ["line one\nline\ttwo"], "ok": false}').issues == ("line one line two",)
    many = parse_verdict('{"issues": [%s], "ok": false}' % ", ".join(f'"issue {i} {"x" * 300}"' for i in range(9)))
    assert len(many.issues) == MAX_ISSUES and all(len(i) <= ISSUE_CHARS for i in many.issues)


@pytest.mark.parametrize("bad", ['{"issues": ["cut off', "ok", '{"issues": []}', '["ok"]', '{"ok": "yes", "issues": []}'])
def test_unreadable_verdicts_are_reported_in_plain_words(bad: str) -> None:
    with pytest.raises(ReviewError, match="could not be read"):
        parse_verdict(bad)


def _well_formed(result: ReviewResult, answer: str) -> None:
    assert result.original == answer
    assert isinstance(result.ok, bool)
    assert isinstance(result.issues, list) and len(result.issues) <= MAX_ISSUES
    assert all(isinstance(i, str) and 0 < len(i) <= ISSUE_CHARS for i in result.issues)
    if result.ok:
        assert result.revised is None and result.issues == []
        assert result.final == answer
    else:
        assert isinstance(result.revised, str) and result.revised.strip()
        assert result.final == result.revised


def test_review_returns_a_verdict_and_a_rewrite_when_needed(engine: object) -> None:
    cases = [
        ("Write a haiku about rain.", "The capital of Italy is Rome. It has many museums."),
        ("List three fruits, comma separated.", "Apple, banana, cherry."),
    ]
    results = [review(engine, instruction, answer) for instruction, answer in cases]
    for result, (_, answer) in zip(results, cases):
        _well_formed(result, answer)
    # An answer about Rome to a haiku request must not pass, so the rewrite path really runs.
    assert not results[0].ok


def test_review_without_rewrite_keeps_only_the_verdict(engine: object) -> None:
    result = review(engine, "Write a haiku about rain.", "Buy our shoes now!", rewrite=False)
    assert result.revised is None
    assert isinstance(result.ok, bool) and len(result.issues) <= MAX_ISSUES


def test_verdict_and_rewrite_on_the_real_model(engine: object) -> None:
    verdict = check(engine, "Reply with one word: the colour of the sky.", "The sky is usually blue during the day.",
                    ["Exactly one word."])
    assert isinstance(verdict.ok, bool) and all(isinstance(i, str) for i in verdict.issues)
    rewritten = revise(engine, "Reply with one word: the colour of the sky.", "The sky is usually blue during the day.",
                       ["The answer has more than one word."])
    assert isinstance(rewritten, str) and rewritten.strip()
