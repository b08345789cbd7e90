"""The Images panel: a prompt and its settings, Generate/Cancel with step progress, and the gallery.

Pictures are drawn by ``core.images.ImageEngine`` in its worker process; this
process never imports torch. The ImageRun is iterated on a Worker thread and
its events reach the GUI thread as signals, so a 30-second drawing never
freezes the window. The gallery lists ``ImageHistory`` newest first; its
thumbnails are decoded on a second thread, since a few hundred 512-pixel PNGs
take seconds to read.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.images import (
    ImageEngine,
    ImageError,
    ImageEvent,
    ImageJob,
    ImageJobError,
    ImageModelError,
    ImageOutOfMemoryError,
    ImageResult,
    ImageRun,
    ImageWorkerCrashedError,
    ImageWorkerStartError,
    ModelDefaults,
    addons,
    check_model,
)
from deskmate.core.images.history import ImageHistory
from deskmate.core.images.jobs import MAX_GUIDANCE, MAX_SEED, MAX_STEPS

from .background import Worker, describe_error
from .dialogs import AskSavePath, Confirm, Message, OpenUrl
from .image_gallery import ImageGallery
from .retranslating import Retranslating
from .status import notice_label, notice_text, show_count, show_notice, text_of

SIZES = ((512, 512), (768, 512), (512, 768), (1024, 1024))










class _RunSlot:
    """Hands the ImageRun from the drawing thread to Cancel, which may be pressed before it exists."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._run: ImageRun | None = None
        self._cancel: bool | None = None  # None: not asked; False: after this step; True: now

    def attach(self, run: ImageRun) -> None:
        with self._lock:
            self._run, pending = run, self._cancel
        if pending is not None:
            run.cancel(hard=pending)

    def cancel(self, hard: bool) -> None:
        with self._lock:
            self._cancel = hard or bool(self._cancel)
            run = self._run
        if run is not None:
            run.cancel(hard=hard)


def _draw(engine: ImageEngine, job: ImageJob, output: Path, slot: _RunSlot) -> Iterator[ImageEvent]:
    # On the worker thread: generate() checks the model on disk and may start the worker process.
    run = engine.generate(job, output)
    slot.attach(run)
    yield from run
    return run






