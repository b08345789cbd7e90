"""File → Remote servers…: every remote server in settings.toml, to add, edit, test and remove.

Editing opens the EndpointDialog on the server; Test runs the same connection test
(core/remote/check.py) on a worker thread and reports in plain words next to the list;
Remove asks first, then drops the server from settings.toml and its key from the keyring.

    dlg = RemoteServersDialog(parent)
    dlg.changed.connect(refresh_model_list)   # a server was added, edited or removed
    dlg.exec()
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.remote import ConnectionReport, RemoteClient, RemoteEndpoint, test_connection
from deskmate.core.remote.client import load_remote_settings
from deskmate.core.remote.secrets import KeyStore, SecretStoreError, key_store
from deskmate.core.settings import EndpointError, SettingsError, load_settings_leniently, remove_endpoint

from .background import Worker, describe_error
from .endpoint_dialog import EndpointDialog
from .remote_report import report_text
from .theme import set_tone

NAME_ROLE = Qt.ItemDataRole.UserRole
# Asks "remove this server?"; tests answer it without a modal loop.
Confirm = Callable[[QWidget, str, str], bool]


def _ask(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


class RemoteServersDialog(QDialog):
    changed = Signal()  # settings.toml's remote servers changed (added, edited, removed)
    tested = Signal(bool, str)  # a Test ended: ok, the message shown

    def __init__(self, parent: QWidget | None = None, *, store: KeyStore | None = None,
                 settings_file: Path | None = None, confirm: Confirm | None = None) -> None:
        super().__init__(parent)
        self.store = store or key_store()
        self.settings_file = settings_file
        self.confirm = confirm or _ask
        self.endpoints: list[RemoteEndpoint] = []
        self.editor: EndpointDialog | None = None
        self.last_report: ConnectionReport | None = None
        self.setWindowTitle(self.tr("Remote servers"))

        self.intro = QLabel(self.tr(
            "Remote servers answer tasks with a larger model on another computer, through an "
            "OpenAI-compatible address. Their API keys stay in the system keyring."))
        self.intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Remote servers"))
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.itemDoubleClicked.connect(lambda _item: self.edit())
        self.empty = QLabel(self.tr("No remote server yet. Press Add… to set one up."))
        self.empty.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.test_button = QPushButton(self.tr("Test"))
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.test_button.clicked.connect(lambda: self.test())
        self.remove_button.clicked.connect(lambda: self.remove())
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setVisible(False)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        set_tone(self.problem, "error")
        self.problem.setVisible(False)

        side = QVBoxLayout()
        for b in (self.add_button, self.edit_button, self.test_button, self.remove_button):
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.problem)
        layout.addLayout(row, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        self.resize(640, 380)

        self._client: RemoteClient | None = None
        self._worker = Worker(self, name="servers-test")
        self._worker.finished.connect(self._tested)
        self._worker.failed.connect(lambda e: self._show(False, describe_error(e)))
        self.refresh()

    # --- the list -----------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        """Read settings.toml again; ``select`` names the server to select (else the one selected stays)."""
        select = select or self.selected_name()
        try:
            self.endpoints = list(load_remote_settings(self.settings_file).endpoints)
            self.problem.setVisible(False)
        except (SettingsError, EndpointError) as e:
            self.endpoints = []
            self.problem.setText(str(e))
            self.problem.setVisible(True)
        self.list.clear()
        for ep in self.endpoints:
            item = QListWidgetItem(self._describe(ep))
            item.setData(NAME_ROLE, ep.name)
            self.list.addItem(item)
            if ep.name == select:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(not self.endpoints)
        self._update_buttons()

    def _describe(self, ep: RemoteEndpoint) -> str:
        has = self.store.has(ep.name)
        key = (self.tr("key in the system keyring") if has and not self.store.is_session_key(ep.name)
               else self.tr("key kept for this session") if has
               else self.tr("no key saved"))
        return self.tr("{name} — {model} at {url} ({key})").format(name=ep.name, model=ep.model, url=ep.base_url,
                                                                   key=key)

    def names(self) -> list[str]:
        return [self.list.item(i).data(NAME_ROLE) for i in range(self.list.count())]

    def rows(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def selected_name(self) -> str | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(NAME_ROLE) if item is not None else None

    def selected(self) -> RemoteEndpoint | None:
        name = self.selected_name()
        return next((ep for ep in self.endpoints if ep.name == name), None)

    def select(self, name: str) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(NAME_ROLE) == name:
                self.list.setCurrentRow(i)
                return True
        return False

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.test_button.setEnabled(chosen and not self._worker.busy)

    def _show(self, ok: bool, text: str) -> None:
        set_tone(self.result, "ok" if ok else "error")
        self.result.setText(text)
        self.result.setVisible(True)
        self._update_buttons()

    def result_text(self) -> str:
        return "" if self.result.isHidden() else self.result.text()

    # --- add, edit ------------------------------------------------------------------------
    def add(self) -> EndpointDialog:
        return self._open_editor(None)

    def edit(self) -> EndpointDialog | None:
        endpoint = self.selected()
        return self._open_editor(endpoint) if endpoint is not None else None

    def _open_editor(self, endpoint: RemoteEndpoint | None) -> EndpointDialog:
        """The editor, shown non-modally over this dialog (it is itself modal to the window)."""
        dlg = EndpointDialog(endpoint, self, store=self.store, settings_file=self.settings_file)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.saved.connect(self._saved)
        dlg.finished.connect(lambda _r: setattr(self, "editor", None))
        self.editor = dlg
        dlg.open()
        return dlg

    def _saved(self, endpoint: RemoteEndpoint) -> None:
        self.refresh(select=endpoint.name)
        self._show(True, self.tr("Saved “{0}”.").format(endpoint.name))
        self.changed.emit()

    # --- test --------------------------------------------------------------------------------
    def test(self) -> bool:
        """Test the selected server on a thread; the result arrives as ``tested``."""
        endpoint = self.selected()
        if endpoint is None or self._worker.busy:
            return False
        try:
            client = RemoteClient(endpoint, self.store.get(endpoint.name))
        except (EndpointError, SecretStoreError) as e:
            self._show(False, str(e))
            self.tested.emit(False, str(e))
            return False
        self._client = client
        set_tone(self.result, "")
        self.result.setText(self.tr("Testing “{0}”…").format(endpoint.name))
        self.result.setVisible(True)
        offline = load_settings_leniently(self.settings_file).settings.app.offline
        started = self._worker.call(test_connection, client, offline=offline)
        self._update_buttons()
        return started

    def _tested(self, report: ConnectionReport) -> None:
        self._client = None
        self.last_report = report
        # A server that answers but does not offer the model asked for is not working for us.
        ok = report.ok and report.model_listed is not False
        endpoint = self.selected()
        text = report_text(report, endpoint.name if endpoint else "", endpoint.model if endpoint else "")
        if report.needs_key:
            text += " " + self.tr("Press Edit… to change it.")
        elif report.model_listed is False:
            text += " " + self.tr("Press Edit… and choose one of the server's models.")
        self._show(ok, text)
        self.tested.emit(ok, text)

    # --- remove ----------------------------------------------------------------------------------
    def remove(self) -> bool:
        endpoint = self.selected()
        if endpoint is None:
            return False
        if not self.confirm(self, self.tr("Remove remote server"), self.tr(
                "Remove “{0}” ({1})? Its API key is deleted from the system keyring too.").format(endpoint.name, endpoint.base_url)):
            return False
        try:
            remove_endpoint(endpoint.name, path=self.settings_file)
        except (SettingsError, EndpointError) as e:
            self._show(False, str(e))
            return False
        try:
            self.store.delete(endpoint.name)
        except SecretStoreError as e:
            self.refresh()
            self._show(False, self.tr("“{0}” is removed, but its key could not be deleted: {1}").format(
                endpoint.name, str(e)))
            self.changed.emit()
            return True
        self.refresh()
        self._show(True, self.tr("Removed “{0}” and its key.").format(endpoint.name))
        self.changed.emit()
        return True

    def done(self, result: int) -> None:
        client = self._client
        if client is not None:
            client.cancel()
        self._worker.wait(2.0)
        super().done(result)
