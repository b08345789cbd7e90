"""Flows: no dead ends (issue 17, build point 4), in the real window under Xvfb + openbox.

* File → Remote servers… lists the servers; one is added, tested with a wrong key (plain words),
  edited with the right key, tested again and removed — against the scripted OpenAI stand-in on
  127.0.0.1, the key in a real keyring backend inside the window's process.
* The Images tab says what is missing before Generate; "Get SD-Turbo…" opens Models and the
  download runs with its progress from the hub stand-in (a tiny real pipeline served as SD-Turbo),
  and the Images tab then has its model.
* The Model list's "Get more models…" opens Models on its recommended models, each fit with its speed.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import pytest
from hub_standin import HubStandin
from remote_standin import StandIn
from tiny_diffusers import serve_as_sd_turbo, tiny_pipeline

SUPPORT = Path(__file__).resolve().parents[1] / "support"
KEY = "sk-flow-" + secrets.token_hex(12)
DIALOG = "[d for d in app.topLevelWidgets() if type(d).__name__ == {name!r} and d.isVisible()]"
SERVERS = DIALOG.format(name="RemoteServersDialog") + "[0]"
EDITOR = DIALOG.format(name="EndpointDialog") + "[0]"
MODELS = DIALOG.format(name="ModelsDialog") + "[0]"


def _keyring_env() -> dict[str, str]:
    """The window's keyring: the dict-backed backend the remote tests use, loaded by keyring itself."""
    path = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH", ""), str(SUPPORT)) if p)
    return {"PYTHON_KEYRING_BACKEND": "remote_standin.MemoryKeyring", "PYTHONPATH": path}


def _tab_point(win, tabs: str, index: int) -> tuple[int, int]:
    x, y = win.ask(f"(lambda b: (lambda p: [p.x(), p.y()])(b.mapToGlobal(b.tabRect({index}).center())))"
                   f"({tabs}.tabBar())")
    return x, y


def _click_tab(win, tabs: str, index: int) -> None:
    win.desktop.click(*_tab_point(win, tabs, index))
    win.wait_for(f"{tabs}.currentIndex() == {index}")


def _open_file_menu_item(win, action: str) -> None:
    """File menu by keyboard: Alt+F, then Up from the bottom (Quit) until ``action`` is active."""
    win.key("alt+f")
    win.wait_for("w.menu_file.isVisible()")
    for _ in range(12):
        win.key("Up")
        if win.ask(f"w.menu_file.activeAction() is {action}"):
            break
    else:
        raise AssertionError(f"{action} never became active in the File menu")
    win.key("Return")


@pytest.fixture
def standin():
    with StandIn(key=KEY) as s:
        yield s


