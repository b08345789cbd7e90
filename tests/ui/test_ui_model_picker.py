"""The Model list leads on: its last entry, "Get more models…", asks for the Models dialog and
leaves the running model chosen (issue 17, "no dead ends")."""

from __future__ import annotations

from deskmate.ui.model_picker import ModelPicker


def test_the_model_list_offers_get_more_models_and_keeps_the_model_in_use(qtbot):
    picker = ModelPicker()
    qtbot.addWidget(picker)
    picker.refresh("")
    combo = picker.combo
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[0].startswith("Built-in: SmolLM2-135M") and texts[-1] == "Get more models…"
    chosen: list[str] = []
    more: list[bool] = []
    picker.modelChosen.connect(chosen.append)
    picker.moreRequested.connect(lambda: more.append(True))
    combo.setCurrentIndex(combo.count() - 1)
    combo.activated.emit(combo.count() - 1)  # what a click on the entry sends
    assert more == [True] and chosen == [], "an action, not a model: the engine is not switched"
    assert combo.currentIndex() == 0 and combo.currentText().startswith("Built-in")


def test_the_model_list_shows_the_remote_server_when_settings_send_the_tasks_there(qtbot):
    # The bug: settings sent every task to a remote server and the list still said "Built-in".
    from deskmate.core.remote import RemoteEndpoint
    from deskmate.core.settings.remote_write import save_endpoint, set_route

    save_endpoint(RemoteEndpoint(name="tiger", base_url="http://127.0.0.1:9/v1", model="standin-180b", kind="openai"))
    picker = ModelPicker()
    qtbot.addWidget(picker)
    picker.refresh("")
    assert picker.combo.currentText().startswith("Built-in"), "mode = local: the built-in model answers"
    assert not picker.routed.isVisibleTo(picker)

    set_route(None, "remote")
    picker.refresh("")
    assert picker.combo.currentText() == "Remote: tiger (standin-180b)"
    assert picker.routed.isVisibleTo(picker) and "tiger" in picker.routed.text()

    set_route(None, "auto")
    picker.refresh("")
    assert picker.combo.currentText().startswith("Built-in")
    assert picker.routed.text() == "Long or heavy tasks go to the remote server tiger (Settings)"
