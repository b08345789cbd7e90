"""Task runs through the real window (pytest-qt) and the real `deskmate write` (a subprocess),
both on the scripted stand-in over the OpenAI protocol, so each asserts exact content:

* every output kind gives the same result in the window and on the command line;
* Proofread and Polish send their own prompts from the catalog;
* Stop ends the window's run and leaves a quick action on the same client running.
"""

from __future__ import annotations

import pytest
from deskmate.core.remote import RemoteEndpoint, client_for, save_endpoint
from deskmate.core.store import DraftStore
from deskmate.core.tables import to_markdown
from deskmate.core.tasks import default_catalog, sampling_for
from deskmate.ui.engine_bridge import EngineBridge
from deskmate.ui.main_window import MainWindow
from deskmate.ui.quick_palette import QuickPalette
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from remote_standin import StandIn
from active_window import make_active

FRUITS = {"rows": [{"Name": "Apple", "Colour": "red", "Price": "1.20"},
                   {"Name": "Banana", "Colour": "yellow", "Price": "0.50"}]}
CONTACT = {"name": "Ana Lima", "title": "Buyer", "company": "Globex", "phones": ["+1 555 0100"],
           "email": "ana@globex.example", "address": "", "website": ""}
# The model's corrections, and the reasons it gives when asked why.
CORRECTED = ("They're going to the market.", {"reasons": ["contraction", "spelling"]})

# kind: task, its values, the scripted answers (each with the text its request must contain), and
# the result a person gets, in the window and on stdout alike.
KINDS = {
    "text": ("writing.slogan", {"product": "a solar desk lamp"},
             [("Light that works as hard as you do.", "a solar desk lamp")],
             "Light that works as hard as you do."),
    "json": ("extract.contact", {"text": "Ana Lima, Buyer at Globex. ana@globex.example, +1 555 0100"},
             [(CONTACT, "Ana Lima")],
             '{"name": "Ana Lima", "title": "Buyer", "company": "Globex", "phones": ["+1 555 0100"], '
             '"email": "ana@globex.example", "address": "", "website": ""}'),
    "table": ("table.make", {"about": "two fruits with colour and price"}, [(FRUITS, "two fruits")],
              "## two fruits with colour and price\n\n| Name | Colour | Price |\n| --- | --- | ---: |\n| Apple | red | 1.20 |\n"
              "| Banana | yellow | 0.50 |\n"),
    "diff": ("proofread.check", {"text": "Their going to the markt."},
             [(CORRECTED[0], "Their going to the markt."), (CORRECTED[1], "You explain proofreading")],
             "--- original\n+++ corrected\n@@ -1 +1 @@\n-Their going to the markt.\n+They're going to the market.\n"),
    "translation": ("translate.text", {"text": "Good morning, everyone.\n\nThe report is ready.", "target": "French"},
                    [("Bonjour à tous.", "Good morning, everyone."),
                     ("Le rapport est prêt.", "The report is ready.")],
                    "Bonjour à tous.\n\nLe rapport est prêt."),
}


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        # `deskmate write … --remote standin` and the window use this very endpoint.
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        yield s


@pytest.fixture
def window(qtbot, standin, deskmate_home):
    store = DraftStore.open(deskmate_home / "drafts.sqlite3")
    win = MainWindow(EngineBridge(client_for("standin")), default_catalog(), store, "standin")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.runner.stop()
    win.runner.wait()
    win.translation_view.shutdown()
    win.draft_editor.close_store()
    store.close()


@pytest.fixture
def clipboard(qapp):
    cb = QGuiApplication.clipboard()
    yield cb
    cb.clear()  # Qt crashes at exit when an offscreen clipboard still holds QMimeData


def script(standin: StandIn, answers) -> None:  # type: ignore[no-untyped-def]
    for answer, match in answers:
        standin.enqueue(answer, match=match)


