"""Flows on the window itself (issue 17, build point 1): it opens centred and on the screen, comes back
where it was left (place, size, maximised, splitters; clamped to a smaller screen), reopens the last draft
with its cursor, shows the top of the task tree with the common tasks, and Enter in the task search moves
into the task's form while Down/Up walk through the matches."""

from __future__ import annotations

import json
import time

from conftest import SCREEN

FRAME = "[w.frameGeometry().x(), w.frameGeometry().y(), w.frameGeometry().width(), w.frameGeometry().height()]"


def settled_frame(win):
    """The window's frame on screen, once the window manager stopped moving it."""
    last = None
    for _ in range(30):
        now = win.ask(FRAME)
        if now == last:
            return now
        last = now
        time.sleep(0.3)
    return last


def on_screen(frame) -> bool:
    x, y, w, h = frame
    return x >= 0 and y >= 0 and x + w <= SCREEN[0] and y + h <= SCREEN[1]


def quit_with_keys(win) -> None:
    """Ctrl+Q, as a person quits; the process ends once the window has saved."""
    win.click("w.request_box.input")
    win.key("ctrl+q")
    win.proc.wait(60)


def test_first_start_is_centred_on_screen_and_the_place_comes_back(deskmate_window, deskmate_home):
    win = deskmate_window()
    frame = settled_frame(win)
    assert on_screen(frame), f"the window {frame} does not fit the {SCREEN} screen"
    x, y, w, h = frame
    assert abs(x - (SCREEN[0] - x - w)) <= 24 and abs(y - (SCREEN[1] - y - h)) <= 60, f"{frame} is not centred"
    win.screenshot("flow-window-first-start")

    # The person moves and narrows the window and drags the splitter between the tasks and the middle.
    win.desktop.xdotool("windowmove", win.window_id, "40", "30")
    win.desktop.xdotool("windowsize", win.window_id, "1100", "720")
    win.wait_for("w.width() == 1100 and w.height() == 720")
    handle = win.ask("point(w.splitters['center'].handle(1))")
    win.desktop.xdotool("mousemove", "--sync", str(handle["x"]), str(handle["y"]))
    win.desktop.xdotool("mousedown", "1")
    win.desktop.xdotool("mousemove", "--sync", str(handle["x"] + 120), str(handle["y"]))
    win.desktop.xdotool("mouseup", "1")
    sizes = win.wait_for("w.splitters['center'].sizes()", check=lambda s: s[0] >= 330, what="the tasks pane wider")
    left = settled_frame(win)
    quit_with_keys(win)

    again = deskmate_window()
    assert settled_frame(again) == left, "the window did not come back where it was left"
    assert again.ask("w.splitters['center'].sizes()") == sizes

    # Maximised (a double click on the title bar) comes back maximised.
    top = again.ask("[w.frameGeometry().center().x(), w.frameGeometry().y() + (w.geometry().y() - w.frameGeometry().y()) // 2]")
    again.desktop.xdotool("mousemove", "--sync", str(top[0]), str(top[1]))
    again.desktop.xdotool("click", "--repeat", "2", "--delay", "80", "1")
    again.wait_for("w.isMaximized()")
    quit_with_keys(again)
    third = deskmate_window()
    third.wait_for("w.isMaximized()", timeout=10)
    assert on_screen(settled_frame(third))


def test_a_size_saved_on_a_bigger_screen_opens_on_this_one(deskmate_window, deskmate_home):
    (deskmate_home / "data").mkdir(parents=True, exist_ok=True)
    # Left on a 2560x1440 monitor, far right: this screen is 1280x860.
    (deskmate_home / "data" / "window-state.json").write_text(json.dumps(
        {"geometry": [1500, 200, 2000, 1200], "frame": [2, 24], "maximized": False}))
    win = deskmate_window()
    frame = settled_frame(win)
    assert on_screen(frame), f"the window {frame} is off the {SCREEN} screen"
    assert frame[2] >= SCREEN[0] - 40, "clamped to the screen, not shrunk to nothing"


