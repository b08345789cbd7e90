"""The Models dialog: installed models, recommended ones with fit badges, and the download queue.

Nothing slow runs on the GUI thread. Listing the installed models (it reads GGUF headers) and
sizing up the catalog happen in one background scan; each download runs the core's
``pull.pull`` on its own thread; verify, import and delete share one more. Everything comes
back through queued signals, so the slots here may touch widgets.

Closing the dialog stops running downloads but keeps their partial files (the core keeps them on
cancel). The next time the dialog opens it finds them in the models folder's ``.partial`` folder
and lists them with a Resume button, which continues from the last byte on disk.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.engines.errors import ModelInvalidError
from deskmate.core.engines import fit as fitmod
from deskmate.core.models.catalog import Catalog, CatalogEntry
from deskmate.core.models.download import DownloadControl, Downloader, ProgressFn, human_size
from deskmate.core.models.hub import HubConfig, hub_config
from deskmate.core.models.pull import pull
from deskmate.core.models.overview import InstalledRow, Overview, builtin_model, overview
from deskmate.core.models.registry import InstalledModel, Registry, RegistryError
from deskmate.core.settings import SettingsError

from .background import Worker
from .model_downloads import (
    BAR_STEPS,
    DownloadRow,
    Message,
    PendingDownload,
    Run,
    describe_download_error,
    find_pending,
    spec_for,
)
from .retranslating import Retranslating
from .theme import color, set_tone

ID_ROLE = Qt.ItemDataRole.UserRole
_BADGE_COLORS = {  # theme roles: text, background
    "fits": ("inserted", "inserted_bg"),
    "slow": ("warn", "warn_bg"),
    "tight": ("warn", "warn_bg"),
    "wont_fit": ("deleted", "deleted_bg"),
    "broken": ("deleted", "deleted_bg"),
}




def _badge(verdict: str) -> str:
    return {
        "fits": QCoreApplication.translate("ModelsDialog", "fits"),
        "slow": QCoreApplication.translate("ModelsDialog", "slow"),
        "tight": QCoreApplication.translate("ModelsDialog", "tight"),
        "wont_fit": QCoreApplication.translate("ModelsDialog", "won't fit"),
        "broken": QCoreApplication.translate("ModelsDialog", "broken file"),
        "missing": QCoreApplication.translate("ModelsDialog", "file missing"),
    }.get(verdict, "")


def _fit_text(verdict: str, speed: fitmod.Speed | None) -> str:
    """The badge, with the expected decode speed when there is one."""
    if speed is None:
        return _badge(verdict)
    pace = QCoreApplication.translate("ModelsDialog", "~{0} tokens/s").format(f"{speed.tokens_per_s:.1f}")
    return f"{_badge(verdict)} · {pace}"




# --- what the background scan finds -------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Scan(Overview):
    """The core's overview, plus what the Downloads tab needs."""

    pending: tuple[PendingDownload, ...] = ()
    hub: HubConfig | None = None


def _builtin_name() -> str:
    return QCoreApplication.translate("ModelsDialog", "Built-in small model")


