"""The remote-server editor: fill it in, test the connection on a thread, save (key to the keyring only)."""

from __future__ import annotations

import secrets

import deskmate.core.remote.secrets as secrets_mod
import pytest
from deskmate.core.remote import RemoteEndpoint, load_endpoints, save_endpoint
from deskmate.ui.endpoint_dialog import EndpointDialog
from PySide6.QtCore import Qt
from remote_standin import StandIn

KEY = "sk-dialog-" + secrets.token_hex(12)


@pytest.fixture
def standin():
    with StandIn(key=KEY) as s:
        yield s


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "settings.toml"


def _dialog(qtbot, settings_file, url: str, key: str, name: str = "tiger", model: str = "standin-180b") -> EndpointDialog:
    dlg = EndpointDialog(settings_file=settings_file)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.name, name)
    qtbot.keyClicks(dlg.url, url)
    dlg.model.setEditText(model)
    qtbot.keyClicks(dlg.key, key)
    dlg.extra.setPlainText("internet=true")
    return dlg


def _test(qtbot, dlg: EndpointDialog) -> tuple[bool, str]:
    with qtbot.waitSignal(dlg.tested, timeout=10_000) as blocker:
        qtbot.mouseClick(dlg.test_button, Qt.MouseButton.LeftButton)
    return blocker.args[0], blocker.args[1]


def test_test_connection_succeeds_and_lists_models(qtbot, standin, settings_file, memory_keyring):
    dlg = _dialog(qtbot, settings_file, standin.url, KEY)
    assert dlg.key.echoMode() == dlg.key.EchoMode.Password
    ok, text = _test(qtbot, dlg)
    assert ok, text
    assert "Connected to “tiger”" in text and "one-token test answer took" in text
    assert dlg.result_text() == text and dlg.test_button.isEnabled()
    assert [dlg.model.itemText(i) for i in range(dlg.model.count())] == ["standin-180b"]
    assert standin.chat_bodies()[-1]["internet"] is True
    assert memory_keyring.passwords == {} and not settings_file.exists(), "testing saves nothing"


def test_wrong_key_gives_a_plain_error(qtbot, standin, settings_file, memory_keyring):
    dlg = _dialog(qtbot, settings_file, standin.url, "sk-wrong-0123456789")
    ok, text = _test(qtbot, dlg)
    assert not ok
    assert "refused the API key" in text and "Enter the key again" in text
    assert "sk-wrong" not in text and "Traceback" not in text


def test_unreachable_server_gives_a_plain_error(qtbot, settings_file, memory_keyring):
    from remote_standin import closed_port

    dlg = _dialog(qtbot, settings_file, f"http://127.0.0.1:{closed_port()}/v1", KEY)
    ok, text = _test(qtbot, dlg)
    assert not ok and "refused the connection" in text


def test_save_puts_the_key_in_the_keyring_and_not_in_settings(qtbot, standin, settings_file, memory_keyring):
    dlg = _dialog(qtbot, settings_file, standin.url, KEY)
    with qtbot.waitSignal(dlg.saved, timeout=2000) as blocker:
        qtbot.mouseClick(dlg.buttons.button(dlg.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    saved = blocker.args[0]
    assert saved.name == "tiger" and saved.extra == {"internet": True}
    assert memory_keyring.passwords == {("Deskmate", "remote:tiger"): KEY}
    text = settings_file.read_text()
    assert KEY not in text and 'name = "tiger"' in text
    assert load_endpoints(settings_file) == [saved]
    assert dlg.key.text() == "", "the key does not linger in the form"


def test_editing_and_renaming_keeps_the_saved_key(qtbot, standin, settings_file, memory_keyring):
    save_endpoint(RemoteEndpoint("tiger", standin.url, "standin-180b"), path=settings_file)
    memory_keyring.set_password("Deskmate", "remote:tiger", KEY)
    dlg = EndpointDialog(load_endpoints(settings_file)[0], settings_file=settings_file)
    qtbot.addWidget(dlg)
    assert "saved" in dlg.key.placeholderText()
    ok, text = _test(qtbot, dlg)  # the saved key is used
    assert ok, text
    dlg.name.setText("tigerbot")
    assert dlg.save()
    assert [e.name for e in load_endpoints(settings_file)] == ["tigerbot"]
    assert memory_keyring.passwords == {("Deskmate", "remote:tigerbot"): KEY}


def test_without_a_keyring_the_dialog_offers_a_session_key(qtbot, standin, settings_file, no_keyring):
    dlg = _dialog(qtbot, settings_file, standin.url, KEY)
    dlg.show()
    assert not dlg.save()
    assert "No secure key store" in dlg.result_text() and "session only" in dlg.result_text()
    assert dlg.session_button.isVisible()
    assert not settings_file.exists(), "nothing is saved until the person chooses"
    with qtbot.waitSignal(dlg.saved, timeout=2000):
        qtbot.mouseClick(dlg.session_button, Qt.MouseButton.LeftButton)
    assert secrets_mod.key_store().get("tiger") == KEY
    assert secrets_mod.key_store().is_session_key("tiger")
    assert KEY not in settings_file.read_text()


def test_plain_http_to_another_computer_needs_consent(qtbot, settings_file, memory_keyring):
    dlg = _dialog(qtbot, settings_file, "http://192.0.2.10:8000/v1", KEY)
    assert not dlg.save()
    assert "plain http" in dlg.result_text() and memory_keyring.passwords == {}
    dlg.allow_http.setChecked(True)
    assert dlg.save() and memory_keyring.passwords


def test_a_bad_address_is_explained(qtbot, settings_file, memory_keyring):
    dlg = _dialog(qtbot, settings_file, "api.example.com?key=abc", KEY)
    assert not dlg.test_connection()
    assert "must start with https://" in dlg.result_text()