def run_in_window(qtbot, win: MainWindow, task_id: str, values: dict[str, str]) -> str:
    """Pick the task, fill the form, press Run: what the person then sees as the result."""
    assert win.sidebar.select(task_id)
    task = default_catalog().task(task_id)
    if task.output == "translation":
        view = win.translation_view
        assert win.work.currentWidget() is view
        view.set_source_text(values["text"])
        view.set_languages(None, "fr")
        with qtbot.waitSignal(view.translationFinished, timeout=30000):
            win.run_button.click()
        return view.target_text()
    for name, value in values.items():
        win.form.set_value(name, value)
    done = {"table": win.runner.tableDone, "diff": win.runner.proofreadDone}.get(task.output, win.runner.textDone)
    with qtbot.waitSignal(done, timeout=30000) as blocker:
        win.run_button.click()
    qtbot.waitUntil(lambda: win.run_button.isEnabled(), timeout=30000)
    if task.output == "table":
        assert win.results.currentWidget() is win.table_editor
        return to_markdown(win.table_editor.table())
    if task.output == "diff":
        assert win.results.currentWidget() is win.proofread_view
        assert win.result_text() == blocker.args[0].corrected
        return blocker.args[0].unified_diff()
    return win.output.toPlainText()


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_output_kind_gives_the_same_result_in_the_window_and_the_cli(qtbot, window, standin, deskmate_cli,
                                                                         kind):
    task_id, values, answers, expected = KINDS[kind]
    script(standin, answers)
    shown = run_in_window(qtbot, window, task_id, values)
    from_window = standin.chat_bodies()
    assert standin.unanswered() == []

    script(standin, answers)
    pairs = [arg for name, value in values.items() for arg in ("--var", f"{name}={value}")]
    proc = deskmate_cli("write", task_id, *pairs, "--remote", "standin", timeout=120)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout if kind == "diff" else proc.stdout.removesuffix("\n")
    assert shown == printed == expected
    # One way to run a task: the model was asked exactly the same things by both front ends.
    from_cli = standin.chat_bodies()[len(from_window):]
    assert [(b["messages"], b.get("response_format")) for b in from_cli] == \
        [(b["messages"], b.get("response_format")) for b in from_window]


