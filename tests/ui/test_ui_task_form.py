"""The task form keeps what the person typed when the task or the UI language changes."""

from __future__ import annotations

from deskmate.core.tasks import default_catalog
from deskmate.ui.task_form import TaskForm


def make_form(qtbot) -> TaskForm:
    form = TaskForm()
    qtbot.addWidget(form)
    form.show()
    return form


def test_switching_between_tasks_that_share_a_field_keeps_the_text(qtbot):
    catalog = default_catalog()
    form = make_form(qtbot)
    form.set_task(catalog.task("proofread.check"), "en")
    form.set_value("text", "Their going to the markt.")
    form.set_task(catalog.task("proofread.polish"), "en")  # raised KeyError: 'text' before the fix
    assert form.task.id == "proofread.polish"
    assert list(form.fields) == [v.name for v in catalog.task("proofread.polish").variables]
    assert form.value("text") == "Their going to the markt."
    assert form.fields["text"].toPlainText() == "Their going to the markt."


def test_switching_the_language_with_text_in_a_field_keeps_the_text(qtbot):
    task = default_catalog().task("qa.open")
    form = make_form(qtbot)
    form.set_task(task, "en")
    form.set_value("question", "What is the capital of Peru?")
    form.set_task(task, "zh")  # raised KeyError: 'question' before the fix
    assert form.value("question") == "What is the capital of Peru?"
    assert form.title.text() == task.name.get("zh")
