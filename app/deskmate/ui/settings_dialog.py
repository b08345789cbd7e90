"""Settings: model file, threads, context size, offline mode, UI language, theme and text size.
Saved to settings.toml.

A wrong value in the file is named at the top of the dialog and its default is shown; only the
values the person changes are written, so nothing in the file is overwritten behind their back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.engines.errors import EngineError
from deskmate.core.settings import UI_ZOOM_STEPS, Settings, SettingsError, load_settings_leniently

from .i18n import LANGUAGES
from .look import theme_names
from .theme import set_tone


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None, settings_file: Path | None = None, *,
                 hotkey_status: str = "") -> None:
        super().__init__(parent)
        self.settings_file = settings_file
        self.shown = settings
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(560)  # the model path and its placeholder readable, not cut at 20 characters
        problems = load_settings_leniently(settings_file).problems
        self.file_problems = QLabel()
        self.file_problems.setWordWrap(True)
        self.file_problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_tone(self.file_problems, "error")
        self.file_problems.setText("\n".join(
            [self.tr("Deskmate uses the default for each setting below until you change it here or fix the file:")]
            + [str(p) for p in problems]))
        self.file_problems.setVisible(bool(problems))
        self.model = QLineEdit(settings.engine.model or "")
        self.model.setPlaceholderText(self.tr("Built-in model (SmolLM2-135M)"))
        self.model.setAccessibleName(self.tr("Model file"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(browse)
        self.threads = QSpinBox()
        self.threads.setRange(0, 512)
        self.threads.setSpecialValueText(self.tr("Automatic (one per core)"))
        self.threads.setValue(settings.engine.threads)
        self.n_ctx = QSpinBox()
        self.n_ctx.setRange(256, 1 << 20)
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setSuffix(self.tr(" tokens"))
        self.n_ctx.setValue(settings.engine.n_ctx)
        self.offline = QCheckBox(self.tr("Offline mode: never send anything over the network"))
        self.offline.setChecked(settings.app.offline)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.ui.language)))
        self.theme = QComboBox()
        for code, name in theme_names().items():
            self.theme.addItem(name, code)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.ui.theme)))
        self.zoom = QComboBox()
        for percent in UI_ZOOM_STEPS:
            self.zoom.addItem(f"{percent} %", percent)
        self.zoom.setCurrentIndex(max(0, self.zoom.findData(settings.ui.zoom)))
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_tone(self.error, "error")
        self.error.setVisible(False)

        form = QFormLayout()
        form.addRow(self.tr("Model file"), model_row)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow(self.tr("Context size"), self.n_ctx)
        form.addRow("", self.offline)
        form.addRow(self.tr("Interface language"), self.language)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Text size"), self.zoom)
        # Whether the global hotkeys work here, and what to bind in the desktop's settings when not.
        self.hotkeys = QLabel(hotkey_status, wordWrap=True)
        self.hotkeys.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if hotkey_status:
            form.addRow(self.tr("Global hotkeys"), self.hotkeys)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_problems)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.saved: Settings | None = None

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a GGUF model"), str(Path.home()),
                                              self.tr("GGUF models (*.gguf)"))
        if path:
            self.model.setText(path)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def accept(self) -> None:
        """Validate, then save what was changed; on a problem say what is wrong and keep the dialog open."""
        from deskmate.core.engines.gguf_check import check_gguf
        from deskmate.core.settings import set_values

        model = self.model.text().strip()
        if model:
            try:
                check_gguf(model)
            except EngineError as e:
                self.show_error(str(e))
                return
        old = self.shown
        fields = (
            ("engine", "model", model or None, old.engine.model),
            ("engine", "threads", self.threads.value(), old.engine.threads),
            ("engine", "n_ctx", self.n_ctx.value(), old.engine.n_ctx),
            ("app", "offline", self.offline.isChecked(), old.app.offline),
            ("ui", "language", self.language.currentData(), old.ui.language),
            ("ui", "theme", self.theme.currentData(), old.ui.theme),
            ("ui", "zoom", self.zoom.currentData(), old.ui.zoom),
        )
        try:
            changed = [(table, key, value) for table, key, value, before in fields if value != before]
            if changed:
                set_values(changed, self.settings_file)
            self.saved = load_settings_leniently(self.settings_file).settings
        except (SettingsError, OSError) as e:
            self.show_error(self.tr("The settings could not be saved: {error}").format(error=e))
            return
        super().accept()
