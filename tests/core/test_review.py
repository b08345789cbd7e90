"""Review pass: a constrained verdict, one rewrite when it fails, both versions returned."""

from __future__ import annotations

import pytest
from deskmate.core.tasks.review import (
    DEFAULT_CHECKLIST,
    ISSUE_CHARS,
    MAX_ISSUES,
    VERDICT_SCHEMA,
    ReviewError,
    Verdict,
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


def test_a_failing_verdict_brings_one_rewrite_with_the_issues(standin, client) -> None:
    standin.enqueue({"issues": ["It is about Rome, not rain.", "It is not a haiku."], "ok": False},
                    "Soft rain on the roof\nGrey streets shine like river stones\nUmbrellas bloom wide")
    result = review(client, "Write a haiku about rain.", "The capital of Italy is Rome.")
    assert (result.ok, result.issues) == (False, ["It is about Rome, not rain.", "It is not a haiku."])
    assert result.revised == result.final == (
        "Soft rain on the roof\nGrey streets shine like river stones\nUmbrellas bloom wide")
    verdict, rewrite = standin.chat_bodies()
    assert verdict["response_format"]["json_schema"]["schema"] == VERDICT_SCHEMA
    asked = verdict["messages"][-1]["content"]
    assert "Write a haiku about rain." in asked and "The capital of Italy is Rome." in asked
    assert all(c in asked for c in DEFAULT_CHECKLIST)
    fix = rewrite["messages"][-1]["content"]
    assert "- It is about Rome, not rain.\n- It is not a haiku." in fix and "response_format" not in rewrite


def test_a_passing_verdict_keeps_the_answer_and_asks_no_rewrite(standin, client) -> None:
    standin.enqueue({"issues": [], "ok": True})
    result = review(client, "List three fruits, comma separated.", "Apple, banana, cherry.")
    assert (result.ok, result.issues, result.revised, result.final) == (True, [], None, "Apple, banana, cherry.")
    assert len(standin.chat_bodies()) == 1


def test_ok_with_issues_listed_is_not_ok_and_rewrite_can_be_skipped(standin, client) -> None:
    standin.enqueue({"issues": ["Sells shoes instead."], "ok": True})
    result = review(client, "Write a haiku about rain.", "Buy our shoes now!", rewrite=False)
    assert (result.ok, result.issues, result.revised) == (False, ["Sells shoes instead."], None)
    assert len(standin.chat_bodies()) == 1


def _long_verdict(chars: int) -> dict:
    """Five distinct issues of ``chars`` Chinese characters each: one token per character."""
    return {"issues": [f"第{i}条" + "太长" * ((chars - 3) // 2) for i in range(1, 6)], "ok": False}


def test_a_verdict_cut_off_by_the_token_limit_is_asked_again_with_more_room(standin, client) -> None:
    # ~520 tokens: over the first ask's limit, within the second's.
    standin.enqueue(_long_verdict(100), _long_verdict(100))
    verdict = check(client, "Reply with one word.", "The sky is usually blue.", ["Exactly one word."])
    assert verdict == Verdict(False, tuple(_long_verdict(100)["issues"]))
    first, second = standin.chat_bodies()
    assert second["max_tokens"] == 2 * first["max_tokens"] and (second["seed"], second["temperature"]) == (7, 0.3)


def test_a_verdict_cut_off_twice_is_reported_in_plain_words(standin, client) -> None:
    standin.enqueue(_long_verdict(158), _long_verdict(158))  # ~810 tokens: cut off both times
    with pytest.raises(ReviewError, match="could not be read"):
        check(client, "Reply with one word.", "Blue.", ["Exactly one word."])


def test_verdict_and_rewrite_on_the_real_model(engine: object) -> None:
    """Smoke test: the real tiny model gives a readable verdict and, asked to, a rewrite."""
    instruction, answer = "Reply with one word: the colour of the sky.", "The sky is usually blue during the day."
    verdict = check(engine, instruction, answer, ["Exactly one word."])
    assert len(verdict.issues) <= MAX_ISSUES and all(0 < len(i) <= ISSUE_CHARS for i in verdict.issues)
    rewritten = revise(engine, instruction, answer, ["The answer has more than one word."])
    assert rewritten.strip() and rewritten != answer