def test_remote_servers_are_added_tested_edited_and_removed_in_the_window(deskmate_window, standin):
    win = deskmate_window(_keyring_env())
    _open_file_menu_item(win, "w.act_endpoints")
    win.wait_for(f"len({DIALOG.format(name='RemoteServersDialog')}) == 1")
    assert win.ask(f"{SERVERS}.empty.isVisible()")
    assert win.ask(f"{SERVERS}.empty.text()") == "No remote server yet. Press Add… to set one up."

    # Add… with a wrong key: the editor is the one the list opens, and saving lists the server.
    win.click(f"{SERVERS}.add_button")
    win.wait_for(f"len({DIALOG.format(name='EndpointDialog')}) == 1")
    win.click(f"{EDITOR}.name")
    win.type("tiger")
    win.click(f"{EDITOR}.url")
    win.type(standin.url)
    win.click(f"{EDITOR}.model")
    win.type("standin-180b")
    win.click(f"{EDITOR}.key")
    win.type("sk-wrong-0123456789")
    win.click(f"{EDITOR}.buttons.button({EDITOR}.buttons.StandardButton.Save)")
    win.wait_for(f"len({DIALOG.format(name='EndpointDialog')}) == 0")
    win.wait_for(f"{SERVERS}.names() == ['tiger']")
    assert win.ask(f"{SERVERS}.rows()") == [f"tiger — standin-180b at {standin.url} (key in the system keyring)"]
    assert win.ask("__import__('keyring').get_password('Deskmate', 'remote:tiger')") == "sk-wrong-0123456789"
    assert "remote:tiger" not in (win.home / "config" / "settings.toml").read_text(), "no key in settings"

    win.click(f"{SERVERS}.test_button")
    text = win.wait_for(f"{SERVERS}.last_report is not None and {SERVERS}.result_text()", timeout=30)
    assert "refused the API key" in text and text.endswith("Press Edit… to change it.")
    assert "sk-wrong" not in text
    win.screenshot("flow-remote-servers-wrong-key")

    # Edit… with the right key, then Test again: connected, in plain words.
    win.click(f"{SERVERS}.edit_button")
    win.wait_for(f"len({DIALOG.format(name='EndpointDialog')}) == 1")
    assert win.ask(f"{EDITOR}.url.text()") == standin.url
    win.click(f"{EDITOR}.key")
    win.type(KEY)
    win.click(f"{EDITOR}.buttons.button({EDITOR}.buttons.StandardButton.Save)")
    win.wait_for(f"len({DIALOG.format(name='EndpointDialog')}) == 0")
    assert win.ask("__import__('keyring').get_password('Deskmate', 'remote:tiger')") == KEY
    win.ask(f"setattr({SERVERS}, 'last_report', None)")
    win.click(f"{SERVERS}.test_button")
    text = win.wait_for(f"{SERVERS}.last_report is not None and {SERVERS}.result_text()", timeout=30)
    assert text.startswith("Connected to “tiger”") and "one-token test answer took" in text
    win.screenshot("flow-remote-servers-connected")
    # The Model list behind the dialog offers the new server already.
    assert win.ask("w.model_picker.combo.findData('remote:tiger') >= 0")

    # Remove…, confirmed with Yes: gone from the list, settings.toml and the keyring.
    win.click(f"{SERVERS}.remove_button")
    win.wait_for("type(app.activeModalWidget()).__name__ == 'QMessageBox' and app.activeModalWidget().isActiveWindow()")
    time.sleep(0.5)  # openbox places the box after it maps; click where it ends up
    question = win.ask("app.activeModalWidget().text()")
    assert question.startswith("Remove “tiger”") and "keyring" in question
    win.click("[b for b in app.activeModalWidget().buttons() if b.text().replace('&', '') == 'Yes'][0]")
    win.wait_for(f"{SERVERS}.names() == []")
    assert win.ask(f"{SERVERS}.result_text()") == "Removed “tiger” and its key."
    assert win.ask("__import__('keyring').get_password('Deskmate', 'remote:tiger')") is None
    assert "tiger" not in (win.home / "config" / "settings.toml").read_text()
    assert win.ask("w.model_picker.combo.findData('remote:tiger')") == -1
    win.key("Escape")
    win.wait_for(f"len({DIALOG.format(name='RemoteServersDialog')}) == 0")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    pipeline = tiny_pipeline(tmp_path_factory.mktemp("flow-diffusers"))
    h = HubStandin()
    serve_as_sd_turbo(h, pipeline)
    with h:
        yield h


