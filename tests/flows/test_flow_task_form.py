"""Flow: text typed into a task's field survives switching to a task that shares the field, and
switching the UI language (bug 1 of issue 14: KeyError, an empty form, the text gone)."""

from __future__ import annotations


def test_proofread_to_polish_and_to_chinese_keeps_the_typed_text(deskmate_window):
    win = deskmate_window()
    win.key("ctrl+k")
    win.type("proofread")
    win.click_task("proofread.check")
    win.wait_for("w.form.task.id == 'proofread.check'")
    win.click("w.form.fields['text']")
    win.type("Their going to the markt on monday.")
    assert win.ask("w.form.value('text')") == "Their going to the markt on monday."

    win.click_task("proofread.polish")
    win.wait_for("w.form.task.id == 'proofread.polish'")
    assert win.ask("sorted(w.form.fields)") == ["text"], "the form must keep its fields"
    assert win.ask("w.form.value('text')") == "Their going to the markt on monday."
    assert win.ask("w.form.fields['text'].isVisible()")

    win.choose_chinese()
    assert win.ask("w.form.value('text')") == "Their going to the markt on monday."
    assert win.ask("w.run_button.text()") == "运行"
    win.screenshot("flow-task-switch-keeps-text-zh")
