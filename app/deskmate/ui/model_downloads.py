"""One row of the Models dialog's download queue, and finding partial downloads left on disk.

Each row runs the core's pull (core/models/pull.py) on its own thread and reports bytes, speed and time
left through queued signals; pause, resume and cancel go through the core's DownloadControl.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.engines.errors import EngineError
from deskmate.core.models.catalog import Catalog, CatalogEntry, CatalogError
from deskmate.core.models.download import DownloadControl, Downloader, Progress, ProgressFn, human_size
from deskmate.core.models.hub import (
    ChecksumMismatchError,
    DownloadCancelled,
    DownloadError,
    NetworkError,
    NotEnoughDiskError,
    OfflineError,
)
from deskmate.core.models.registry import InstalledModel, RegistryError
from deskmate.core.settings import SettingsError

from .background import Worker, describe_error
from .retranslating import Retranslating
from .theme import set_tone

BAR_STEPS = 1000  # QProgressBar holds a C int: 5 GB in bytes would overflow it
Message = Callable[[], str]
Run = Callable[[ProgressFn, DownloadControl], InstalledModel]




def _duration(seconds: float) -> str:
    if seconds < 90:
        return QCoreApplication.translate("ModelsDialog", "{0} s").format(round(seconds))
    if seconds < 5400:
        return QCoreApplication.translate("ModelsDialog", "{0} min").format(round(seconds / 60))
    return QCoreApplication.translate("ModelsDialog", "{0} h").format(f"{seconds / 3600:.1f}")


def describe_download_error(error: BaseException) -> str:
    """The sentence a person reads in the download row; the core's own words where they are plain."""
    if isinstance(error, OfflineError):
        return QCoreApplication.translate("ModelsDialog", 
            "Offline mode is on, so nothing was downloaded and nothing was sent over the network. "
            "Turn offline mode off in Settings (and unset HF_HUB_OFFLINE if you set it), "
            "or import a GGUF file you already have."
        )
    if isinstance(error, NotEnoughDiskError):
        return QCoreApplication.translate("ModelsDialog", 
            "Not enough disk space: this download needs {0} but only {1} is free. "
            "Free some space, or choose a smaller model."
        ).format(human_size(error.needed), human_size(error.free))
    if isinstance(error, ChecksumMismatchError):
        return QCoreApplication.translate("ModelsDialog", 
            "The file arrived damaged (its SHA-256 does not match the one the hub publishes), so it was "
            "not installed and the damaged copy was deleted. Download it again."
        )
    if isinstance(error, NetworkError):
        return QCoreApplication.translate("ModelsDialog", "Network problem: {0}").format(str(error))
    if isinstance(error, (DownloadError, RegistryError, EngineError, SettingsError, CatalogError)):
        return str(error)
    return describe_error(error)


@dataclasses.dataclass(frozen=True)
class PendingDownload:
    """A partial file left by an earlier download, resumable."""

    spec: str
    repo: str
    filename: str
    name: str
    done: int
    total: int
    entry: CatalogEntry | None


def spec_for(entry: CatalogEntry) -> str:
    """What ``pull`` is asked for. repo/file for text models, so a catalog other than the shipped
    one (a test's, a future user list) downloads too; image models only exist by catalog id."""
    return f"{entry.repo}/{entry.file}" if entry.kind == "text" else entry.id


def find_pending(downloader: Downloader, catalog: Catalog | None) -> list[PendingDownload]:
    """The partial downloads the core kept, named from the catalog when it knows them."""
    out: dict[str, PendingDownload] = {}
    for part in downloader.pending():
        repo, filename = part.repo_id, part.filename
        entry = catalog.find_file(repo, filename) if catalog is not None else None
        if entry is None and catalog is not None:
            entry = next((e for e in catalog.images if e.repo == repo), None)
        if entry is not None:
            spec = spec_for(entry)
        elif filename.lower().endswith(".gguf"):
            spec = f"{repo}/{filename}"
        else:
            continue  # a file of a model we cannot name: nothing to resume it with
        out.setdefault(spec, PendingDownload(spec, repo, filename, entry.name if entry else filename, part.done,
                                             part.total, entry))
    return list(out.values())


