"""The model picker: the built-in model plus every installed GGUF; choosing one switches the engine.

Its last entry, "Get more models…", opens the Models dialog on its recommended models."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

REMOTE = "remote:"
MORE = "action:more-models"


class ModelPicker(QWidget):
    modelChosen = Signal(str)  # path of a .gguf; "" = the built-in model
    remoteChosen = Signal(str)  # name of a remote endpoint
    moreRequested = Signal()  # "Get more models…" was chosen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.combo = QComboBox()
        self.combo.setAccessibleName("Model")
        self.combo.setMinimumContentsLength(24)
        # Long model names are elided, not allowed to widen the window past the screen at a large zoom.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo, 1)
        # Settings can send tasks to a remote server ([remote] mode): then that server is what answers.
        self.routed = QLabel()
        self.routed.setWordWrap(True)
        self.routed.setVisible(False)
        layout.addWidget(self.routed, 1)
        self._current = ""
        self._shown = 0  # the row of the model in use
        self.combo.activated.connect(self._activated)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("Model:"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.refresh(self._current)
        super().changeEvent(event)

    def refresh(self, current: str | None = None) -> None:
        """List the models; ``current`` is the running model's path ('' for the built-in one)."""
        from deskmate.core.engines.embedded import embedded_model_path
        from deskmate.core.models.registry import Registry

        self._current = current or ""
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("Built-in: SmolLM2-135M (small, for trying things out)"), "")
        seen = {""}
        try:
            builtin = str(embedded_model_path())
        except Exception:
            builtin = ""
        try:
            installed = [m for m in Registry().list() if m.kind == "text"]
        except Exception:  # a broken registry must not hide the built-in model
            installed = []
        for m in installed:
            if m.path in seen or m.path == builtin:
                continue
            seen.add(m.path)
            self.combo.addItem(f"{m.name}  ({m.size / 1e9:.1f} GB)", m.path)
        if self._current and self._current != builtin and self._current not in seen \
                and not self._current.startswith(REMOTE):
            self.combo.addItem(Path(self._current).name, self._current)
        try:
            from deskmate.core.remote import load_endpoints

            endpoints = load_endpoints()
        except Exception:  # a bad [remote] section is reported by the endpoint editor, not here
            endpoints = []
        for ep in endpoints:
            self.combo.addItem(self.tr("Remote: {name} ({model})").format(name=ep.name, model=ep.model),
                               REMOTE + ep.name)
        self.combo.insertSeparator(self.combo.count())
        self.combo.addItem(self.tr("Get more models…"), MORE)
        self.combo.setItemData(self.combo.count() - 1, self.tr("Download a recommended model, or import a GGUF file"),
                               Qt.ItemDataRole.ToolTipRole)
        shown = "" if self._current == builtin else self._current
        routed = self._routed_remote() if not shown.startswith(REMOTE) else None
        if routed is not None and routed[0] == "remote" and self.combo.findData(REMOTE + routed[1]) >= 0:
            shown = REMOTE + routed[1]  # every task goes there: the local model is not what answers
        self.routed.setVisible(routed is not None)
        if routed is not None:
            self.routed.setText(self.tr("All tasks go to the remote server {name} (Settings)").format(name=routed[1])
                                if routed[0] == "remote" else
                                self.tr("Long or heavy tasks go to the remote server {name} (Settings)")
                                .format(name=routed[1]))
        index = self.combo.findData(shown)
        self._shown = max(0, index)
        self.combo.setCurrentIndex(self._shown)
        self.combo.blockSignals(False)

    @staticmethod
    def _routed_remote() -> tuple[str, str] | None:
        """("remote" or "auto", the server's name) when settings route tasks to a remote server, else None."""
        try:
            from deskmate.core.remote import load_remote_settings
            from deskmate.core.settings import load_settings_leniently

            if load_settings_leniently().settings.app.offline:
                return None
            remote = load_remote_settings()
            return (remote.mode, remote.endpoint().name) if remote.mode != "local" else None
        except Exception:  # no server, several and none chosen, a bad [remote] section: the local model answers
            return None

    def _activated(self, index: int) -> None:
        path = self.combo.itemData(index) or ""
        if path == MORE:  # an action, not a model: the running model stays chosen
            self.combo.setCurrentIndex(self._shown)
            self.moreRequested.emit()
            return
        self._shown = index
        if path == self._current:
            return
        self._current = path
        if path.startswith(REMOTE):
            self.remoteChosen.emit(path[len(REMOTE):])
        else:
            self.modelChosen.emit(path)
