"""File → Remote servers…: the servers in settings.toml listed, edited, tested against the real
OpenAI stand-in on 127.0.0.1, and removed (key and all) — issue 17, "no dead ends"."""

from __future__ import annotations

import secrets

import pytest
from deskmate.core.remote import RemoteEndpoint, load_endpoints, save_endpoint
from deskmate.ui.remote_servers import RemoteServersDialog
from PySide6.QtCore import Qt
from remote_standin import StandIn, closed_port

KEY = "sk-list-" + secrets.token_hex(12)


@pytest.fixture
def standin():
    with StandIn(key=KEY) as s:
        yield s


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "settings.toml"


def _server(settings_file, keyring, name: str, url: str, model: str = "standin-180b", key: str | None = KEY) -> None:
    save_endpoint(RemoteEndpoint(name, url, model), path=settings_file)
    if key is not None:
        keyring.set_password("Deskmate", f"remote:{name}", key)


class Answers:
    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, _parent, _title: str, text: str) -> bool:
        self.asked.append(text)
        return self.answers.pop(0)


def _dialog(qtbot, settings_file, confirm=None) -> RemoteServersDialog:
    dlg = RemoteServersDialog(settings_file=settings_file, confirm=confirm)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _test(qtbot, dlg: RemoteServersDialog, name: str) -> tuple[bool, str]:
    assert dlg.select(name)
    with qtbot.waitSignal(dlg.tested, timeout=15_000) as blocker:
        qtbot.mouseClick(dlg.test_button, Qt.MouseButton.LeftButton)
    assert dlg.result_text() == blocker.args[1]
    return blocker.args[0], blocker.args[1]


def test_servers_are_listed_with_model_address_and_where_the_key_is(qtbot, settings_file, memory_keyring, standin):
    _server(settings_file, memory_keyring, "tiger", standin.url)
    _server(settings_file, memory_keyring, "lab", "http://127.0.0.1:9/v1", model="qwen-72b", key=None)
    dlg = _dialog(qtbot, settings_file)
    assert dlg.names() == ["tiger", "lab"]
    assert dlg.rows()[0] == f"tiger — standin-180b at {standin.url} (key in the system keyring)"
    assert dlg.rows()[1] == "lab — qwen-72b at http://127.0.0.1:9/v1 (no key saved)"
    assert not dlg.empty.isVisible()


def test_with_no_server_it_says_how_to_add_one(qtbot, settings_file, memory_keyring):
    dlg = _dialog(qtbot, settings_file)
    assert dlg.names() == [] and dlg.empty.isVisible() and "Press Add…" in dlg.empty.text()
    assert not dlg.edit_button.isEnabled() and not dlg.test_button.isEnabled() and not dlg.remove_button.isEnabled()


def test_test_reports_a_working_server(qtbot, settings_file, memory_keyring, standin):
    _server(settings_file, memory_keyring, "tiger", standin.url)
    ok, text = _test(qtbot, _dialog(qtbot, settings_file), "tiger")
    assert ok and "Connected to “tiger”" in text and "one-token test answer took" in text


def test_a_dead_server_a_wrong_key_and_a_wrong_model_are_said_in_plain_words(qtbot, settings_file, memory_keyring,
                                                                             standin):
    _server(settings_file, memory_keyring, "dead", f"http://127.0.0.1:{closed_port()}/v1")
    _server(settings_file, memory_keyring, "badkey", standin.url, key="sk-wrong-0123456789")
    _server(settings_file, memory_keyring, "badmodel", standin.url, model="gpt-5-ultra")
    dlg = _dialog(qtbot, settings_file)

    ok, text = _test(qtbot, dlg, "dead")
    assert not ok and "refused the connection" in text and "Traceback" not in text

    ok, text = _test(qtbot, dlg, "badkey")
    assert not ok and "refused the API key" in text and text.endswith("Press Edit… to change it.")
    assert "sk-wrong" not in text

    ok, text = _test(qtbot, dlg, "badmodel")
    assert not ok, "a server that does not offer the model is not a working server"
    assert "does not list the model id “gpt-5-ultra”" in text and "standin-180b" in text
    assert text.endswith("Press Edit… and choose one of the server's models.")


def test_edit_changes_the_model_and_keeps_the_key(qtbot, settings_file, memory_keyring, standin):
    _server(settings_file, memory_keyring, "tiger", standin.url, model="gpt-5-ultra")
    dlg = _dialog(qtbot, settings_file)
    changed = []
    dlg.changed.connect(lambda: changed.append(True))
    assert dlg.select("tiger")
    qtbot.mouseClick(dlg.edit_button, Qt.MouseButton.LeftButton)
    editor = dlg.editor
    assert editor is not None and editor.isVisible() and editor.url.text() == standin.url
    assert "saved in the system keyring" in editor.key.placeholderText()
    editor.model.setEditText("standin-180b")
    qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert [e.model for e in load_endpoints(settings_file)] == ["standin-180b"]
    assert dlg.rows()[0].startswith("tiger — standin-180b at ") and changed == [True]
    assert memory_keyring.passwords == {("Deskmate", "remote:tiger"): KEY}
    ok, _text = _test(qtbot, dlg, "tiger")
    assert ok


def test_add_opens_an_empty_editor_and_the_new_server_is_listed(qtbot, settings_file, memory_keyring, standin):
    dlg = _dialog(qtbot, settings_file)
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    editor = dlg.editor
    assert editor is not None and editor.name.text() == ""
    qtbot.keyClicks(editor.name, "tiger")
    qtbot.keyClicks(editor.url, standin.url)
    qtbot.keyClicks(editor.key, KEY)
    # No model yet: the hint names what to do in this window, not a command-line tool.
    assert not editor.save()
    assert "Type the model id the server expects" in editor.result_text()
    assert "deskmate remote" not in editor.result_text()
    editor.model.setEditText("standin-180b")
    assert editor.save()
    assert dlg.names() == ["tiger"] and memory_keyring.passwords == {("Deskmate", "remote:tiger"): KEY}


def test_remove_asks_then_drops_the_server_and_its_key(qtbot, settings_file, memory_keyring, standin):
    _server(settings_file, memory_keyring, "tiger", standin.url)
    _server(settings_file, memory_keyring, "lab", standin.url)
    answers = Answers(False, True)
    dlg = _dialog(qtbot, settings_file, confirm=answers)
    assert dlg.select("tiger")
    qtbot.mouseClick(dlg.remove_button, Qt.MouseButton.LeftButton)  # answered No
    assert dlg.names() == ["tiger", "lab"] and len(memory_keyring.passwords) == 2
    assert "Remove “tiger”" in answers.asked[0] and "keyring" in answers.asked[0]
    qtbot.mouseClick(dlg.remove_button, Qt.MouseButton.LeftButton)  # answered Yes
    assert dlg.names() == ["lab"] and [e.name for e in load_endpoints(settings_file)] == ["lab"]
    assert memory_keyring.passwords == {("Deskmate", "remote:lab"): KEY}
    assert dlg.result_text() == "Removed “tiger” and its key."
