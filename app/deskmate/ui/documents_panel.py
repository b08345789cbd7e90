"""The Documents tab: the library (files with their state, indexing with pause and resume, drop files
and folders here), questions answered with citations, and whole-document tasks.

The work is the core's (core/docs: Library, IndexRun, AskRun, DocumentJob); this panel runs it
on Worker threads and shows its events. Two workers: one for indexing, one for the model
(a question or a task), so a question can be asked while a folder is still being read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.docs.answer import Answer, AnswerDone, AskRun, SourcesFound
from deskmate.core.docs.errors import DocsError
from deskmate.core.docs.indexer import IndexEvent, IndexRun, IndexSummary
from deskmate.core.docs.jobs import DocumentJob, JobDone, JobResult
from deskmate.core.docs.library import Library
from deskmate.core.tasks.run import Delta, Failed, Notice, Progress

from .document_answer_view import AnswerView, OpenUrl
from .engine_bridge import ClientSource, current_client
from .retranslating import Retranslating
from .table_editor import TableEditor
from .background import Worker, describe_error
from .theme import set_tone

WATCH_INTERVAL_MS = 60_000  # folders are checked this often (one stat per file; see core/docs/watch.py)
PATH_ROLE = Qt.ItemDataRole.UserRole


def state_text(state: str) -> str:
    # Spelled out: lupdate only extracts literal translate calls.
    return {
        "pending": QCoreApplication.translate("DocumentsPanel", "Waiting"),
        "keyword": QCoreApplication.translate("DocumentsPanel", "Searchable by keyword"),
        "ready": QCoreApplication.translate("DocumentsPanel", "Ready"),
        "error": QCoreApplication.translate("DocumentsPanel", "Could not read"),
    }.get(state, state)


def _follow(run: IndexRun) -> Iterator[IndexEvent]:
    """The run's events, then its summary as the worker's result."""
    yield from run
    return run.result()


class DocumentsPanel(Retranslating, QWidget):
    insertRequested = Signal(str)  # text for the draft
    busyChanged = Signal(bool)  # the model is answering or working on documents

    def __init__(self, library: Library | None = None, client: ClientSource | None = None,
                 parent: QWidget | None = None, *, open_url: OpenUrl | None = None,
                 watch_interval_ms: int = WATCH_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.client = client
        self._owns_library = library is None
        self._library = library
        self._library_error = ""
        self._embedder_tried = not self._owns_library  # a library passed in comes with its embedder
        self._run: IndexRun | None = None
        self._model_run: AskRun | DocumentJob | None = None
        self._status: Callable[[], str] = lambda: ""
        self._model_status: Callable[[], str] = lambda: ""
        self._started = False
        self._restart = False  # a run was cancelled to take in files just added: start the next one

        self.index_worker = Worker(self, name="docs-index")
        self.index_worker.event.connect(self._on_index_event)
        self.index_worker.finished.connect(self._on_index_finished)
        self.index_worker.failed.connect(self._on_index_failed)
        self.model_worker = Worker(self, name="docs-model")
        self.model_worker.event.connect(self._on_model_event)
        self.model_worker.finished.connect(self._on_model_finished)
        self.model_worker.failed.connect(lambda e: self._model_failed(describe_error(e)))

        # --- the library ---
        self.library_box = QGroupBox()
        self.add_files_button = QPushButton()
        self.add_files_button.clicked.connect(lambda: self.add_files())
        self.add_folder_button = QPushButton()
        self.add_folder_button.clicked.connect(lambda: self.add_folder())
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_selected)
        self.files = QTableWidget(0, 3)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.verticalHeader().hide()
        self.files.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.files.horizontalHeader().setStretchLastSection(True)
        self.files.setColumnWidth(0, 160)
        self.files.setColumnWidth(1, 120)
        self.empty_hint = QLabel()
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.index_progress = QProgressBar()
        self.index_progress.hide()
        self.index_status = QLabel()
        self.index_status.setWordWrap(True)
        self.pause_button = QPushButton()
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_index_button = QPushButton()
        self.cancel_index_button.clicked.connect(self.cancel_indexing)
        self.reindex_button = QPushButton()
        self.reindex_button.clicked.connect(lambda: self.index())
        buttons = QHBoxLayout()
        for b in (self.add_files_button, self.add_folder_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        index_row = QHBoxLayout()
        index_row.addWidget(self.index_progress, 1)
        index_row.addWidget(self.pause_button)
        index_row.addWidget(self.cancel_index_button)
        index_row.addWidget(self.reindex_button)
        library_layout = QVBoxLayout(self.library_box)
        library_layout.addLayout(buttons)
        library_layout.addWidget(self.files, 1)
        library_layout.addWidget(self.empty_hint)
        library_layout.addLayout(index_row)
        library_layout.addWidget(self.index_status)

        # --- whole-document tasks, on the files selected in the library ---
        self.task_box = QGroupBox()
        self.task_combo = QComboBox()
        for kind in ("summary", "minutes", "report", "table"):
            self.task_combo.addItem("", kind)
        self.task_combo.currentIndexChanged.connect(self._task_changed)
        self.about_edit = QLineEdit()
        self.about_edit.hide()
        self.run_task_button = QPushButton()
        self.run_task_button.clicked.connect(lambda: self.run_task())
        self.task_progress = QProgressBar()
        self.task_progress.hide()
        task_row = QHBoxLayout()
        task_row.addWidget(self.task_combo)
        task_row.addWidget(self.about_edit, 1)
        task_row.addWidget(self.run_task_button)
        task_layout = QVBoxLayout(self.task_box)
        task_layout.addLayout(task_row)
        task_layout.addWidget(self.task_progress)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.library_box, 1)
        left_layout.addWidget(self.task_box)

        # --- questions and results ---
        self.ask_edit = QLineEdit()
        self.ask_edit.returnPressed.connect(lambda: self.ask())
        self.ask_button = QPushButton()
        self.ask_button.clicked.connect(lambda: self.ask())
        self.stop_button = QPushButton()
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.model_status = QLabel()
        self.model_status.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.answer_view = AnswerView(open_url=open_url)
        self.table_editor = TableEditor()
        self.table_editor.hide()
        self.insert_button = QPushButton()
        self.insert_button.clicked.connect(self.insert_into_draft)
        self.insert_button.setEnabled(False)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.ask_edit, 1)
        ask_row.addWidget(self.ask_button)
        ask_row.addWidget(self.stop_button)
        results = QSplitter(Qt.Orientation.Vertical)
        results.addWidget(self.answer_view)
        results.addWidget(self.table_editor)
        bottom = QHBoxLayout()
        bottom.addWidget(self.model_status, 1)
        bottom.addWidget(self.insert_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(ask_row)
        right_layout.addWidget(self.notice)
        right_layout.addWidget(results, 1)
        right_layout.addLayout(bottom)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([480, 800])
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

        # Refreshing the file list after every file of a large folder would redraw it thousands of times.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(300)
        self._refresh_timer.timeout.connect(self.refresh)
        # Folders are polled by runs this panel starts, so their progress and Pause show here.
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(watch_interval_ms)
        self._watch_timer.timeout.connect(lambda: self.index(quiet=True))

        self.retranslate()
        self.refresh()
        self._update_buttons()

    # --- text --------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.library_box.setTitle(self.tr("Library"))
        self.add_files_button.setText(self.tr("Add &files…"))
        self.add_folder_button.setText(self.tr("Add f&older…"))
        self.add_folder_button.setToolTip(self.tr("A folder is watched: files added to it later are read too."))
        self.remove_button.setText(self.tr("&Remove"))
        self.remove_button.setToolTip(self.tr("Take the selected files out of the library (they stay on disk)."))
        self.files.setHorizontalHeaderLabels([self.tr("File"), self.tr("State"), self.tr("Details")])
        self.files.setAccessibleName(self.tr("Files in the library"))
        self.empty_hint.setText(self.tr("Drop files or folders here (PDF, Word, Excel, PowerPoint, Markdown, text, "
                                        "HTML), or use Add files…"))
        self.cancel_index_button.setText(self.tr("Cancel"))
        self.cancel_index_button.setToolTip(self.tr("Stop reading; the next run goes on where this one stopped."))
        self.reindex_button.setText(self.tr("Check again"))
        self.reindex_button.setToolTip(self.tr("Look for new and changed files in the library's folders now."))
        self.index_progress.setAccessibleName(self.tr("Indexing progress"))
        self.task_box.setTitle(self.tr("Whole-document tasks (on the selected files)"))
        names = [self.tr("Summary"), self.tr("Minutes → action items and schedule"), self.tr("Weekly report"),
                 self.tr("Extract a table")]
        for i, name in enumerate(names):
            self.task_combo.setItemText(i, name)
        self.task_combo.setAccessibleName(self.tr("Document task"))
        self.about_edit.setPlaceholderText(self.tr("What the rows are, e.g. “every product with its price”"))
        self.run_task_button.setText(self.tr("R&un"))
        self.task_progress.setAccessibleName(self.tr("Task progress"))
        self.ask_edit.setPlaceholderText(self.tr("Ask your documents, e.g. “How do I clear a paper jam?”"))
        self.ask_edit.setAccessibleName(self.tr("Question"))
        self.ask_button.setText(self.tr("&Ask"))
        self.stop_button.setText(self.tr("Stop"))
        self.insert_button.setText(self.tr("Insert into draft"))
        self._update_buttons()
        self._show_status()

    def _show_status(self) -> None:
        self.index_status.setText(self._status())
        self.model_status.setText(self._model_status())

    def _set_status(self, message: Callable[[], str]) -> None:
        self._status = message
        self._show_status()

    def _set_model_status(self, message: Callable[[], str]) -> None:
        self._model_status = message
        self._show_status()

    def _show_notice(self, text: str, error: bool = False) -> None:
        self.notice.setText(text)
        set_tone(self.notice, "error" if error else "")
        self.notice.setVisible(bool(text))

    # --- the library -----------------------------------------------------------------------
    @property
    def library(self) -> Library | None:
        if self._library is None and not self._library_error:
            try:
                self._library = Library()
            except Exception as e:  # a database it cannot open: said in the panel, the window goes on
                self._library_error = describe_error(e)
                self._show_notice(self._library_error, error=True)
        return self._library

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:  # the first view: catch up with the folders, then keep watching them
            self._started = True
            self.index(quiet=True)
            self._watch_timer.start()

    def refresh(self) -> None:
        library = self.library
        rows = library.files() if library is not None else []
        selected = set(self.selected_paths())
        self.files.setRowCount(len(rows))
        for r, info in enumerate(rows):
            name = QTableWidgetItem(info.path.name)
            name.setData(PATH_ROLE, str(info.path))
            name.setToolTip(str(info.path))
            state = QTableWidgetItem(state_text(info.state))
            if info.state == "error":
                state.setForeground(Qt.GlobalColor.darkRed)
                detail = info.error or ""
            elif info.state in ("keyword", "ready"):
                detail = self.tr("%n passage(s)", "", info.chunks)
                if info.pages:
                    detail += " · " + self.tr("%n page(s)", "", info.pages)
            else:
                detail = ""
            details = QTableWidgetItem(detail)
            details.setToolTip(detail)
            for c, item in enumerate((name, state, details)):
                self.files.setItem(r, c, item)
            if str(info.path) in selected:
                self.files.selectRow(r)
        self.empty_hint.setVisible(not rows)

    def selected_paths(self) -> list[str]:
        rows = sorted({i.row() for i in self.files.selectedIndexes()})
        return [self.files.item(r, 0).data(PATH_ROLE) for r in rows if self.files.item(r, 0) is not None]

    def add_files(self, paths: Sequence[str] | None = None) -> bool:
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add documents to the library"))
        return self.add_paths(paths) if paths else False

    def add_folder(self, folder: str | None = None) -> bool:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder to the library"))
        return self.add_paths([folder]) if folder else False

    def add_paths(self, paths: Sequence[str | Path]) -> bool:
        """Add files and folders and read them; a path it cannot take is said, and nothing is lost."""
        library = self.library
        if library is None or not paths:
            return False
        try:
            library.add(paths)
        except DocsError as e:
            self._show_notice(str(e), error=True)
            return False
        self._show_notice("")
        self.refresh()
        self.index(restart=True)
        return True

    def remove_selected(self) -> int:
        library = self.library
        paths = self.selected_paths()
        if library is None or not paths:
            return 0
        removed = 0
        for path in paths:
            try:
                removed += library.remove(path)
            except DocsError as e:
                self._show_notice(str(e), error=True)
        self.refresh()
        return removed

    # --- indexing ------------------------------------------------------------------------------
    @property
    def indexing(self) -> bool:
        return self.index_worker.busy

    def index(self, *, quiet: bool = False, restart: bool = False) -> bool:
        """Scan the folders and read what is new. A run in progress goes on (``restart``: it is
        cancelled and a new one takes in what was just added)."""
        library = self.library
        if library is None:
            return False
        if self.indexing:
            if restart and self._run is not None:
                self._restart = True
                self._run.cancel()
            return False
        if not self._embedder_tried:
            self._embedder_tried = True
            self._set_status(lambda: self.tr("Starting the embedding model…"))
            self.index_worker.call(_open_installed_embedder)
            return True
        try:
            run = library.index()
        except DocsError as e:
            if not quiet:
                self._show_notice(str(e), error=True)
            return False
        self._run = run
        self._restart = False
        self._set_status(lambda: self.tr("Checking the folders…"))
        self.index_worker.events(lambda: _follow(run), cancel=run.cancel)
        self._update_buttons()
        return True

    def toggle_pause(self) -> None:
        run = self._run
        if run is None:
            return
        if run.paused:
            run.resume()
        else:
            run.pause()

    def cancel_indexing(self) -> None:
        if self._run is not None:
            self._run.cancel()

    def _on_index_event(self, ev: IndexEvent) -> None:
        name = ev.path.name if ev.path is not None else ""
        if ev.kind == "stage":
            if ev.total:
                self.index_progress.setRange(0, ev.total)
                self.index_progress.setValue(0)
                self.index_progress.show()
        elif ev.kind in ("file_started", "file_done", "file_failed", "progress") and ev.total:
            done, total, reading = ev.done, ev.total, ev.stage == "read"
            self.index_progress.setRange(0, total)
            self.index_progress.setValue(done)
            if ev.kind == "file_started" or ev.kind == "progress":
                shown = min(done + 1, total)
                self._set_status(lambda: (self.tr("Reading {n} of {total}: {name}") if reading
                                          else self.tr("Embedding {n} of {total}: {name}"))
                                 .format(n=shown, total=total, name=name))
            if ev.kind != "file_started":
                self._refresh_timer.start()
        elif ev.kind == "paused":
            self._set_status(lambda: self.tr("Paused. Resume to go on."))
        elif ev.kind == "resumed":
            self._set_status(lambda: self.tr("Going on…"))
        elif ev.kind == "notice":
            self._show_notice(ev.message)
        self._update_buttons()

    def _on_index_finished(self, result: Any) -> None:
        if not isinstance(result, IndexSummary):  # the embedding model has started (or there is none)
            self._embedder_ready(result)
            return
        self._run = None
        self.index_progress.hide()
        self.refresh()
        if self._restart:  # files came in while it ran (it may have ended before it heard)
            self.index()
            return
        failed = len(result.failed)
        if result.cancelled:
            self._set_status(lambda: self.tr("Stopped. The rest is read next time."))
        elif failed:
            self._set_status(lambda: self.tr("Up to date; %n file(s) could not be read (see Details).", "", failed))
        else:
            self._set_status(lambda: self.tr("Up to date."))
        self._update_buttons()

    def _on_index_failed(self, error: BaseException) -> None:
        self._run = None
        self.index_progress.hide()
        self._show_notice(describe_error(error), error=True)
        self._set_status(lambda: self.tr("Indexing stopped."))
        self.refresh()
        self._update_buttons()

    def _embedder_ready(self, embedder: object) -> None:
        library = self.library
        if isinstance(embedder, BaseException):
            self._show_notice(self.tr("Search by meaning is off ({error}); keyword search works.").format(
                error=describe_error(embedder)))
        elif embedder is not None and library is not None:
            library.embedder = embedder  # type: ignore[assignment]
        self.index()

    # --- questions -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.model_worker.busy

    def _client(self) -> Any:
        client = current_client(self.client)
        if client is None:
            self._show_notice(self.tr("No model is ready yet. Wait for the engine to start, then try again."),
                              error=True)
        return client

    def ask(self, question: str | None = None) -> bool:
        if question is not None:
            self.ask_edit.setText(question)
        text = self.ask_edit.text().strip()
        library = self.library
        if self.busy or library is None:
            return False
        if not text:
            self._show_notice(self.tr("Type a question about your documents first."), error=True)
            return False
        files, passages = library.searchable()
        if not passages:  # said before any model is needed: what to do, not "nothing relevant"
            self._show_notice("")
            self._show_empty(files)
            return False
        client = self._client()
        if client is None:
            return False
        run = AskRun(library, text, client=client)
        self._start_model(run, lambda: self.tr("Searching your documents…"))
        return True

    def run_task(self, kind: str | None = None, paths: Sequence[str | Path] | None = None) -> bool:
        library = self.library
        if self.busy or library is None:
            return False
        kind = kind or self.task_combo.currentData()
        paths = list(paths) if paths is not None else self.selected_paths()
        if not paths:
            self._show_notice(self.tr("Select one or more files in the library first (Ctrl+click for several)."),
                              error=True)
            return False
        client = self._client()
        if client is None:
            return False
        try:
            job = DocumentJob(library, paths, kind=kind, client=client, about=self.about_edit.text())
        except DocsError as e:
            self._show_notice(str(e), error=True)
            return False
        self._start_model(job, lambda: self.tr("Reading the documents…"))
        return True

    def _start_model(self, run: AskRun | DocumentJob, status: Callable[[], str]) -> None:
        self._model_run = run
        self._show_notice("")
        self.answer_view.clear()
        self.table_editor.hide()
        self.insert_button.setEnabled(False)
        self.task_progress.hide()
        self._set_model_status(status)
        self.model_worker.events(lambda: run)
        self._update_buttons()
        self.busyChanged.emit(True)

    def stop(self) -> None:
        if self._model_run is not None:
            self._model_run.cancel()
            self._set_model_status(lambda: self.tr("Stopping…"))

    def _on_model_event(self, event: object) -> None:
        if isinstance(event, Delta):
            self.answer_view.append(event.text)
        elif isinstance(event, SourcesFound):
            n = len(event.passages)
            if not event.whole:  # what the model reads, listed while it reads them
                self.answer_view.show_text("", event.passages)
            self._set_model_status(lambda: self.tr("Reading the whole text of your documents…") if event.whole
                                   else self.tr("Reading the %n best passage(s)…", "", n))
        elif isinstance(event, Progress):
            self.task_progress.setRange(0, event.total)
            self.task_progress.setValue(event.index)
            self.task_progress.setVisible(event.total > 1)
            self._set_model_status(lambda: self.tr("Part {n} of {total}…").format(n=event.index + 1,
                                                                                  total=event.total))
        elif isinstance(event, Notice):
            self._show_notice(event.text)
        elif isinstance(event, AnswerDone):
            self._show_answer(event.answer)
        elif isinstance(event, JobDone):
            self._show_job(event.result)
        elif isinstance(event, Failed):
            self._model_failed(describe_error(event.error))

    def _show_empty(self, files: int) -> None:
        """The library has nothing to search: say why and how to add files, with nothing to insert."""
        self.answer_view.show_text(
            self.tr("Your library is empty. Add files or folders with “Add files…” or “Add folder…”, or drop them "
                    "here, then ask again.") if not files else
            self.tr("None of your files can be searched yet: they are still being read, or could not be read "
                    "(see the State column of the library)."), [])
        self.insert_button.setEnabled(False)
        self._set_model_status(lambda: "")

    def _show_answer(self, answer: Answer) -> None:
        if answer.empty:  # emptied while the question was on its way
            self._show_empty(self.library.searchable()[0] if self.library is not None else 0)
            return
        bad = [(s.start, s.end) for s in answer.sentences if not s.supported]
        self.answer_view.show_text(answer.text, answer.sources, bad)
        self.insert_button.setEnabled(answer.found)  # "nothing relevant" and "the documents do not say" are no draft
        if answer.cancelled:
            self._set_model_status(lambda: self.tr("Stopped — the answer so far is kept."))
        elif bad:
            self._set_model_status(lambda: self.tr("%n sentence(s) not supported by the passages they cite "
                                                   "(shaded): check them.", "", len(bad)))
        elif not answer.found:
            self._set_model_status(lambda: "")
        else:
            self._set_model_status(lambda: self.tr("Answered from %n source(s). Click a [number] to open it.", "",
                                                   len(answer.sources)))
        for notice in answer.notices:
            self._show_notice(notice)

    def _show_job(self, result: JobResult) -> None:
        self.task_progress.hide()
        self.answer_view.show_text(result.text, result.sources)
        if result.table is not None:
            self.table_editor.set_table(result.table)
            self.table_editor.show()
        self.insert_button.setEnabled(bool(result.text.strip()) or result.table is not None)
        if result.cancelled:
            self._set_model_status(lambda: self.tr("Stopped."))
        else:
            self._set_model_status(lambda: self.tr("Done: %n paragraph(s) read.", "", result.paragraphs))

    def _model_failed(self, message: str) -> None:
        self.answer_view.show_failure(message)
        self._set_model_status(lambda: "")

    def _on_model_finished(self, _result: object) -> None:
        self._model_run = None
        self._update_buttons()
        self.busyChanged.emit(False)

    def insert_into_draft(self) -> None:
        parts = []
        if self.answer_view.text.strip() and (self.table_editor.isHidden() or self.task_combo.currentData()
                                              == "minutes"):
            parts.append(self.answer_view.draft_text())
        if not self.table_editor.isHidden():
            from deskmate.core.tables import to_markdown

            parts.append(to_markdown(self.table_editor.table()))
        text = "\n\n".join(p.strip() for p in parts if p.strip())
        if text:
            self.insertRequested.emit(text + "\n")

    # --- the rest ----------------------------------------------------------------------------------
    def _task_changed(self) -> None:
        self.about_edit.setVisible(self.task_combo.currentData() == "table")

    def _update_buttons(self) -> None:
        run = self._run
        active = run is not None and not run.done
        self.pause_button.setVisible(active)
        self.cancel_index_button.setVisible(active)
        self.reindex_button.setVisible(not self.indexing)
        self.pause_button.setText(self.tr("Resume") if active and run.paused else self.tr("Pause"))
        busy = self.model_worker.busy
        self.ask_button.setEnabled(not busy)
        self.run_task_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths and self.add_paths(paths):
            event.acceptProposedAction()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop indexing and any answer, and close what this panel opened (before the window closes)."""
        self._watch_timer.stop()
        self._refresh_timer.stop()
        if self._model_run is not None:
            self._model_run.cancel()
        if self._run is not None:
            self._run.cancel()
        self.model_worker.wait(timeout)
        self.index_worker.wait(timeout)
        if self._run is not None:
            self._run.wait(timeout)
        if self._owns_library and self._library is not None:
            embedder = self._library.embedder
            self._library.close()
            if embedder is not None:
                embedder.close()  # type: ignore[attr-defined]


def _open_installed_embedder() -> object:
    """The installed embedding model started (a child process), None when there is none, or why not."""
    from deskmate.core.docs.embedding import open_embedder

    try:
        return open_embedder()
    except Exception as e:  # a broken model file: keyword search still works, and the person is told
        return e