def test_write_on_a_diff_task_lists_each_change_on_stderr(standin, deskmate_cli):
    script(standin, KINDS["diff"][2])
    proc = deskmate_cli("write", "proofread.check", "--var", "text=Their going to the markt.", "--remote", "standin",
                        timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "deskmate: change 1: 'Their' → \"They're\" — spelling (contraction)" in proc.stderr
    assert "deskmate: change 2: 'markt' → 'market' — spelling" in proc.stderr


@pytest.mark.parametrize("task_id", ["proofread.check", "proofread.polish"])
def test_proofread_and_polish_send_their_own_prompts(qtbot, window, standin, task_id):
    task = default_catalog().task(task_id)
    text = "Their going to the markt."
    script(standin, KINDS["diff"][2])
    result = run_in_window(qtbot, window, task_id, {"text": text})
    assert "+They're going to the market." in result
    asked = standin.chat_bodies()[0]
    system, user = asked["messages"]
    instruction = task.prompt.en.strip().removesuffix("{text}").strip()
    assert user["content"] == f"{instruction}\n\n{text}"
    assert system["content"].startswith(task.system.en)
    assert asked["temperature"] == sampling_for(window.form.creativity_value()).temperature
    assert window.form.creativity_value() == task.creativity


def test_stop_in_the_window_leaves_a_quick_action_on_the_same_client_running(qtbot, window, standin, clipboard):
    standin.token_delay = 0.04
    quick_text = "We would like to kindly inform you that the meeting has been moved to Friday."
    quick_answer = " ".join(["The meeting moved to Friday."] * 8)  # 40 words, about 1.6 s
    standin.enqueue(quick_answer, match=quick_text)
    standin.enqueue(" ".join(f"word{i}" for i in range(300)), match="Tell a long story")
    palette = QuickPalette(lambda: window.bridge.client, window, clipboard=clipboard)
    qtbot.addWidget(palette)
    clipboard.setText(quick_text)
    assert palette.show_for_clipboard()

    window.sidebar.select("qa.open")
    window.form.set_value("question", "Tell a long story about a lighthouse keeper.")
    seen: list[str] = []

    def stop_after_three(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 3:
            window.stop_button.click()

    window.runner.delta.connect(stop_after_three)
    with qtbot.waitSignal(palette.resultReady, timeout=30000) as quick_done:
        assert palette.run("shorter")
        with qtbot.waitSignal(window.runner.textDone, timeout=30000) as window_done:
            window.run_button.click()
    stopped = window_done.args[0]
    assert stopped.finish_reason == "cancelled" and stopped.text == "".join(seen)
    assert len(seen) < 20
    assert window.output.toPlainText() == "".join(seen)
    quick = quick_done.args[0]
    assert not quick.cancelled and quick.text == quick_answer, "the quick action ran on, untouched"
    palette.worker.wait()


def test_the_window_shows_what_the_review_changed_and_can_undo_it(qtbot, window, standin):
    standin.enqueue("Light that works as hard as you do, and the weather is nice.", match="a solar desk lamp")
    standin.enqueue({"issues": ["Mentions the weather."], "ok": False}, match="You check answers")
    standin.enqueue("Light that works as hard as you do.", match="You improve answers")
    assert window.sidebar.select("writing.slogan")
    window.form.set_value("product", "a solar desk lamp")
    window.form.review.setChecked(True)
    with qtbot.waitSignal(window.runner.reviewDone, timeout=30000):
        window.run_button.click()
    qtbot.waitUntil(lambda: window.run_button.isEnabled(), timeout=30000)
    assert window.results.currentWidget() is window.proofread_view
    result = window.proofread_view.result()
    assert [(c.original, c.replacement) for c in result.changes] == [(", and the weather is nice", "")]
    assert window.result_text() == "Light that works as hard as you do."
    assert "Mentions the weather." in window.notice.text()


def test_copy_and_insert_in_the_translation_view_act_on_the_translation(qtbot, window, standin, clipboard):
    # Issue 14, bug 2: after a proofread, Task → Copy result and Insert into draft in the translation view
    # took the proofread paragraph hidden behind it, and the view's own keys did nothing.
    script(standin, KINDS["diff"][2])
    run_in_window(qtbot, window, "proofread.check", {"text": "Their going to the markt."})
    task_id, values, answers, translated = KINDS["translation"]
    script(standin, answers)
    assert run_in_window(qtbot, window, task_id, values) == translated
    draft = window.draft_editor.body

    window.act_copy.trigger()  # Task → Copy result
    assert clipboard.text() == translated
    window.act_insert.trigger()  # Task → Insert into draft
    assert draft.toPlainText() == translated

    view = window.translation_view
    draft.clear()
    clipboard.clear()
    make_active(qtbot, window)
    view.target_edit.setFocus()
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view.target_edit, Qt.Key.Key_C, ctrl | shift)
    assert clipboard.text() == translated
    qtbot.keyClick(view.target_edit, Qt.Key.Key_I, ctrl)
    assert draft.toPlainText() == translated

    # The view's own buttons, there beside the translation.
    draft.clear()
    clipboard.clear()
    assert view.copy_button.isVisible() and view.insert_button.isVisible()
    view.copy_button.click()
    view.insert_button.click()
    assert clipboard.text() == translated and draft.toPlainText() == translated
    assert "They're" not in draft.toPlainText()


def test_text_that_piles_up_while_the_window_is_busy_is_drawn_in_batches_and_exactly(qtbot, window, standin):
    """The GUI thread is held up (a loaded machine deschedules it) while 300 words stream: the answer
    arrives in a few draws, not one per token, and is exactly the streamed text."""
    import time

    answer = " ".join(f"word{i}" for i in range(300))
    standin.token_delay = 0.002
    standin.enqueue(answer, match="Tell a long story")
    window.sidebar.select("qa.open")
    window.form.set_value("question", "Tell a long story about a lighthouse keeper.")
    pieces: list[str] = []
    draws: list[str] = []
    window.runner.delta.connect(pieces.append)
    window.runner.text.connect(draws.append)
    with qtbot.waitSignal(window.runner.textDone, timeout=60000) as done:
        window.run_button.click()
        time.sleep(0.4)  # the GUI thread does nothing meanwhile: tokens pile up
    assert done.args[0].text == answer
    assert window.output.toPlainText() == answer == "".join(pieces) == "".join(draws)
    assert len(pieces) == 300 and len(draws[0].split()) > 20, "what streamed while held up came in one draw"
    assert window.feedback.tokens == 300, "the status still counts every token"
