"""Conversations (core/conversations): a request routed to a task, turns that refine the last
answer, kept in SQLite and exported. Against the scripted stand-in over the real OpenAI
protocol, so every test asserts what reached the model and what came back."""

from __future__ import annotations

import dataclasses
import json

import docx
import pytest
from deskmate.core.conversations import (
    Conversations,
    NothingToRefineError,
    export_conversation,
    refinement,
    route_request,
    turn_diff,
)
from deskmate.core.store import Database, DraftExportError
from deskmate.core.store.conversations import ConversationStore
from deskmate.core.tasks import default_catalog
from deskmate.core.tasks.run import Delta, ProofreadDone, TableDone, TextDone, TranslationDone

PEOPLE = {"columns": ["Name", "City"], "rows": [["Alice Chen", "Paris"], ["Bob Müller", "Berlin"]],
          "title": "People"}
# "two people and their city" names its columns (Name, City) and its count: a fresh table's one step left is
# its rows, as objects of exactly those columns.
PEOPLE_ROWS = {"rows": [{"Name": name, "City": city} for name, city in PEOPLE["rows"]]}
PEOPLE_AGES = {"columns": ["Name", "City", "Age"], "rows": [["Alice Chen", "Paris", "34"], ["Bob Müller", "Berlin",
                                                                                           "27"]], "title": "People"}


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "deskmate.sqlite3")
    yield database
    database.close()


@pytest.fixture
def talk(db):
    return Conversations(ConversationStore(db), default_catalog(), lang="en")


def run(turn):
    events = list(turn)
    return events, "".join(e.text for e in events if isinstance(e, Delta))


# --- the request box's routing ----------------------------------------------------------


def test_a_request_is_routed_and_fills_the_tasks_fields_in_english_and_chinese():
    catalog = default_catalog()
    routed = route_request("Translate into French: The meeting is on Monday.", catalog)
    assert routed.task.id == "translate.text"
    assert routed.values == {"text": "The meeting is on Monday.", "target": "French"}
    assert routed.why.method == "keyword" and "translate" in routed.why.words

    routed = route_request("把这段话翻译成英文：我们下周一开会。", catalog)
    assert (routed.task.id, routed.values) == ("translate.text", {"text": "我们下周一开会。", "target": "English"})
    assert "翻译" in routed.why.words

    routed = route_request("Proofread: Their going to the markt tomorrow.", catalog)
    assert (routed.task.id, routed.values) == ("proofread.check", {"text": "Their going to the markt tomorrow."})


def test_a_one_line_field_gets_what_the_request_is_about_not_the_whole_request():
    catalog = default_catalog()
    cases = {
        "Write a slogan for our new tea shop": ("writing.slogan", {"product": "our new tea shop"}),
        "Write a slogan for a solar desk lamp.": ("writing.slogan", {"product": "a solar desk lamp"}),
        "brainstorm names for a bakery": ("brainstorm.names", {"what": "a bakery"}),
        "为我们的新茶馆写一句口号": ("writing.slogan", {"product": "我们的新茶馆"}),
        "写一句关于新茶馆的口号": ("writing.slogan", {"product": "新茶馆"}),
        # Nothing to take out: the request stays whole; a long text field keeps the request as written.
        "帮我写个口号": ("writing.slogan", {"product": "帮我写个口号"}),
        "slogan: Moonlight Coffee": ("writing.slogan", {"product": "Moonlight Coffee"}),
    }
    for request, expected in cases.items():
        routed = route_request(request, catalog)
        assert (routed.task.id, routed.values) == expected, request
    press = route_request("Write a press release about our merger", catalog)
    assert press.values == {"announcement": "Write a press release about our merger"}


def test_an_unsure_request_is_routed_by_the_model_among_the_tasks(standin, client):
    standin.enqueue({"task": "writing.slogan"})
    routed = route_request("something catchy for our solar desk lamp", default_catalog(), client)
    assert routed.task.id == "writing.slogan" and routed.why.method == "model"
    assert routed.values == {"product": "something catchy for our solar desk lamp"}
    asked = standin.chat_bodies()[-1]
    assert "something catchy for our solar desk lamp" in asked["messages"][-1]["content"]


# --- what a follow-up asks for ----------------------------------------------------------


@pytest.mark.parametrize("instruction, previous, kind, target", [
    ("shorter", "text", "text", None),
    ("more formal", "diff", "diff", None),
    ("add a column for the age", "table", "table", None),
    ("make it a table", "text", "table", None),
    ("做成表格", "text", "table", None),
    ("translate to English", "text", "translation", "English"),
    ("翻译成英文", "diff", "translation", "English"),
    ("in English", "text", "translation", "English"),
    ("改成中文", "text", "translation", "Chinese"),
    ("做成表格", "table", "table", None),
    ("as plain text please", "table", "text", None),
])
def test_a_follow_up_keeps_the_kind_unless_it_asks_for_another(instruction, previous, kind, target):
    change = refinement(instruction, previous)
    assert (change.kind, change.target) == (kind, target)
    assert change.changes_kind == (kind != previous)