# --- the dialog ------------------------------------------------------------------------------
class ModelsDialog(Retranslating, QDialog):
    """Installed models, recommended ones, and downloads. See the module docstring."""

    defaultModelChanged = Signal(str)  # the model file the engine should run now
    modelsChanged = Signal()  # a model was installed, imported or deleted
    refreshed = Signal()  # a scan finished and the tables show it
    modelInstalled = Signal(object)  # the InstalledModel a download just installed

    _job_progress = Signal(object)  # (done, total) bytes from the jobs thread

    def __init__(
        self,
        registry: Registry | None = None,
        downloader: Downloader | None = None,
        parent: QWidget | None = None,
        *,
        catalog: Catalog | None = None,
        memory: fitmod.MemoryInfo | None = None,
        n_ctx: int | None = None,
        choose_file: Callable[[QWidget], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.registry = registry or Registry()
        self._downloader = downloader
        self._catalog = catalog
        self._memory = memory
        self._n_ctx = n_ctx
        self._choose_file = choose_file or _choose_gguf
        self.scan: Scan | None = None
        self._rescan = False
        self._rows: dict[str, DownloadRow] = {}
        self._status: Message | None = None
        self._status_error = False
        self._job_kind = ""
        self._job_stop = False
        self._job_refused: Callable[[BaseException], Message] | None = None
        self._wanted = ""  # a catalog model to download once the first scan has read the catalog

        self.scanner = Worker(self, name="models-scan")
        self.scanner.finished.connect(self._on_scanned)
        self.scanner.failed.connect(self._on_scan_failed)
        self.jobs = Worker(self, name="models-jobs")
        self.jobs.finished.connect(self._on_job_finished)
        self.jobs.failed.connect(self._on_job_failed)
        self._job_done: Callable[[Any], None] = lambda _r: None
        self._job_progress.connect(self._on_job_progress, Qt.ConnectionType.QueuedConnection)

        # --- header
        self.memory_label = QLabel()
        self.memory_label.setWordWrap(True)
        self.offline_banner = QLabel()
        self.offline_banner.setWordWrap(True)
        set_tone(self.offline_banner, "banner")
        self.offline_banner.hide()
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        set_tone(self.problems_label, "error")
        self.problems_label.hide()

        # --- Installed
        self.installed_table = _table(5)
        self.installed_table.itemSelectionChanged.connect(self._update_buttons)
        self.set_default_button = QPushButton()
        self.verify_button = QPushButton()
        self.delete_button = QPushButton()
        self.import_button = QPushButton()
        self.set_default_button.clicked.connect(lambda: self.set_default())
        self.verify_button.clicked.connect(lambda: self.verify())
        self.delete_button.clicked.connect(lambda: self.delete())
        self.import_button.clicked.connect(lambda: self.import_gguf())
        self.job_progress = QProgressBar()
        self.job_progress.setRange(0, BAR_STEPS)
        self.job_progress.hide()
        self.job_status = QLabel()
        self.job_status.setWordWrap(True)
        self.job_status.setTextFormat(Qt.TextFormat.RichText)
        self.job_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.job_status.hide()
        self.confirm_box: QMessageBox | None = None
        buttons = QHBoxLayout()
        for b in (self.set_default_button, self.verify_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        self.installed_page = QWidget()
        page = QVBoxLayout(self.installed_page)
        page.addWidget(self.installed_table, 1)
        page.addLayout(buttons)
        page.addWidget(self.job_progress)
        page.addWidget(self.job_status)

        # --- Recommended
        self.recommended_table = _table(7)
        self.recommended_page = QWidget()
        page = QVBoxLayout(self.recommended_page)
        page.addWidget(self.recommended_table, 1)

        # --- Downloads
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.no_downloads = QLabel()
        self.no_downloads.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rows_box = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_box)
        self.rows_layout.addWidget(self.no_downloads)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows_box)
        self.downloads_page = QWidget()
        page = QVBoxLayout(self.downloads_page)
        page.addWidget(self.source_label)
        page.addWidget(scroll, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.installed_page, "")
        self.tabs.addTab(self.recommended_page, "")
        self.tabs.addTab(self.downloads_page, "")
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.memory_label)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.close_buttons)
        self.resize(960, 560)
        self.retranslate()

    # --- text -----------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Models"))
        self.tabs.setTabText(0, self.tr("Installed"))
        self.tabs.setTabText(1, self.tr("Recommended"))
        self._update_downloads_tab()
        self.installed_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Size"), self.tr("Fit"), self.tr("Default"), self.tr("From")])
        self.recommended_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Size"), self.tr("License"), self.tr("Memory need"), self.tr("Fit"),
             self.tr("Recommended context"), ""])
        self.installed_table.setAccessibleName(self.tr("Installed models"))
        self.recommended_table.setAccessibleName(self.tr("Recommended models"))
        self.set_default_button.setText(self.tr("Set &default"))
        self.set_default_button.setAccessibleName(self.tr("Make the selected model the default"))
        self.set_default_button.setToolTip(self.tr("Use the selected model for chat; the engine restarts with it"))
        self.verify_button.setText(self.tr("&Verify"))
        self.verify_button.setAccessibleName(self.tr("Verify the selected model"))
        self.verify_button.setToolTip(self.tr("Check the file against its SHA-256"))
        self.delete_button.setText(self.tr("De&lete…"))
        self.delete_button.setAccessibleName(self.tr("Delete the selected model"))
        self.import_button.setText(self.tr("&Import GGUF…"))
        self.import_button.setAccessibleName(self.tr("Import a GGUF model file"))
        self.import_button.setToolTip(self.tr("Add a GGUF file you already have; it is test-loaded first"))
        self.job_progress.setAccessibleName(self.tr("Progress"))
        self.job_status.setAccessibleName(self.tr("Status"))
        self.offline_banner.setText(self.tr(
            "Offline mode is on: Deskmate does not download anything. Turn it off in Settings to download "
            "models, or import a GGUF file you already have."))
        self.offline_banner.setAccessibleName(self.tr("Offline mode"))
        self.no_downloads.setText(self.tr("No downloads. Pick a model under Recommended."))
        self._show_status()
        if self.scan is not None:
            self._populate(self.scan)

    # --- scanning -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Look at the disk again (in the background); ``refreshed`` says when the tables show it."""
        if not self.scanner.call(self._do_scan):
            self._rescan = True

    def _do_scan(self) -> Scan:
        view = overview(self.registry, n_ctx=self._n_ctx, memory=self._memory, catalog=self._catalog,
                        builtin_name=_builtin_name())
        problems = list(view.problems)
        hub: HubConfig | None
        if self._downloader is not None:
            hub = self._downloader.config
        else:
            try:
                hub = hub_config()
            except SettingsError as e:
                problems.append(str(e))
                hub = None
        pending = find_pending(self._disk_downloader(), view.catalog)
        return Scan(**{**vars(view), "problems": tuple(problems)}, pending=tuple(pending), hub=hub)

    def _on_scanned(self, scan: Scan) -> None:
        self.scan = scan
        self._populate(scan)
        if self._wanted:
            wanted, self._wanted = self._wanted, ""
            self.get(wanted)
        if self._rescan:
            self._rescan = False
            self.refresh()
        else:
            self.refreshed.emit()

    def _on_scan_failed(self, error: BaseException) -> None:
        self._set_status(lambda: self.tr("Could not list the models: {0}").format(describe_download_error(error)),
                         error=True)
        if self._rescan:
            self._rescan = False
            self.refresh()

    def _populate(self, scan: Scan) -> None:
        self.memory_label.setText(self.tr(
            "This computer has {0} of memory free (of {1}). Fit is shown for a context of {2} tokens."
        ).format(fitmod.human_gb(scan.memory.available), fitmod.human_gb(scan.memory.total), scan.n_ctx))
        self.offline_banner.setVisible(bool(scan.hub and scan.hub.offline))
        self.problems_label.setText("\n".join(scan.problems))
        self.problems_label.setVisible(bool(scan.problems))
        endpoint = scan.hub.endpoint if scan.hub else ""
        self.source_label.setText(self.tr("Downloads come from {0}.").format(endpoint) if endpoint else "")
        for p in scan.pending:
            if p.spec not in self._rows:
                row = self._add_row(p.spec, p.name, p.repo, p.filename, p.entry)
                row.set_kept(p.done, p.total)
        self._fill_installed(scan)
        self._fill_recommended(scan)
        self._update_buttons()

    def _fill_installed(self, scan: Scan) -> None:
        table = self.installed_table
        selected = self.selected_model_id()
        table.setRowCount(len(scan.installed))
        for r, row in enumerate(scan.installed):
            m = row.model
            where = (self.tr("built-in") if row.builtin else m.repo or
                     (self.tr("imported from {0}").format(m.original) if m.original else self.tr("models folder")))
            cells = [m.name, human_size(m.size), _fit_text(row.verdict, row.speed), self.tr("★ default") if row.default else "",
                     where]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, m.id)
                table.setItem(r, c, item)
            table.item(r, 0).setToolTip(m.path)
            _paint_badge(table.item(r, 2), row.verdict, row.note)
            if row.default:
                font = table.item(r, 0).font()
                font.setBold(True)
                for c in range(table.columnCount()):
                    table.item(r, c).setFont(font)
        if selected is not None:
            self.select_model(selected)

    def _fill_recommended(self, scan: Scan) -> None:
        table = self.recommended_table
        lang = "zh" if QLocale().name().startswith("zh") else "en"
        table.setRowCount(len(scan.recommended))
        for r, row in enumerate(scan.recommended):
            e, f = row.entry, row.fit
            size = ("~" if not e.size_exact else "") + human_size(e.size_bytes)
            need = fitmod.human_gb(f.estimate.total)
            ctx = str(f.recommended_ctx) if f.recommended_ctx else "—"
            cells = [e.name, size, e.license.split(" (")[0], need, _fit_text(f.verdict, f.speed), ctx]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, e.id)
                table.setItem(r, c, item)
            table.item(r, 0).setToolTip(e.describe(lang))
            table.item(r, 2).setToolTip(e.license)
            _paint_badge(table.item(r, 4), f.verdict, f.message)
            button = QPushButton()
            button.clicked.connect(lambda _c=False, i=e.id: self.download(i))
            table.setCellWidget(r, 6, button)
        self._update_recommended_buttons()

    def _update_recommended_buttons(self) -> None:
        scan = self.scan
        if scan is None:
            return
        offline = bool(scan.hub and scan.hub.offline)
        for r, row in enumerate(scan.recommended):
            e = row.entry
            button = self.recommended_table.cellWidget(r, 6)
            if not isinstance(button, QPushButton):
                continue
            dl = self._rows.get(spec_for(e))
            if row.installed or (dl is not None and dl.state == "done"):
                text, enabled = self.tr("Installed"), False
            elif dl is not None and dl.busy:
                text, enabled = (self.tr("Paused") if dl.state == "paused" else self.tr("Downloading…")), False
            elif dl is not None:
                text, enabled = (self.tr("Retry") if dl.state == "failed" else self.tr("Resume")), not offline
            else:
                text, enabled = self.tr("Download"), not offline
            button.setText(text)
            button.setEnabled(enabled)
            button.setAccessibleName(self.tr("{0}: {1}").format(text, e.name))
            button.setToolTip(self.tr("Offline mode is on") if offline and text != self.tr("Installed") else "")

    # --- selection ------------------------------------------------------------------------
    def selected_model_id(self) -> str | None:
        items = self.installed_table.selectedItems()
        return items[0].data(ID_ROLE) if items else None

    def select_model(self, model_id: str) -> bool:
        for r in range(self.installed_table.rowCount()):
            item = self.installed_table.item(r, 0)
            if item is not None and item.data(ID_ROLE) == model_id:
                self.installed_table.selectRow(r)
                return True
        return False

    def _installed(self, model_id: str | None) -> InstalledRow | None:
        if self.scan is None or model_id is None:
            return None
        return next((r for r in self.scan.installed if r.model.id == model_id), None)

    def _update_buttons(self) -> None:
        row = self._installed(self.selected_model_id())
        idle = not self.jobs.busy
        self.set_default_button.setEnabled(
            row is not None and row.model.kind == "text" and row.model.present and not row.default)
        self.verify_button.setEnabled(row is not None and idle)
        self.delete_button.setEnabled(row is not None and not row.builtin and idle)
        self.import_button.setEnabled(idle)

    # --- Installed actions --------------------------------------------------------------------
    def set_default(self, model_id: str | None = None) -> bool:
        row = self._installed(model_id or self.selected_model_id())
        if row is None:
            return False
        m = row.model
        try:
            if row.builtin:
                from deskmate.core.settings import set_engine_model

                set_engine_model(None)
            else:
                m = self.registry.set_default(m.id)
        except (RegistryError, SettingsError, OSError) as e:
            reason = describe_download_error(e)
            self._set_status(lambda: self.tr("Could not set the default: {0}").format(reason), error=True)
            return False
        self._set_status(lambda: self.tr("{0} is now the default model.").format(m.name))
        self.defaultModelChanged.emit(m.path)
        self.refresh()
        return True

    def verify(self, model_id: str | None = None) -> bool:
        row = self._installed(model_id or self.selected_model_id())
        if row is None or self.jobs.busy:
            return False
        from deskmate.core.models.registry import verify as check

        m = row.model

        seen = [0]

        def on_bytes(n: int) -> None:
            if self._job_stop:
                raise InterruptedError("the dialog closed")  # hashing 5 GB for nobody is a waste
            seen[0] += n
            self._job_progress.emit((seen[0], m.size))

        def done(result: Any) -> None:
            if result.ok:
                self._set_status(lambda: self.tr("{0} is intact: its checksum matches.").format(m.name)
                                 if m.sha256 else self.tr("{0} looks intact (it has no recorded checksum, so only "
                                                          "its header was checked).").format(m.name))
            else:
                problems = "; ".join(result.problems)
                self._set_status(lambda: self.tr("{0} is damaged: {1}. Delete it and download it again.")
                                 .format(m.name, problems), error=True)

        self._start_job(lambda: check(m, on_bytes=on_bytes), done,
                        lambda: self.tr("Verifying {0}…").format(m.name), determinate=True)
        self._job_kind = "verify"
        return True

    def delete(self, model_id: str | None = None) -> bool:
        """Ask first (a window-modal question); the file goes only after Yes."""
        row = self._installed(model_id or self.selected_model_id())
        if row is None or row.builtin or self.jobs.busy:
            return False
        m = row.model
        if m.link in ("hardlink", "symlink") and m.original:
            detail = self.tr("Your original file stays where it is: {0}").format(m.original)
        else:
            detail = self.tr("Its file will be deleted from this computer: {0}").format(m.path)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete model"),
                          self.tr("Delete {0} ({1})?").format(m.name, human_size(m.size)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setInformativeText(detail)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            yes = clicked is not None and box.standardButton(clicked) == QMessageBox.StandardButton.Yes
            self.confirm_box = None
            box.deleteLater()
            if yes:
                self._delete_now(m)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
        return True

    def _delete_now(self, m: InstalledModel) -> None:
        def done(result: Any) -> None:
            _, was_default = result
            self._set_status(lambda: self.tr("{0} was deleted.").format(m.name))
            self.modelsChanged.emit()
            if was_default:
                builtin = builtin_model(_builtin_name())
                self.defaultModelChanged.emit(builtin.path if builtin else "")
            self.refresh()

        self._start_job(lambda: self.registry.remove(m.id), done, lambda: self.tr("Deleting {0}…").format(m.name),
                        determinate=False)

    def import_gguf(self, path: str | None = None) -> bool:
        """Check a GGUF file in a throw-away process, then add it; a refusal is shown in plain words."""
        if self.jobs.busy:
            return False
        if path is None:
            path = self._choose_file(self)
        if not path:
            return False
        name = Path(path).name
        registry = self.registry

        def run() -> InstalledModel:
            from deskmate.core.models.importer import import_model

            return import_model(path, registry=registry,
                                on_progress=lambda done, total: self._job_progress.emit((done, total)))

        def done(model: Any) -> None:
            self._set_status(lambda: self.tr("Imported {0}. Select it and press Set default to use it.")
                             .format(model.name))
            self.modelsChanged.emit()
            self.refresh()

        self._start_job(run, done, lambda: self.tr(
            "Checking {0}: it is loaded once in a separate process to be sure it works…").format(name),
            determinate=False, refused=lambda e: self._import_refused(name, e))
        return True

    def _import_refused(self, name: str, error: BaseException) -> Message:
        if isinstance(error, ModelInvalidError):
            return lambda: self.tr("{0} was not imported. {1}").format(name, str(error))
        return lambda: self.tr("{0} could not be imported: {1}").format(name, describe_download_error(error))

    # --- the jobs thread --------------------------------------------------------------------------
    def _start_job(self, fn: Callable[[], Any], done: Callable[[Any], None], what: Message, *,
                   determinate: bool, refused: Callable[[BaseException], Message] | None = None) -> None:
        self._job_done = done
        self._job_refused = refused
        self._job_kind = ""
        self._job_stop = False
        self.job_progress.setRange(0, 0 if not determinate else BAR_STEPS)
        self.job_progress.setValue(0)
        self.job_progress.show()
        self._set_status(what)
        self.jobs.call(fn)
        self._update_buttons()

    def _on_job_progress(self, value: tuple[int, int]) -> None:
        done, total = value
        if self.jobs.busy and total > 0:
            self.job_progress.setRange(0, BAR_STEPS)
            self.job_progress.setValue(min(BAR_STEPS, round(done / total * BAR_STEPS)))

    def _on_job_finished(self, result: object) -> None:
        self.job_progress.hide()
        self._update_buttons()
        self._job_done(result)

    def _on_job_failed(self, error: BaseException) -> None:
        self.job_progress.hide()
        self._update_buttons()
        if self._job_stop:
            return
        refused = self._job_refused
        message = refused(error) if refused else (lambda: describe_download_error(error))
        self._set_status(message, error=True)

    def _set_status(self, message: Message | None, error: bool = False) -> None:
        self._status, self._status_error = message, error
        self._show_status()

    def _show_status(self) -> None:
        if self._status is None:
            self.job_status.hide()
            return
        text = html.escape(self._status())
        if self._status_error:
            text = f'<span style="color:{color("error")}">{text}</span>'
        self.job_status.setText(text)
        self.job_status.show()

    # --- downloads ----------------------------------------------------------------------------------
    def download(self, entry_id: str) -> DownloadRow | None:
        """Download (or resume) a catalog model; its row appears under Downloads."""
        catalog = self.scan.catalog if self.scan is not None else self._catalog
        entry = catalog.get(entry_id) if catalog is not None else None
        if entry is None:
            return None
        spec = spec_for(entry)
        row = self._rows.get(spec) or self._add_row(spec, entry.name, entry.repo, entry.file or "", entry)
        row.start()
        self.tabs.setCurrentWidget(self.downloads_page)
        return row

    def get(self, entry_id: str) -> None:
        """Show catalog model ``entry_id`` and download it (what "Get SD-Turbo…" elsewhere leads to);
        an installed one is shown on the Installed tab instead. Waits for the catalog when not read yet."""
        if self.scan is None:
            self._wanted = entry_id
            self.tabs.setCurrentWidget(self.recommended_page)
            return
        row = next((r for r in self.scan.recommended if r.entry.id == entry_id), None)
        if row is None:
            self._set_status(lambda: self.tr("The model catalog has no model “{0}”.").format(entry_id), error=True)
            return
        if row.installed:
            self.tabs.setCurrentWidget(self.installed_page)
            self._set_status(lambda: self.tr("{0} is installed already.").format(row.entry.name))
            return
        self.download(entry_id)

    def download_rows(self) -> list[DownloadRow]:
        return list(self._rows.values())

    def _add_row(self, spec: str, name: str, repo: str, filename: str, entry: CatalogEntry | None) -> DownloadRow:
        row = DownloadRow(spec, name, repo, filename, self._pull_job(spec, entry), self._discard_partial,
                          self.rows_box)
        self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
        self._rows[spec] = row
        row.stateChanged.connect(lambda _s: (self._update_downloads_tab(), self._update_recommended_buttons()))
        row.finished.connect(self._on_download_finished)
        row.removed.connect(lambda: self._remove_row(spec))
        self._update_downloads_tab()
        return row

    def _remove_row(self, spec: str) -> None:
        row = self._rows.pop(spec, None)
        if row is not None:
            self.rows_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._update_downloads_tab()
        self._update_recommended_buttons()

    def _pull_job(self, spec: str, entry: CatalogEntry | None) -> Run:
        registry = self.registry

        def run(on_progress: ProgressFn, control: DownloadControl) -> InstalledModel:
            downloader = self._make_downloader()
            model = pull(spec, downloader=downloader, registry=registry, on_progress=on_progress, control=control)
            if entry is not None and model.catalog_id is None and model.kind == "text":
                # Known to our catalog but not the shipped one: list it under the catalog's name.
                model = registry.add(dataclasses.replace(
                    model, id=registry.new_id(entry.id, model.path), name=entry.name, catalog_id=entry.id))
            return model

        return run

    def _make_downloader(self) -> Downloader:
        # Built per download, so a mirror or offline switch changed in Settings counts at once.
        return self._downloader or Downloader(self.registry.root, hub_config())

    def _disk_downloader(self) -> Downloader:
        # For what is on disk only (partial files): never goes online.
        return self._downloader or Downloader(self.registry.root, HubConfig(offline=True))

    def _discard_partial(self, repo: str, filename: str) -> None:
        if repo and filename:
            self._disk_downloader().discard_partial(repo, filename)

    def _on_download_finished(self, model: object) -> None:
        self.modelInstalled.emit(model)
        self.modelsChanged.emit()
        self.refresh()

    def _update_downloads_tab(self) -> None:
        active = sum(1 for r in self._rows.values() if r.busy)
        self.tabs.setTabText(2, self.tr("Downloads ({0})").format(active) if active else self.tr("Downloads"))
        self.no_downloads.setVisible(not self._rows)

    # --- closing ------------------------------------------------------------------------------------
    def stop_downloads(self) -> None:
        """Stop every running download; their partial files stay for the next time."""
        for row in self._rows.values():
            row.stop()

    def done(self, result: int) -> None:
        # Never waits for threads: each stops at its next chunk on its own.
        self.stop_downloads()
        # A running verify stops (nobody is left to read it); an import or delete finishes.
        self._job_stop = self.jobs.busy and self._job_kind == "verify"
        if self.confirm_box is not None:
            self.confirm_box.reject()
        super().done(result)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop downloads and wait for their threads (call when the app quits)."""
        self.stop_downloads()
        self._job_stop = True
        for row in list(self._rows.values()):
            row.worker.wait(timeout)
        self.scanner.wait(timeout)


def _table(columns: int) -> QTableWidget:
    t = QTableWidget(0, columns)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    t.horizontalHeader().setMinimumSectionSize(72)  # room for a badge like "won't fit"
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names get the spare room
    t.setAlternatingRowColors(True)
    return t


def _paint_badge(item: QTableWidgetItem | None, verdict: str, note: str) -> None:
    if item is None:
        return
    colors = _BADGE_COLORS.get(verdict)
    if colors:
        item.setForeground(QBrush(QColor(color(colors[0]))))
        item.setBackground(QBrush(QColor(color(colors[1]))))
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    item.setToolTip(note)


def _choose_gguf(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, QCoreApplication.translate("ModelsDialog", "Import a GGUF model"), str(Path.home()),
                                          QCoreApplication.translate("ModelsDialog", "GGUF models (*.gguf)"))
    return path or None


__all__ = ["DownloadRow", "ModelsDialog", "describe_download_error", "find_pending", "spec_for"]
