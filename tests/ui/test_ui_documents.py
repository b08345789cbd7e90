"""The Documents tab (pytest-qt, a real window): a real library (SQLite, the parser child, the real
embedding GGUF), answers and document tasks from the scripted stand-in over the real OpenAI protocol,
so each test asserts what a person sees: file states and errors, progress and pause, cited answers
whose citations open the file at its page, shaded unsupported sentences, a schedule table, the draft."""

from __future__ import annotations

from pathlib import Path

import doc_factory as make
import pytest
from deskmate.ui import theme
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QTextCursor

from deskmate.core.docs import Library
from deskmate.ui.documents_panel import DocumentsPanel

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def manuals(tmp_path: Path) -> Path:
    folder = tmp_path / "manuals"
    folder.mkdir()
    make.write_pdf(folder / "printer.pdf", ["Unpacking the printer: remove the orange tape.",
                                            "To clear a paper jam, open tray 2 and pull the sheet out slowly."])
    make.write_docx(folder / "minutes.docx", [
        ("Budget", ["Ana Lima will send the revised budget to finance by 2026-12-08."]),
        ("Launch", ["Bo Chen books the venue for the launch before 2026-12-03."])])
    return folder


class Opened:
    """Where the panel asked the desktop to open a file (the OS boundary: no viewer runs in a test)."""

    def __init__(self) -> None:
        self.urls: list[QUrl] = []

    def __call__(self, url: QUrl) -> bool:
        self.urls.append(url)
        return True


@pytest.fixture
def panel_for(qtbot, tmp_path):
    made = []

    def make_panel(client=None, embedder=None, **kw) -> DocumentsPanel:
        library = Library(tmp_path / "docs.sqlite3", embedder=embedder)
        opened = Opened()
        panel = DocumentsPanel(library, client, open_url=opened, **kw)
        panel.opened = opened
        qtbot.addWidget(panel)
        panel.resize(1200, 760)
        panel.show()
        made.append((panel, library))
        return panel

    yield make_panel
    for panel, library in made:
        panel.shutdown()
        library.close()


def drop(panel: DocumentsPanel, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(event)
    assert event.isAccepted()


def rows(panel: DocumentsPanel) -> list[tuple[str, str, str]]:
    return [tuple(panel.files.item(r, c).text() for c in range(3)) for r in range(panel.files.rowCount())]


def indexed(qtbot, panel: DocumentsPanel, timeout: int = 120_000) -> None:
    qtbot.waitUntil(lambda: not panel.indexing and panel.index_status.text() != "", timeout=timeout)


def test_dropped_folder_is_read_and_embedded_with_each_files_state_and_error(qtbot, panel_for, manuals,
                                                                            embedding_model):
    from deskmate.core.docs.embedding import open_embedder

    embedder = open_embedder(embedding_model)
    try:
        make.write_broken_pdf(manuals / "broken.pdf")
        panel = panel_for(embedder=embedder)
        assert panel.empty_hint.isVisible() and panel.files.rowCount() == 0
        seen = []
        panel.index_worker.event.connect(lambda ev: seen.append((ev.kind, ev.stage)))
        drop(panel, manuals)
        indexed(qtbot, panel)
        got = rows(panel)
        assert got[0][:2] == ("broken.pdf", "Could not read") and got[0][2].startswith("broken.pdf is a damaged PDF")
        assert got[1:] == [
            ("minutes.docx", "Ready", "2 passage(s)"),
            ("printer.pdf", "Ready", "2 passage(s) · 2 page(s)")]
        assert ("file_done", "read") in seen and ("file_done", "embed") in seen
        assert panel.index_status.text() == "Up to date; 1 file(s) could not be read (see Details)."
        assert not panel.empty_hint.isVisible() and not panel.index_progress.isVisible()
        assert not panel.pause_button.isVisible() and panel.reindex_button.isVisible()
    finally:
        embedder.close()


def test_a_path_it_cannot_take_is_said_and_nothing_is_lost(qtbot, panel_for, manuals, tmp_path):
    panel = panel_for()
    drop(panel, manuals / "printer.pdf")
    indexed(qtbot, panel)
    strange = tmp_path / "picture.png"
    strange.write_bytes(b"\x89PNG\r\n")
    assert not panel.add_paths([strange])
    assert panel.notice.isVisible() and panel.notice.text().startswith("picture.png: Deskmate reads PDF, Word")
    assert [r[0] for r in rows(panel)] == ["printer.pdf"]


def test_pause_and_resume_indexing(qtbot, panel_for, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        make.write_pdf(folder / f"manual{i:02d}.pdf", [f"Manual {i}, page {p}: step {p}." for p in range(1, 6)])
    panel = panel_for()
    panel.index_worker.event.connect(lambda ev: ev.kind == "file_done" and ev.done == 2 and panel.toggle_pause())
    drop(panel, folder)
    qtbot.waitUntil(lambda: panel.index_status.text() == "Paused. Resume to go on.", timeout=60_000)
    assert panel.pause_button.text() == "Resume" and panel.indexing
    qtbot.wait(1500)
    panel.refresh()
    read = sum(r[1] != "Waiting" for r in rows(panel))
    assert 2 <= read < 40, "it stopped after the file in hand"
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    indexed(qtbot, panel)
    assert panel.index_status.text() == "Up to date."
    assert [r[1] for r in rows(panel)] == ["Ready"] * 40  # no embedding model: keyword search is all there is


def click_anchor(qtbot, browser, text: str) -> None:
    """Click the link showing ``text`` in the browser, where a person would."""
    cursor = browser.document().find(text)
    assert not cursor.isNull(), text
    cursor.setPosition(cursor.selectionStart() + 1, QTextCursor.MoveMode.MoveAnchor)
    rect = browser.cursorRect(cursor)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center().x() + 1,
                                                                              rect.center().y()))