# --- turns --------------------------------------------------------------------------------


def test_two_refinements_send_the_last_answer_and_the_instruction_and_save_three_turns(standin, client, talk, db):
    standin.enqueue("Light that works as hard as you do, all day and all night long.",
                    "Light that works as hard as you do.",
                    "Illumination that matches your diligence.")
    catalog = default_catalog()
    routed = route_request("Write a slogan for a solar desk lamp", catalog)
    first = talk.begin("Write a slogan for a solar desk lamp", routed.task, routed.values, client=client)
    assert run(first)[1] == "Light that works as hard as you do, all day and all night long."
    second = talk.refine(first.conversation_id, "shorter", client=client)
    assert run(second)[1] == "Light that works as hard as you do."
    third = talk.refine(first.conversation_id, "more formal", client=client)
    events, text = run(third)
    assert text == "Illumination that matches your diligence." and isinstance(events[-1], TextDone)

    bodies = standin.chat_bodies()
    original_prompt = bodies[0]["messages"][-1]["content"]
    assert "a solar desk lamp" in original_prompt and "Write a slogan" not in original_prompt
    roles = [[m["role"] for m in b["messages"]] for b in bodies[1:]]
    assert roles == [["system", "user", "assistant", "user"]] * 2
    second_asked, third_asked = bodies[1]["messages"], bodies[2]["messages"]
    assert second_asked[1]["content"] == original_prompt
    assert second_asked[2]["content"] == "Light that works as hard as you do, all day and all night long."
    assert second_asked[3]["content"].startswith("shorter\n\nApply this to your previous answer")
    assert third_asked[2]["content"] == "Light that works as hard as you do."
    assert third_asked[3]["content"].startswith("more formal\n\n")

    # Saved as they ran, and read back from the file by a fresh store.
    store = ConversationStore(Database(db.path))
    saved = store.get(first.conversation_id)
    assert saved.title == "Write a slogan for a solar desk lamp"
    assert [(t.position, t.request, t.kind, t.state) for t in saved.turns] == [
        (1, "Write a slogan for a solar desk lamp", "text", "done"), (2, "shorter", "text", "done"),
        (3, "more formal", "text", "done")]
    assert [t.text for t in saved.turns][-1] == "Illumination that matches your diligence."
    store.db.close()


def test_a_table_stays_a_table_and_the_model_sees_its_json(standin, client, talk):
    standin.enqueue(PEOPLE_ROWS, PEOPLE_AGES)
    task = default_catalog().task("table.make")
    first = talk.begin("a table of two people and their city", task, {"about": "two people and their city"},
                       client=client)
    assert isinstance(run(first)[0][-1], TableDone)
    second = talk.refine(first.conversation_id, "add a column for the age", client=client)
    events, _ = run(second)
    table = events[-1].table
    assert isinstance(events[-1], TableDone) and table.header == ["Name", "City", "Age"]
    asked = standin.chat_bodies()[-1]
    assert "response_format" in asked, "the refined table is constrained by the table schema again"
    assert json.loads(asked["messages"][2]["content"]) == {**PEOPLE, "title": "two people and their city"}
    assert asked["messages"][3]["content"].startswith("add a column for the age\n\nApply this to your previous table")
    turn = talk.store.get(first.conversation_id).turns[-1]
    assert turn.kind == "table" and "| Alice Chen | Paris | 34 |" in turn.text


def test_make_it_a_table_turns_a_text_answer_into_a_table(standin, client, talk):
    standin.enqueue("Alice Chen lives in Paris; Bob Müller lives in Berlin.", PEOPLE)
    task = default_catalog().task("qa.open")
    first = talk.begin("Where do Alice and Bob live?", task, {"question": "Where do Alice and Bob live?"},
                       client=client)
    run(first)
    events, _ = run(talk.refine(first.conversation_id, "make it a table", client=client))
    assert isinstance(events[-1], TableDone) and events[-1].table.shape == (2, 2)
    asked = standin.chat_bodies()[-1]
    assert asked["messages"][2]["content"] == "Alice Chen lives in Paris; Bob Müller lives in Berlin."
    assert "into a table" in asked["messages"][3]["content"] and "response_format" in asked
    assert [t.kind for t in talk.store.get(first.conversation_id).turns] == ["text", "table"]


