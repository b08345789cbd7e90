"""The Simplified Chinese UI translation is complete and keeps every placeholder."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "assets" / "translations" / "deskmate_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[^}]*\}|%n|%\d")


def messages():
    for ctx in ET.parse(TS).getroot().iter("context"):
        for m in ctx.iter("message"):
            tr = m.find("translation")
            forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
            yield ctx.find("name").text, m.find("source").text, tr.get("type"), forms


def test_every_ui_string_is_extracted_and_translated(tmp_path):
    """Re-extract from the code: a new tr() string without a translation fails here."""
    fresh = tmp_path / "fresh.ts"
    fresh.write_bytes(TS.read_bytes())
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in (ROOT / "app" / "deskmate" / "ui").glob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh), "-no-obsolete"], check=True, capture_output=True)
    missing = [(c, s) for c, s, kind, forms in _messages_of(fresh) if kind == "unfinished" or not any(forms)]
    assert not missing, f"untranslated UI strings: {missing[:10]}"


def _messages_of(path):
    for ctx in ET.parse(path).getroot().iter("context"):
        for m in ctx.iter("message"):
            tr = m.find("translation")
            forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
            yield ctx.find("name").text, m.find("source").text, tr.get("type"), forms


def test_placeholders_survive_translation():
    for ctx, source, _kind, forms in messages():
        want = sorted(PLACEHOLDER.findall(source))
        for form in forms:
            assert sorted(PLACEHOLDER.findall(form)) == want, f"{ctx}: {source!r} -> {form!r}"


def test_compiled_file_is_up_to_date(tmp_path):
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    out = tmp_path / "check.qm"
    subprocess.run([str(lrelease), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == TS.with_suffix(".qm").read_bytes(), "run pyside6-lrelease after editing the .ts"


# --- what the Chinese window shows at run time ---------------------------------------------------

# Names that stay as they are in any language: the app, servers, models, formats, units.
NAMES = re.compile(r"Deskmate|standin(?:-\w+)?|OpenAI|vLLM|llama[.-]cpp(?:-python)?|Ollama|SmolLM2[\w.-]*|GGUF|Markdown|Word|PDF|DOCX|HTML|GB|MB|KB|OK|"
                   r"https?://\S+|(?:/[\w.+-]+)+", re.IGNORECASE)


def english_words(text: str) -> list[str]:
    """English words left in a text shown in the Chinese UI (names and numbers aside)."""
    return re.findall(r"[A-Za-z]{2,}", NAMES.sub(" ", text))


@pytest.fixture
def chinese_window(qtbot, deskmate_home):
    from deskmate.core.engines.supervisor import EngineStatus, Phase
    from deskmate.core.remote import RemoteEndpoint, client_for, save_endpoint
    from deskmate.core.store import DraftStore
    from deskmate.core.tasks import default_catalog
    from deskmate.ui.engine_bridge import EngineBridge
    from deskmate.ui.i18n import Translations
    from deskmate.ui.main_window import MainWindow
    from remote_standin import StandIn

    translations = Translations()
    assert translations.apply("zh")
    with StandIn(key=None) as standin:
        save_endpoint(RemoteEndpoint(name="standin", base_url=standin.url, model=standin.model, kind="openai"))
        store = DraftStore.open(deskmate_home / "drafts.sqlite3")
        win = MainWindow(EngineBridge(client_for("standin")), default_catalog(), store, "standin", lang="zh")
        qtbot.addWidget(win)
        win.set_language("zh")
        win.show()
        win.bridge.status.emit(EngineStatus(Phase.READY))
        try:
            yield win, standin
        finally:
            win.runner.stop()
            win.runner.wait()
            win.translation_view.shutdown()
            win.draft_editor.close_store()
            store.close()
            translations.apply("en")


def test_the_chinese_window_shows_run_time_messages_in_chinese(qtbot, chinese_window, tmp_path):
    win, standin = chinese_window
    shown: dict[str, str] = {}

    def note(what: str, text: str) -> None:
        assert text, f"{what}: nothing shown"
        shown[what] = text

    note("engine", win.engine_label.text())
    editor = win.draft_editor
    editor.body.setPlainText("会议纪要")
    note("editing", editor.state.text())
    qtbot.waitUntil(lambda: editor.state.text() != shown["editing"], timeout=10000)
    note("autosaved", editor.state.text())
    editor.save_version()
    note("saved as a version", editor.state.text())
    editor.new_draft()
    note("new draft opened", editor.state.text())
    editor.open_draft(editor.store.list()[-1].id)
    note("opened", editor.state.text())
    assert editor.export_file(str(tmp_path / "notes.md")).exists()
    note("exported", editor.state.text())
    win.drafts_panel.refresh()
    for i in range(win.drafts_panel.list.count()):
        note(f"drafts list {i}", win.drafts_panel.list.item(i).text())

    standin.enqueue("月光咖啡，温暖每一个夜晚。")
    assert win.sidebar.select("writing.slogan")
    win.form.set_value("product", "月光咖啡")
    win.run_button.click()
    qtbot.waitUntil(lambda: win.run_button.isEnabled() and win.speed_label.text() != "", timeout=30000)
    note("run finished", win.speed_label.text())
    win.copy_result()
    note("copied", win.statusBar().currentMessage())

    standin.enqueue("They're going to the market.", match="Their going")
    standin.enqueue({"reasons": ["contraction", "spelling"]}, match="You explain proofreading")
    assert win.sidebar.select("proofread.check")
    win.form.set_value("text", "Their going to the markt.")
    win.run_button.click()
    qtbot.waitUntil(lambda: win.run_button.isEnabled() and win.results.currentWidget() is win.proofread_view,
                    timeout=30000)
    note("proofread finished", win.speed_label.text())

    standin.enqueue({"rows": [{"Name": "Apple", "Colour": "red"}]}, match="fruit")
    assert win.sidebar.select("table.make")
    win.form.set_value("about", "one fruit and its colour")
    win.run_button.click()
    qtbot.waitUntil(lambda: win.run_button.isEnabled() and win.results.currentWidget() is win.table_editor,
                    timeout=30000)
    note("table finished", win.speed_label.text())

    assert win.sidebar.select("proofread.polish")
    win.form.set_value("text", "")
    win.run_button.click()
    note("missing value", win.notice.text())

    win.model_picker.refresh("")
    for i in range(win.model_picker.combo.count()):
        if win.model_picker.combo.itemText(i):  # not the separator
            note(f"model list {i}", win.model_picker.combo.itemText(i))

    untranslated = {what: (text, words) for what, text in shown.items() if (words := english_words(text))}
    assert not untranslated, f"English in the Chinese window: {untranslated}"


def test_a_connection_test_reads_in_chinese_in_the_chinese_window(qtbot, deskmate_home, memory_keyring):
    from deskmate.ui.endpoint_dialog import EndpointDialog
    from deskmate.ui.i18n import Translations
    from remote_standin import StandIn

    translations = Translations()
    assert translations.apply("zh")
    try:
        with StandIn(key=None) as standin:
            dlg = EndpointDialog(settings_file=deskmate_home / "settings.toml")
            qtbot.addWidget(dlg)
            dlg.name.setText("tiger")
            dlg.url.setText(standin.url)
            dlg.model.setEditText(standin.model)
            with qtbot.waitSignal(dlg.tested, timeout=10_000) as blocker:
                dlg.test_connection()
            ok, text = blocker.args
        assert ok, text
        assert "tiger" in text and not english_words(text.replace("tiger", "")), text
    finally:
        translations.apply("en")


def test_the_quick_palette_speaks_chinese_in_the_chinese_ui(qtbot, deskmate_home):
    from PySide6.QtGui import QGuiApplication
    from deskmate.core.remote import RemoteEndpoint, client_for, save_endpoint
    from deskmate.ui.i18n import Translations
    from deskmate.ui.quick_palette import QuickPalette
    from remote_standin import StandIn

    translations = Translations()
    assert translations.apply("zh")
    shown: dict[str, str] = {}
    try:
        with StandIn(key=None) as standin:
            save_endpoint(RemoteEndpoint(name="standin", base_url=standin.url, model=standin.model, kind="openai"))
            palette = QuickPalette(client_for("standin"), lang="zh")
            qtbot.addWidget(palette)
            for b in (palette.copy_button, palette.replace_button, palette.paste_button, palette.draft_button,
                      palette.undo_button, palette.stop_button, palette.close_button):
                shown[f"button {b.text()}"] = b.text()
            shown["filter"] = palette.filter.placeholderText()
            shown["languages"] = " ".join(palette.language.itemText(i) for i in range(palette.language.count()))
            QGuiApplication.clipboard().setText("Their going to the markt.")
            assert palette.show_for_clipboard()
            palette.undo()
            shown["nothing to undo"] = palette.message.text()
            standin.enqueue("They're going to the market.")
            assert palette.run("formal"), palette.message.text()
            qtbot.waitUntil(lambda: palette.result is not None, timeout=30000)
            shown["done"] = palette.message.text()
            assert palette.replace_clipboard()
            shown["replaced"] = palette.message.text()
            palette.hide()
    finally:
        translations.apply("en")
    untranslated = {what: (text, words) for what, text in shown.items() if (words := english_words(text))}
    assert not untranslated, f"English in the Chinese palette: {untranslated}"


def test_the_task_editor_says_what_to_fix_in_chinese_in_the_chinese_ui(qtbot, deskmate_home):
    from deskmate.ui.i18n import Translations
    from deskmate.ui.task_editor import TaskEditor

    translations = Translations()
    assert translations.apply("zh")
    try:
        editor = TaskEditor(lang="zh")
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitUntil(lambda: bool(editor.problems_by_label()), timeout=5000)
        problems = editor.problems_by_label()
    finally:
        translations.apply("en")
    assert len(problems) == 2, problems
    untranslated = {part: words for part, text in problems.items() if (words := english_words(text))}
    assert not untranslated, f"English in the Chinese task editor: {problems}"
