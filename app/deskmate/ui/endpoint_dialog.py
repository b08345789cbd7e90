"""Edit one remote server: address, model, context, output form, extra fields, key; test the connection.

The key field echoes as a password. Save puts the key in the system keyring
(never in settings.toml); with no keyring the dialog says so and offers to keep
the key for this session only. "Test connection" runs on a worker thread and
reports in plain words.

    dlg = EndpointDialog(existing_or_None, parent)
    dlg.saved.connect(lambda ep: ...)   # a RemoteEndpoint, after it was written to settings.toml
    dlg.exec()
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.remote import ConnectionReport, RemoteClient, test_connection
from deskmate.core.remote.secrets import KeyringUnavailableError, KeyStore, SecretStoreError, key_store
from deskmate.core.settings import (
    EndpointError,
    RemoteEndpoint,
    SettingsError,
    load_settings_leniently,
    parse_extra,
    save_endpoint,
)

from .background import Worker, describe_error
from .remote_report import report_text
from .theme import set_tone


class EndpointDialog(QDialog):
    """Add (``endpoint`` None) or edit one remote endpoint."""

    saved = Signal(object)  # the RemoteEndpoint, once written to settings.toml (and its key to the keyring)
    tested = Signal(bool, str)  # Test connection ended: ok, the message shown

    def __init__(
        self,
        endpoint: RemoteEndpoint | None = None,
        parent: QWidget | None = None,
        *,
        store: KeyStore | None = None,
        settings_file: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store or key_store()
        self.settings_file = settings_file
        self.original = endpoint
        self.last_report: ConnectionReport | None = None
        self._client: RemoteClient | None = None
        self.setWindowTitle(self.tr("Remote server") if endpoint is None else self.tr("Remote server: {0}").format(endpoint.name))

        self.name = QLineEdit(endpoint.name if endpoint else "")
        self.name.setPlaceholderText(self.tr("e.g. tigerbot"))
        self.url = QLineEdit(endpoint.base_url if endpoint else "")
        self.url.setPlaceholderText("https://api.example.com/v1")
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setEditText(endpoint.model if endpoint else "")
        self.model.lineEdit().setPlaceholderText(self.tr("model id; Test connection lists the server's models"))
        self.context = QSpinBox()
        self.context.setRange(256, 10_000_000)
        self.context.setSingleStep(1024)
        self.context.setSuffix(self.tr(" tokens"))
        self.context.setValue(endpoint.context if endpoint else 8192)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Detect automatically"), "auto")
        self.kind.addItem(self.tr("OpenAI / vLLM (json_schema)"), "openai")
        self.kind.addItem(self.tr("llama-cpp-python (json_object + schema)"), "llama_cpp")
        self.kind.setCurrentIndex(max(0, self.kind.findData(endpoint.kind if endpoint else "auto")))
        self.extra = QPlainTextEdit()
        self.extra.setPlaceholderText(self.tr("Extra request fields, one NAME=VALUE per line, e.g. internet=true"))
        self.extra.setFixedHeight(64)
        if endpoint and endpoint.extra:
            self.extra.setPlainText("\n".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in endpoint.extra.items()))
        self.idle_timeout = QDoubleSpinBox()
        self.idle_timeout.setRange(0.05, 3600)
        self.idle_timeout.setDecimals(2)
        self.idle_timeout.setSuffix(self.tr(" s"))
        self.idle_timeout.setValue(endpoint.idle_timeout if endpoint else 60.0)
        self.allow_http = QCheckBox(self.tr("Allow sending the key over plain http (trusted networks only)"))
        self.allow_http.setChecked(bool(endpoint and endpoint.allow_insecure_http))
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setAccessibleName(self.tr("API key"))
        has_key = bool(endpoint) and self._stored_key(endpoint.name) is not None  # type: ignore[union-attr]
        self.key.setPlaceholderText(
            self.tr("saved in the system keyring; type to replace") if has_key else self.tr("API key (if the server needs one)")
        )

        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setVisible(False)
        self.session_button = QPushButton(self.tr("Keep the key for this session only"))
        self.session_button.setVisible(False)
        self.session_button.clicked.connect(self._use_session_key)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Server address"), self.url)
        form.addRow(self.tr("Model"), self.model)
        form.addRow(self.tr("Context length"), self.context)
        form.addRow(self.tr("Structured output"), self.kind)
        form.addRow(self.tr("Extra fields"), self.extra)
        form.addRow(self.tr("Idle timeout"), self.idle_timeout)
        form.addRow(self.tr("API key"), self.key)
        form.addRow("", self.allow_http)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.result)
        layout.addWidget(self.session_button)
        layout.addWidget(self.buttons)

        self._worker = Worker(self, name="endpoint-test")
        self._worker.finished.connect(self._tested)
        self._worker.failed.connect(lambda e: self._show(False, describe_error(e)))

    # --- reading the form ------------------------------------------------------
    def endpoint(self) -> RemoteEndpoint:
        """The endpoint as the form describes it; EndpointError (plain words) when a field is wrong."""
        lines = [line.strip() for line in self.extra.toPlainText().splitlines() if line.strip()]
        if self.name.text().strip() and self.url.text().strip() and not self.model.currentText().strip():
            # Said here, not by core: its message names a command-line tool the window user never sees.
            raise EndpointError(self.tr(
                "Type the model id the server expects (its documentation names it, e.g. gpt-4o-mini). "
                "Once a test connects, the Model list offers the server's models."))
        return RemoteEndpoint(
            self.name.text(),
            self.url.text(),
            self.model.currentText(),
            context=self.context.value(),
            kind=self.kind.currentData(),
            extra=parse_extra(lines),
            allow_insecure_http=self.allow_http.isChecked(),
            idle_timeout=self.idle_timeout.value(),
            connect_timeout=self.original.connect_timeout if self.original else 10.0,
        )

    def typed_key(self) -> str:
        return self.key.text().strip()

    def _stored_key(self, name: str) -> str | None:
        try:
            return self.store.get(name)
        except SecretStoreError:
            return None

    def _key_for_use(self, endpoint: RemoteEndpoint) -> str | None:
        """The typed key, else the one saved for this endpoint (under its original name)."""
        if self.typed_key():
            return self.typed_key()
        if self.original is not None:
            return self._stored_key(self.original.name)
        return self._stored_key(endpoint.name)

    @property
    def busy(self) -> bool:
        return self._worker.busy

    def result_text(self) -> str:
        return "" if self.result.isHidden() else self.result.text()

    def _show(self, ok: bool, text: str) -> None:
        set_tone(self.result, "ok" if ok else "error")
        self.result.setText(text)
        self.result.setVisible(True)
        self.test_button.setEnabled(True)

    # --- test connection -------------------------------------------------------------
    def test_connection(self) -> bool:
        """Start the test on a thread; the result arrives as ``tested``. False when it could not start."""
        if self._worker.busy:
            return False
        try:
            endpoint = self.endpoint()
            client = RemoteClient(endpoint, self._key_for_use(endpoint))
        except (EndpointError, SecretStoreError) as e:
            self._show(False, str(e))
            self.tested.emit(False, str(e))
            return False
        self._client = client
        self.test_button.setEnabled(False)
        set_tone(self.result, "")
        self.result.setText(self.tr("Testing the connection…"))
        self.result.setVisible(True)
        offline = self._offline()
        return self._worker.call(test_connection, client, offline=offline)

    def _offline(self) -> bool:
        return load_settings_leniently(self.settings_file).settings.app.offline

    def _tested(self, report: ConnectionReport) -> None:
        self._client = None
        self.last_report = report
        text = report_text(report, self.name.text().strip(), self.model.currentText().strip())
        self._show(report.ok, text)
        if report.ok and report.models:
            current = self.model.currentText()
            self.model.clear()
            self.model.addItems(list(report.models))
            self.model.setEditText(current or report.models[0])
        if report.needs_key:
            self.key.setFocus()
            self.key.selectAll()
        self.tested.emit(report.ok, text)

    # --- save -------------------------------------------------------------------------
    def save(self) -> bool:
        """Write the endpoint to settings.toml and the key to the keyring. True when done."""
        try:
            endpoint = self.endpoint()
        except EndpointError as e:
            self._show(False, str(e))
            return False
        key = self.typed_key()
        old_name = self.original.name if self.original else None
        if key and endpoint.plain_http_to_other_host and not endpoint.allow_insecure_http:
            self._show(False, self.tr(
                "This address is plain http to another computer, so the key could be read on the way. "
                "Use https://, or tick “Allow sending the key over plain http” if you trust this network."))
            return False
        previous = self._stored_key(endpoint.name)
        try:
            if key:
                where = self.store.set(endpoint.name, key)
                if old_name and old_name != endpoint.name:
                    self.store.delete(old_name)
            else:
                where = None
                if old_name and old_name != endpoint.name:
                    self.store.rename(old_name, endpoint.name)
        except KeyringUnavailableError as e:
            self._show(False, str(e))
            self.session_button.setVisible(True)
            return False
        except SecretStoreError as e:
            self._show(False, str(e))
            return False
        try:
            save_endpoint(endpoint, replace=old_name, path=self.settings_file)
        except SettingsError as e:
            if key:  # no key left behind for an endpoint that was not saved
                try:
                    if previous is not None:
                        self.store.set(endpoint.name, previous)
                    else:
                        self.store.delete(endpoint.name)
                except SecretStoreError:
                    pass
            self._show(False, str(e))
            return False
        self.session_button.setVisible(False)
        self.original = endpoint
        self.key.clear()
        self.key.setPlaceholderText(self.tr("saved; type to replace") if (key or previous) else self.key.placeholderText())
        if where == "session":
            self._show(True, self.tr("Saved. The key is kept in memory for this session only."))
        self.saved.emit(endpoint)
        return True

    def _use_session_key(self) -> None:
        self.store.allow_session_keys()
        self.session_button.setVisible(False)
        if self.save():
            super().accept()

    def accept(self) -> None:
        if self.save():
            self._cancel_test()
            super().accept()

    def reject(self) -> None:
        self._cancel_test()
        super().reject()

    def _cancel_test(self) -> None:
        client = self._client
        if client is not None:
            client.cancel()
        self._worker.wait(2.0)
