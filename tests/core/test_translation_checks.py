"""A translation checks its own language (core/tasks/translate.py): a wrong-language answer is never
streamed, it is asked for again once with a stronger instruction, and a second wrong answer ends the
run with a plain failure (exit code 7 in the CLI: tests/cli/test_cli_remote_tasks.py), never presented as a translation."""

from __future__ import annotations

from deskmate.core.tasks.langdetect import resolve_language
from deskmate.core.tasks.run import Delta, Failed, TaskRun, TranslationDone
from deskmate.core.tasks.translate import TranslationLanguageError, language_matches

SOURCE = "The quarterly report is ready for review."


def test_an_answer_in_the_source_language_is_asked_again_and_never_shown(standin, client) -> None:
    standin.enqueue("The quarterly report is ready for review.", "季度报告已准备好供审阅。")
    run = TaskRun("translate.text", {"text": SOURCE, "target": "zh"}, client=client)
    events = list(run)
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "季度报告已准备好供审阅。"
    assert run.result.text == "季度报告已准备好供审阅。" and run.result.error is None
    first, second = standin.chat_bodies()
    assert "Write the answer in Simplified Chinese only" not in first["messages"][0]["content"]
    assert "Write the answer in Simplified Chinese only" in second["messages"][0]["content"]
    assert "do not answer in English" in second["messages"][0]["content"]


def test_a_second_wrong_answer_is_a_plain_failure_not_a_translation(standin, client) -> None:
    standin.enqueue("The quarterly report is ready for review.", "The quarterly report is ready, for review.")
    run = TaskRun("translate.text", {"text": SOURCE, "target": "zh"}, client=client)
    events = list(run)
    assert not any(isinstance(e, TranslationDone) for e in events)
    assert not any(isinstance(e, Delta) and "quarterly" in e.text for e in events)
    failed = events[-1]
    assert isinstance(failed, Failed) and isinstance(failed.error, TranslationLanguageError)
    assert failed.message.startswith("This is not a translation into Chinese: the model answered in English.")
    assert run.result.translation is None and run.result.text == ""


def test_english_target_with_a_chinese_answer_fails_too(standin, client) -> None:
    standin.enqueue("季度报告已经准备好了，请审阅。", "季度报告已准备好。请您审阅。")
    run = TaskRun("translate.text", {"text": "季度报告已经准备好了，请审阅。", "target": "en"}, client=client)
    events = list(run)
    assert isinstance(events[-1], Failed)
    assert "not a translation into English: the model answered in Chinese" in events[-1].message


def test_language_matches_by_script_and_by_n_grams() -> None:
    zh, en, fr = (resolve_language(x) for x in ("zh", "en", "fr"))
    assert language_matches("季度报告已准备好", zh) is True
    assert language_matches("The quarterly report", zh) is False
    assert language_matches("季度", zh) is None  # too little to tell yet
    assert language_matches("The quarterly report is ready.", en) is True
    assert language_matches("季度报告已准备好供审阅", en) is False
    assert language_matches("The quarterly report is ready for your review.", fr) is False
    assert language_matches("Le rapport trimestriel est prêt pour la relecture.", fr) is True


def test_the_tiny_model_never_presents_a_wrong_language_answer(engine) -> None:
    text = "The meeting is moved to Thursday afternoon.\n\nPlease send the slides to the whole team by Wednesday."
    run = TaskRun("translate.text", {"text": text, "target": "zh"}, client=engine)
    events = list(run)
    if isinstance(events[-1], Failed):
        assert isinstance(events[-1].error, TranslationLanguageError)
        assert run.result.translation is None
    else:
        result = run.result.translation
        for p in result.paragraphs:
            assert language_matches(p.translation, resolve_language("zh")) is not False, p
