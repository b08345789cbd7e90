"""The editor for a person's own tasks in the real window (pytest-qt, offscreen), on the scripted
stand-in: typed in, checked next to the part concerned, saved as a file the catalog reads, shown in
the tree, routed from the request box, in the palette; "Save as my task" from a result and a turn;
and a quick result that arrives over IPC gets a notice whose Undo really restores the clipboard."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from deskmate.core.remote import RemoteEndpoint, client_for, save_endpoint
from deskmate.core.store import DraftStore
from deskmate.core.tasks import catalog as task_catalog
from deskmate.core.tasks import default_catalog
from deskmate.core.tasks import user_tasks as ut
from deskmate.ui.engine_bridge import EngineBridge
from deskmate.ui.hotkeys import ActionHotkeys, platform_problem
from deskmate.ui.main_window import MainWindow
from deskmate.ui.quick_palette import QuickPalette
from deskmate.ui.task_editor import TaskEditor, open_editor
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication
from remote_standin import StandIn

REPLY = "Thank you so much, the flowers are lovely!"


@pytest.fixture
def standin(deskmate_home):
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        yield s


@pytest.fixture
def window(qtbot, standin, deskmate_home):
    store = DraftStore.open(deskmate_home / "deskmate.sqlite3")
    win = MainWindow(EngineBridge(client_for("standin")), default_catalog(), store, "standin")
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.task_editor is not None:
        win.task_editor.close()
    win.close()
    win.runner.wait()
    win.translation_view.shutdown()
    win.draft_editor.close_store()
    store.close()


@pytest.fixture
def clipboard(qapp):
    cb = QGuiApplication.clipboard()
    yield cb
    cb.clear()


def type_task(qtbot, editor: TaskEditor) -> None:
    qtbot.keyClicks(editor.name_en, "Polite reply")
    editor.name_zh.insert("礼貌回复")  # as an input method commits it: QTest cannot type Chinese
    row = editor.rows[0]
    row.label_en.clear()
    qtbot.keyClicks(row.label_en, "Message")
    qtbot.keyClicks(editor.instruction, "Write a short, polite reply to this message.")
    editor.quick.setChecked(True)
    qtbot.wait(300)


def test_typed_in_checked_by_part_previewed_and_saved_into_the_tree_box_and_palette(qtbot, window, standin):
    editor = open_editor(window)
    assert window.task_editor is editor and editor.isVisible()
    assert not editor.save_button.isEnabled()
    assert editor.problems_by_label() == {
        "Name": "⚠ give the task a name (in English, Chinese or both)",
        "Instruction": "⚠ write what the model should do"}
    type_task(qtbot, editor)
    editor.instruction.setPlainText("Reply politely to {mesage}.")
    qtbot.wait(300)
    assert editor.problems_by_label() == {"Instruction": "⚠ {mesage} is not a declared variable (declared: message)"}
    assert editor.preview.toPlainText() == "The preview shows once the task is complete."
    editor.instruction.setPlainText("Write a short, polite reply to this message.")
    editor.rows[0].label_en.clear()
    editor.rows[0].label_zh.clear()
    qtbot.wait(300)
    assert editor.problems_by_label() == {"field:0": "⚠ give the field a label"}
    assert editor.rows[0].error.isVisible(), "the message is next to the field itself"
    qtbot.keyClicks(editor.rows[0].label_en, "Message")
    editor.rows[0].default.setText("x")
    editor.rows[0].required.setChecked(False)
    editor.instruction.setPlainText("Write a short, polite reply to: {message}, {message}")
    qtbot.wait(300)
    assert editor.problems_by_label() == {}, "an optional field with a default may stand outside [[...]]"
    editor.rows[0].default.setText("")
    qtbot.wait(300)
    assert list(editor.problems_by_label()) == ["Instruction"]
    assert "optional variable 'message' has no default" in editor.problems_by_label()["Instruction"]
    editor.rows[0].required.setChecked(True)
    editor.instruction.setPlainText("Write a short, polite reply to this message.")
    qtbot.wait(300)
    assert editor.problems_by_label() == {}
    assert editor.rows[0].placeholder.text() == "In the instruction: {message}"
    assert editor.preview.toPlainText() == "Write a short, polite reply to this message.\n\n‹Message›"

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "Saved as “Polite reply” under My tasks."
    assert (task_catalog.user_tasks_dir() / "mine.polite_reply.toml").is_file()
    top = window.sidebar.tree.topLevelItem(0)
    assert (top.text(0), top.child(0).text(0)) == ("My tasks", "Polite reply")
    assert window.sidebar.current_task() == "mine.polite_reply"
    assert window.form.task.id == "mine.polite_reply"

    window.request_box.input.setFocus()
    qtbot.keyClicks(window.request_box.input, "polite reply: thanks for the flowers")
    qtbot.waitUntil(lambda: window.request_box.chip.text() == "Polite reply", timeout=5000)
    standin.enqueue(REPLY)
    qtbot.keyClick(window.request_box.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.output.toPlainText() == REPLY and not window.runner.busy, timeout=20000)
    asked = standin.chat_bodies()[-1]["messages"][-1]["content"]
    assert asked.startswith("Write a short, polite reply to this message.\n\n")

    palette = QuickPalette(lambda: window.bridge.client)
    qtbot.addWidget(palette)
    assert palette.visible_action_ids()[-1] == "mine.polite_reply"
    assert palette.actions_list.item(palette.actions_list.count() - 1).text() == "Polite reply"


def test_edit_and_delete_from_the_editor(qtbot, window):
    ut.save(ut.UserTask(name_en="Polite reply", instruction="Reply politely.",
                        fields=(ut.UserField("text", "Text", kind="text"),)))
    window.sidebar.select("mine.polite_reply")  # made before the window read the catalog: not listed yet
    editor = open_editor(window, ut.load("mine.polite_reply"))
    assert editor.windowTitle() == "Edit my task" and editor.delete_button.isVisible()
    editor.name_en.setText("Kind reply")
    qtbot.wait(300)
    assert editor.save()
    assert window.sidebar.tree.topLevelItem(0).child(0).text(0) == "Kind reply"
    editor.confirm = lambda title, question: question == "Delete your task “Kind reply”?"
    assert editor.delete()
    assert window.sidebar.tree.topLevelItem(0).text(0) != "My tasks"
    assert "mine.polite_reply" not in task_catalog.current().catalog


def test_save_as_my_task_from_a_result_and_from_a_refined_turn(qtbot, window, standin):
    window.sidebar.select("writing.slogan")
    window.form.set_value("product", "a solar desk lamp")
    qtbot.mouseClick(window.save_task_button, Qt.MouseButton.LeftButton)
    editor = window.task_editor
    assert editor.name_en.text() == "Slogan (mine)" or editor.name_en.text().endswith("(mine)")
    defaults = {r.name: r.default.text() for r in editor.rows}
    assert defaults["product"] == "a solar desk lamp"
    assert editor.instruction.toPlainText() == default_catalog().task("writing.slogan").prompt.get("en")
    editor.close()

    standin.enqueue("Light that works all day.", "Light all day.")
    box = window.request_box.input
    box.setFocus()
    qtbot.keyClicks(box, "Write a slogan for a solar desk lamp")
    qtbot.wait(300)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.conversation_view.turns.count() == 1 and not window.runner.busy, timeout=20000)
    qtbot.keyClicks(box, "shorter")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.conversation_view.turns.count() == 2 and not window.runner.busy, timeout=20000)
    window.conversation_view.turns.setCurrentRow(1)
    qtbot.mouseClick(window.conversation_view.save_task_button, Qt.MouseButton.LeftButton)
    editor = window.task_editor
    assert editor.instruction.toPlainText().endswith("\n\nshorter"), "the refinement is part of the instruction"
    assert {r.name: r.default.text() for r in editor.rows}["product"] == "a solar desk lamp", "what the request is about, as the request box filled it"
    assert editor.save()
    assert editor.task_id.startswith("mine.slogan")


CLI = "from deskmate.cli import main; from deskmate.cli.quick import quick; main.add_command(quick); main()"


def _cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-c", CLI, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def session(qtbot, standin, clipboard):
    from deskmate.ui.app import DeskmateApp

    app = DeskmateApp(None)
    app.load()
    app.start()
    qtbot.waitUntil(lambda: getattr(app, "notice", None) is not None, timeout=30000)
    app.use_remote("standin")
    yield app
    app.window.close()
    app.shutdown()


def test_an_own_task_over_ipc_shows_a_notice_whose_undo_restores_every_format(qtbot, session, standin, clipboard):
    ut.save(ut.UserTask(name_en="Polite reply", instruction="Write a short, polite reply to this message.",
                        fields=(ut.UserField("", "Message", kind="text"),), quick=True))
    session.window.catalogChanged.emit()  # as the editor's Save does
    assert "mine.polite_reply" in session.palette.visible_action_ids()
    assert "Polite reply" in [a.text() for a in session.tray.menu.actions()]
    old = QMimeData()
    old.setText("Thanks for the flowers!")
    old.setHtml("<p><b>Thanks</b> for the flowers!</p>")
    clipboard.setMimeData(old)
    standin.enqueue(REPLY)
    # An offscreen clipboard is the app's own: the CLI is given the text it would have read from it.
    proc = _cli("quick", "mine.polite_reply", "--text", "Thanks for the flowers!")
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=90_000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "mine.polite_reply done by the running Deskmate" in err
    assert clipboard.text() == REPLY
    asked = standin.chat_bodies()[-1]["messages"][-1]["content"]
    assert asked == "Write a short, polite reply to this message.\n\nThanks for the flowers!"
    notice = session.notice
    qtbot.waitUntil(notice.isVisible, timeout=5000)
    assert notice.title.text() == "Polite reply: done"
    assert notice.text.text() == (f"The result ({len(REPLY)} characters) replaced the clipboard. "
                                  "Undo puts the old clipboard back.")
    qtbot.mouseClick(notice.undo_button, Qt.MouseButton.LeftButton)
    assert clipboard.text() == "Thanks for the flowers!"
    assert "<b>Thanks</b> for the flowers!" in clipboard.mimeData().html(), "every format comes back"
    assert notice.text.text() == "The old clipboard is back." and not notice.undo_button.isVisible()
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    assert session.window.draft_editor.body.toPlainText() == REPLY


def test_a_hotkey_that_cannot_work_says_why_once_and_settings_keeps_saying_it(qtbot, session):
    # Offscreen there is no desktop to listen on: the notice says so and what to bind instead.
    status = session.hotkey_status()
    assert status.startswith("Global hotkeys need a desktop display; this session has none")
    assert "Custom Shortcuts) that runs `deskmate quick palette`" in status
    assert session.notice.isVisible() and session.notice.text.text() == status
    from deskmate.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(session.settings, session.window, hotkey_status=session.hotkey_status())
    qtbot.addWidget(dialog)
    assert dialog.hotkeys.text() == status
    session.notice.hide()
    session._say_hotkey_problems()
    assert not session.notice.isVisible(), "said once; Settings keeps it"


def test_own_hotkeys_register_with_the_global_hotkey_machinery(qtbot):
    started = []

    class KeySource:  # pynput's GlobalHotKeys shape: built with {combo: callback}, then start()/stop()
        def __init__(self, hotkeys):
            self.hotkeys = hotkeys

        def start(self):
            started.append(self)

        def stop(self):
            pass

    keys = ActionHotkeys(source=KeySource)
    assert keys.set_actions({"mine.polite_reply": "<ctrl>+<alt>+p"}) == {}
    fired = []
    keys.triggered.connect(fired.append)
    started[0].hotkeys["<ctrl>+<alt>+p"]()
    qtbot.waitUntil(lambda: fired == ["mine.polite_reply"], timeout=2000)
    keys.stop()
    offscreen = ActionHotkeys()
    failed = offscreen.set_actions({"mine.polite_reply": "<ctrl>+<alt>+p"}, platform="offscreen")
    assert failed == {"mine.polite_reply": platform_problem("offscreen")}
    assert "this session has none" in failed["mine.polite_reply"]


def test_an_own_quick_task_runs_standalone_when_no_deskmate_answers(tiny_model, deskmate_home):
    ut.save(ut.UserTask(name_en="Polite reply", instruction="Write a short, polite reply to this message.",
                        fields=(ut.UserField("", "Message", kind="text"),), quick=True))
    proc = _cli("--model", str(tiny_model), "quick", "mine.polite_reply", "--print", "--text", "Thanks a lot!")
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert "mine.polite_reply done by the local model" in err and out.strip()