def test_a_cited_answer_opens_its_sources_and_shades_what_they_do_not_support(qtbot, panel_for, manuals, scripted):
    panel = panel_for(scripted.client())
    drop(panel, manuals)
    indexed(qtbot, panel)
    # The whole text goes in, file by file: minutes.docx [1] [2], printer.pdf p. 1 [3], p. 2 [4].
    scripted.enqueue("Open tray 2 and pull the sheet out slowly [4]. The warranty lasts 5 years [4].")
    qtbot.keyClicks(panel.ask_edit, "How do I clear a paper jam?")
    qtbot.mouseClick(panel.ask_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    view = panel.answer_view
    assert view.text == "Open tray 2 and pull the sheet out slowly [1]. The warranty lasts 5 years [1]."
    assert [view.source_list.item(i).text() for i in range(view.source_list.count())] == [
        "[1] printer.pdf, p. 2 — To clear a paper jam, open tray 2 and pull the sheet out slowly."]
    html = view.browser.toHtml()
    assert html.count('href="cite:1"') == 2
    shaded = view.browser.document().find("The warranty lasts 5 years")
    assert shaded.charFormat().background().color().name() == theme.color("note_bg")
    assert view.browser.document().find("Open tray 2").charFormat().background().style() == Qt.BrushStyle.NoBrush
    assert panel.model_status.text() == "1 sentence(s) not supported by the passages they cite (shaded): check them."

    click_anchor(qtbot, view.browser, "[1]")
    qtbot.waitUntil(lambda: len(panel.opened.urls) == 1)
    url = panel.opened.urls[0]
    assert (url.toLocalFile(), url.fragment()) == (str(manuals / "printer.pdf"), "page=2")
    view.source_list.setFocus()
    view.source_list.setCurrentRow(0)
    qtbot.keyClick(view.source_list, Qt.Key.Key_Return)  # activating a source (Enter, or a double-click)
    qtbot.waitUntil(lambda: len(panel.opened.urls) == 2)
    assert panel.opened.urls[1] == url

    (manuals / "printer.pdf").rename(manuals / "moved.pdf")
    assert not view.open_source(1)
    assert view.failed_label.text() == f"printer.pdf is no longer at {manuals}: it was moved or deleted."


def test_an_empty_library_says_how_to_add_files_and_offers_nothing_to_insert(qtbot, panel_for, tmp_path, scripted):
    panel = panel_for(scripted.client())
    qtbot.keyClicks(panel.ask_edit, "How do I clear a paper jam?")
    qtbot.mouseClick(panel.ask_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert panel.answer_view.text == ("Your library is empty. Add files or folders with “Add files…” or “Add folder…”, "
                                      "or drop them here, then ask again.")
    assert not panel.insert_button.isEnabled() and panel.answer_view.source_list.count() == 0

    drop(panel, make.write_broken_pdf(tmp_path / "broken.pdf"))
    indexed(qtbot, panel)
    assert not panel.ask("How do I clear a paper jam?")
    assert panel.answer_view.text.startswith("None of your files can be searched yet: they are still being read, or "
                                             "could not be read")
    assert not panel.insert_button.isEnabled() and scripted.chat_bodies() == []


def test_the_passages_being_read_are_listed_before_the_answer_comes(qtbot, panel_for, manuals, scripted):
    panel = panel_for(scripted.client(context=540))  # too small for the whole text: the best passage
    drop(panel, manuals)
    indexed(qtbot, panel)
    scripted.token_delay = 0.1
    scripted.enqueue(" ".join(["Open tray 2 [1]."] * 20))
    assert panel.ask("How do I clear a paper jam?")
    view = panel.answer_view
    qtbot.waitUntil(lambda: view.source_list.count() == 1, timeout=60_000)
    assert panel.busy and view.source_list.item(0).text().startswith("[1] printer.pdf, p. 2 — To clear a paper jam")
    assert panel.model_status.text() == "Reading the 1 best passage(s)…"
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert view.text.startswith("Open tray 2 [1].") and view.source_list.count() == 1


def test_nothing_relevant_says_so_without_asking_the_model(qtbot, panel_for, manuals, scripted):
    panel = panel_for(scripted.client())
    drop(panel, manuals)
    indexed(qtbot, panel)
    assert panel.ask("What is the capital of Peru?")
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert panel.answer_view.text == "Nothing relevant was found in your documents."
    assert panel.answer_view.source_list.count() == 0 and scripted.chat_bodies() == []
    assert not panel.insert_button.isEnabled(), "a message is not an answer to put in the draft"
    scripted.enqueue("The documents do not say.")
    assert panel.ask("How long is the printer warranty?")
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert panel.answer_view.text == "The documents do not say." and not panel.insert_button.isEnabled()
    scripted.enqueue("Open tray 2 [4].")
    assert panel.ask("How do I clear a paper jam?")
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert panel.answer_view.text == "Open tray 2 [1]." and panel.insert_button.isEnabled()
    assert not panel.ask("   ") and panel.notice.text() == "Type a question about your documents first."


def test_minutes_become_a_schedule_table_that_goes_into_the_draft(qtbot, panel_for, manuals, scripted):
    panel = panel_for(scripted.client())
    drop(panel, manuals / "minutes.docx")
    indexed(qtbot, panel)
    assert not panel.run_task("minutes")
    assert panel.notice.text().startswith("Select one or more files in the library first")
    scripted.enqueue({"items": [
        {"action": "Send the revised budget", "owner": "Ana Lima", "due": "2026-12-08"},
        {"action": "Book the venue", "owner": "Bo Chen", "due": "2026-12-03"}]})
    panel.files.selectRow(0)
    panel.task_combo.setCurrentIndex(panel.task_combo.findData("minutes"))
    qtbot.mouseClick(panel.run_task_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    table = panel.table_editor.table()
    assert panel.table_editor.isVisible() and table.header == ["Due", "Action", "Owner", "Source"]
    assert table.rows == [["2026-12-03", "Book the venue", "Bo Chen", "[2] minutes.docx, Launch"],
                          ["2026-12-08", "Send the revised budget", "Ana Lima", "[1] minutes.docx, Budget"]]
    assert panel.answer_view.text.startswith("Action items\n\n- Book the venue — Bo Chen, 2026-12-03 [2]")
    inserted = []
    panel.insertRequested.connect(inserted.append)
    qtbot.mouseClick(panel.insert_button, Qt.MouseButton.LeftButton)
    assert inserted == [
        "Action items\n\n- Book the venue — Bo Chen, 2026-12-03 [2]\n- Send the revised budget — Ana Lima, "
        "2026-12-08 [1]\n\nSources:\n[1] minutes.docx, Budget\n[2] minutes.docx, Launch\n\n## Schedule\n\n"
        "| Due | Action | Owner | Source |\n| --- | --- | --- | --- |\n"
        "| 2026-12-03 | Book the venue | Bo Chen | [2] minutes.docx, Launch |\n"
        "| 2026-12-08 | Send the revised budget | Ana Lima | [1] minutes.docx, Budget |\n"]


def test_stop_ends_a_long_task_between_parts(qtbot, panel_for, tmp_path, scripted):
    pages = [" ".join(f"Page {i} sentence {j} about things." for j in range(60)) for i in range(6)]
    doc = make.write_pdf(tmp_path / "long.pdf", pages)
    scripted.token_delay = 0.02
    scripted.enqueue(*[f"- note {i} on the part [1]." for i in range(10)])
    panel = panel_for(scripted.client(context=1800))
    panel.index_worker.event.connect(lambda ev: None)
    assert panel.run_task("summary", [doc])
    qtbot.waitUntil(lambda: panel.task_progress.isVisible() and panel.task_progress.value() >= 1, timeout=60_000)
    assert panel.model_status.text().startswith("Part 2 of ")
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert panel.model_status.text() == "Stopped."
    assert len(scripted.chat_bodies()) <= 3


def test_the_panel_follows_the_language(qtbot, panel_for, marked_translator):
    panel = panel_for()
    with marked_translator():
        qtbot.waitUntil(lambda: panel.ask_button.text() == "«&Ask»")  # Qt delivers LanguageChange as an event
        assert panel.library_box.title() == "«Library»"
        assert panel.task_combo.itemText(1) == "«Minutes → action items and schedule»"
        assert panel.answer_view.sources_label.text().startswith("«Sources")
    qtbot.waitUntil(lambda: panel.ask_button.text() == "&Ask")


def test_the_window_builds_the_documents_tab_on_first_view_and_inserts_into_the_draft(qtbot, scripted, deskmate_home,
                                                                                     manuals):
    from deskmate.core.store import DraftStore
    from deskmate.core.tasks import default_catalog
    from deskmate.ui.engine_bridge import EngineBridge
    from deskmate.ui.main_window import MainWindow

    store = DraftStore.open(deskmate_home / "drafts.sqlite3")
    win = MainWindow(EngineBridge(scripted.client()), default_catalog(), store, "standin")
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.documents_panel is None and win.top_tabs.tabText(2) == "Documents"
        win.top_tabs.setCurrentIndex(2)
        panel = win.documents_panel
        assert panel is not None and win.top_tabs.currentWidget() is panel
        qtbot.waitUntil(lambda: not panel.indexing, timeout=60_000)  # the installed embedder: none here
        drop(panel, manuals)
        indexed(qtbot, panel)
        scripted.enqueue("Open tray 2 [4].")  # printer.pdf p. 2, after minutes.docx's two passages
        assert panel.ask("paper jam")
        qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
        win.draft_editor.new_draft()
        qtbot.mouseClick(panel.insert_button, Qt.MouseButton.LeftButton)
        assert win.draft_editor.body.toPlainText() == (
            "Open tray 2 [1].\n\nSources:\n[1] printer.pdf, p. 2\n")
    finally:
        win.close()
        win.runner.wait()
        win.translation_view.shutdown()
        win.draft_editor.close_store()
        store.close()
