"""Flow: task runs in the real window on the scripted stand-in (the real OpenAI protocol over
127.0.0.1): the status says what is happening while nothing streams (bug 7), and the answer,
grid and counters of one task are gone when the next is chosen; the row count follows Add row
(bug 6 of issue 14)."""

from __future__ import annotations

import pytest
from deskmate.core.remote import RemoteEndpoint, save_endpoint
from remote_standin import StandIn

# "one fruit and its colour" names its columns (Name, Colour): the table's one step left is its rows.
FRUIT_ROWS = {"rows": [{"Name": "Apple", "Colour": "red"}]}
CORRECTED = ("They're going to the market.", {"reasons": ["contraction", "spelling"]})


@pytest.fixture
def standin(deskmate_home):
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        yield s


def choose_task(win, search: str, task_id: str) -> None:
    win.key("ctrl+k")
    win.type(search)
    win.click_task(task_id)
    win.wait_for(f"w.form.task.id == {task_id!r}")


def test_status_while_proofreading_and_results_that_go_with_their_task(deskmate_window, standin):
    win = deskmate_window()
    win.wait_for("w.model_picker.combo.count() >= 2")
    win.click("w.model_picker.combo")
    win.key("End", "Up", "Return")  # the entry above "Get more models…": "Remote: standin (…)"
    win.wait_for("s.remote_name == 'standin'")
    win.wait_for("w.last_status is not None and w.last_status.phase.name == 'READY'", timeout=120)

    choose_task(win, "proofread", "proofread.check")
    win.click("w.form.fields['text']")
    win.type("Their going to the markt.")
    standin.token_delay = 0.25  # a slow model: the check takes a few seconds and streams nothing
    standin.enqueue(CORRECTED[0], match="Their going").enqueue(CORRECTED[1], match="You explain proofreading")
    win.key("ctrl+Return")
    win.wait_for("w.engine_label.text().startswith('Proofreading… ')", timeout=10)
    assert win.ask("w.progress.isVisible() and w.progress.maximum() == 0"), "a busy bar while nothing streams"
    win.wait_for("w.engine_label.text().endswith(' 1 s')", timeout=10)
    win.screenshot("flow-proofreading-status")
    win.wait_for("w.run_button.isEnabled()", timeout=60)
    assert win.ask("w.engine_label.text()") == "Ready"
    assert win.ask("w.speed_label.text()") == "2 change(s) to review"
    assert win.ask("w.proofread_view.final_text()") == "They're going to the market."

    standin.token_delay = 0.0
    choose_task(win, "table", "table.make")
    assert win.ask("w.speed_label.text()") == "", "the proofread counter stayed under the next task"
    assert win.ask("w.results.currentWidget() is w.output and w.output.toPlainText() == ''")
    win.click("w.form.fields['about']")
    win.type("one fruit and its colour")
    standin.enqueue(FRUIT_ROWS, match="one fruit")
    win.key("ctrl+Return")
    win.wait_for("w.run_button.isEnabled() and w.results.currentWidget() is w.table_editor", timeout=60)
    assert win.ask("w.speed_label.text()") == "Rows: 1, columns: 2"
    win.click("w.table_editor.buttons['add_row']")
    win.wait_for("w.table_editor.table().shape == [2, 2] or w.table_editor.table().shape == (2, 2)")
    assert win.ask("w.speed_label.text()") == "Rows: 2, columns: 2", "the row count follows Add row"
    win.screenshot("flow-table-row-count")

    choose_task(win, "slogan", "writing.slogan")
    assert win.ask("w.speed_label.text()") == ""
    assert win.ask("w.results.currentWidget() is w.output and w.output.toPlainText() == ''")
    assert win.ask("list(w.table_editor.table().shape)") == [0, 0]
    win.screenshot("flow-next-task-starts-clean")


def test_the_review_pass_says_so_and_leaves_the_final_answer_its_room(deskmate_window, standin):
    win = deskmate_window()
    win.wait_for("w.model_picker.combo.count() >= 2")
    win.click("w.model_picker.combo")
    win.key("End", "Up", "Return")  # above "Get more models…"
    win.wait_for("s.remote_name == 'standin'")
    choose_task(win, "slogan", "writing.slogan")
    win.click("w.form.fields['product']")
    win.type("a solar desk lamp")
    win.click("w.form.review")
    assert win.ask("w.form.review.isChecked()")
    first = "\n".join(f"Slogan {i}: light that keeps going, line after line." for i in range(12))
    standin.token_delay = 0.04
    standin.enqueue(first).enqueue({"issues": ["It gives twelve slogans, not five."], "ok": False})
    standin.enqueue("Light that works as hard as you do.")
    win.click("w.run_button")
    win.wait_for("w.engine_label.text().startswith('Reviewing the answer… ')", timeout=30)
    win.wait_for("w.run_button.isEnabled()", timeout=60)
    assert win.ask("w.output.toPlainText()") == "Light that works as hard as you do."
    notice = win.ask("w.notice.text()")
    assert "It gives twelve slogans, not five." in notice and "Slogan 3" not in notice
    assert win.ask("w.output.height() > 3 * w.notice.height()"), "the notice squeezes the answer"
    win.screenshot("flow-review-rewrote-the-answer")
    win.click("w.first_answer_button")
    win.wait_for("w.output.toPlainText().startswith('Slogan 0:')")