def test_the_images_tab_says_what_is_missing_and_gets_sd_turbo_with_progress(deskmate_window, hub_standin):
    hub_standin.throttle = 1 << 20  # a few seconds, so the progress can be watched
    win = deskmate_window({"HF_ENDPOINT": hub_standin.url, "HF_HUB_OFFLINE": "0", "DESKMATE_OFFLINE": "0"})
    _click_tab(win, "w.top_tabs", 1)
    win.wait_for("w.images_panel is not None and w.images_panel.isVisible()")
    # Before any click on Generate: what is missing and both ways to get it.
    assert win.ask("w.images_panel.missing_box.isVisible()")
    assert win.ask("w.images_panel.missing_label.text()").startswith("No image model yet. SD-Turbo draws")
    assert win.ask("w.images_panel.get_model_button.text()") == "Get SD-Turbo…"
    assert win.ask("w.images_panel.choose_folder_button.isVisible()")
    win.screenshot("flow-images-says-what-is-missing")

    win.click("w.images_panel.get_model_button")
    win.wait_for(f"len({DIALOG.format(name='ModelsDialog')}) == 1")
    win.wait_for(f"len({MODELS}.download_rows()) == 1", timeout=60)
    assert win.ask(f"{MODELS}.tabs.currentWidget() is {MODELS}.downloads_page")
    assert "SD-Turbo" in win.ask(f"{MODELS}.download_rows()[0].title.text()")
    row = f"{MODELS}.download_rows()[0]"
    values = []
    shot = False
    while not win.ask(f"{row}.state == 'done' or {row}.state == 'failed'"):
        values.append(win.ask(f"{row}.bar.value()"))
        if not shot and 100 < values[-1] < 900:
            win.screenshot("flow-images-get-sd-turbo-downloading")
            shot = True
    assert win.ask(f"{row}.state") == "done", win.ask(f"{row}.detail.text()")
    assert len({v for v in values if 0 < v < 1000}) >= 2, f"no progress shown: {values}"
    assert win.ask(f"{row}.detail.text()") == "Installed as SD-Turbo."
    win.key("Escape")
    win.wait_for(f"len({DIALOG.format(name='ModelsDialog')}) == 0")

    # Back on the Images tab: the model is there and nothing is said missing.
    win.wait_for("w.images_panel.model_usable()")
    assert not win.ask("w.images_panel.missing_box.isVisible()")
    assert win.ask("w.images_panel.model_label.text()") not in ("", "No image model chosen")
    assert win.ask("str(w.images_panel.model_path())").startswith(str(win.home))
    win.screenshot("flow-images-sd-turbo-ready")


def test_the_model_list_leads_to_more_models_with_their_speed(deskmate_window):
    win = deskmate_window()
    win.wait_for("w.model_picker.combo.count() >= 2")
    win.click("w.model_picker.combo")
    win.wait_for("w.model_picker.combo.view().isVisible()")
    win.key("End")
    assert win.ask("w.model_picker.combo.view().currentIndex().data()") == "Get more models…"
    win.key("Return")
    win.wait_for(f"len({DIALOG.format(name='ModelsDialog')}) == 1")
    assert win.ask(f"{MODELS}.tabs.currentWidget() is {MODELS}.recommended_page")
    win.wait_for(f"{MODELS}.scan is not None", timeout=60)
    cells = win.ask(f"[[{MODELS}.recommended_table.item(r, c).text() for c in (0, 4)] "
                    f"for r in range({MODELS}.recommended_table.rowCount())]")
    text_models = win.ask(f"[r.entry.name for r in {MODELS}.scan.recommended if r.entry.kind == 'text']")
    assert len(text_models) >= 3
    for name, fit in cells:
        if name in text_models:  # every text model's fit says how fast it will answer here
            assert fit.split(" · ")[0] in {"fits", "slow", "tight", "won't fit"} and fit.endswith(" tokens/s"), fit
    assert win.ask("w.model_picker.combo.currentText()").startswith("Built-in"), "the model in use stays chosen"
    win.screenshot("flow-model-list-get-more-models")
    win.key("Escape")
    win.wait_for(f"len({DIALOG.format(name='ModelsDialog')}) == 0")


def test_in_chinese_the_images_tab_and_the_model_list_lead_on_in_chinese(deskmate_window):
    from deskmate.core.settings import set_value

    set_value("ui", "language", "zh")
    win = deskmate_window()
    win.wait_for("w.model_picker.combo.count() >= 2")
    last = win.ask("w.model_picker.combo.itemText(w.model_picker.combo.count() - 1)")
    assert last == "获取更多模型…"
    _click_tab(win, "w.top_tabs", 1)
    win.wait_for("w.images_panel is not None and w.images_panel.missing_box.isVisible()")
    assert win.ask("w.images_panel.missing_label.text()").startswith("还没有图像模型。")
    assert win.ask("w.images_panel.get_model_button.text()") == "获取 SD-Turbo…"
    assert win.ask("w.images_panel.choose_folder_button.text()") == "选择 diffusers 文件夹…"
    win.screenshot("flow-images-says-what-is-missing-zh")