def test_proofreading_stays_a_diff_against_the_last_corrected_text(standin, client, talk):
    standin.enqueue("They're going to the market.", match="Their going")
    standin.enqueue({"reasons": ["contraction", "spelling"]}, match="You explain proofreading")
    task = default_catalog().task("proofread.check")
    first = talk.begin("Proofread: Their going to the markt.", task, {"text": "Their going to the markt."},
                       client=client)
    events, _ = run(first)
    assert isinstance(events[-1], ProofreadDone)
    standin.enqueue("They are going to the market.")
    events, _ = run(talk.refine(first.conversation_id, "more formal", client=client))
    done = [e for e in events if isinstance(e, ProofreadDone)]
    assert done, [type(e).__name__ for e in events]
    result = done[-1].result
    assert result.original == "They're going to the market." and result.corrected == "They are going to the market."
    assert [(c.original, c.replacement) for c in result.changes] == [("They're", "They are")]
    asked = standin.chat_bodies()[-1]["messages"]
    assert asked[2]["content"] == "They're going to the market." and asked[3]["content"].startswith("more formal")
    turn = talk.store.get(first.conversation_id).turns[-1]
    assert (turn.kind, turn.source, turn.text) == ("diff", "They're going to the market.",
                                                    "They are going to the market.")
    # Reopened, each saved proofreading turn shows the diff it showed: against the text it refined,
    # or for the first turn against its task's own input.
    first_turn = talk.store.get(first.conversation_id).turns[0]
    shown = [turn_diff(t, default_catalog()) for t in (first_turn, turn)]
    assert [(d.original, d.corrected) for d in shown] == [
        ("Their going to the markt.", "They're going to the market."),
        ("They're going to the market.", "They are going to the market.")]
    assert turn_diff(dataclasses.replace(first_turn, task_id="gone.task", source=""), default_catalog()) is None


def test_translate_to_english_runs_the_translation_of_the_last_answer(standin, client, talk):
    standin.enqueue("我们下周一开会。")
    task = default_catalog().task("qa.open")
    first = talk.begin("会议是哪天？", task, {"question": "会议是哪天？"}, client=client)
    run(first)
    standin.enqueue("We meet next Monday.")
    events, _ = run(talk.refine(first.conversation_id, "translate to English", client=client))
    assert isinstance(events[-1], TranslationDone) and events[-1].result.text == "We meet next Monday."
    assert "我们下周一开会。" in json.dumps(standin.chat_bodies()[-1]["messages"], ensure_ascii=False)
    turn = talk.store.get(first.conversation_id).turns[-1]
    assert (turn.kind, turn.task_id, turn.text) == ("translation", "translate.text", "We meet next Monday.")


def test_a_refinement_needs_an_answer_first(talk):
    conversation = talk.store.create("hello")
    with pytest.raises(NothingToRefineError, match="ask something first"):
        talk.refine(conversation.id, "shorter", client=None)


def test_a_turn_cut_off_by_a_kill_reopens_with_its_request(db):
    store = ConversationStore(db)
    conversation = store.create("Write a memo about parking")
    store.start_turn(conversation.id, request="Write a memo about parking", task_id="qa.open", kind="text")
    # No finish_turn: the process died while the model was writing.
    again = ConversationStore(Database(db.path))
    turn = again.get(conversation.id).turns[0]
    assert (turn.request, turn.state, turn.text) == ("Write a memo about parking", "running", "")
    again.db.close()


def test_conversations_are_found_by_the_drafts_full_text_search(standin, client, talk):
    standin.enqueue("季度报告已经完成，销售增长了百分之十二。")
    task = default_catalog().task("qa.open")
    first = talk.begin("第二季度怎么样？", task, {"question": "第二季度怎么样？"}, client=client)
    run(first)
    other = talk.store.create("Lunch plans")
    assert [h.conversation.id for h in talk.store.search("销售")] == [first.conversation_id]
    assert [h.conversation.id for h in talk.store.search("季度")] == [first.conversation_id]
    assert [h.conversation.id for h in talk.store.search("lunch")] == [other.id]
    hit = talk.store.search("销售")[0]
    assert "销售" in hit.snippet and hit.snippet[slice(*hit.highlights[0])] == "销售"


def test_export_to_markdown_docx_and_html_holds_every_turn(standin, client, talk, tmp_path):
    standin.enqueue("First answer about **lamps**.", "Shorter answer.")
    task = default_catalog().task("qa.open")
    first = talk.begin("Tell me about lamps", task, {"question": "Tell me about lamps"}, client=client)
    run(first)
    run(talk.refine(first.conversation_id, "shorter", client=client))
    conversation = talk.store.get(first.conversation_id)
    md = export_conversation(conversation, tmp_path / "c.md").read_text()
    assert md == ("# Tell me about lamps\n\n## You\n\nTell me about lamps\n\n## Deskmate (Ask a question)\n\n"
                  "First answer about **lamps**.\n\n## You\n\nshorter\n\n## Deskmate (Ask a question)\n\n"
                  "Shorter answer.\n")
    document = docx.Document(str(export_conversation(conversation, tmp_path / "c.docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:3] == ["Tell me about lamps", "You", "Tell me about lamps"]
    assert "First answer about lamps." in paragraphs and "Shorter answer." in paragraphs
    page = export_conversation(conversation, tmp_path / "c.html").read_text()
    assert "<strong>lamps</strong>" in page and "<h2>You</h2>" in page
    with pytest.raises(DraftExportError, match="PDF needs the Deskmate window"):
        export_conversation(conversation, tmp_path / "c.pdf")
    assert not (tmp_path / "c.pdf").exists()
