"""Flows: a task of one's own made in the editor by keys and clicks, then run from the request box,
the quick palette, its own hotkey and `deskmate quick <its id>`; a quick result that arrives over IPC
shows a notice whose Undo really puts the old clipboard back (read with xclip); a hotkey that cannot
work says why. The model is the scripted stand-in (exact answers). Screenshots:
docs/screenshots/task-editor.png and quick-notice.png."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from deskmate.core.remote import RemoteEndpoint, save_endpoint
from remote_standin import StandIn

ANSWERS = ("Thank you so much, the flowers are lovely!",
           "Thank you, the book arrived safely.",
           "Many thanks for the kind words.",
           "Thanks, see you on Monday.")
INSTRUCTION = "Write a short, polite reply to this message."
TASK = "mine.polite_reply"
CLI = "from deskmate.cli import main; from deskmate.cli.quick import quick; main.add_command(quick); main()"


@pytest.fixture
def standin(deskmate_home):
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        yield s


def use_standin(win) -> None:  # type: ignore[no-untyped-def]
    win.wait_for("w.model_picker.combo.count() >= 2")
    win.click("w.model_picker.combo")
    win.key("End", "Up", "Return")  # the entry above "Get more models…": "Remote: standin (…)"
    win.wait_for("s.remote_name == 'standin'")


def make_task_in_the_editor(win) -> None:  # type: ignore[no-untyped-def]
    win.key("alt+t")
    win.wait_for("w.menu_task.isVisible()")
    win.key("Up", "Up", "Up", "Return")  # from the first entry up round to the last three: Task → New task…
    win.wait_for("w.task_editor is not None and w.task_editor.isVisible() and w.task_editor.isActiveWindow()")
    # The window manager places the new window after it maps: click once it has stopped moving.
    where = "point(w.task_editor)"
    last = win.ask(where)
    while (now := win.wait_for(where, timeout=5)) != last:
        last = now
        time.sleep(0.3)
    assert win.ask("w.task_editor.problems_by_label()") == {
        "Name": "⚠ give the task a name (in English, Chinese or both)", "Instruction": "⚠ write what the model should do"}
    win.click("w.task_editor.name_en")
    win.type("Polite reply")
    # The name's message goes away and the parts below move up: click where they are then.
    win.wait_for("not w.task_editor.name_error.isVisible()", what="the name's message gone")
    win.click("w.task_editor.rows[0].label_en")
    win.key("ctrl+a")
    win.type("Message")
    win.wait_for("w.task_editor.rows[0].label_en.text()", check=lambda t: t == "Message", what="the field's label")
    win.click("w.task_editor.instruction")
    win.type(INSTRUCTION)
    win.click("w.task_editor.quick")
    win.click("w.task_editor.hotkey")
    win.key("ctrl+alt+p")
    shown = win.wait_for("[w.task_editor.preview.toPlainText(), w.task_editor.save_button.isEnabled()]",
                         check=lambda v: v[1] and v[0] == f"{INSTRUCTION}\n\n‹Message›", what="the preview")
    assert win.ask("w.task_editor.problems_by_label()") == {}
    assert win.ask("w.task_editor.hotkey.keySequence().toString()") == "Ctrl+Alt+P"
    win.screenshot("task-editor")
    win.click("w.task_editor.save_button")
    win.wait_for("w.task_editor.message.text()", check=lambda t: t == "Saved as “Polite reply” under My tasks.")
    assert shown
    win.click("w.task_editor.close_button")
    win.wait_for("w.task_editor is None or not w.task_editor.isVisible()")


PALETTE = ("{'shown': s.palette.isVisible(), 'busy': s.palette.worker.busy, "
           "'result': s.palette.result_view.toPlainText(), 'source': s.palette.source_view.toPlainText()}")


def test_an_own_task_made_in_the_editor_runs_from_the_box_the_palette_its_hotkey_and_the_cli(
        deskmate_window, standin, desktop):
    win = deskmate_window()
    use_standin(win)
    make_task_in_the_editor(win)
    assert win.ask("[w.sidebar.tree.topLevelItem(0).text(0), w.sidebar.tree.topLevelItem(0).child(0).text(0)]") \
        == ["My tasks", "Polite reply"]

    # 1. The request box routes to it by its name.
    standin.enqueue(ANSWERS[0])
    win.click("w.request_box.input")
    win.type("polite reply: thanks for the flowers")
    win.wait_for("conversation()", check=lambda s: s["chip"] == "Polite reply", what="the chip naming the task")
    win.key("Return")
    win.wait_for("conversation()", timeout=60, check=lambda s: s["output"] == ANSWERS[0] and not s["busy"],
                 what="the answer in the window")
    assert standin.chat_bodies()[-1]["messages"][-1]["content"].startswith(f"{INSTRUCTION}\n\n")

    # 2. The quick palette (its own global hotkey, Ctrl+Alt+Space) lists it; Enter on the filter runs it.
    desktop.set_clipboard("The book arrived today, thank you!")
    standin.enqueue(ANSWERS[1])
    hotkeys_work = not win.ask("s.hotkey_error")
    if hotkeys_work:
        desktop.key("ctrl+alt+space")
    else:  # no listener on this display: the palette as `deskmate quick palette` shows it
        win.ask("s.palette.show_for_clipboard()")
    win.wait_for("s.palette.isVisible() and s.palette.filter.hasFocus()", timeout=20)
    win.type("polite")
    win.wait_for("s.palette.visible_action_ids()", check=lambda ids: ids == [TASK])
    win.key("Return")
    done = win.wait_for(PALETTE, timeout=60, check=lambda r: r["result"] == ANSWERS[1] and not r["busy"],
                        what="the palette's result")
    assert done["source"] == "The book arrived today, thank you!"
    assert standin.chat_bodies()[-1]["messages"][-1]["content"] == \
        f"{INSTRUCTION}\n\nThe book arrived today, thank you!"
    win.key("Escape")
    win.wait_for("not s.palette.isVisible()")

    # 3. Its own hotkey, Ctrl+Alt+P, pressed on the X display, runs it on the clipboard.
    if hotkeys_work:
        assert win.ask("s.action_hotkey_errors") == {}
        desktop.set_clipboard("Your kind words made my day.")
        standin.enqueue(ANSWERS[2])
        desktop.key("ctrl+alt+p")
        win.wait_for(PALETTE, timeout=60, check=lambda r: r["shown"] and r["result"] == ANSWERS[2]
                     and not r["busy"], what="the hotkey's result in the palette")
        assert standin.chat_bodies()[-1]["messages"][-1]["content"] == \
            f"{INSTRUCTION}\n\nYour kind words made my day."
        win.key("Escape")

    # 4. `deskmate quick mine.polite_reply` through the running app: the result on the X clipboard.
    desktop.set_clipboard("See you on Monday!")
    standin.enqueue(ANSWERS[3])
    env = {k: v for k, v in desktop.env.items() if k != "QT_QPA_PLATFORM"}
    env["DESKMATE_HOME"] = str(win.home)
    out = subprocess.run([sys.executable, "-c", CLI, "quick", TASK], env=env, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    assert f"{TASK} done by the running Deskmate" in out.stderr
    deadline = time.monotonic() + 20
    while desktop.clipboard() != ANSWERS[3] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert desktop.clipboard() == ANSWERS[3]


def test_a_quick_result_over_ipc_shows_a_notice_and_undo_puts_the_old_clipboard_back(
        deskmate_window, standin, desktop):
    win = deskmate_window()
    use_standin(win)
    desktop.set_clipboard("Their going to the markt tomorow.")
    standin.enqueue("They're going to the market tomorrow.")
    env = {k: v for k, v in desktop.env.items() if k != "QT_QPA_PLATFORM"}
    env["DESKMATE_HOME"] = str(win.home)
    out = subprocess.run([sys.executable, "-c", CLI, "quick", "shorter"], env=env, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    assert desktop.clipboard() == "They're going to the market tomorrow."
    notice = win.wait_for("[s.notice.isVisible(), s.notice.title.text(), s.notice.text.text()]",
                          check=lambda n: n[0], what="the notice")
    assert notice[1:] == ["Rewrite shorter: done", "The result (37 characters) replaced the clipboard. "
                          "Undo puts the old clipboard back."]
    win.screenshot("quick-notice")
    win.click("s.notice.undo_button")
    win.wait_for("s.notice.text.text()", check=lambda t: t == "The old clipboard is back.")
    deadline = time.monotonic() + 20
    while desktop.clipboard() != "Their going to the markt tomorow." and time.monotonic() < deadline:
        time.sleep(0.2)
    assert desktop.clipboard() == "Their going to the markt tomorow.", "another application reads the old text"
    win.click("s.notice.open_button")
    win.wait_for("w.draft_editor.body.toPlainText()", check=lambda t: t == "They're going to the market tomorrow.",
                 what="the result opened as a draft")


def test_a_hotkey_that_cannot_be_registered_says_why_and_what_to_bind_instead(deskmate_window, desktop):
    # The desktop says it is a Wayland session (Qt still draws through X here): no global hotkeys.
    win = deskmate_window({"XDG_SESSION_TYPE": "wayland", "QT_QPA_PLATFORM": "xcb"})
    notice = win.wait_for("[s.notice.isVisible(), s.notice.title.text(), s.notice.text.text()]",
                          check=lambda n: n[0], timeout=30, what="the hotkey notice")
    assert notice[1] == "Quick action hotkeys are off"
    assert notice[2].startswith("Global hotkeys do not work on Wayland.")
    assert "in your desktop's own settings" in notice[2] and "`deskmate quick palette`" in notice[2]
    assert not win.ask("s.notice.undo_button.isVisible()")
    win.screenshot("hotkey-notice")
    win.click("s.notice.close_button")
    win.key("ctrl+comma")
    dialog = win.wait_for("app.activeModalWidget() is not None and app.activeModalWidget().hotkeys.text()",
                          timeout=20, what="Settings with its hotkey line")
    assert dialog == notice[2]
    win.screenshot("hotkey-settings")
    win.click("[b for b in app.activeModalWidget().findChildren(type(w.run_button)) if b.text() == 'Cancel'][0]")
    win.wait_for("app.activeModalWidget() is None")
