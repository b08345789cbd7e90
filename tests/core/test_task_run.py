"""One task run for every output kind (core/tasks/run.py), against the scripted stand-in:
exact answers over the real OpenAI protocol, so each test asserts content."""

from __future__ import annotations

import threading

import pytest
from deskmate.core.tasks import TaskInputError, default_catalog, sampling_for
from deskmate.core.tasks.run import (
    Delta,
    Failed,
    Paragraph,
    Progress,
    ProofreadDone,
    ReviewDone,
    TableDone,
    TaskRun,
    TextDone,
    TranslationDone,
)

CONTACT = {"name": "Ana Lima", "title": "Buyer", "company": "Globex", "phones": ["+1 555 0100"],
           "email": "ana@globex.example", "address": "", "website": ""}
PEOPLE = {"columns": ["Name", "Age", "City"],
          "rows": [["Alice Chen", "34", "Paris"], ["Bob Müller", "27", "Berlin"]], "title": "People"}


def kinds(events):
    return [type(e).__name__ for e in events]


def test_text_streams_and_ends_with_text_done(standin, client):
    standin.enqueue("Light that works as hard as you do.")
    run = TaskRun("writing.slogan", {"product": "a solar desk lamp"}, client=client)
    events = list(run)
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "Light that works as hard as you do."
    assert kinds(events)[-1] == "TextDone" and kinds(events).count("Delta") == 8
    assert run.result.text == "Light that works as hard as you do." and not run.result.cancelled
    asked = standin.chat_bodies()[-1]
    assert "a solar desk lamp" in asked["messages"][-1]["content"] and "response_format" not in asked


def test_json_task_sends_its_schema_and_returns_the_answer(standin, client):
    standin.enqueue(CONTACT)
    run = TaskRun("extract.contact", {"text": "Ana Lima, Buyer at Globex. ana@globex.example, +1 555 0100"},
                  client=client)
    run.run()
    asked = standin.chat_bodies()[-1]["response_format"]
    assert asked["json_schema"]["schema"] == default_catalog().task("extract.contact").json_schema
    assert run.result.text == '{"name": "Ana Lima", "title": "Buyer", "company": "Globex", "phones": ' \
        '["+1 555 0100"], "email": "ana@globex.example", "address": "", "website": ""}'


def test_table_task_is_bounded_and_becomes_a_table(standin, client):
    standin.enqueue({"columns": ["Name", "Age", "City"]})
    standin.enqueue(*({"Name": n, "Age": a, "City": c} for n, a, c in PEOPLE["rows"]))
    run = TaskRun("table.extract", {"text": "Alice Chen (34) lives in Paris; Bob Müller (27) in Berlin."},
                  client=client)
    events = list(run)
    table = next(e.table for e in events if isinstance(e, TableDone))
    assert table.header == ["Name", "Age", "City"] and table.rows == PEOPLE["rows"]
    assert run.result.text.splitlines()[-2:] == ["| Alice Chen | 34 | Paris |", "| Bob Müller | 27 | Berlin |"]
    columns, *rows = (b["response_format"]["json_schema"]["schema"] for b in standin.chat_bodies())
    assert columns["properties"]["columns"]["maxItems"] == 5 and len(rows) == 2
    assert all(list(r["properties"]) == ["Name", "Age", "City"] for r in rows)


def test_a_table_answer_without_rows_fails_in_plain_words_and_keeps_the_answer(standin, client):
    empty = {"rows": [{"Name": "", "Details": ""}, {"Name": "", "Details": ""}]}
    standin.enqueue({"columns": ["Name", "Details"]}, empty, empty, empty)  # no usable row: asked again twice
    events = list(TaskRun("table.make", {"about": "nothing at all"}, client=client))
    failed = events[-1]
    assert isinstance(failed, Failed) and "no usable rows" in failed.message
    assert failed.partial.endswith('{"rows": [{"Name": "", "Details": ""}, {"Name": "", "Details": ""}]}' * 3)
    assert len(standin.chat_bodies()) == 4 and standin.unanswered() == []


@pytest.mark.parametrize("task_id", ["proofread.check", "proofread.polish"])
def test_diff_tasks_ask_with_their_own_prompt_and_creativity(standin, client, task_id):
    task = default_catalog().task(task_id)
    text = "Their going to the markt.\n\nWe meets at nine."
    standin.enqueue("They're going to the market.", match="Their going")
    standin.enqueue("We meet at nine.", match="We meets")
    events = list(TaskRun(task, {"text": text}, client=client, explain=False))
    result = next(e.result for e in events if isinstance(e, ProofreadDone))
    assert result.corrected == "They're going to the market.\n\nWe meet at nine."
    assert [(c.original, c.replacement) for c in result.changes] == [("Their", "They're"), ("markt", "market"),
                                                                      ("meets", "meet")]
    instruction = task.prompt.en.strip().split("\n\n")[0]
    bodies = standin.chat_bodies()
    assert len(bodies) == 2, "one request per paragraph"
    for body, paragraph in zip(bodies, ["Their going to the markt.", "We meets at nine."]):
        system, user = body["messages"]
        assert system["content"].startswith(task.system.en)
        assert user["content"] == f"{instruction}\n\n{paragraph}"
        assert body["temperature"] == sampling_for(task.creativity).temperature


