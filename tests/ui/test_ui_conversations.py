"""The request box and the conversation in the real window (pytest-qt, offscreen), on the scripted
stand-in over the OpenAI protocol: what the person types, sees and keeps."""

from __future__ import annotations

import pytest
from deskmate.core.remote import RemoteEndpoint, client_for, save_endpoint
from deskmate.core.store import DraftStore
from deskmate.core.store.conversations import ConversationStore
from deskmate.core.tasks import default_catalog
from deskmate.ui.engine_bridge import EngineBridge
from deskmate.ui.main_window import MainWindow
from PySide6.QtCore import Qt
from remote_standin import StandIn

PEOPLE = {"columns": ["Name", "City"], "rows": [["Alice Chen", "Paris"], ["Bob Müller", "Berlin"]],
          "title": "People"}


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        yield s


def open_window(qtbot, path):
    store = DraftStore.open(path)
    win = MainWindow(EngineBridge(client_for("standin")), default_catalog(), store, "standin")
    qtbot.addWidget(win)
    win.show()
    return win, store


def close_window(win, store):
    win.close()  # as the person closes it: the run stops and the draft is flushed while the store is open
    win.runner.wait()
    win.translation_view.shutdown()
    win.draft_editor.close_store()
    store.close()


@pytest.fixture
def window(qtbot, standin, deskmate_home):
    win, store = open_window(qtbot, deskmate_home / "deskmate.sqlite3")
    yield win
    close_window(win, store)


def type_request(qtbot, win, text):
    box = win.request_box.input
    box.setFocus()
    box.clear()
    if text.isascii():
        qtbot.keyClicks(box, text)
    else:
        box.insert(text)  # as an input method commits it: QTest cannot type Chinese key by key
    qtbot.wait(250)  # the keyword pass runs after a pause in typing


def press_enter_and_wait(qtbot, win):
    with qtbot.waitSignal(win.runner.runFinished, timeout=30000):
        qtbot.keyClick(win.request_box.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)


def test_the_first_screen_shows_the_request_box_with_the_focus(window):
    assert window.request_box.isVisible() and window.request_box.input.hasFocus()
    assert "own words" in window.request_box.input.placeholderText()
    assert not window.conversation_view.isVisible(), "no conversation yet"


def test_typing_shows_the_chosen_task_and_why_and_the_chip_can_change_it(qtbot, window):
    type_request(qtbot, window, "Translate into French: The meeting is on Monday.")
    box = window.request_box
    assert box.chip.text().startswith("Translate") and "“translate”" in box.why.text()
    box.choose_task("rewrite.formal")
    assert box.chip.text().startswith(default_catalog().task("rewrite.formal").name.get("en"))
    assert box.why.text() == "Why this task: you chose it."


def test_a_request_then_two_refinements_are_three_turns_shown_and_saved(qtbot, window, standin, deskmate_home):
    standin.enqueue("Light that works as hard as you do, all day and all night long.",
                    "Light that works as hard as you do.", "Illumination that matches your diligence.")
    type_request(qtbot, window, "Write a slogan for a solar desk lamp")
    assert window.request_box.chip.text().startswith("Slogan")
    press_enter_and_wait(qtbot, window)
    assert window.form.task.id == "writing.slogan"
    assert window.form.value("product") == "a solar desk lamp"
    assert window.output.toPlainText() == "Light that works as hard as you do, all day and all night long."
    for instruction in ("shorter", "more formal"):
        type_request(qtbot, window, instruction)
        press_enter_and_wait(qtbot, window)
    assert window.output.toPlainText() == "Illumination that matches your diligence."
    turns = window.conversation_view.turns
    assert window.conversation_view.isVisible() and turns.count() == 3
    assert turns.item(1).text().startswith("2. shorter") and "Light that works as hard as you do." in turns.item(1).text()
    asked = standin.chat_bodies()[-1]["messages"]
    assert asked[2]["content"] == "Light that works as hard as you do." and asked[3]["content"].startswith("more formal")

    # An earlier turn shows again when clicked, and goes into the draft.
    turns.setCurrentRow(0)
    turns.itemClicked.emit(turns.item(0))
    assert window.output.toPlainText() == "Light that works as hard as you do, all day and all night long."
    window.conversation_view.insert_button.click()
    assert "all day and all night long." in window.draft_editor.body.toPlainText()

    store = DraftStore.open(deskmate_home / "deskmate.sqlite3")
    saved = ConversationStore(store.db).latest()
    assert [t.request for t in saved.turns] == ["Write a slogan for a solar desk lamp", "shorter", "more formal"]
    store.close()


def test_a_table_answer_stays_a_grid_when_refined_and_reopens_as_one(qtbot, standin, deskmate_home):
    path = deskmate_home / "deskmate.sqlite3"
    win, store = open_window(qtbot, path)
    standin.enqueue({"rows": [{"Name": name, "City": city} for name, city in PEOPLE["rows"]]},  # named columns
                    {**PEOPLE, "rows": PEOPLE["rows"] + [["Chen Jing", "Shanghai"]]})  # a turn: the whole table
    type_request(qtbot, win, "make a table of two people and their city")
    press_enter_and_wait(qtbot, win)
    assert win.results.currentWidget() is win.table_editor and win.table_editor.table().shape == (2, 2)
    type_request(qtbot, win, "add a third person")
    press_enter_and_wait(qtbot, win)
    assert win.results.currentWidget() is win.table_editor and win.table_editor.table().shape == (3, 2)
    close_window(win, store)

    win, store = open_window(qtbot, path)  # a restart: the conversation is back, its last answer a grid
    assert win.conversation_view.turns.count() == 2
    assert win.results.currentWidget() is win.table_editor and win.table_editor.table().shape == (3, 2)
    assert win.request_box.refining
    close_window(win, store)