class ImagesPanel(Retranslating, QWidget):
    """Draw pictures from text with the local image model and browse the ones drawn before."""

    imageGenerated = Signal(object)  # ImageRecord of the new picture (already in the gallery)
    generationFailed = Signal(str)  # the message shown
    generationCancelled = Signal()
    busyChanged = Signal(bool)
    getModelRequested = Signal(str)  # "Get SD-Turbo…": the catalog id to download in the Models dialog
    chooseFolderRequested = Signal()  # "Choose a diffusers folder…"

    def __init__(
        self,
        engine: ImageEngine | None = None,
        history: ImageHistory | None = None,
        model_path: str | Path | None = None,
        parent: QWidget | None = None,
        *,
        ask_save_path: AskSavePath | None = None,
        confirm: Confirm | None = None,
        open_url: OpenUrl | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._owns_engine = engine is None
        self._history = history
        self._owns_history = history is None
        self._history_failed = False
        self._model: Path | None = None
        self._defaults: ModelDefaults | None = None
        self._model_error: Message | None = None
        self._busy = False
        self._phase = ""  # "preparing", "starting", "loading", "drawing" while busy
        self._stopping = False
        self._hard_cancel = False
        self._steps = (0, 0)
        self._slot: _RunSlot | None = None
        self._status: Message | None = None
        self._error: Message | None = None
        self._error_detail = ""
        self._warnings: list[Message] = []
        self._gallery_started = False

        self.worker = Worker(self, name="image-job")
        self.worker.event.connect(self._on_event)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)

        self.model_label = QLabel()
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setTabChangesFocus(True)  # keyboard users move on to the next field
        self.prompt_edit.setMaximumHeight(90)
        self.negative_edit = QLineEdit()
        self.size_combo = QComboBox()
        self.size_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.size_combo.addItem("", None)  # the model's default; named in retranslate()
        for w, h in SIZES:
            self.size_combo.addItem(f"{w}×{h}", (w, h))
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, MAX_STEPS)
        self.steps_spin.setValue(25)
        self.guidance_spin = QDoubleSpinBox()
        self.guidance_spin.setRange(0.0, MAX_GUIDANCE)
        self.guidance_spin.setDecimals(1)
        self.guidance_spin.setSingleStep(0.5)
        self.guidance_spin.setValue(7.5)
        # A double spin box with no decimals: QSpinBox stops at 2^31-1 and seeds go to 2^32-1.
        self.seed_spin = QDoubleSpinBox()
        self.seed_spin.setDecimals(0)
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setMinimumWidth(110)
        self.random_check = QCheckBox()
        self.random_check.setChecked(True)
        self.random_check.toggled.connect(lambda on: self.seed_spin.setEnabled(not on and not self._busy))
        self.seed_spin.setEnabled(False)

        self.generate_button = QPushButton()
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setMinimumWidth(200)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.notice = notice_label()
        # Shown while there is no usable model: what is missing, and the two ways to get one.
        self.missing_label = QLabel()
        self.missing_label.setWordWrap(True)
        self.get_model_button = QPushButton()
        self.choose_folder_button = QPushButton()
        self.get_model_button.clicked.connect(lambda: self.getModelRequested.emit(GET_MODEL_ID))
        self.choose_folder_button.clicked.connect(self.chooseFolderRequested)
        self.missing_box = QWidget()
        missing_row = QHBoxLayout(self.missing_box)
        missing_row.setContentsMargins(0, 0, 0, 0)
        missing_row.addWidget(self.missing_label, 1)
        missing_row.addWidget(self.get_model_button)
        missing_row.addWidget(self.choose_folder_button)

        self.gallery = ImageGallery(self._history_or_none, self, ask_save_path=ask_save_path, confirm=confirm,
                                    open_url=open_url)
        self.gallery.reuseRequested.connect(self.use_settings)
        self.gallery.statusChanged.connect(self._gallery_status)
        self.gallery.failed.connect(self._gallery_failed)

        self.generate_action = self._shortcut("Ctrl+Return", self.generate)
        self.cancel_action = self._shortcut("Esc", self.cancel)

        self.labels: dict[str, QLabel] = {key: QLabel() for key in (
            "model", "prompt", "negative", "size", "steps", "guidance", "seed")}
        settings_row = QHBoxLayout()
        settings_row.addWidget(self.size_combo)
        for key, widget in (("steps", self.steps_spin), ("guidance", self.guidance_spin)):
            settings_row.addSpacing(12)
            settings_row.addWidget(self.labels[key])
            settings_row.addWidget(widget)
        settings_row.addStretch(1)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed_spin)
        seed_row.addWidget(self.random_check)
        seed_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.labels["model"], self.model_label)
        form.addRow(self.labels["prompt"], self.prompt_edit)
        form.addRow(self.labels["negative"], self.negative_edit)
        form.addRow(self.labels["size"], settings_row)
        form.addRow(self.labels["seed"], seed_row)
        for key, buddy in (("prompt", self.prompt_edit), ("negative", self.negative_edit), ("size", self.size_combo),
                           ("steps", self.steps_spin), ("guidance", self.guidance_spin), ("seed", self.seed_spin)):
            self.labels[key].setBuddy(buddy)
        run_row = QHBoxLayout()
        run_row.addWidget(self.generate_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress)
        run_row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.missing_box)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addWidget(self.notice)
        layout.addWidget(self.gallery, 1)

        self.set_model(model_path)
        self.retranslate()

    def _shortcut(self, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        # Only while the focus is in this panel: other views bind the same keys.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # --- text ----------------------------------------------------------------
    def retranslate(self) -> None:
        names = {
            "model": self.tr("Model:"), "prompt": self.tr("&Prompt:"), "negative": self.tr("&Leave out:"),
            "size": self.tr("Si&ze:"), "steps": self.tr("S&teps:"), "guidance": self.tr("G&uidance:"),
            "seed": self.tr("S&eed:"),
        }  # fmt: skip
        for key, text in names.items():
            self.labels[key].setText(text)
        self.prompt_edit.setPlaceholderText(self.tr("Describe the picture, e.g. “a red cat on the sea at night”."))
        self.prompt_edit.setAccessibleName(self.tr("Prompt"))
        self.negative_edit.setPlaceholderText(self.tr("Things to keep out of the picture (needs guidance above 1)"))
        self.negative_edit.setAccessibleName(self.tr("Negative prompt"))
        self.size_combo.setAccessibleName(self.tr("Picture size"))
        self.steps_spin.setAccessibleName(self.tr("Steps"))
        self.steps_spin.setToolTip(self.tr("More steps: more detail, more time. Turbo models need 1 to 4."))
        self.guidance_spin.setAccessibleName(self.tr("Guidance"))
        self.guidance_spin.setToolTip(self.tr("How closely to follow the prompt. Turbo models use 0."))
        self.seed_spin.setAccessibleName(self.tr("Seed"))
        self.seed_spin.setToolTip(self.tr("The same seed and settings draw the same picture again."))
        self.random_check.setText(self.tr("&Random"))
        self.random_check.setAccessibleName(self.tr("Random seed"))
        self.generate_button.setText(self.tr("Generate"))
        self.generate_button.setToolTip(self.tr("Draw the picture (Ctrl+Enter)"))
        self.generate_button.setAccessibleName(self.tr("Generate"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop drawing (Esc). Press again to stop at once."))
        self.cancel_button.setAccessibleName(self.tr("Cancel drawing"))
        self.progress.setAccessibleName(self.tr("Drawing progress"))
        self.notice.setAccessibleName(self.tr("Image notes"))
        self.get_model_button.setText(self.tr("Get SD-Turbo…"))
        self.get_model_button.setToolTip(self.tr("Opens Models and downloads SD-Turbo, showing its progress"))
        self.choose_folder_button.setText(self.tr("Choose a diffusers folder…"))
        self.choose_folder_button.setToolTip(self.tr("A folder with model_index.json, e.g. a downloaded sd-turbo"))
        self._show_model()
        self._show_progress()
        self._show_status()
        self._show_notice()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._gallery_started:  # the history is opened on first sight, not at startup
            self._gallery_started = True
            self.gallery.refresh()
            if not self._busy:
                self._support_missing()

    def _support_missing(self) -> bool:
        """Say so at once when torch is absent, rather than after a model download and a failed load."""
        if not addons.missing(addons.IMAGES):
            return False
        if addons.is_installed_app():
            package = addons.ADDON_PACKAGES[addons.IMAGES]
            self._set_error(lambda: self.tr(
                "Picture support is not installed. It is an optional add-on: install the {0} package "
                "(sudo apt install ./{0}_*.deb, published next to the Deskmate installer).").format(package))
        else:
            self._set_error(lambda: self.tr(
                "Picture support is not installed. Install it with: pip install 'deskmate[images]'"))
        return True

    # --- the engine, the history, the model ----------------------------------
    @property
    def engine(self) -> ImageEngine:
        if self._engine is None:
            self._engine = ImageEngine()
        return self._engine

    @property
    def history(self) -> ImageHistory | None:
        return self._history_or_none()

    def _history_or_none(self) -> ImageHistory | None:
        if self._history is None and not self._history_failed:
            try:
                self._history = ImageHistory()
            except ImageError as e:
                self._history_failed = True
                message = str(e)
                self._set_error(lambda: self.tr("The gallery cannot be opened: {0}").format(message))
        return self._history

    def model_path(self) -> Path | None:
        return self._model

    def model_usable(self) -> bool:
        return self._model is not None and self._model_error is None

    def set_model(self, path: str | Path | None) -> bool:
        """Use the diffusers folder or checkpoint at ``path`` for the next pictures; False if it is unusable.

        Steps and guidance go to the model's own defaults (a turbo model wants 1 step, no guidance)."""
        self._model = Path(path).expanduser() if path else None
        self._defaults = None
        self._model_error = None
        if self._model is not None:
            try:
                info = check_model(self._model)
            except ImageModelError as e:
                message = str(e)
                self._model_error = lambda: self.tr("The image model cannot be used: {0}").format(message)
            else:
                self._defaults = info.defaults
                self.steps_spin.setValue(info.defaults.steps)
                self.guidance_spin.setValue(info.defaults.guidance)
        if not self._busy:
            self._error = self._model_error
            self._error_detail = ""
        self._show_model()
        self._show_notice()
        return self._model is not None and self._model_error is None

    def _show_model(self) -> None:
        self.missing_box.setVisible(self._model is None or self._model_error is not None)
        self.missing_label.setText(self.tr(
            "No image model yet. SD-Turbo draws a 512×512 picture in one step (a 2.6 GB download), "
            "or use a diffusers model folder you already have.") if self._model is None else self.tr(
            "This image model cannot be used (the note below says why). Get SD-Turbo, or choose another folder."))
        if self._model is None:
            self.model_label.setText(self.tr("No image model chosen"))
            self.model_label.setToolTip("")
        else:
            self.model_label.setText(self._model.name)
            self.model_label.setToolTip(str(self._model))
        d = self._defaults
        self.size_combo.setItemText(0, self.tr("Model default ({0}×{1})").format(d.width, d.height) if d
                                    else self.tr("Model default"))

    # --- the form ------------------------------------------------------------
    def job(self) -> ImageJob:
        """The picture the form describes; ImageJobError names the field that is wrong."""
        size = self.size_combo.currentData()
        width, height = size if size else (None, None)
        seed = (random.SystemRandom().randint(0, MAX_SEED) if self.random_check.isChecked()
                else round(self.seed_spin.value()))
        return ImageJob(
            prompt=self.prompt_edit.toPlainText(),
            model=self._model,  # type: ignore[arg-type]  # None is refused by ImageJob with a plain message
            negative_prompt=self.negative_edit.text(),
            width=width,
            height=height,
            steps=self.steps_spin.value(),
            guidance=self.guidance_spin.value(),
            seed=seed,
        )

    def use_settings(self, job: ImageJob) -> None:
        """Fill the form from a picture's settings, seed included (so Generate draws it again)."""
        if self._busy:
            return
        self.prompt_edit.setPlainText(job.prompt)
        self.negative_edit.setText(job.negative_prompt)
        if job.width and job.height:
            self._select_size(job.width, job.height)
        if job.steps is not None:
            self.steps_spin.setValue(job.steps)
        if job.guidance is not None:
            self.guidance_spin.setValue(job.guidance)
        if job.seed is not None:
            self.random_check.setChecked(False)
            self.seed_spin.setValue(job.seed)
        self._error, self._warnings = self._model_error, []
        if self._model is None and job.model.exists():
            self.set_model(job.model)
        elif self._model is not None and _same_path(job.model, self._model) is False:
            name, current = job.model.name, self._model.name
            self._warnings.append(lambda: self.tr(
                "This picture was drawn with {0}; the current model is {1}, so the result will differ."
            ).format(name, current))
        self._set_status(lambda: self.tr("Settings filled in. Press Generate to draw the picture again."))
        self._show_notice()

    def _select_size(self, width: int, height: int) -> None:
        index = self.size_combo.findData((width, height))
        d = self._defaults
        if index < 0 and d is not None and (d.width, d.height) == (width, height):
            index = 0
        if index < 0:
            self.size_combo.addItem(f"{width}×{height}", (width, height))
            index = self.size_combo.count() - 1
        self.size_combo.setCurrentIndex(index)

    def _field_widget(self, field: str) -> QWidget | None:
        return {"prompt": self.prompt_edit, "negative_prompt": self.negative_edit, "width": self.size_combo,
                "height": self.size_combo, "steps": self.steps_spin, "guidance": self.guidance_spin,
                "seed": self.seed_spin}.get(field)

    # --- drawing -------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy

    def generate(self) -> bool:
        """Start drawing what the form describes; False (with a note saying why) when it cannot start."""
        if self._busy:
            return False
        self._warnings = []
        if self._support_missing():
            self._set_status(None)
            return False
        if self._model is None:
            self._fail_early(lambda: self.tr(
                "No image model is chosen. Press Get SD-Turbo… to download one, or Choose a diffusers folder… "
                "for one you have."))
            return False
        try:
            job = self.job()
        except ImageJobError as e:
            message = str(e)
            self._fail_early(lambda: message)
            widget = self._field_widget(e.field)
            if widget is not None:
                widget.setFocus()
            return False
        history = self.history
        if history is None:
            return False  # the notice already says why
        if job.negative_prompt and not job.negative_used:
            guidance = job.guidance
            self._warnings.append(lambda: self.tr(
                "The negative prompt has no effect at guidance {0:g}; raise guidance above 1 to use it."
            ).format(guidance))
        self._error, self._error_detail = None, ""
        self._show_notice()
        if self.random_check.isChecked():
            self.seed_spin.setValue(job.seed)  # shown now, so a picture worth keeping can be drawn again
        slot = self._slot = _RunSlot()
        self._hard_cancel = False
        engine, output = self.engine, history.new_path(job)
        self._phase = "preparing"
        self._steps = (0, job.steps or 0)
        self._set_status(lambda: self.tr("Preparing…"))
        self._set_busy(True)
        self.worker.events(lambda: _draw(engine, job, output, slot), cancel=lambda: slot.cancel(self._hard_cancel))
        return True

    def cancel(self) -> None:
        """Stop after the current step; a second press (or a model still loading) stops at once."""
        if not self._busy:
            return
        if self._stopping or self._phase in ("starting", "loading"):
            # Loading cannot be interrupted from inside; ending the worker is the only quick way.
            self._hard_cancel = True
            self._set_status(lambda: self.tr("Stopping now…"))
        else:
            self._set_status(lambda: self.tr("Stopping after this step…"))
        self._stopping = True
        self.worker.cancel()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop any picture at once and the threads (call before the window closes).

        The image worker process is stopped when this panel created the engine; an engine passed in
        belongs to the caller, who closes it. The same goes for the history."""
        self._hard_cancel = True
        self.worker.cancel()
        self.worker.wait(timeout)
        self.gallery.shutdown(timeout)
        if self._owns_engine and self._engine is not None:
            self._engine.close()
        if self._owns_history and self._history is not None:
            self._history.close()

    def _on_event(self, event: object) -> None:
        if not isinstance(event, ImageEvent):
            return
        if event.kind in ("starting", "loading"):
            self._phase = event.kind
            if not self._stopping:
                self._set_status(lambda: self.tr("Starting the image worker…") if event.kind == "starting"
                                 else self.tr("Loading the image model…"))
        elif event.kind == "loaded":
            self._phase = "drawing"
            if not self._stopping:
                self._set_status(None)
        elif event.kind == "step":
            self._phase = "drawing"
            self._steps = (event.step, event.steps)
            if not self._stopping:
                self._set_status(None)
        self._show_progress()

    def _on_finished(self, run: object) -> None:
        self._set_busy(False)
        if not isinstance(run, ImageRun) or run.cancelled:
            self._set_status(lambda: self.tr("Cancelled. No picture was saved."))
            self.generationCancelled.emit()
            return
        try:
            result = run.result(0)
        except ImageError as e:  # the run ended with an error the iteration did not raise
            self._on_failed(e)
            return
        self._saved(result)

    def _saved(self, result: ImageResult) -> None:
        seconds, seed = result.seconds, result.job.seed
        self._set_status(lambda: self.tr("Drawn in {0:.1f} s with seed {1}.").format(seconds, seed))
        history = self.history
        assert history is not None  # generate() does not start without one
        try:
            record = history.add_result(result)
        except ImageError as e:
            detail, path = str(e), result.path
            self._set_error(lambda: self.tr("The picture was saved as {0} but could not be listed: {1}").format(
                path, detail))
            return
        self.gallery.add(record)
        self.imageGenerated.emit(record)

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._set_status(None)
        message = self._describe(error)
        self._set_error(lambda: self._describe(error), detail=str(error))
        if isinstance(error, ImageJobError):
            widget = self._field_widget(error.field)
            if widget is not None:
                widget.setFocus()
        self.generationFailed.emit(message)

    def _describe(self, error: BaseException) -> str:
        """Plain words for each way a picture can fail; the core's exact words go in the notice's tooltip."""
        if isinstance(error, ImageModelError):
            return self.tr("The image model cannot be used: {0}").format(str(error))
        if isinstance(error, ImageOutOfMemoryError):
            return self.tr("The computer ran out of memory while drawing, so no picture was saved. Close other "
                           "programs or choose a smaller size, then try again.")
        if isinstance(error, ImageWorkerCrashedError):
            return self.tr("The image worker stopped unexpectedly, so no picture was saved. Try again: the next "
                           "picture starts a fresh worker.")
        if isinstance(error, ImageWorkerStartError):
            return self.tr("The image worker could not start: {0}").format(str(error))
        if isinstance(error, ImageJobError):
            return str(error)
        if isinstance(error, ImageError):
            return self.tr("The picture could not be drawn: {0}").format(str(error))
        return describe_error(error)

    # --- state and messages --------------------------------------------------
    def _fail_early(self, message: Message) -> None:
        self._set_error(message)
        self._set_status(None)

    def _set_busy(self, busy: bool) -> None:
        had_focus = self.focusWidget()
        self._busy = busy
        self._stopping = False
        if not busy:
            self._phase = ""
            self._slot = None
        self.generate_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        # Read-only rather than disabled: the focus stays in the prompt, so Esc still reaches Cancel.
        self.prompt_edit.setReadOnly(busy)
        self.negative_edit.setReadOnly(busy)
        for w in (self.size_combo, self.steps_spin, self.guidance_spin, self.random_check):
            w.setEnabled(not busy)
        self.seed_spin.setEnabled(not busy and not self.random_check.isChecked())
        self.gallery.reuse_allowed = not busy
        self.gallery._update_actions()
        if busy and (had_focus is None or not had_focus.isEnabled()):
            self.cancel_button.setFocus()
        elif not busy and had_focus is self.cancel_button:
            self.prompt_edit.setFocus()
        self._show_progress()
        self.busyChanged.emit(busy)

    def _gallery_status(self, message: Message) -> None:
        self._set_status(message)

    def _gallery_failed(self, message: Message) -> None:
        self._set_error(message)

    def _set_error(self, message: Message | None, detail: str = "") -> None:
        self._error, self._error_detail = message, detail
        self._show_notice()

    def _set_status(self, message: Message | None) -> None:
        self._status = message
        self._show_status()

    def _show_status(self) -> None:
        self.status.setText(text_of(self._status))

    def _show_progress(self) -> None:
        if not self._busy:
            self.progress.hide()
            return
        step, steps = self._steps
        if self._phase in ("preparing", "starting", "loading"):
            steps = 0  # no step count to show until the model is in memory
        show_count(self.progress, step, steps, self.tr("Step {0} of {1}").format(step, steps))

    def _show_notice(self) -> None:
        show_notice(self.notice, self._error, self._warnings, detail=self._error_detail)

    def notice_text(self) -> str:
        """The notice as plain text (what a screen reader says)."""
        return notice_text(self._error, self._warnings)






GET_MODEL_ID = "sd-turbo"  # the catalog's image model that "Get SD-Turbo…" downloads


def _same_path(a: Path, b: Path) -> bool | None:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return None
