"""What the window shows while and after a task runs (pytest-qt, the scripted stand-in over the
OpenAI protocol): the status says what is happening, the result area belongs to the current task."""

from __future__ import annotations

import pytest
from deskmate.core.engines.supervisor import EngineStatus, Phase
from deskmate.core.remote import RemoteEndpoint, client_for, save_endpoint
from deskmate.core.store import DraftStore
from deskmate.core.tasks import default_catalog
from deskmate.ui.engine_bridge import EngineBridge
from deskmate.ui.main_window import MainWindow
from remote_standin import StandIn

# "one fruit and its colour" names its columns (Name, Colour): the table's one step left is its rows.
FRUIT_ROWS = {"rows": [{"Name": "Apple", "Colour": "red"}]}
CORRECTED = ("They're going to the market.", {"reasons": ["contraction", "spelling"]})


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        yield s


@pytest.fixture
def window(qtbot, standin, deskmate_home):
    store = DraftStore.open(deskmate_home / "drafts.sqlite3")
    bridge = EngineBridge(client_for("standin"))
    win = MainWindow(bridge, default_catalog(), store, "standin")
    qtbot.addWidget(win)
    win.show()
    bridge.status.emit(EngineStatus(Phase.READY))  # what the engine says once its model is loaded
    assert win.engine_label.text() == "Ready"
    yield win
    win.runner.stop()
    win.runner.wait()
    win.translation_view.shutdown()
    win.draft_editor.close_store()
    store.close()


def run(qtbot, win, task_id, values, *, review=False, wait=True):
    assert win.sidebar.select(task_id)
    for name, value in values.items():
        win.form.set_value(name, value)
    win.form.review.setChecked(review)
    win.run_button.click()
    if wait:
        qtbot.waitUntil(lambda: win.run_button.isEnabled(), timeout=30000)


def test_the_last_tasks_answer_grid_and_counters_go_with_it(qtbot, window, standin):
    win = window
    standin.enqueue(CORRECTED[0], match="Their going").enqueue(CORRECTED[1], match="You explain proofreading")
    run(qtbot, win, "proofread.check", {"text": "Their going to the markt."})
    assert win.results.currentWidget() is win.proofread_view
    assert win.speed_label.text() == "2 change(s) to review"

    assert win.sidebar.select("writing.slogan")
    assert win.results.currentWidget() is win.output and win.output.toPlainText() == ""
    assert win.speed_label.text() == "", "the proofread counter stayed under the next task"
    assert win.proofread_view.result() is None

    standin.enqueue(FRUIT_ROWS, match="fruit")
    run(qtbot, win, "table.make", {"about": "one fruit and its colour"})
    assert win.results.currentWidget() is win.table_editor
    assert win.speed_label.text() == "Rows: 1, columns: 2"
    win.table_editor.add_row()
    assert win.table_editor.table().shape == (2, 2)
    assert win.speed_label.text() == "Rows: 2, columns: 2", "the row count follows Add row"

    assert win.sidebar.select("qa.open")
    assert win.results.currentWidget() is win.output and win.speed_label.text() == ""
    assert win.table_editor.table().shape == (0, 0), "the grid of the last task stayed"


def test_the_status_says_writing_with_tokens_and_time_never_ready(qtbot, window, standin):
    win = window
    standin.token_delay = 0.15
    standin.enqueue("One two three four five six seven eight nine ten eleven twelve.", match="desk lamp")
    run(qtbot, win, "writing.slogan", {"product": "a solar desk lamp"}, wait=False)
    qtbot.waitUntil(lambda: "3 tokens" in win.engine_label.text() or "4 tokens" in win.engine_label.text(),
                    timeout=10000)
    said = win.engine_label.text()
    assert said.startswith("Writing… ") and said.endswith(" s"), said
    seen = set()
    while not win.run_button.isEnabled():
        seen.add(win.engine_label.text())
        qtbot.wait(50)
    assert "Ready" not in seen, seen
    assert any(text.endswith(", 1 s") for text in seen), f"the time ticks: {sorted(seen)}"
    assert win.engine_label.text() == "Ready" and not win.progress.isVisible()
    assert "tokens/s" in win.speed_label.text()


def test_proofreading_says_so_with_a_busy_bar_while_nothing_streams(qtbot, window, standin):
    win = window
    standin.token_delay = 0.2
    standin.enqueue(CORRECTED[0], match="Their going").enqueue(CORRECTED[1], match="You explain proofreading")
    run(qtbot, win, "proofread.check", {"text": "Their going to the markt."}, wait=False)
    qtbot.waitUntil(lambda: win.engine_label.text().startswith("Proofreading… "), timeout=5000)
    assert win.progress.isVisible() and win.progress.maximum() == 0, "a busy bar while nothing streams"
    qtbot.waitUntil(lambda: win.run_button.isEnabled(), timeout=30000)
    assert win.engine_label.text() == "Ready" and not win.progress.isVisible()


def test_a_review_rewrite_leaves_the_answer_its_room(qtbot, window, standin):
    win = window
    first = "\n".join(f"Line {i} of a long first answer." for i in range(16))
    standin.token_delay = 0.03  # the verdict and the rewrite take a moment, as on a real model
    standin.enqueue(first).enqueue({"issues": ["It is far too long."], "ok": False}).enqueue("A short answer.")
    win.resize(1280, 820)
    run(qtbot, win, "writing.slogan", {"product": "a solar desk lamp"}, review=True, wait=False)
    seen = set()
    while not win.run_button.isEnabled():
        seen.add(win.engine_label.text().split("…")[0])
        qtbot.wait(20)
    assert "Reviewing the answer" in seen, seen
    assert win.output.toPlainText() == "A short answer."
    assert "It is far too long." in win.notice.text() and "Line 3 of" not in win.notice.text()
    assert win.notice.height() < 80 and win.output.height() > 250, (win.notice.height(), win.output.height())
    win.first_answer_button.click()
    assert win.output.toPlainText() == first
    win.first_answer_button.click()
    assert win.output.toPlainText() == "A short answer."