def test_the_last_draft_reopens_after_quit_with_its_cursor(deskmate_window, deskmate_home):
    win = deskmate_window()
    win.click("w.draft_editor.body")
    win.type("Dear Ms Chen,")
    win.key("Return")
    win.type("thank you for the quote.")
    win.key("ctrl+Home", "End")  # the cursor at the end of the first line
    win.wait_for("w.draft_editor.state.text().startswith('Saved ')")
    cursor = win.ask("w.draft_editor.body.textCursor().position()")
    assert cursor == len("Dear Ms Chen,"), win.ask("[w.draft_editor.body.toPlainText(), w.draft_editor.body.hasFocus()]")
    quit_with_keys(win)

    again = deskmate_window()
    again.wait_for("w.draft_editor.body.toPlainText() == 'Dear Ms Chen,\\nthank you for the quote.'", timeout=20,
                   what="the last draft reopened")
    assert again.ask("w.draft_editor.body.textCursor().position()") == cursor
    again.click("w.draft_editor.title")
    again.key("Tab")  # into the draft by keyboard: the cursor is where it was left
    again.type(" Best")
    again.wait_for("w.draft_editor.body.toPlainText().startswith('Dear Ms Chen, Best\\n')")
    again.wait_for("w.draft_editor.state.text().startswith('Saved ')")
    again.kill9()

    # After a kill the draft comes back from what was on disk (the journal), still open in the window.
    third = deskmate_window()
    third.wait_for("w.draft_editor.body.toPlainText() == 'Dear Ms Chen, Best\\nthank you for the quote.'",
                   timeout=20, what="the draft back after kill -9")


def test_the_task_tree_opens_at_the_top_with_the_common_tasks(deskmate_window):
    win = deskmate_window()
    win.wait_for("w.sidebar.tree.isVisible()")
    assert win.ask("w.sidebar.tree.verticalScrollBar().value()") == 0, "the task tree opened scrolled down"
    for task in ("writing.email", "rewrite.formal", "summarize.summary", "proofread.check", "translate.text"):
        assert win.ask(f"task_point({task!r})") is not None, f"{task} is not on the first screen"
    assert win.ask("w.request_box.input.isVisible() and w.request_box.input.hasFocus()")
    win.screenshot("flow-window-first-screen")


def test_enter_in_the_task_search_moves_into_the_form(deskmate_window):
    win = deskmate_window()
    win.key("ctrl+k")
    win.type("polish")
    win.key("Return")
    win.wait_for("w.form.task.id == 'proofread.polish'")
    win.wait_for("focused() == 'Text'", what="the focus in the Text field")
    win.type("Their going.")
    assert win.ask("w.form.value('text')") == "Their going."

    win.key("ctrl+k")
    win.type("rewrite")
    shown = win.wait_for("[i.data(0, 257) for i in w.sidebar._shown_tasks()]", check=lambda s: len(s) >= 3)
    at = shown.index(win.wait_for("w.sidebar.current_task()", check=lambda t: t in shown))
    win.key("Down")
    win.wait_for(f"w.sidebar.current_task() == {shown[at + 1]!r}")
    assert win.ask("focused()") == "Search tasks", "Down left the search box"
    win.key("Down", "Up")
    win.wait_for(f"w.sidebar.current_task() == {shown[at + 1]!r}")
    win.key("Return")
    win.wait_for(f"w.form.task.id == {shown[at + 1]!r} and focused() not in ('Search tasks', 'Tasks')")


def test_a_missing_value_is_named_by_the_field_label_in_the_ui_language(deskmate_window):
    win = deskmate_window()
    win.key("ctrl+k")
    win.type("polish")
    win.key("Return")
    win.wait_for("w.form.task.id == 'proofread.polish'")
    win.click("w.run_button")
    notice = win.wait_for("w.notice.text() if w.notice.isVisible() else ''")
    assert notice == "Polish needs some text in “Text”.", notice

    win.choose_chinese()
    win.click("w.run_button")
    notice = win.wait_for("w.notice.text() if w.notice.isVisible() and '润色' in w.notice.text() else ''")
    assert notice == "“润色”需要在“原文”中填写内容。", notice
    win.screenshot("flow-window-missing-value-zh")
