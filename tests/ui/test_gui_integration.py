"""The assembled app: images tab, remote servers in the model picker, task routing."""

from __future__ import annotations

import pytest
from deskmate.core.engines.supervisor import Phase
from PySide6.QtWidgets import QApplication
from remote_standin import StandIn


@pytest.fixture
def session(qtbot, monkeypatch):
    from deskmate.ui.app import DeskmateApp

    monkeypatch.delenv("DESKMATE_IMAGE_MODEL", raising=False)
    app = DeskmateApp(None)
    app.start()
    qtbot.waitUntil(lambda: app.window.last_status is not None and app.window.last_status.phase is Phase.READY,
                    timeout=60000)
    yield app
    app.window.close()
    app.shutdown()


def test_the_windows_engine_runs_below_the_window_and_a_cli_engine_does_not(session):
    """Streaming must not starve the GUI thread of the cores: the window's engine is niced."""
    import os

    from deskmate.core.engines.factory import local_engine
    from deskmate.ui.app import WINDOW_ENGINE_NICE

    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, session.window.last_status.pid) == min(mine + WINDOW_ENGINE_NICE, 19)
    with local_engine(None) as cli_engine:  # as `deskmate write` starts one
        cli_engine.start()
        cli_engine.wait_ready(120)
        assert os.getpriority(os.PRIO_PROCESS, cli_engine.supervisor.pid) == mine


def test_images_tab_is_built_on_first_view_and_explains_a_bad_model(session, tmp_path):
    win = session.window
    assert win.images_panel is None
    win.top_tabs.setCurrentIndex(1)
    assert win.images_panel is not None and win.top_tabs.currentWidget() is win.images_panel
    not_a_model = tmp_path / "holiday-photos"
    not_a_model.mkdir()
    assert win.choose_image_model(str(not_a_model)) is False
    assert win.images_panel.notice_text().strip()


def test_tasks_route_through_settings_and_answer_locally(qtbot, session):
    win = session.window
    win.sidebar.select("qa.open")
    win.form.set_value("question", "Say hi.")
    with qtbot.waitSignal(win.runner.textDone, timeout=120000):
        win.run_button.click()
    assert win.output.toPlainText().strip()
    assert win.runner.active is not session.engine  # a Router chose the local engine


def test_remote_server_in_the_picker_answers_the_task(qtbot, session):
    from deskmate.core.remote import RemoteEndpoint, save_endpoint

    server = StandIn(key=None).start()
    try:
        save_endpoint(RemoteEndpoint(name="big", base_url=server.url, model="standin-180b", kind="openai"))
        win = session.window
        win.model_picker.refresh(str(session.engine.config.model))
        index = win.model_picker.combo.findData("remote:big")
        assert index >= 0, "saved remote servers are listed in the model picker"
        win.model_picker.combo.setCurrentIndex(index)
        win.model_picker.combo.activated.emit(index)
        assert session.remote_name == "big"
        # One holder: the window's runner, the translation view and quick actions all use the new client.
        assert session.client.name == "big"
        assert win.translation_view._client() is session.client
        qtbot.waitUntil(lambda: getattr(session, "palette", None) is not None, timeout=10000)
        win.sidebar.select("qa.open")
        win.form.set_value("question", "Who are you?")
        with qtbot.waitSignal(win.runner.textDone, timeout=60000):
            win.run_button.click()
        assert win.output.toPlainText() == "Hello, this is the stand-in server. Done"
        assert server.chat_bodies()[-1]["messages"][-1]["content"].endswith("Who are you?") or \
            "Who are you?" in server.chat_bodies()[-1]["messages"][-1]["content"]
        assert win.runner.active is session.client
        server.enqueue("The meeting moved.")
        QApplication.clipboard().setText("We would like to kindly inform you that the meeting has moved.")
        assert session.palette.show_for_clipboard()
        with qtbot.waitSignal(session.palette.resultReady, timeout=30000) as quick:
            assert session.palette.run("shorter")
        assert quick.args[0].text == "The meeting moved."
        assert "kindly inform you" in server.chat_bodies()[-1]["messages"][-1]["content"]
    finally:
        QApplication.clipboard().clear()
        server.close()


def test_deskmate_quick_is_answered_by_the_running_app(qtbot, session):
    import os
    import shutil
    import subprocess
    import sys

    answered = []
    session.instance.answered.connect(lambda req, resp: answered.append((req, resp)))
    exe = shutil.which("deskmate", path=os.path.dirname(sys.executable))
    proc = subprocess.Popen([exe, "quick", "shorter", "--print", "--text",
                             "We would like to kindly inform you that the meeting has been moved to Friday."],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=120000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert answered, "the running app, not a second engine, did the work"
    assert answered[-1][0]["action"] == "shorter"
    assert out.strip() == answered[-1][1]["text"].strip()
