"""The proofread review, offscreen, on results built from real diffs (no model needed)."""

from __future__ import annotations

from deskmate.core.tasks.proofread import build_result
from deskmate.ui import theme
from deskmate.ui.proofread_view import ProofreadView
from PySide6.QtCore import Qt

ORIGINAL = "Teh quick brown fox jump over the lazy dog. It were a sunny day."
CORRECTED = "The quick brown fox jumps over the lazy dog. It was a sunny day."


def make_view(qtbot, original: str = ORIGINAL, corrected: str = CORRECTED) -> ProofreadView:
    view = ProofreadView()
    qtbot.addWidget(view)
    view.resize(900, 480)
    view.show()
    qtbot.waitExposed(view)
    view.set_result(build_result(original, corrected))
    return view


def change_id(view: ProofreadView, original: str) -> int:
    return next(c.id for c in view.result().changes if c.original == original)


def test_accept_and_reject_one_all_and_none(qtbot):
    view = make_view(qtbot)
    assert [(c.original, c.replacement) for c in view.result().changes] == [
        ("Teh", "The"),
        ("jump", "jumps"),
        ("were", "was"),
    ]
    # Everything is accepted to start with: the final text is the correction.
    assert view.final_text() == CORRECTED == view.final.toPlainText()

    finals: list[str] = []
    view.finalTextChanged.connect(finals.append)
    item = view.changes.item(1)
    assert item.text() == "“jump” → “jumps” — word form"  # the reason, told from the edit
    item.setCheckState(Qt.CheckState.Unchecked)  # what a click on its box does
    mix = "The quick brown fox jump over the lazy dog. It was a sunny day."
    assert view.final_text() == mix and finals == [mix]
    assert view.summary.text() == "2 of 3 changes accepted."

    view.reject_all_button.click()
    assert view.final_text() == ORIGINAL and view.accepted_ids() == set()
    view.set_accepted(change_id(view, "were"), True)
    assert view.final_text() == "Teh quick brown fox jump over the lazy dog. It was a sunny day."
    view.accept_all_button.click()
    assert view.final_text() == CORRECTED
    assert finals[-3:] == [ORIGINAL, "Teh quick brown fox jump over the lazy dog. It was a sunny day.", CORRECTED]


def test_changes_are_marked_in_the_text_and_follow_accept_reject(qtbot):
    view = make_view(qtbot)
    shown = view.marked.toPlainText()
    # Both the old and the new words are visible, in place.
    assert shown.startswith("TehThe quick brown fox jumpjumps over")
    html = view.marked.toHtml()
    assert html.count("line-through") >= 3 and theme.color("deleted") in html and theme.color("inserted") in html

    view.set_accepted(change_id(view, "Teh"), False)
    html = view.marked.toHtml()
    assert html.count(theme.color("inserted")) == 2  # the rejected insertion is no longer green
    assert theme.color("declined") in html  # but greyed out, still there to reconsider


def test_picking_a_change_highlights_it_and_clicking_the_text_picks_it(qtbot):
    view = make_view(qtbot)
    were = change_id(view, "were")
    view.changes.setCurrentRow(2)
    assert view.highlighted_text() == "werewas"
    assert view.marked.textCursor().position() == view.marked.toPlainText().index("werewas")

    # Click on "jump" in the marked text: the list follows.
    start = view.marked.toPlainText().index("jumpjumps") + 2
    cursor = view.marked.textCursor()
    cursor.setPosition(start)
    point = view.marked.cursorRect(cursor).center()
    qtbot.mouseClick(view.marked.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.changes.currentItem().data(Qt.ItemDataRole.UserRole) == change_id(view, "jump")
    assert view.highlighted_text() == "jumpjumps"

    # The highlight stays on the change when it is rejected (the text is redrawn).
    view.select_change(were)
    view.set_accepted(were, False)
    assert view.highlighted_text() == "werewas"


def test_dropped_sentences_are_restored_and_listed(qtbot):
    original = "I has a cat. She are very old. We love her."
    view = make_view(qtbot, original, "I have a cat. We love her.")
    assert view.restored_notice.isVisible()
    assert "left out 1 sentence" in view.restored_notice.text()
    assert "She are very old." in view.restored_notice.text()
    assert view.final_text() == "I have a cat. She are very old. We love her."
    view.reject_all()
    assert view.final_text() == original


def test_a_text_with_nothing_to_change(qtbot):
    view = make_view(qtbot, "All is well.", "All is well.")
    assert view.changes.count() == 0 and view.final_text() == "All is well."
    assert view.summary.text() == "No changes: the text looks right."
    assert not view.accept_all_button.isEnabled() and not view.restored_notice.isVisible()


def test_texts_follow_a_language_change(qtbot, marked_translator):
    view = make_view(qtbot)
    with marked_translator():
        qtbot.waitUntil(lambda: view.accept_all_button.text() == "«Accept all»")
        assert view.changes.item(0).text().startswith("«")
        assert view.final_label.text() == "«Final text:»"
    qtbot.waitUntil(lambda: view.accept_all_button.text() == "Accept all")
