"""The main window, offscreen with pytest-qt, on the real engine and a real drafts database."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from deskmate.core.engines.supervisor import Phase
from deskmate.core.store import DraftStore
from deskmate.core.tasks import default_catalog
from deskmate.ui.engine_bridge import EngineBridge
from deskmate.ui.i18n import Translations, translation_file
from deskmate.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, engine, tmp_path):
    store = DraftStore.open(tmp_path / "drafts.sqlite3")
    bridge = EngineBridge(engine)
    win = MainWindow(bridge, default_catalog(), store, "SmolLM2")
    engine.supervisor.add_listener(bridge.on_status)  # replays the current state
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.last_status is not None and win.last_status.phase is Phase.READY, timeout=60000)
    yield win
    win.runner.stop()
    win.runner.wait()
    win.translation_view.shutdown()
    win.draft_editor.close_store()
    store.close()


def run_and_wait(qtbot, win, signal, timeout=120000):
    with qtbot.waitSignal(signal, timeout=timeout) as blocker:
        win.run_button.click()
    # The buttons come back once the runner reports it is idle (a moment after the result).
    qtbot.waitUntil(lambda: win.run_button.isEnabled() and win.copy_button.isEnabled(), timeout=timeout)
    return blocker


def test_pick_task_run_stream_stop_insert_save_and_restore(qtbot, window):
    win = window
    assert win.engine_label.text() == "Ready"
    assert win.sidebar.select("writing.slogan")
    assert win.form.task.id == "writing.slogan"
    win.form.set_value("product", "a solar desk lamp")
    pieces = []
    win.runner.delta.connect(pieces.append)
    done = run_and_wait(qtbot, win, win.runner.textDone)
    assert len(pieces) > 3, "the answer streams in pieces"
    assert win.output.toPlainText() == "".join(pieces) == done.args[0].text
    assert "tokens/s" in win.speed_label.text()
    first_answer = win.output.toPlainText()

    # Stop mid-answer keeps what arrived.
    win.sidebar.select("qa.open")
    win.form.set_value("question", "List twenty countries and their capitals, one per line.")
    stopped = []

    def stop_after_four(piece):
        stopped.append(piece)
        if len(stopped) == 4:
            win.stop_button.click()

    win.runner.delta.disconnect(pieces.append)
    win.runner.delta.connect(stop_after_four)
    done = run_and_wait(qtbot, win, win.runner.textDone)
    assert done.args[0].finish_reason == "cancelled"
    assert 4 <= len(stopped) <= 8
    assert win.output.toPlainText() == "".join(stopped)
    assert "stopped" in win.speed_label.text()
    assert win.run_button.isEnabled()

    # Insert into a draft: autosaved within a second or two, every save a version.
    with qtbot.waitSignal(win.draft_editor.draftSaved, timeout=5000):
        win.insert_button.click()
    draft_id = win.draft_editor.draft_id
    store = win.draft_editor.store
    qtbot.waitUntil(lambda: store.get(draft_id).body == win.output.toPlainText(), timeout=5000)
    win.draft_editor.body.appendPlainText("\n" + first_answer)
    win.act_save.trigger()  # Ctrl+S: a version of its own
    versions = store.versions(draft_id)
    assert len(versions) >= 2
    oldest = versions[-1]
    store.restore(draft_id, oldest.id)
    win.draft_editor.open_draft(draft_id)
    assert win.draft_editor.body.toPlainText() == store.version(oldest.id).body
    assert len(store.versions(draft_id)) == len(versions) + 1, "restoring adds a version; nothing is lost"
    # The drafts list finds it by full-text search.
    import re

    word = max(re.findall(r"[A-Za-z]{4,}", store.get(draft_id).body) or ["draft"], key=len)
    win.drafts_panel.search.setText(word)
    win.drafts_panel.refresh()
    assert win.drafts_panel.list.count() >= 1, word
    assert word.lower() in win.drafts_panel.list.item(0).text().lower()


def test_table_task_edit_and_export(qtbot, window, tmp_path):
    win = window
    win.sidebar.select("table.make")
    first = win.form.main_field() or win.form.task.variables[0].name
    win.form.set_value(first, "three fruits with their colour and price")
    run_and_wait(qtbot, win, win.runner.tableDone)
    assert win.results.currentWidget() is win.table_editor
    model = win.table_editor.view.model() if hasattr(win.table_editor, "view") else None
    table = win.table_editor.table()
    rows, cols = table.shape
    assert rows >= 1 and cols >= 1
    win.table_editor.add_row()
    assert win.table_editor.table().shape[0] == rows + 1
    out = tmp_path / "fruits.csv"
    from deskmate.core.tables import export

    export(win.table_editor.table(), out)
    read = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(read) == rows + 2  # header + rows + the added one
    assert model is None or model.rowCount() == rows + 1


def test_proofread_task_accept_and_reject(qtbot, window):
    win = window
    win.sidebar.select("proofread.check")
    text = "Their going to the markt tomorow. It are a nice day."
    win.form.set_value(win.form.main_field(), text)
    done = run_and_wait(qtbot, win, win.runner.proofreadDone)
    result = done.args[0]
    assert win.results.currentWidget() is win.proofread_view
    view = win.proofread_view
    view.reject_all()
    assert view.final_text() == result.apply([])
    view.accept_all()
    assert view.final_text() == result.apply([c.id for c in result.changes])
    assert win.result_text() == view.final_text()


def test_language_switch_to_chinese_and_back(qtbot, window):
    win = window
    assert translation_file("zh").exists(), "the compiled Chinese translation ships in assets/"
    translations = Translations()
    try:
        assert translations.apply("zh")
        win.set_language("zh")
        QCoreApplication.processEvents()
        assert win.run_button.text() == "运行"
        assert win.menu_file.title().startswith("文件")
        assert win.left_tabs.tabText(0) == "任务"
        assert win.sidebar.tree.topLevelItem(0).text(0) == "常用任务"
        assert win.sidebar.tree.topLevelItem(1).text(0) == default_catalog().categories[0].name.zh
    finally:
        translations.apply("en")
        win.set_language("en")
        QCoreApplication.processEvents()
    assert win.run_button.text() == "Run"
    assert win.sidebar.tree.topLevelItem(0).text(0) == "Common tasks"
    assert win.sidebar.tree.topLevelItem(1).text(0) == default_catalog().categories[0].name.en


def test_engine_crash_is_shown_and_the_window_survives(qtbot, window, engine):
    import os
    import signal

    win = window
    win.sidebar.select("qa.open")
    win.form.set_value("question", "Tell a long story about a lighthouse keeper.")
    pieces = []

    def kill_after_three(piece):
        pieces.append(piece)
        if len(pieces) == 3:
            os.kill(engine.supervisor.pid, signal.SIGKILL)

    win.runner.delta.connect(kill_after_three)
    failed = run_and_wait(qtbot, win, win.runner.failed)
    message, partial = failed.args
    assert "stopped" in message
    assert partial.startswith("".join(pieces))
    assert win.output.toPlainText().startswith("".join(pieces))
    assert win.notice.isVisible() and "stopped" in win.notice.text()
    # The window comes back by itself: engine restarted, Run enabled again.
    qtbot.waitUntil(lambda: win.last_status.phase is Phase.READY and win.run_button.isEnabled(), timeout=60000)


def test_copy_puts_the_answer_on_the_clipboard(qtbot, window):
    win = window
    win.sidebar.select("qa.open")
    win.form.set_value("question", "Say hello.")
    run_and_wait(qtbot, win, win.runner.textDone)
    win.copy_button.click()
    assert QApplication.clipboard().text() == win.output.toPlainText()


def test_missing_required_field_is_explained_not_run(qtbot, window):
    win = window
    win.sidebar.select("writing.slogan")
    win.form.set_value("product", "")
    win.run_button.click()
    assert not win.runner.busy
    assert win.notice.isVisible() and "product" in win.notice.text().lower()


def test_settings_dialog_validates_and_saves(qtbot, tmp_path):
    from deskmate.core.settings import Settings, load_settings
    from deskmate.ui.settings_dialog import SettingsDialog

    path = tmp_path / "settings.toml"
    dialog = SettingsDialog(Settings(), settings_file=path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.model.setText(str(tmp_path / "missing.gguf"))
    dialog.accept()
    assert dialog.error.isVisible() and "not found" in dialog.error.text()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert not path.exists(), "nothing is written while a value is wrong"
    dialog.model.setText("")
    dialog.threads.setValue(3)
    dialog.n_ctx.setValue(8192)
    dialog.offline.setChecked(True)
    dialog.language.setCurrentIndex(dialog.language.findData("zh"))
    dialog.accept()
    saved = load_settings(path)
    assert (saved.engine.threads, saved.engine.n_ctx, saved.app.offline, saved.ui.language) == (3, 8192, True, "zh")
    assert dialog.saved == saved


def test_model_picker_switches_the_engine_and_remembers(qtbot, tiny_model, tmp_path, monkeypatch):
    import shutil

    from deskmate.core.settings import load_settings
    from deskmate.ui.app import DeskmateApp

    monkeypatch.setenv("DESKMATE_HOME", str(tmp_path / "home"))
    copy = tmp_path / "my-model.gguf"
    shutil.copy(tiny_model, copy)
    session = DeskmateApp(None)
    try:
        session.start()
        win = session.window
        qtbot.waitUntil(lambda: win.last_status is not None and win.last_status.phase is Phase.READY, timeout=60000)
        session.choose_model(str(copy))
        assert load_settings().engine.model == str(copy)
        assert str(session.engine.config.model) == str(copy)
        qtbot.waitUntil(lambda: win.last_status.phase is Phase.READY, timeout=60000)
        assert win.model_picker.combo.currentData() == str(copy)
        assert "my-model.gguf" in win.windowTitle()
        win.sidebar.select("qa.open")
        win.form.set_value("question", "Say hi.")
        with qtbot.waitSignal(win.runner.textDone, timeout=120000):
            win.run_button.click()
        assert win.output.toPlainText().strip()
    finally:
        session.window.close()
        session.shutdown()
