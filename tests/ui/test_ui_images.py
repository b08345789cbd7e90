"""The Images panel, offscreen, drawing with the tiny real pipeline in the real worker process.

The pipeline is built once per session in a child process (tests/support/tiny_diffusers.py),
so this process never imports torch; the last test checks that. One worker, one
thread, 64x64 pictures: the whole file fits in about a minute on two shared cores.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from deskmate.core.images import ImageEngine
from deskmate.core.images.history import ImageHistory
from deskmate.core.images.metadata import read_metadata
from deskmate.ui.images_panel import ImagesPanel
from PIL import Image
from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from tiny_diffusers import tiny_pipeline
from active_window import make_active

CTRL = Qt.KeyboardModifier.ControlModifier
PROMPT = "a red cat on the sea"


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_pipeline(tmp_path_factory.getbasetemp() / "tiny-diffusers")


@pytest.fixture(scope="module")
def images():
    eng = ImageEngine(threads=1, idle_timeout=600)
    yield eng
    eng.close()


@pytest.fixture()
def history(tmp_path: Path):
    h = ImageHistory(tmp_path / "images.sqlite3", tmp_path / "images")
    yield h
    h.close()


class Desk:
    """What the person answers in the dialogs, and what the panel asked the desktop to open."""

    def __init__(self) -> None:
        self.save_answers: list[str | None] = []
        self.confirm_answers: list[bool] = []
        self.questions: list[str] = []
        self.opened: list[QUrl] = []

    def ask_save_path(self, _caption: str, _filter: str, _suggested: str) -> str | None:
        return self.save_answers.pop(0)

    def confirm(self, _title: str, question: str) -> bool:
        self.questions.append(question)
        return self.confirm_answers.pop(0)

    def open_url(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True


def make_panel(qtbot, images, history, model, desk: Desk | None = None) -> ImagesPanel:
    desk = desk or Desk()
    panel = ImagesPanel(images, history, str(model) if model else None, ask_save_path=desk.ask_save_path,
                        confirm=desk.confirm, open_url=desk.open_url)
    qtbot.addWidget(panel, before_close_func=lambda p: p.shutdown())
    panel.resize(900, 720)
    with qtbot.waitSignal(panel.gallery.loaded, timeout=30000):
        panel.show()
    qtbot.waitExposed(panel)
    make_active(qtbot, panel)
    return panel


def fill(panel: ImagesPanel, prompt: str = PROMPT, *, seed: int = 7, steps: int = 2, negative: str = "",
         guidance: float = 0.0) -> None:
    panel.prompt_edit.setPlainText(prompt)
    panel.negative_edit.setText(negative)
    panel.random_check.setChecked(False)
    panel.seed_spin.setValue(seed)
    panel.steps_spin.setValue(steps)
    panel.guidance_spin.setValue(guidance)


def generate(qtbot, panel: ImagesPanel, timeout: int = 60000):
    with qtbot.waitSignal(panel.imageGenerated, timeout=timeout) as done:
        assert panel.generate()
    return done.args[0]


def pixels(path: Path) -> bytes:
    with Image.open(path) as im:
        return im.convert("RGB").tobytes()


def assert_idle(panel: ImagesPanel) -> None:
    assert not panel.busy
    assert panel.generate_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert not panel.progress.isVisible() and not panel.prompt_edit.isReadOnly()


def test_without_picture_support_the_panel_says_what_to_install_and_draws_nothing(
        qtbot, images, history, tiny_sd, monkeypatch):
    """torch absent (here: a required module name nothing provides) -> said on first sight, Generate refused."""
    from deskmate.core.images import addons

    monkeypatch.setitem(addons.REQUIRED_MODULES, addons.IMAGES, ("deskmate_no_such_torch",))
    starts = images.starts
    panel = make_panel(qtbot, images, history, tiny_sd)
    assert "Picture support is not installed" in panel.notice_text()
    assert "pip install 'deskmate[images]'" in panel.notice_text()  # a source checkout
    fill(panel)
    assert panel.generate() is False
    assert not panel.busy and images.starts == starts  # no worker was started for nothing
    assert panel.gallery.count() == 0


def test_with_no_model_the_panel_says_so_before_generate_and_offers_both_ways_to_get_one(qtbot, images, history,
                                                                                        tiny_sd):
    panel = make_panel(qtbot, images, history, None)
    assert panel.missing_box.isVisible()
    assert panel.missing_label.text().startswith("No image model yet. SD-Turbo draws a 512×512 picture")
    assert panel.get_model_button.text() == "Get SD-Turbo…"
    assert panel.choose_folder_button.text() == "Choose a diffusers folder…"
    with qtbot.waitSignal(panel.getModelRequested, timeout=2000) as asked:
        qtbot.mouseClick(panel.get_model_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["sd-turbo"]
    with qtbot.waitSignal(panel.chooseFolderRequested, timeout=2000):
        qtbot.mouseClick(panel.choose_folder_button, Qt.MouseButton.LeftButton)
    assert panel.set_model(tiny_sd)
    assert not panel.missing_box.isVisible(), "a usable model: nothing is missing"
    assert not panel.set_model(tiny_sd / "unet")
    assert panel.missing_box.isVisible() and "cannot be used" in panel.missing_label.text()


def test_generate_with_a_fixed_seed_shows_progress_and_the_new_thumbnail(qtbot, images, history, tiny_sd):
    images.stop()  # a cold worker, so the panel must show the model loading
    panel = make_panel(qtbot, images, history, tiny_sd)
    assert panel.model_label.text() == "tiny-sd"
    assert panel.size_combo.currentText() == "Model default (64×64)"
    assert panel.gallery.count() == 0
    fill(panel, seed=7, steps=3)
    seen: list[tuple[str, int, int, str, str]] = []
    panel.worker.event.connect(lambda e: seen.append(
        (e.kind, panel.progress.maximum(), panel.progress.value(), panel.progress.text(), panel.status.text())))

    panel.prompt_edit.setFocus()
    with qtbot.waitSignal(panel.imageGenerated, timeout=120000) as done:
        qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, CTRL)
        assert panel.busy and panel.cancel_button.isEnabled() and not panel.generate_button.isEnabled()
        assert panel.progress.isVisible()
    record = done.args[0]

    loading = [s for s in seen if s[0] == "loading"]
    assert loading and loading[0][1] == 0 and loading[0][4] == "Loading the image model…"  # indeterminate bar
    steps = [s[1:4] for s in seen if s[0] == "step"]
    assert steps == [(3, 1, "Step 1 of 3"), (3, 2, "Step 2 of 3"), (3, 3, "Step 3 of 3")]
    assert_idle(panel)
    assert panel.status.text().startswith("Drawn in") and panel.status.text().endswith("with seed 7.")
    assert not panel.notice.isVisible()

    # The picture is on disk, carries its settings, and is the selected first thumbnail.
    assert record.path.parent == history.folder and record.path.is_file()
    meta = read_metadata(record.path)
    assert (meta.prompt, meta.seed, meta.steps, meta.width, meta.height) == (PROMPT, 7, 3, 64, 64)
    assert Path(meta.model) == tiny_sd
    assert history.count() == 1
    assert panel.gallery.count() == 1 and panel.gallery.selected_id() == record.id
    item = panel.gallery.list.item(0)
    assert item.text() == PROMPT and "Seed 7 · 3 steps · 64×64" in item.toolTip()
    thumb = item.icon().pixmap(QSize(64, 64)).toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert thumb == QImage(str(record.path)).convertToFormat(QImage.Format.Format_RGB32)


def test_cancel_mid_run_saves_nothing_and_the_panel_works_again(qtbot, images, history, tiny_sd):
    panel = make_panel(qtbot, images, history, tiny_sd)
    fill(panel, seed=3, steps=150)
    steps: list[int] = []

    def on_event(event) -> None:
        if event.kind == "step":
            steps.append(event.step)
            if event.step == 2:
                qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Escape)

    panel.worker.event.connect(on_event)
    panel.prompt_edit.setFocus()
    with qtbot.waitSignal(panel.busyChanged, timeout=120000, check_params_cb=lambda busy: not busy):
        qtbot.keyClick(panel.prompt_edit, Qt.Key.Key_Return, CTRL)
    assert 2 <= len(steps) < 150
    assert panel.status.text() == "Cancelled. No picture was saved."
    assert_idle(panel)
    assert list(history.folder.iterdir()) == []  # no picture, no half-written file
    assert panel.gallery.count() == 0 and history.count() == 0

    panel.worker.event.disconnect(on_event)
    panel.steps_spin.setValue(2)
    record = generate(qtbot, panel)
    assert record.path.is_file() and panel.gallery.count() == 1


def test_use_same_settings_refills_the_form_and_draws_the_same_picture(qtbot, images, history, tiny_sd):
    panel = make_panel(qtbot, images, history, tiny_sd)
    fill(panel, "a blue house at night", seed=11, steps=2, negative="the sea", guidance=3.0)
    first = generate(qtbot, panel)

    fill(panel, "something else", seed=99, steps=9)
    panel.random_check.setChecked(True)
    panel.size_combo.setCurrentIndex(panel.size_combo.findData((512, 768)))
    panel.gallery.select(first.id)
    panel.gallery.buttons["reuse"].click()
    assert panel.prompt_edit.toPlainText() == "a blue house at night"
    assert panel.negative_edit.text() == "the sea"
    assert not panel.random_check.isChecked() and panel.seed_spin.isEnabled()
    assert int(panel.seed_spin.value()) == 11 and panel.steps_spin.value() == 2
    assert panel.guidance_spin.value() == 3.0
    assert panel.size_combo.currentText() == "Model default (64×64)"
    assert panel.status.text() == "Settings filled in. Press Generate to draw the picture again."

    again = generate(qtbot, panel)
    assert again.path != first.path and pixels(again.path) == pixels(first.path)
    assert [r.id for r in panel.gallery.records()] == [again.id, first.id]  # newest first


def test_gallery_open_copy_save_as_and_delete(qtbot, images, history, tiny_sd, tmp_path):
    desk = Desk()
    panel = make_panel(qtbot, images, history, tiny_sd, desk)
    fill(panel, seed=5)
    record = generate(qtbot, panel)
    grid = panel.gallery.list
    assert [a.text() for a in panel.gallery.menu().actions()] == [
        "Open", "Copy", "Save as…", "Use same settings", "", "Delete"]
    assert all(a.isEnabled() for a in panel.gallery.menu().actions() if a.text())

    rect = grid.visualItemRect(grid.item(0))
    # A real double-click starts with a press: the view ignores a lone double-click event.
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert desk.opened == [QUrl.fromLocalFile(str(record.path))]

    grid.setFocus()
    QApplication.clipboard().clear()
    qtbot.keyClick(grid, Qt.Key.Key_C, CTRL)
    copied = QApplication.clipboard().image()
    assert copied.size() == QSize(64, 64)
    assert copied.convertToFormat(QImage.Format.Format_RGB32) == QImage(str(record.path)).convertToFormat(
        QImage.Format.Format_RGB32)
    assert panel.status.text() == "Picture copied to the clipboard."

    desk.save_answers = [str(tmp_path / "keep"), str(tmp_path / "share.jpg"), None]
    panel.gallery.buttons["save"].click()
    assert read_metadata(tmp_path / "keep.png").seed == 5  # a PNG copy keeps its settings
    assert panel.status.text() == f"Saved a copy as {tmp_path / 'keep.png'}."
    panel.gallery.buttons["save"].click()
    with Image.open(tmp_path / "share.jpg") as im:
        assert (im.format, im.size) == ("JPEG", (64, 64))
    before = sorted(tmp_path.rglob("*"))
    panel.gallery.buttons["save"].click()  # the person closes the dialog: nothing is written
    assert sorted(tmp_path.rglob("*")) == before and desk.save_answers == []

    desk.confirm_answers = [False, True]
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert record.path.is_file() and panel.gallery.count() == 1 and history.count() == 1
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert desk.questions == [f"Delete the picture “{PROMPT}”? The file is removed from the disk."] * 2
    assert not record.path.exists()
    assert panel.gallery.count() == 0 and history.count() == 0
    assert panel.status.text() == "Picture deleted."
    assert not panel.gallery.buttons["delete"].isEnabled() and not panel.gallery.buttons["open"].isEnabled()


def test_reopening_lists_pictures_newest_first_including_unlisted_and_missing_ones(
    qtbot, images, history, tiny_sd
):
    first = make_panel(qtbot, images, history, tiny_sd)
    fill(first, "a cat", seed=1)
    cat = generate(qtbot, first)
    fill(first, "the sea", seed=2)
    sea = generate(qtbot, first)
    # Drawn into the gallery folder but never listed (the app stopped before it could).
    unlisted = images.generate(first.job().replace(prompt="a blue house", seed=3), history.folder / "late.png")
    unlisted.result(60)
    cat.path.unlink()  # removed behind Deskmate's back

    again = make_panel(qtbot, images, history, tiny_sd)
    assert [r.job.prompt for r in again.gallery.records()] == ["a blue house", "the sea", "a cat"]
    grid = again.gallery.list
    assert not grid.item(0).icon().pixmap(QSize(64, 64)).isNull()
    assert grid.item(1).icon().pixmap(QSize(64, 64)).toImage().convertToFormat(QImage.Format.Format_RGB32) == \
        QImage(str(sea.path)).convertToFormat(QImage.Format.Format_RGB32)
    assert f"The file is missing: {cat.path}" in grid.item(2).toolTip()
    again.gallery.select(cat.id)
    enabled = {k: b.isEnabled() for k, b in again.gallery.buttons.items()}
    assert enabled == {"open": False, "copy": False, "save": False, "delete": True, "reuse": True}


def test_a_bad_model_folder_gives_a_clear_notice_and_the_panel_stays_usable(qtbot, images, history, tiny_sd,
                                                                               tmp_path):
    panel = make_panel(qtbot, images, history, None)
    fill(panel)
    assert not panel.generate()
    assert panel.notice.isVisible()
    assert panel.notice_text().startswith("No image model is chosen.")

    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "readme.txt").write_text("not a model")
    assert not panel.set_model(folder)
    assert panel.notice.isVisible()
    assert panel.notice_text().startswith(
        "The image model cannot be used: downloads is not a diffusers model folder: it has no model_index.json.")

    # A model that was fine when chosen and broke before Generate: refused before any step runs.
    broken = Path(shutil.copytree(tiny_sd, tmp_path / "broken"))
    assert panel.set_model(broken) and not panel.notice.isVisible()
    shutil.rmtree(broken / "unet")
    events: list[str] = []
    panel.worker.event.connect(lambda e: events.append(e.kind))
    with qtbot.waitSignal(panel.generationFailed, timeout=30000) as failed:
        assert panel.generate()
    assert failed.args[0] == ("The image model cannot be used: broken is incomplete: the 'unet' folder is missing. "
                              "The download was probably interrupted; download the model again.")
    assert panel.notice_text() == failed.args[0] and panel.notice.isVisible()
    assert "step" not in events and "loading" not in events
    assert_idle(panel)
    assert list(history.folder.iterdir()) == []

    panel.prompt_edit.clear()
    assert panel.set_model(tiny_sd) and not panel.generate()
    assert panel.notice_text() == "Write a prompt: say what the picture should show."
    assert panel.prompt_edit.hasFocus()
    fill(panel)
    assert generate(qtbot, panel).path.is_file() and not panel.notice.isVisible()


def test_a_worker_killed_mid_picture_says_try_again_and_the_next_picture_works(qtbot, images, history, tiny_sd):
    panel = make_panel(qtbot, images, history, tiny_sd)
    fill(panel, seed=4, steps=150)
    victims: list[int] = []

    def on_event(event) -> None:
        if event.kind == "step" and not victims:
            victims.append(images.pid)
            os.kill(images.pid, signal.SIGKILL)

    panel.worker.event.connect(on_event)
    with qtbot.waitSignal(panel.generationFailed, timeout=120000) as failed:
        assert panel.generate()
    assert failed.args[0] == ("The image worker stopped unexpectedly, so no picture was saved. Try again: the next "
                              "picture starts a fresh worker.")
    assert panel.notice.isVisible() and "killed by SIGKILL" in panel.notice.toolTip()
    assert_idle(panel)
    assert list(history.folder.iterdir()) == []

    panel.worker.event.disconnect(on_event)
    panel.steps_spin.setValue(2)
    record = generate(qtbot, panel, timeout=120000)
    assert record.path.is_file() and images.pid not in (None, victims[0])
    assert not panel.notice.isVisible()


def test_cancel_while_the_model_loads_stops_at_once(qtbot, images, history, tiny_sd):
    images.stop()
    panel = make_panel(qtbot, images, history, tiny_sd)
    fill(panel, steps=2)

    def on_event(event) -> None:
        if event.kind == "loading":
            panel.cancel_button.click()

    panel.worker.event.connect(on_event)
    with qtbot.waitSignal(panel.generationCancelled, timeout=60000):
        assert panel.generate()
    assert panel.status.text() == "Cancelled. No picture was saved."
    assert_idle(panel)
    assert images.pid is None  # loading was ended by stopping the worker, not waited for
    assert list(history.folder.iterdir()) == []


def test_the_gui_process_never_loaded_the_image_libraries():
    """Run last: after every picture above, torch and friends live only in the worker."""
    assert sorted(m for m in ("torch", "diffusers", "transformers") if m in sys.modules) == []
