"""Flows on the draft: Ctrl+S after a pause makes a version the next autosave keeps (bug 3),
deleting the open draft leaves it and the Bin brings it back (bug 4), and typing survives a
kill -9 of the window with at most 0.5 s lost (build point 5 of issue 14)."""

from __future__ import annotations

import sqlite3
import time


def versions(home, draft_id):
    conn = sqlite3.connect(home / "data" / "deskmate.sqlite3")
    try:
        return conn.execute("SELECT source, body FROM versions WHERE draft_id = ? ORDER BY id DESC",
                            (draft_id,)).fetchall()
    finally:
        conn.close()


def on_disk(home) -> str:
    """What a restarted app gets back: the longest of the drafts and the journaled text it recovers."""
    path = home / "data" / "deskmate.sqlite3"
    if not path.exists():
        return ""
    conn = sqlite3.connect(path, timeout=5)
    try:
        rows = [r[0] for r in conn.execute("SELECT body FROM drafts UNION ALL SELECT body FROM pending")]
    finally:
        conn.close()
    return max(rows, key=len, default="")


def test_ctrl_s_after_a_pause_makes_a_version_the_next_autosave_keeps(deskmate_window, deskmate_home):
    win = deskmate_window()
    win.click("w.draft_editor.body")
    win.type("Dear team, the numbers are in.")
    time.sleep(1.5)  # well past the autosave's pause: the text is already stored
    win.key("ctrl+s")
    win.wait_for("w.draft_editor.state.text().startswith('Saved as a version')")
    draft_id = win.ask("w.draft_editor.draft_id")
    assert versions(deskmate_home, draft_id)[0] == ("save", "Dear team, the numbers are in.")

    win.type(" More to follow.")
    win.wait_for("w.draft_editor.state.text().startswith('Saved ') and not w.draft_editor.autosaver.unsaved("
                 "w.draft_editor.draft_id)")
    history = versions(deskmate_home, draft_id)
    assert history[:2] == [("autosave", "Dear team, the numbers are in. More to follow."),
                           ("save", "Dear team, the numbers are in.")], history
    win.key("ctrl+h")
    win.wait_for("any(type(d).__name__ == 'HistoryDialog' and d.isVisible() for d in app.topLevelWidgets())")
    shown = win.ask("[d for d in app.topLevelWidgets() if type(d).__name__ == 'HistoryDialog'][0].versions.count()")
    assert shown == len(history)
    win.screenshot("flow-draft-history-keeps-saved-version")
    win.key("Escape")


def test_deleting_the_open_draft_closes_it_and_the_bin_restores_it(deskmate_window, deskmate_home):
    win = deskmate_window()
    win.click("w.draft_editor.body")
    win.type("Minutes of the Monday meeting")
    win.wait_for("w.draft_editor.state.text().startswith('Saved ')")
    doomed = win.ask("w.draft_editor.draft_id")
    win.click_tab("w.left_tabs", "w.drafts_panel")
    win.wait_for("w.drafts_panel.isVisible() and w.drafts_panel.list.count() == 1")
    win.click_row("w.drafts_panel.list", 0)
    win.click("w.drafts_panel.delete_button")
    win.wait_for("w.drafts_panel.undo_button.isVisible()")
    assert win.ask("w.draft_editor.draft_id") is None
    assert win.ask("w.draft_editor.body.toPlainText()") == ""
    assert win.ask("w.drafts_panel.list.count()") == 0

    win.click("w.draft_editor.body")
    win.type("A new letter")
    win.wait_for("w.draft_editor.state.text().startswith('Saved ')")
    rows = {i: (body, deleted) for i, body, deleted in win.drafts()}
    assert rows[doomed][0] == "Minutes of the Monday meeting" and rows[doomed][1] is not None
    new = win.ask("w.draft_editor.draft_id")
    assert new != doomed and rows[new] == ("A new letter", None), "typing went into the binned draft"
    win.wait_for("w.drafts_panel.list.count() == 1")

    win.click("w.drafts_panel.bin_button")
    win.wait_for("w.drafts_panel.list.count() == 1 and w.drafts_panel.delete_button.text() == 'Restore'")
    assert win.ask("w.drafts_panel.list.item(0).text()").startswith("Minutes of the Monday meeting")
    win.screenshot("flow-drafts-bin")
    win.click_row("w.drafts_panel.list", 0)
    win.click("w.drafts_panel.delete_button")  # Restore
    win.wait_for(f"w.draft_editor.draft_id == {doomed}")
    assert win.ask("w.draft_editor.body.toPlainText()") == "Minutes of the Monday meeting"
    assert {i: d for i, _b, d in win.drafts()}[doomed] is None


def test_typing_survives_kill_9_with_at_most_half_a_second_lost(deskmate_window, deskmate_home):
    win = deskmate_window()
    win.click("w.draft_editor.body")
    text = " ".join(f"word{i}" for i in range(400))
    typist = win.desktop  # xdotool types into the focused draft while this test watches
    import subprocess

    proc = subprocess.Popen(["xdotool", "type", "--delay", "30", text], env=typist.env)
    samples: list[tuple[float, int]] = []  # (when, chars on disk), read as a restarted app would
    try:
        deadline = time.monotonic() + 60
        while (not win.typed or win.typed[-1][0] - win.typed[0][0] < 4.0) and time.monotonic() < deadline:
            samples.append((time.time(), len(on_disk(deskmate_home))))
            time.sleep(0.05)
        killed = win.kill9()
    finally:
        proc.kill()
        proc.wait(10)
    typed = list(win.typed)
    # At every moment while typing went on, not only at the kill, at most 0.5 s was not yet on disk.
    late = [(at, n) for at, n in samples if n < max((m for t, m in typed if t <= at - 0.5), default=0)]
    assert not late, f"{len(late)} of {len(samples)} samples had more than 0.5 s of typing only in memory"
    must_have = max((n for t, n in typed if t <= killed - 0.5), default=0)
    assert must_have > 50, "type for well over half a second before the kill"

    back = on_disk(deskmate_home)
    assert back.startswith(text[:must_have]), (
        f"{len(back)} chars on disk; {must_have} were typed more than 0.5 s before the kill")

    again = deskmate_window()
    assert again.ask("w.draft_editor.body.toPlainText()").startswith(text[:must_have])
    assert again.ask("w.statusBar().currentMessage()") == "Drafts recovered from before Deskmate last stopped: 1"
    assert not again.ask("w.engine_label.isVisible()"), "the note and the engine state were painted over each other"
    again.screenshot("flow-typing-recovered-after-kill-9")
