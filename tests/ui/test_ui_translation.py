"""The translation view, offscreen, on the real tiny model.

SmolLM2-135M translates badly; these tests check what the person sees happen
(streaming, progress, Stop, Swap, errors), never translation quality.
"""

from __future__ import annotations

import itertools

from deskmate.core.engines.openai_client import Endpoint, OpenAIClient
from deskmate.core.remote import RemoteClient, RemoteEndpoint
from deskmate.core.tasks.run import Delta, Progress
from deskmate.core.tasks.translate import split_paragraphs
from deskmate.ui.translation_view import TranslationView
from PySide6.QtCore import Qt
from remote_standin import StandIn
from active_window import make_active

THREE = "The office opens at nine.\n\nLunch is at noon.\n\nThe printer is broken.\n"
SIX = (
    "The office opens at nine.\n\nLunch is at noon.\n\nThe printer is broken.\n\n"
    "Anna leads the team.\n\nWe ship on Monday.\n\nThe budget is small.\n"
)


def make_view(qtbot, client, **kw) -> TranslationView:
    view = TranslationView(client, **kw)
    qtbot.addWidget(view)
    view.resize(900, 420)
    view.show()
    qtbot.waitExposed(view)
    make_active(qtbot, view)
    return view


def test_three_paragraphs_stream_in_with_progress_then_swap(qtbot, engine):
    view = make_view(qtbot, engine, target="fr")
    assert view.source_combo.currentText() == "Auto-detect" and view.target_combo.currentText() == "French"
    view.set_source_text(THREE)
    progress: list[str] = []
    snapshots: list[str] = []

    def watch(event: object) -> None:
        snapshots.append(view.target_text())
        if isinstance(event, Progress):
            assert view.progress.isVisible()
            progress.append((view.progress.value(), view.progress.maximum(), view.progress.text()))

    view.worker.event.connect(watch)

    view.source_edit.setFocus()
    with qtbot.waitSignal(view.translationFinished, timeout=120000) as done:
        qtbot.keyClick(view.source_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert view.busy and view.stop_button.isEnabled() and not view.translate_button.isEnabled()
    result = done.args[0]
    assert not result.cancelled
    assert progress == [(1, 3, "Paragraph 1 of 3"), (2, 3, "Paragraph 2 of 3"), (3, 3, "Paragraph 3 of 3")]
    # The target grew while the model wrote, many times, not once at the end.
    grown = [b for a, b in itertools.pairwise(snapshots) if b != a]
    assert len(grown) > 6 and all(b.startswith(a) for a, b in itertools.pairwise(grown))
    translation = view.target_text()
    assert translation == result.text
    assert len(split_paragraphs(translation).paragraphs) == 3
    assert view.source_combo.currentText() == "Auto-detect (English)"
    assert view.translate_button.isEnabled() and not view.busy  # idle when the signal arrives
    assert not view.stop_button.isEnabled() and not view.progress.isVisible()
    assert view.status.text() == "Translated 3 paragraph(s)."

    view.swap_button.click()
    assert view.source_text() == translation and view.target_text() == THREE
    assert view.source_language() == "fr" and view.target_language() == "en"
    assert view.source_combo.currentText() == "French" and view.target_combo.currentText() == "English"


def test_stop_keeps_what_arrived_and_translate_works_again(qtbot, engine):
    view = make_view(qtbot, engine, source="en", target="de")
    view.set_source_text(SIX)

    started: list[int] = []  # the paragraphs begun so far

    def stop_in_second_paragraph(event: object) -> None:
        if isinstance(event, Progress):
            started.append(event.index)
        elif isinstance(event, Delta) and started[-1:] == [1] and view.stop_button.isEnabled():
            view.stop_button.click()

    view.worker.event.connect(stop_in_second_paragraph)
    with qtbot.waitSignal(view.translationFinished, timeout=120000) as done:
        view.translate_button.click()
    result = done.args[0]
    assert result.cancelled
    kept = view.target_text()
    assert kept == result.text and kept.strip()
    assert 1 <= len(split_paragraphs(kept).paragraphs) <= 3  # of 6
    assert view.status.text() == f"Stopped after {len(result.paragraphs)} of 6 paragraphs. What arrived is kept."
    assert view.translate_button.isEnabled() and not view.busy  # idle when the signal arrives
    assert not view.stop_button.isEnabled() and not view.target_edit.isReadOnly()

    # Esc stops a new run too, and the engine answers again afterwards.
    view.worker.event.disconnect(stop_in_second_paragraph)
    view.set_source_text("Coffee is free.\n\nSales went up.\n")
    first_delta = []

    def stop_with_esc(event: object) -> None:
        if isinstance(event, Delta) and not first_delta:
            first_delta.append(event)
            view.source_edit.setFocus()
            qtbot.keyClick(view.source_edit, Qt.Key.Key_Escape)

    view.worker.event.connect(stop_with_esc)
    with qtbot.waitSignal(view.translationFinished, timeout=120000) as done:
        assert view.translate()
    assert done.args[0].cancelled and view.target_text() == done.args[0].text


def test_engine_errors_are_told_in_plain_words_and_partial_text_kept(qtbot):
    # A real client pointed at a port nobody listens on: the number-only paragraph needs
    # no model and arrives; the prose after it fails to connect.
    dead = OpenAIClient(Endpoint("http://127.0.0.1:9/v1", connect_timeout=2.0))
    view = make_view(qtbot, dead, source="en", target="zh")
    view.set_source_text("2024 — 3.5%\n\nThe office opens at nine.\n")
    with qtbot.waitSignal(view.translationFailed, timeout=20000) as failed:
        view.translate_button.click()
    assert "refused the connection" in failed.args[0]
    assert view.target_text().startswith("2024 — 3.5%")
    assert view.notice.isVisible() and "refused the connection" in view.notice.text()
    assert "What arrived before that is kept." in view.notice.text()
    assert "Traceback" not in view.notice.text()
    assert view.translate_button.isEnabled() and not view.stop_button.isEnabled()


def test_nothing_starts_without_text_or_model(qtbot):
    view = make_view(qtbot, lambda: None, source="en", target="fr")
    assert not view.translate()
    assert "Type or paste the text" in view.notice.text()
    view.set_source_text("Hello.")
    assert not view.translate()
    assert "No model is ready yet" in view.notice.text()
    view.set_languages("fr", "fr")
    assert not view.translate()
    assert "already in French" in view.notice.text()
    assert view.translate_button.isEnabled() and not view.busy


def test_texts_follow_a_language_change(qtbot, marked_translator):
    view = make_view(qtbot, None, target="ja")
    with marked_translator():
        qtbot.waitUntil(lambda: view.translate_button.text() == "«Translate»")
        assert view.target_combo.currentText() == "«Japanese»"
        assert view.source_combo.itemText(0) == "«Auto-detect»"
        assert view.stop_button.accessibleName() == "«Stop translating»"
    qtbot.waitUntil(lambda: view.translate_button.text() == "Translate")


def test_an_answer_in_the_wrong_language_is_never_shown_as_the_translation(qtbot):
    # The language check is core's (tests/core/test_translation_checks.py); the window says it plainly.
    source = "The quarterly report is ready for review."
    with StandIn(key=None) as standin:
        client = RemoteClient(RemoteEndpoint("standin", standin.url, standin.model, kind="openai", idle_timeout=10),
                              None)
        view = make_view(qtbot, client, target="zh")
        standin.enqueue(source, source)
        view.set_source_text(source)
        with qtbot.waitSignal(view.translationFailed, timeout=30000) as failed:
            view.translate_button.click()
        assert failed.args[0].startswith("This is not a translation into Chinese: the model answered in English.")
        assert view.target_text() == ""  # the English answer was never shown as the translation
        view.shutdown()