def test_translation_streams_paragraphs_with_progress(standin, client):
    standin.enqueue("Bonjour à tous.", match="Good morning, everyone.")
    standin.enqueue("Le rapport est prêt.", match="The report is ready.")
    run = TaskRun("translate.text", {"text": "Good morning, everyone.\n\nThe report is ready.", "target": "French"},
                  client=client)
    events = list(run)
    assert [(e.index, e.total) for e in events if isinstance(e, Progress)] == [(0, 2), (1, 2)]
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "Bonjour à tous.\n\nLe rapport est prêt."
    assert [e.index for e in events if isinstance(e, Paragraph)] == [0, 1]
    done = next(e.result for e in events if isinstance(e, TranslationDone))
    assert done.target_language.code == "fr" and run.result.text == "Bonjour à tous.\n\nLe rapport est prêt."
    assert "French" in standin.chat_bodies()[0]["messages"][0]["content"]


def test_review_pass_checks_then_rewrites_once(standin, client):
    standin.enqueue("Sales rose. Costs fell. Hiring resumes in May. Also the weather was nice.")
    standin.enqueue({"issues": ["Mentions the weather, which the text does not."], "ok": False})
    standin.enqueue("Sales rose, costs fell and hiring resumes in May.")
    run = TaskRun("summarize.tldr", {"text": "Sales rose 12%. Costs fell. Hiring resumes in May."}, client=client,
                  review=True)
    events = list(run)
    assert kinds(events)[-2:] == ["TextDone", "ReviewDone"]
    review = events[-1].review
    assert (review.ok, review.issues) == (False, ["Mentions the weather, which the text does not."])
    assert review.revised == "Sales rose, costs fell and hiring resumes in May." == review.final
    verdict, rewrite = standin.chat_bodies()[1:]
    assert "Also the weather was nice." in verdict["messages"][-1]["content"]
    assert "Sales rose 12%." in verdict["messages"][-1]["content"], "the verdict sees the instruction"
    assert "Mentions the weather" in rewrite["messages"][-1]["content"]


def test_a_passing_review_keeps_the_answer(standin, client):
    standin.enqueue("Sales rose and hiring resumes in May.", {"issues": [], "ok": True})
    events = list(TaskRun("summarize.tldr", {"text": "Sales rose. Hiring resumes in May."}, client=client,
                          review=True))
    review = next(e.review for e in events if isinstance(e, ReviewDone))
    assert review.ok and review.revised is None and review.final == "Sales rose and hiring resumes in May."
    assert len(standin.chat_bodies()) == 2, "no rewrite after a passing verdict"


def test_a_broken_stream_fails_with_the_text_so_far(standin, client):
    standin.fault, standin.fault_after = "cut", 3
    events = list(TaskRun("qa.open", {"question": "Who are you?"}, client=client))
    failed = events[-1]
    assert isinstance(failed, Failed) and "cut off" in failed.message
    assert failed.partial == "Hello, this"


def test_cancel_stops_this_run_and_no_other_on_the_same_client(standin, client):
    standin.token_delay = 0.03
    long_answer = " ".join(f"word{i}" for i in range(150))
    standin.enqueue(long_answer, match="Tell a long story.")
    standin.enqueue("One two three four five six seven eight nine ten eleven twelve.", match="Count to twelve.")
    other = TaskRun("qa.open", {"question": "Count to twelve."}, client=client)
    finished = threading.Thread(target=other.run)
    finished.start()
    mine = TaskRun("qa.open", {"question": "Tell a long story."}, client=client)
    seen, ends = [], []
    for event in mine:
        if isinstance(event, TextDone):
            ends.append(event.completion)
        if isinstance(event, Delta):
            seen.append(event.text)
            if len(seen) == 3:
                mine.cancel()
    finished.join(30)
    assert mine.result.cancelled and 3 <= len(seen) < 20
    assert [c.finish_reason for c in ends] == ["cancelled"] and ends[0].text == "".join(seen)
    assert not other.result.cancelled
    assert other.result.text == "One two three four five six seven eight nine ten eleven twelve."


def test_bad_values_are_refused_before_anything_is_sent(standin, client):
    with pytest.raises(TaskInputError, match="^Slogan needs some text in “Product or brand”.$"):
        TaskRun("writing.slogan", {}, client=client)
    with pytest.raises(TaskInputError, match="Klingonish") as e:
        TaskRun("translate.text", {"text": "Hello.", "target": "Klingonish"}, client=client)
    assert e.value.variable == "target" and "“Translate into”" in str(e.value) and "translate.text" not in str(e.value)
    with pytest.raises(TaskInputError, match="^“翻译”需要在“目标语言”中填写内容。$"):
        TaskRun("translate.text", {"text": "Hello."}, client=client, lang="zh")
    assert standin.chat_bodies() == []


def test_the_review_gives_what_it_changed_as_a_diff_to_accept_or_undo(standin, client):
    # The issue: the review pass showed a verdict and the whole first answer; what it changed was not shown.
    standin.enqueue("Sales rose. Costs fell. Hiring resumes in May. Also the weather was nice.")
    standin.enqueue({"issues": ["Mentions the weather, which the text does not."], "ok": False})
    standin.enqueue("Sales rose. Costs fell. Hiring resumes in May.")
    run = TaskRun("summarize.tldr", {"text": "Sales rose 12%. Costs fell. Hiring resumes in May."}, client=client,
                  review=True)
    review = next(e.review for e in run if isinstance(e, ReviewDone))
    diff = review.diff()
    assert [(c.original, c.replacement, c.reason) for c in diff.changes] == [
        (" Also the weather was nice.", "", "extra word")]
    assert diff.apply([c.id for c in diff.changes]) == review.revised  # accept
    assert diff.apply([]) == review.original  # undo
    assert "-Sales rose. Costs fell. Hiring resumes in May. Also the weather was nice." in diff.unified_diff()
    assert [c.reason for c in review.diff("zh").changes] == ["多余的词"]
