"""A person's own tasks as files (core/tasks/user_tasks.py): written, validated by the catalog's schema,
listed, renamed, deleted, previewed with the run's own rendering, and run as quick actions."""

from __future__ import annotations

import dataclasses

import pytest

from deskmate.core import quick
from deskmate.core.tasks import catalog as task_catalog
from deskmate.core.tasks import user_tasks as ut
from deskmate.core.tasks.run import TaskRun

REPLY = ut.UserTask(
    name_en="Polite reply", name_zh="礼貌回复",
    instruction="Write a short, polite reply to this message.",
    fields=(ut.UserField("", "Message", "留言", kind="text"), ut.UserField("", "Sign as", "署名", required=False)),
    creativity=0.3, quick=True, hotkey="<ctrl>+<alt>+p")


def test_a_saved_task_is_a_file_the_catalog_loads_under_my_tasks(deskmate_home):
    task = ut.save(REPLY)
    path = task_catalog.user_tasks_dir() / "mine.polite_reply.toml"
    assert task.id == "mine.polite_reply" and path.is_file()
    loaded = task_catalog.load_catalog()
    assert loaded.errors == ()
    mine = loaded.catalog.category("mine")
    assert mine.name.get("en") == "My tasks" and mine.name.get("zh") == "我的任务"
    assert loaded.catalog.categories[0].id == "mine", "a person's own tasks come first in the tree"
    saved = loaded.catalog.task("mine.polite_reply")
    assert saved.name.get("zh") == "礼貌回复" and saved.creativity == 0.3 and saved.quick
    assert saved.hotkey == "<ctrl>+<alt>+p"
    assert [(v.name, v.label.get("zh"), v.required, v.multiline) for v in saved.variables] == [
        ("message", "留言", True, True), ("sign_as", "署名", False, False)]
    # Saved again under the same name: a second task, not an overwrite of the first.
    assert ut.save(REPLY).id == "mine.polite_reply_2"
    assert [t.id for t in ut.list_user_tasks()] == ["mine.polite_reply", "mine.polite_reply_2"]


def test_preview_is_what_the_run_sends(deskmate_home, client):
    values = {"message": "Thanks for the quick delivery!", "sign_as": "Ann"}
    shown = ut.preview(REPLY, values)
    assert shown == ("Write a short, polite reply to this message.\n\nThanks for the quick delivery!\n\n"
                     "Sign as: Ann")
    task = ut.save(REPLY)
    run = TaskRun(task.id, values, client=client)
    assert run.messages[-1]["content"] == shown
    # An optional field left empty drops its line; a required one shows where it goes.
    assert ut.preview(REPLY, {}) == "Write a short, polite reply to this message.\n\n‹Message›"
    assert ut.preview(REPLY, {"message": "收到，谢谢"}, lang="zh").endswith("收到，谢谢")


@pytest.mark.parametrize(("change", "part", "words"), [
    ({"name_en": "", "name_zh": ""}, "name", "give the task a name"),
    ({"instruction": "  "}, "instruction", "write what the model should do"),
    ({"instruction": "Reply to {mesage}"}, "instruction", "{mesage} is not a declared variable"),
    ({"hotkey": "ctrl-p"}, "hotkey", "is not a key combination"),
    ({"quick": False}, "hotkey", "only a quick action"),
    ({"creativity": 1.5}, "creativity", "less than or equal to 1"),
    ({"output": "translation"}, "output", 'needs a variable named "target"'),
    ({"fields": ()}, "quick", "a quick action needs a field"),
])
def test_a_mistake_is_named_by_its_part_and_nothing_is_written(deskmate_home, change, part, words):
    bad = dataclasses.replace(REPLY, **change)
    found = ut.problems(bad)
    assert [p.part for p in found] == [part], found
    assert words in found[0].message
    with pytest.raises(ut.UserTaskError):
        ut.save(bad)
    assert not task_catalog.user_tasks_dir().exists() or not list(task_catalog.user_tasks_dir().iterdir())


def test_a_field_problem_names_the_field_by_its_label(deskmate_home):
    two = dataclasses.replace(REPLY, fields=(ut.UserField("", "Message", kind="text"), ut.UserField("", "")))
    assert [(p.part, p.label, p.message) for p in ut.problems(two)] == [("field:1", "#2", "give the field a label")]
    optional = dataclasses.replace(REPLY, instruction="Reply to {message}, signed {sign_as}.")
    found = ut.problems(optional)
    assert [(p.part, p.label) for p in found] == [("instruction", "")]
    assert "optional variable 'sign_as' has no default" in found[0].message


def test_rename_delete_and_reedit(deskmate_home):
    task = ut.save(REPLY)
    renamed = ut.rename(task.id, "Kind reply", "友好回复")
    assert renamed.id == task.id
    again = task_catalog.load_catalog().catalog.task(task.id)
    assert again.name.get("en") == "Kind reply" and again.name.get("zh") == "友好回复"
    assert "kind reply" in [w.lower() for w in again.keywords.en], "the request box finds it by its new name"
    editing = ut.load(task.id)
    assert editing.id == task.id and editing.fields[0].label_zh == "留言" and editing.hotkey == "<ctrl>+<alt>+p"
    ut.delete(task.id)
    assert task.id not in task_catalog.load_catalog().catalog
    with pytest.raises(ut.UserTaskError, match="already gone"):
        ut.delete(task.id)


def test_from_a_shipped_task_with_its_values_and_a_refinement(deskmate_home):
    shipped = task_catalog.load_catalog().catalog.task("writing.slogan")
    start = ut.from_task(shipped, values={"product": "a solar desk lamp"}, instruction="Make it shorter.")
    assert start.id == "" and start.name_en.endswith("(mine)")
    assert start.instruction.endswith("\n\nMake it shorter.")
    assert [f.default for f in start.fields if f.name == "product"] == ["a solar desk lamp"]
    task = ut.save(start)
    assert task.id.startswith("mine.") and task_catalog.load_catalog().errors == ()


def test_hotkey_forms():
    assert ut.hotkey_from_keys("Ctrl+Alt+P") == "<ctrl>+<alt>+p"
    assert ut.hotkey_from_keys("Ctrl+Shift+F5") == "<ctrl>+<shift>+<f5>"
    assert ut.hotkey_to_keys("<ctrl>+<alt>+p") == "Ctrl+Alt+P"


def test_a_quick_user_task_runs_on_the_clipboard_text(deskmate_home, scripted):
    task = ut.save(REPLY)
    assert quick.action(task.id).label("zh") == "礼貌回复"
    assert task.id in [a.id for a in quick.all_actions()]
    scripted.enqueue("Thank you, we are glad it arrived quickly!")
    result = quick.run_action(scripted.client(), task.id, "Thanks for the quick delivery!").run()
    assert result.text == "Thank you, we are glad it arrived quickly!"
    asked = scripted.chat_bodies()[-1]["messages"][-1]["content"]
    assert asked == "Write a short, polite reply to this message.\n\nThanks for the quick delivery!"
    ut.delete(task.id)
    with pytest.raises(quick.QuickInputError, match="There is no quick action"):
        quick.action(task.id)
