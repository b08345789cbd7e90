"""Quick actions (core): the limits, prompt order for the prefix cache, each action on the tiny model.

How much faster a second run starts (the shared prefix) is a timing: bench/quick_ttft.py measures it."""

from __future__ import annotations

import pytest

from deskmate.core import quick
from deskmate.core.engines.openai_client import Endpoint, OpenAIClient
from deskmate.core.quick import QuickInputError, prepare, run_action
from remote_standin import closed_port

TEXT = "The meeting on Tuesday have been moved to Thursday at 3 pm. Please tell everyone in the team."


def test_empty_and_whitespace_are_refused_plainly():
    for text in ("", "   \n\t", None):
        with pytest.raises(QuickInputError, match="no text"):
            prepare(text)


def test_more_than_one_megabyte_is_refused():
    with pytest.raises(QuickInputError, match="1 MB"):
        prepare("a" * (1024 * 1024))
    assert prepare("a" * 900_000, budget=10**7).text  # under the limit is accepted


def test_long_text_is_cut_at_a_paragraph_with_a_notice():
    para = "This sentence is part of a long report. " * 20
    text = "\n\n".join([para] * 30)  # ~24,000 characters
    qi = prepare(text, budget=12_000)
    assert qi.truncated and len(qi.text) <= 12_000 and text.startswith(qi.text)
    assert qi.text.endswith(".") and "first" in qi.notice and f"{len(text):,}" in qi.notice
    assert not prepare(TEXT).notice


def test_unknown_action_and_misplaced_language_are_plain_errors():
    unused = OpenAIClient(Endpoint(f"http://127.0.0.1:{closed_port()}/v1"))  # refused before any request
    with pytest.raises(QuickInputError, match="no quick action"):
        run_action(unused, "dance", TEXT)
    with pytest.raises(QuickInputError, match="only for translation"):
        run_action(unused, "shorter", TEXT, to="zh")
    with pytest.raises(QuickInputError, match="not a language"):
        run_action(unused, "translate", TEXT, to="klingonese")


def test_instruction_comes_before_the_text_so_the_prefix_is_shared():
    unused = OpenAIClient(Endpoint(f"http://127.0.0.1:{closed_port()}/v1"))  # building a run sends nothing
    for act in quick.ACTIONS:
        if act.kind not in ("text", "table"):
            continue
        a = run_action(unused, act.id, "First text about apples.").messages
        b = run_action(unused, act.id, "Second, different text about pears.").messages
        assert a[0] == b[0], act.id  # the same system prompt
        assert a[-1]["content"].endswith("First text about apples."), act.id  # the user's text last
        shared = a[-1]["content"].index("First text")
        assert a[-1]["content"][:shared] == b[-1]["content"][:shared], act.id


@pytest.mark.parametrize("action_id", ["shorter", "formal", "friendly", "summary"])
def test_rewrite_and_summary_stream_text(engine, action_id):
    run = run_action(engine, action_id, TEXT, max_tokens=60)
    pieces = list(run)
    assert pieces and run.result.text and run.result.text == "".join(pieces).strip()
    assert run.result.first_token_seconds is not None


def test_grammar_fix_returns_corrected_text_and_changes(engine):
    res = run_action(engine, "grammar", "She have two cat and they is very happy.").run()
    assert res.kind == "diff" and res.text and res.text != res.original
    assert res.changes and all(c.original != c.replacement for c in res.changes)


def test_translate_to_chinese(engine):
    res = run_action(engine, "translate", "Good morning. The report is ready.", to="zh").run()
    assert res.target == "zh" and any("\u4e00" <= ch <= "\u9fff" for ch in res.text)


def test_table_gives_html_tsv_and_markdown(engine):
    res = run_action(engine, "table", "Alice is 30 and lives in Paris. Bob is 25 and lives in Rome.").run()
    assert res.html.startswith("<table") and "\t" in res.tsv and res.markdown.count("|") > 4
    assert res.text == res.tsv