def test_an_unsure_request_is_routed_by_the_model_then_new_starts_over_and_search_finds_it(qtbot, window, standin):
    # No keyword is sure of this one: at Enter the model chooses (constrained to the task ids).
    standin.enqueue({"task": "qa.open"}, "The quarterly figures look strong.")
    type_request(qtbot, window, "How do the quarterly figures look?")
    press_enter_and_wait(qtbot, window)
    assert standin.chat_bodies()[0]["response_format"], "the routing request"
    assert window.form.task.id == "qa.open"
    window.request_box.new_button.click()
    assert not window.request_box.refining and not window.conversation_view.isVisible()
    panel = window.conversations_panel
    window.left_tabs.setCurrentWidget(panel)
    assert panel.list.count() == 1, "the tab lists the conversation when shown"
    panel.search.setText("strong")
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=3000)
    assert panel.list.item(0).text().startswith("How do the quarterly figures look?")
    panel.list.itemClicked.emit(panel.list.item(0))
    assert window.conversation_view.turns.count() == 1
    assert window.output.toPlainText() == "The quarterly figures look strong."


def test_a_second_request_on_a_task_with_the_same_field_starts_from_empty_fields(qtbot, window, standin):
    standin.enqueue("They're going to the market.", match="Their going")
    standin.enqueue({"reasons": ["contraction", "spelling"]}, match="You explain proofreading")
    type_request(qtbot, window, "Proofread: Their going to the markt.")
    press_enter_and_wait(qtbot, window)
    assert window.results.currentWidget() is window.proofread_view
    window.request_box.new_button.click()
    standin.enqueue("The quarterly report is ready for review.", match="report ready")
    standin.enqueue({"reasons": ["wording"]}, match="You explain proofreading")
    type_request(qtbot, window, "Polish: the quarterly report ready for review.")
    press_enter_and_wait(qtbot, window)
    assert window.form.task.id == "proofread.polish"
    assert window.form.value("text") == "the quarterly report ready for review."
    assert window.conversation_view.turns.count() == 1


def test_the_turn_being_written_says_so_and_esc_in_the_box_keeps_it_as_stopped(qtbot, window, standin):
    standin.token_delay = 0.2
    type_request(qtbot, window, "Write a slogan for a solar desk lamp")
    qtbot.keyClick(window.request_box.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.conversation_view.turns.count() == 1 and bool(window.output.toPlainText()),
                    timeout=10000)
    assert "writing…" in window.conversation_view.turns.item(0).text()
    with qtbot.waitSignal(window.runner.runFinished, timeout=10000):
        qtbot.keyClick(window.request_box.input, Qt.Key.Key_Escape)  # Esc stops from the box too
    turn = window.session.current.turns[0]
    assert turn.state == "stopped" and turn.text == window.output.toPlainText() and turn.text
    assert "stopped" in window.conversation_view.turns.item(0).text()


def test_the_chip_menu_offers_the_alternatives_first_and_every_task(qtbot, window):
    type_request(qtbot, window, "translate this email")
    box = window.request_box
    menu = box.chip.menu()
    menu.aboutToShow.emit()
    actions = [a for a in menu.actions() if not a.isSeparator()]
    first = [a.data() for a in actions if a.data()]
    assert box.routed.task.id == "translate.text" and first and first[0] in box.routed.alternatives
    categories = [a.text() for a in actions if a.menu() is not None]
    assert len(categories) == len(default_catalog().categories)
    slogan = next(a for a in actions if a.menu() and a.text() == "Writing").menu().actions()
    next(a for a in slogan if a.data() == "writing.slogan").trigger()
    assert box.chip.text() == "Slogan" and box.why.text() == "Why this task: you chose it."


def test_a_chinese_request_is_translated_on_the_task_page_and_refined_as_a_translation(qtbot, window, standin):
    standin.enqueue("We meet next Monday.", "We shall convene next Monday.")
    type_request(qtbot, window, "把这段话翻译成英文：我们下周一开会。")
    assert window.request_box.chip.text() == "Translate"
    press_enter_and_wait(qtbot, window)
    assert window.work.currentWidget() is window.task_page
    assert (window.form.value("text"), window.form.value("target")) == ("我们下周一开会。", "English")
    assert window.output.toPlainText() == "We meet next Monday."
    type_request(qtbot, window, "more formal")
    press_enter_and_wait(qtbot, window)
    assert window.output.toPlainText() == "We shall convene next Monday."
    turns = window.session.current.turns
    assert [(t.kind, t.text) for t in turns] == [("translation", "We meet next Monday."),
                                                  ("translation", "We shall convene next Monday.")]
    assert standin.chat_bodies()[-1]["messages"][2]["content"] == "We meet next Monday."


def test_the_form_follows_the_request_as_it_is_typed(qtbot, window):
    type_request(qtbot, window, "Proofread: Their going to the markt.")
    assert window.form.task.id == "proofread.check" and window.sidebar.current_task() == "proofread.check"
    assert window.form.value("text") == "Their going to the markt."
    type_request(qtbot, window, "Polish: the report ready for review.")
    assert window.form.task.id == "proofread.polish" and window.form.value("text") == "the report ready for review."
    type_request(qtbot, window, "Translate into French: The meeting is on Monday.")
    assert window.work.currentWidget() is window.task_page, "the box's translations run on the task page"
    assert (window.form.value("text"), window.form.value("target")) == ("The meeting is on Monday.", "French")