# --- one download --------------------------------------------------------------------------
class DownloadRow(Retranslating, QFrame):
    """File, progress bar with bytes / speed / time left, Pause–Resume and Cancel.

    States: starting, downloading, checking, retrying, verifying, paused (the core's), plus
    stopping, stopped (partial kept, resumable), failed (message shown), done.
    """

    finished = Signal(object)  # the InstalledModel
    failed = Signal(str)  # the message shown
    stateChanged = Signal(str)
    removed = Signal()  # Cancel finished: the partial file is gone and the row leaves the list

    _relay = Signal(object)

    def __init__(self, spec: str, name: str, repo: str, filename: str, run: Run,
                 discard: Callable[[str, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self.name, self.repo, self.filename = spec, name, repo, filename
        self._run, self._discard = run, discard
        self.state = "stopped"
        self.control: DownloadControl | None = None
        self.model: InstalledModel | None = None
        self.done_bytes, self.total_bytes = 0, 0
        self._last: Progress | None = None
        self._error: Message | None = None
        self._cancelling = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.worker = Worker(self, name=f"download {spec}")
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self._relay.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setMinimumWidth(220)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pause_button = QPushButton()
        self.pause_button.clicked.connect(self.toggle)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.pause_button)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        self.retranslate()

    @property
    def busy(self) -> bool:
        """A thread is working on it (paused counts: the thread waits)."""
        return self.worker.busy

    def set_kept(self, done: int, total: int) -> None:
        """Show bytes an earlier run left on disk."""
        self.done_bytes, self.total_bytes = done, total
        self._set_state("stopped")

    # --- actions --------------------------------------------------------------
    def start(self) -> bool:
        """Start, resume a stopped download, or retry a failed one."""
        if self.busy or self.state == "done":
            return False
        control = self.control = DownloadControl()
        self._error, self._cancelling, self._last = None, False, None

        def on_progress(p: Progress) -> None:
            try:
                self._relay.emit(p)
            except RuntimeError:  # the row was deleted with its dialog: stop, keep the partial file
                control.cancel()

        self.worker.call(self._run, on_progress, control)
        self._set_state("starting")  # after call(): the buttons read busy
        return True

    def pause(self) -> None:
        if self.busy and self.control is not None and not self.control.paused and self.state != "stopping":
            self.control.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self.busy and self.control is not None and self.control.paused:
            self.control.resume()
            self._set_state("downloading" if self._last is not None else "starting")
        elif not self.busy:
            self.start()

    def toggle(self) -> None:
        if self.busy and self.control is not None and not self.control.paused:
            self.pause()
        else:
            self.resume()

    def stop(self) -> None:
        """Stop and keep the partial file (the dialog closes)."""
        if self.busy and self.control is not None:
            self.control.cancel()
            self._set_state("stopping")

    def cancel(self) -> None:
        """Stop and throw away what was downloaded."""
        if self.busy and self.control is not None:
            self._cancelling = True
            self.control.cancel()
            self._set_state("stopping")
        elif self.state != "done":
            self._discard_and_remove()

    # --- what the thread reports ------------------------------------------------
    def _on_progress(self, p: Progress) -> None:
        self._last = p
        self.filename = p.filename
        self.done_bytes, self.total_bytes = p.done, p.total
        if self.state == "stopping":
            self._show()
            return
        state = p.state if p.state != "done" else "verifying"  # done comes with the registration
        if self.control is not None and self.control.paused and state != "verifying":
            state = "paused"  # a late "downloading" from before the pause took effect
        self._set_state(state)

    def _on_finished(self, model: object) -> None:
        self.model = model if isinstance(model, InstalledModel) else None
        if self.total_bytes:
            self.done_bytes = self.total_bytes
        self._set_state("done")
        self.finished.emit(model)

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, DownloadCancelled):
            if self._cancelling:
                self._discard_and_remove()
            else:
                self._set_state("stopped")
            return
        if isinstance(error, ChecksumMismatchError):
            self.done_bytes = 0  # the core deleted the damaged copy
        self._error = lambda: describe_download_error(error)
        self._set_state("failed")
        self.failed.emit(self._error())

    def _discard_and_remove(self) -> None:
        try:
            self._discard(self.repo, self.filename)
        except OSError:
            pass  # a file we cannot delete now is overwritten by the next download anyway
        self._set_state("cancelled")
        self.removed.emit()

    # --- display ------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        changed = state != self.state
        self.state = state
        self._show()
        if changed:
            self.stateChanged.emit(state)

    def retranslate(self) -> None:
        self.bar.setAccessibleName(self.tr("Download progress of {0}").format(self.name))
        self.detail.setAccessibleName(self.tr("Download status of {0}").format(self.name))
        self._show()

    def _show(self) -> None:
        state, p = self.state, self._last
        file_name = self.filename.rsplit("/", 1)[-1] or self.name
        self.title.setText(f"{self.name} — {file_name}" if file_name != self.name else self.name)
        done, total = human_size(self.done_bytes), human_size(self.total_bytes)
        if self.total_bytes:
            self.bar.setRange(0, BAR_STEPS)
            self.bar.setValue(min(BAR_STEPS, round(self.done_bytes / self.total_bytes * BAR_STEPS)))
        elif state in ("starting", "checking"):
            self.bar.setRange(0, 0)  # busy until the hub says how big the file is
        else:
            self.bar.setRange(0, BAR_STEPS)
            self.bar.setValue(0)
        if state == "starting":
            text = self.tr("Asking the hub about the file…")
        elif state == "downloading":
            text = self.tr("{0} of {1}").format(done, total)
            if p is not None and p.speed > 0:
                text += " · " + self.tr("{0}/s").format(human_size(p.speed))
                if p.eta is not None:
                    text += " · " + self.tr("{0} left").format(_duration(p.eta))
        elif state == "checking":
            text = self.tr("Checking the {0} already downloaded…").format(done)
        elif state == "retrying":
            text = self.tr("The connection dropped; trying again. {0} of {1} kept.").format(done, total)
        elif state == "verifying":
            text = self.tr("Checking the SHA-256 of the whole file…")
        elif state == "paused":
            text = self.tr("Paused at {0} of {1}.").format(done, total)
        elif state == "stopping":
            text = self.tr("Stopping…")
        elif state == "stopped":
            text = self.tr("Stopped at {0} of {1}. Resume continues from there.").format(done, total)
        elif state == "failed":
            text = self._error() if self._error else ""
        elif state == "done":
            name = self.model.name if self.model is not None else self.name
            text = self.tr("Installed as {0}.").format(name)
        else:
            text = ""
        self.detail.setText(text)
        set_tone(self.detail, "error" if state == "failed" else "")
        running = self.busy and state not in ("stopping", "stopped", "failed", "done")
        self.pause_button.setVisible(state not in ("done", "cancelled"))
        self.cancel_button.setVisible(state not in ("done", "cancelled"))
        self.pause_button.setEnabled(state not in ("stopping", "verifying"))
        self.cancel_button.setEnabled(state != "stopping" or not self._cancelling)
        if running and state != "paused":
            label, spoken = self.tr("Pause"), self.tr("Pause the download of {0}")
        elif state == "failed":
            label, spoken = self.tr("Retry"), self.tr("Retry the download of {0}")
        else:
            label, spoken = self.tr("Resume"), self.tr("Resume the download of {0}")
        self.pause_button.setText(label)
        self.pause_button.setAccessibleName(spoken.format(self.name))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the download of {0} and delete what was downloaded")
                                             .format(self.name))
        self.cancel_button.setToolTip(self.tr("Stop and delete what was downloaded"))
