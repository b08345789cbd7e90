"""The main window: tasks on the left, the task and its answer in the middle, the draft on the right.

It wires widgets to core services through signals (TaskRunner, EngineBridge,
the drafts controller) and holds no business logic itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .engine_bridge import EngineBridge
from .retranslating import Retranslating
from .theme import set_tone
from .window_place import WindowPlace

if TYPE_CHECKING:
    from deskmate.core.engines.base import Completion
    from deskmate.core.engines.supervisor import EngineStatus
    from deskmate.core.tasks import Catalog

DEFAULT_TASK = "qa.open"


def image_model_setting() -> str | None:
    """``[images] model`` (written by File → Choose image model…); None when unset or wrong."""
    from deskmate.core.settings import load_settings_leniently

    return load_settings_leniently().settings.images.model


def make_images_panel() -> QWidget:
    """The Images panel on the first installed image model (or $DESKMATE_IMAGE_MODEL)."""
    import os

    from .images_panel import ImagesPanel

    model = os.environ.get("DESKMATE_IMAGE_MODEL") or image_model_setting()
    if not model:
        try:
            from deskmate.core.models.registry import Registry

            images = [m for m in Registry().list() if m.kind == "image"]
            model = images[0].path if images else None
        except Exception:
            model = None
    return ImagesPanel(model_path=model)


def phase_text(status: EngineStatus) -> str:
    from deskmate.core.engines.supervisor import Phase

    # Spelled out in full: lupdate only extracts literal QCoreApplication.translate calls.
    texts = {
        Phase.STOPPED: QCoreApplication.translate("MainWindow", "Engine stopped"),
        Phase.STARTING: QCoreApplication.translate("MainWindow", "Starting the engine…"),
        Phase.LOADING: QCoreApplication.translate("MainWindow", "Loading the model…"),
        Phase.READY: QCoreApplication.translate("MainWindow", "Ready"),
        Phase.CRASHED: QCoreApplication.translate("MainWindow", "The engine stopped unexpectedly — restarting"),
        Phase.RESTARTING: QCoreApplication.translate("MainWindow", "Restarting the engine…"),
        Phase.FAILED: QCoreApplication.translate("MainWindow", "The engine cannot start"),
    }
    text = texts[status.phase]
    if status.phase is Phase.FAILED and status.message:
        text += f": {status.message}"
    return text


class MainWindow(Retranslating, QMainWindow):
    languageRequested = Signal(str)
    settingsRequested = Signal()
    modelRequested = Signal(str)  # a .gguf path; "" for the built-in model
    remoteRequested = Signal(str)  # a remote endpoint's name
    endpointsRequested = Signal()
    modelsRequested = Signal()
    modelDownloadRequested = Signal(str)  # a catalog model id to download in the Models dialog
    catalogChanged = Signal()  # the person's own tasks changed: the catalog was reloaded into the views

    def __init__(self, bridge: EngineBridge, catalog: Catalog | None = None, drafts: object = None,
                 model_name: str = "", lang: str = "en") -> None:
        """With no catalog the window is a shell that can be painted at once (no task, draft or engine
        code imported yet); :meth:`build` adds the views. The status line says what is under way."""
        super().__init__()
        self.bridge = bridge
        self.lang = lang
        self.model_name = model_name
        self.built = False
        self.last_status: EngineStatus | None = None
        self._review = None  # a ReviewResult that rewrote the answer shown
        self._idle_label = ""
        self.close_to_tray: Callable[[], bool] | None = None
        self.images_panel = None
        self.documents_panel = None
        self.place = WindowPlace(self)  # where it was left, centred on the first start
        self.splitters = self.place.splitters

        self.opening = QLabel()
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.top_tabs = QTabWidget()
        self.top_tabs.addTab(self.opening, "")
        self.top_tabs.addTab(QWidget(), "")
        self.top_tabs.addTab(QWidget(), "")
        for index in (1, 2):  # nothing to show there until the views are built
            self.top_tabs.setTabEnabled(index, False)
        self.setCentralWidget(self.top_tabs)
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        self.menu_task = bar.addMenu("")
        self.menu_view = bar.addMenu("")
        for menu in (self.menu_file, self.menu_task, self.menu_view):
            menu.setEnabled(False)  # empty until build() gives them their actions

        # --- status bar ---
        self.engine_label = QLabel()
        self.engine_label.setAccessibleName("Engine state")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 0)
        self.speed_label = QLabel()
        self.statusBar().addWidget(self.engine_label, 1)
        self.statusBar().addPermanentWidget(self.speed_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.retranslate()
        if catalog is not None:
            self.build(catalog, drafts)

    def build(self, catalog: Catalog, drafts: object) -> None:
        """The task list, the form and answer views, the draft, the menus' actions."""
        from .conversation_flow import ConversationFlow
        from .conversation_session import ConversationSession
        from .conversation_view import ConversationsPanel, ConversationView
        from .drafts import DraftEditor, DraftsPanel
        from .model_picker import ModelPicker
        from .proofread_view import ProofreadView
        from .request_box import RequestBox
        from .run_feedback import RunFeedback
        from .table_editor import TableEditor
        from .task_form import TaskForm
        from .task_runner import TaskRunner
        from .task_sidebar import TaskSidebar
        from .translation_view import TranslationView

        bridge, lang = self.bridge, self.lang
        self.catalog = catalog
        self.runner = TaskRunner(lambda: bridge.client, self)
        self.feedback = RunFeedback(self.runner, self)

        # --- left: tasks and drafts ---
        self.sidebar = TaskSidebar(catalog, lang)
        self.drafts_panel = DraftsPanel(drafts)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.sidebar, "")
        self.left_tabs.addTab(self.drafts_panel, "")
        from deskmate.core.store.conversations import ConversationStore

        conversations = ConversationStore(drafts.db)  # type: ignore[attr-defined]  # the drafts' database
        self.session = ConversationSession(conversations, catalog, lang, self)
        self.conversations_panel = ConversationsPanel(conversations)
        self.left_tabs.addTab(self.conversations_panel, "")
        self.left_tabs.setUsesScrollButtons(False)  # three tabs side by side, never hidden behind arrows

        # --- middle: the task form, run controls and the answer ---
        self.form = TaskForm()
        self.run_button = QPushButton()
        self.stop_button = QPushButton()
        self.regenerate_button = QPushButton()
        self.copy_button = QPushButton()
        self.insert_button = QPushButton()
        self.stop_button.setEnabled(False)
        self.model_picker = ModelPicker()
        self.model_picker.modelChosen.connect(self.modelRequested)
        self.model_picker.remoteChosen.connect(self.remoteRequested)
        controls = QHBoxLayout()
        for b in (self.run_button, self.stop_button, self.regenerate_button):
            controls.addWidget(b)
        # After a review rewrote the answer: shows the first answer in its place, and back.
        self.first_answer_button = QPushButton()
        self.first_answer_button.setCheckable(True)
        # What is done with the answer, in a tool bar: on a narrow window (or at a large zoom) the last
        # of them go behind its » instead of making the window wider than the screen.
        self.answer_bar = QToolBar()
        spacer = QWidget()  # keeps them to the right while there is room
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.answer_bar.addWidget(spacer)
        self._first_answer_shown = self.answer_bar.addWidget(self.first_answer_button)
        self._first_answer_shown.setVisible(False)
        self.answer_bar.addWidget(self.copy_button)
        self.answer_bar.addWidget(self.insert_button)
        controls.addWidget(self.answer_bar, 1)

        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setAccessibleName("Answer")
        self.table_editor = TableEditor()
        self.proofread_view = ProofreadView()
        self.results = QStackedWidget()
        for w in (self.output, self.table_editor, self.proofread_view):
            self.results.addWidget(w)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        task_page = QWidget()
        task_layout = QVBoxLayout(task_page)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form)
        form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(form_scroll)
        answer = QWidget()
        answer_layout = QVBoxLayout(answer)
        answer_layout.setContentsMargins(0, 0, 0, 0)
        answer_layout.addWidget(self.model_picker)
        answer_layout.addLayout(controls)
        answer_layout.addWidget(self.notice)
        answer_layout.addWidget(self.results, 1)
        split.addWidget(answer)
        split.setSizes([300, 420])
        self.place.add_splitter("task", split)
        task_layout.addWidget(split)
        self.task_page = task_page

        self.translation_view = TranslationView(lambda: bridge.client)
        self.work = QStackedWidget()
        self.work.addWidget(task_page)
        self.work.addWidget(self.translation_view)

        # The request box first; the open conversation's turns between it and the task page.
        self.request_box = RequestBox(catalog, lang, client=lambda: bridge.client)
        self.conversation_view = ConversationView(catalog, lang)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.request_box)
        middle_split = QSplitter(Qt.Orientation.Vertical)
        middle_split.addWidget(self.conversation_view)
        middle_split.addWidget(self.work)
        middle_split.setSizes([190, 580])
        self.place.add_splitter("middle", middle_split)
        middle_layout.addWidget(middle_split, 1)

        # --- right: the draft ---
        self.draft_editor = DraftEditor(drafts)

        center = QSplitter(Qt.Orientation.Horizontal)
        center.addWidget(self.left_tabs)
        center.addWidget(middle)
        center.addWidget(self.draft_editor)
        center.setSizes([250, 620, 410])
        center.setStretchFactor(1, 1)
        self.place.add_splitter("center", center)
        # The Images and Documents tabs are built on first view: they cost nothing until then.
        self.top_tabs.removeTab(0)
        self.top_tabs.insertTab(0, center, "")
        self.top_tabs.setCurrentIndex(0)
        self.opening.deleteLater()
        for index in (1, 2):
            self.top_tabs.setTabEnabled(index, True)
        for menu in (self.menu_file, self.menu_task, self.menu_view):
            menu.setEnabled(True)
        self.top_tabs.currentChanged.connect(self._tab_changed)

        self._build_actions()
        self._wire()
        from .task_editor import install as install_task_editor

        install_task_editor(self)  # New task…, Save as my task (result and turns), reload after a save
        self.built = True
        self.retranslate()
        if not self.sidebar.select(DEFAULT_TASK) and catalog.ids():
            self.sidebar.select(catalog.ids()[0])
        self.sidebar.tree.scrollToTop()  # the common tasks and the first categories, wherever the default is
        self.flow = ConversationFlow(self)
        for view in (self.request_box, self.conversation_view):  # Esc, Copy and Insert from the box and the turns too
            for action in (self.act_stop, self.act_copy, self.act_insert):
                view.addAction(action)
        self.session.open_latest()  # the last conversation reopens, after a restart or a kill
        self.request_box.input.setFocus()

    # --- where the window was left -------------------------------------------------
    def save_state(self) -> None:
        """The place, the splitters and the open draft, for the next start."""
        editor = self.draft_editor if self.built else None
        self.place.save(editor.draft_id if editor else None, editor.body.textCursor().position() if editor else 0)

    def reopen_last_draft(self) -> None:
        """The draft open at the last quit, with its cursor where it was (not when it went to the bin since)."""
        state = self.place.state
        if state.draft_id is not None:
            self.draft_editor.reopen(state.draft_id, state.cursor)

    # --- construction --------------------------------------------------------
    def _action(self, shortcut: str | QKeySequence.StandardKey | None, slot: Callable[[], object],
                scope: QWidget | None = None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        if scope is not None:
            # Only while focus is in the task page: the translation view binds the same keys.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            scope.addAction(action)
        else:
            self.addAction(action)
        return action

    def _build_actions(self) -> None:
        page = self.task_page
        self.act_run = self._action("Ctrl+Return", self.run_task, page)
        self.act_stop = self._action("Esc", self.stop_task, page)
        self.act_regenerate = self._action("Ctrl+R", self.run_task, page)
        self.act_copy = self._action("Ctrl+Shift+C", self.copy_result, page)
        self.act_insert = self._action("Ctrl+I", self.insert_result, page)
        # The page's Copy already copies a table as a table; two bindings would cancel out.
        self.table_editor.actions_by_name["copy_table"].setShortcut(QKeySequence())
        self.act_new_draft = self._action(QKeySequence.StandardKey.New, self.draft_editor.new_draft)
        self.act_save = self._action(QKeySequence.StandardKey.Save, self.draft_editor.save_version)
        self.act_search = self._action("Ctrl+F", self.focus_draft_search)
        self.act_find_task = self._action("Ctrl+K", self.focus_task_search)
        self.act_history = self._action("Ctrl+H", self.draft_editor.show_history)
        self.act_import = self._action("Ctrl+O", self.draft_editor.import_file)
        self.act_export = self._action("Ctrl+E", self.draft_editor.export_file)
        self.act_settings = self._action("Ctrl+,", self.settingsRequested.emit)
        self.act_endpoints = self._action(None, self.endpointsRequested.emit)
        self.act_models = self._action(None, self.modelsRequested.emit)
        self.act_image_model = self._action(None, self.choose_image_model)
        self.act_quit = self._action(QKeySequence.StandardKey.Quit, self.close)
        self.act_lang = QActionGroup(self)
        self.act_english = QAction("English", self, checkable=True)
        self.act_chinese = QAction("中文（简体）", self, checkable=True)
        for action, code in ((self.act_english, "en"), (self.act_chinese, "zh")):
            self.act_lang.addAction(action)
            action.setChecked(code == self.lang)
            action.triggered.connect(lambda _=False, c=code: self.languageRequested.emit(c))

        for a in (self.act_new_draft, self.act_save, self.act_import, self.act_export, self.act_history):
            self.menu_file.addAction(a)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_settings)
        self.menu_file.addAction(self.act_models)
        self.menu_file.addAction(self.act_image_model)
        self.menu_file.addAction(self.act_endpoints)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        for a in (self.act_run, self.act_stop, self.act_regenerate, self.act_copy, self.act_insert,
                  self.act_find_task, self.act_search):
            self.menu_task.addAction(a)
        self.menu_lang = self.menu_view.addMenu("")
        self.menu_lang.addAction(self.act_english)
        self.menu_lang.addAction(self.act_chinese)

    def _wire(self) -> None:
        self.sidebar.taskChosen.connect(self.show_task)
        self.sidebar.taskEntered.connect(self.enter_task)
        self.run_button.clicked.connect(self.run_task)
        self.regenerate_button.clicked.connect(self.run_task)
        self.stop_button.clicked.connect(self.stop_task)
        self.copy_button.clicked.connect(self.copy_result)
        self.insert_button.clicked.connect(self.insert_result)
        self.bridge.status.connect(self.show_status)
        r = self.runner
        r.started.connect(self._on_started)
        r.text.connect(self.append_delta)
        r.textDone.connect(self._on_text_done)
        r.tableDone.connect(self._on_table_done)
        r.proofreadDone.connect(self._on_proofread_done)
        r.reviewDone.connect(self._on_review_done)
        r.failed.connect(self._on_failed)
        r.busyChanged.connect(self._on_busy)
        r.notice.connect(lambda text: self._show_notice(text))
        self.feedback.changed.connect(self._show_run_state)
        self.table_editor.tableChanged.connect(self._show_table_size)
        self.first_answer_button.toggled.connect(self._show_first_answer)
        self.translation_view.insertRequested.connect(self.draft_editor.insert_text)
        self.drafts_panel.draftOpened.connect(self.draft_editor.open_draft)
        self.drafts_panel.draftDeleted.connect(self.draft_editor.close_draft)
        self.drafts_panel.new_button.clicked.connect(self.draft_editor.new_draft)
        self.draft_editor.draftSaved.connect(self.drafts_panel.refresh)

    def retranslate(self) -> None:
        self.top_tabs.setTabText(0, self.tr("Write"))
        self.top_tabs.setTabText(1, self.tr("Images"))
        self.top_tabs.setTabText(2, self.tr("Documents"))
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_task.setTitle(self.tr("&Task"))
        self.menu_view.setTitle(self.tr("&View"))
        if not self.built:
            self.setWindowTitle("Deskmate")
            self.opening.setText(self.tr("Opening your tasks and drafts…"))
            self.engine_label.setText(self.opening.text())
            return
        self.setWindowTitle(self.tr("Deskmate — {model}").format(model=self.model_name))
        self.left_tabs.setTabText(0, self.tr("Tasks"))
        self.left_tabs.setTabText(1, self.tr("Drafts"))
        self.left_tabs.setTabText(2, self.tr("Chats"))
        self.run_button.setText(self.tr("Run"))
        self.run_button.setToolTip(self.tr("Run the task (Ctrl+Enter)"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop (Esc)"))
        self.regenerate_button.setText(self.tr("Regenerate"))
        self.regenerate_button.setToolTip(self.tr("Run again (Ctrl+R)"))
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the result (Ctrl+Shift+C)"))
        self.insert_button.setText(self.tr("Insert into draft"))
        self.insert_button.setToolTip(self.tr("Insert the result into the draft (Ctrl+I)"))
        self.output.setPlaceholderText(self.tr("The answer appears here as it is written."))
        self.first_answer_button.setText(self.tr("Show the first answer"))
        self.first_answer_button.setToolTip(self.tr("The answer before the review pass rewrote it"))
        if self.results.currentWidget() is self.table_editor:
            self._show_table_size(self.table_editor.table())
        names = {
            self.act_run: self.tr("Run"), self.act_stop: self.tr("Stop"), self.act_regenerate: self.tr("Regenerate"),
            self.act_copy: self.tr("Copy result"), self.act_insert: self.tr("Insert into draft"),
            self.act_new_draft: self.tr("New draft"), self.act_save: self.tr("Save a version"),
            self.act_search: self.tr("Search drafts"),
            self.act_find_task: self.tr("Find a task"), self.act_history: self.tr("Draft history…"),
            self.act_import: self.tr("Import…"), self.act_export: self.tr("Export draft…"),
            self.act_settings: self.tr("Settings…"), self.act_quit: self.tr("Quit"),
            self.act_endpoints: self.tr("Remote servers…"), self.act_models: self.tr("Models…"),
            self.act_image_model: self.tr("Choose image model folder…"),
        }
        for action, text in names.items():
            action.setText(text)
        self.menu_lang.setTitle(self.tr("Language"))
        if self.last_status is not None:
            self.show_status(self.last_status)

    def set_language(self, lang: str) -> None:
        """Catalog names follow the UI language; Qt strings follow the installed translator."""
        self.lang = lang
        (self.act_chinese if lang == "zh" else self.act_english).setChecked(True)
        self.sidebar.set_language(lang)
        self.request_box.set_language(lang)
        self.conversation_view.set_language(lang)
        self.session.set_language(lang)
        if self.form.task is not None:
            self.form.set_task(self.form.task, lang)

    def choose_image_model(self, folder: str | None = None) -> bool:
        """A diffusers folder for the Images tab; remembered in settings.toml [images] model."""
        from PySide6.QtWidgets import QFileDialog

        from deskmate.core.settings import set_value

        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, self.tr("Choose an image model folder"))
        if not folder:
            return False
        self.top_tabs.setCurrentIndex(1)
        if not self.images_panel.set_model(folder):  # the panel says what is wrong with it
            return False
        try:
            set_value("images", "model", folder)
        except Exception as e:
            self.statusBar().showMessage(str(e), 10000)
        return True

    def image_model_installed(self, model: object) -> None:
        """A download finished: an image model goes to the Images tab when it has none it can use."""
        panel = self.images_panel
        if getattr(model, "kind", "") != "image" or panel is None:
            return  # an Images tab built later finds it in the registry
        if not panel.model_usable():
            self.choose_image_model(model.path)  # type: ignore[attr-defined]

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.images_panel is None:
            self.images_panel = make_images_panel()
            self.images_panel.getModelRequested.connect(self.modelDownloadRequested)
            self.images_panel.chooseFolderRequested.connect(lambda: self.choose_image_model())
            self._place_tab(1, self.images_panel, self.tr("Images"))
        elif index == 2 and self.documents_panel is None:
            from .documents_panel import DocumentsPanel

            self.documents_panel = DocumentsPanel(client=lambda: self.bridge.client)
            self.documents_panel.insertRequested.connect(self.draft_editor.insert_text)
            self._place_tab(2, self.documents_panel, self.tr("Documents"))

    def _place_tab(self, index: int, panel: QWidget, title: str) -> None:
        old = self.top_tabs.widget(index)
        self.top_tabs.blockSignals(True)
        self.top_tabs.removeTab(index)
        self.top_tabs.insertTab(index, panel, title)
        self.top_tabs.setCurrentIndex(index)
        self.top_tabs.blockSignals(False)
        old.deleteLater()

    # --- tasks ------------------------------------------------------------------
    def show_task(self, task_id: str) -> None:
        task = self.catalog.task(task_id)
        if task.output == "translation":
            self.work.setCurrentWidget(self.translation_view)
            return
        self.work.setCurrentIndex(0)
        if self.form.task is None or self.form.task.id != task.id:
            self.reset_results()  # the last task's answer, grid and counters are not this task's
        self.form.set_task(task, self.lang)
        self.notice.setVisible(False)

    def enter_task(self, task_id: str) -> None:
        """Enter in the task search: the task's form, the cursor in its first field, ready to type."""
        self.show_task(task_id)
        if self.work.currentWidget() is self.translation_view:
            self.translation_view.source_edit.setFocus()
        else:
            self.form.focus_first_field()

    def reset_results(self) -> None:
        from deskmate.core.tables import Table

        self.output.clear()
        self.table_editor.set_table(Table([], []))
        self.proofread_view.clear()
        self.results.setCurrentWidget(self.output)
        self.notice.setVisible(False)
        self.speed_label.setText("")
        self._review = None
        self.first_answer_button.blockSignals(True)
        self.first_answer_button.setChecked(False)
        self.first_answer_button.blockSignals(False)
        self._first_answer_shown.setVisible(False)

    def focus_task_search(self) -> None:
        self.left_tabs.setCurrentWidget(self.sidebar)
        self.sidebar.search.setFocus()
        self.sidebar.search.selectAll()

    def focus_draft_search(self) -> None:
        self.left_tabs.setCurrentWidget(self.drafts_panel)
        self.drafts_panel.search.setFocus()
        self.drafts_panel.search.selectAll()

    def run_task(self) -> None:
        from deskmate.core.tasks import TaskInputError

        if self.work.currentWidget() is self.translation_view:
            self.translation_view.translate()
            return
        task = self.form.task
        if task is None or self.runner.busy:
            return
        self.feedback.expect_review(self.form.review.isChecked())
        self._idle_label = self.engine_label.text()  # shown again after the run when no engine reports
        try:
            self.runner.run(task, self.form.values(), lang=self.lang, creativity=self.form.creativity_value(),
                            review=self.form.review.isChecked())
        except TaskInputError as e:
            self._show_notice(str(e), error=True)

    def stop_task(self) -> None:
        if self.work.currentWidget() is self.translation_view:
            self.translation_view.stop()
        self.runner.stop()

    def _on_started(self, kind: str) -> None:
        self.reset_results()

    def _on_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.regenerate_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.copy_button.setEnabled(not busy)
        self.insert_button.setEnabled(not busy)

    def append_delta(self, piece: str) -> None:
        cursor = self.output.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(piece)
        self.output.setTextCursor(cursor)

    def _on_text_done(self, result: Completion) -> None:
        if result.finish_reason == "cancelled":
            self.speed_label.setText(self.tr("stopped — the text so far is kept"))
        else:
            self.speed_label.setText(self.tr("{n} tokens, {rate:.1f} tokens/s").format(
                n=result.usage.completion_tokens, rate=result.usage.tokens_per_second))

    def _on_table_done(self, table: object) -> None:
        self.table_editor.set_table(table)
        self.results.setCurrentWidget(self.table_editor)
        self._show_table_size(table)

    def _show_table_size(self, table: object) -> None:
        rows, cols = table.shape  # type: ignore[attr-defined]
        self.speed_label.setText(self.tr("Rows: {rows}, columns: {cols}").format(rows=rows, cols=cols))

    def _on_proofread_done(self, result: object) -> None:
        self.proofread_view.set_result(result)
        self.results.setCurrentWidget(self.proofread_view)
        n = len(result.changes)  # type: ignore[attr-defined]
        self.speed_label.setText(self.tr("%n change(s) to review", "", n))

    def _on_review_done(self, review: object) -> None:
        if review.ok:  # type: ignore[attr-defined]
            self._show_notice(self.tr("Review: no problems found."))
            return
        # Each issue's own full stop would double the sentence's.
        issues = "; ".join(i.rstrip(".") for i in review.issues)  # type: ignore[attr-defined]
        if review.revised:  # type: ignore[attr-defined]
            # What the rewrite changed, in the proofreading view (accept or undo each change there); the
            # first answer one click away instead of in the notice, where it squeezed the answer.
            self._review = review
            self.output.setPlainText(review.revised)  # type: ignore[attr-defined]
            self.proofread_view.set_result(review.diff(self.lang))  # type: ignore[attr-defined]
            self.results.setCurrentWidget(self.proofread_view)
            self._first_answer_shown.setVisible(True)
            self._show_notice(self.tr("Review found: {issues}. The answer was rewritten once to fix this; accept or "
                                      "undo each change below, or “Show the first answer”.").format(issues=issues))
        else:
            self._show_notice(self.tr("Review found: {issues}").format(issues=issues))

    def _show_first_answer(self, first: bool) -> None:
        if self._review is not None:
            self.output.setPlainText(self._review.original if first else self._review.revised)
            self.results.setCurrentWidget(self.output if first else self.proofread_view)

    def _on_failed(self, message: str, partial: str) -> None:
        if partial and self.results.currentWidget() is self.output and self.output.toPlainText() != partial:
            self.output.setPlainText(partial)
        self._show_notice(message, error=True)

    def show_problems(self, problems: list[str]) -> None:
        """Problems found at startup (e.g. a wrong value in settings.toml): shown until the next run."""
        self._show_notice("\n".join(problems), error=True)

    def _show_notice(self, text: str, error: bool = False) -> None:
        self.notice.setText(text)
        set_tone(self.notice, "error" if error else "")
        self.notice.setVisible(True)

    def result_text(self) -> str:
        if self.work.currentWidget() is self.translation_view:  # the results below belong to the task page
            return self.translation_view.target_text()
        current = self.results.currentWidget()
        if current is self.table_editor:
            from deskmate.core.tables import to_markdown

            return to_markdown(self.table_editor.table())
        if current is self.proofread_view:
            return self.proofread_view.final_text()
        return self.output.toPlainText()

    def copy_result(self) -> None:
        if self.work.currentWidget() is self.translation_view:
            if not self.translation_view.copy_result():
                return  # nothing translated yet
        elif self.results.currentWidget() is self.table_editor:
            self.table_editor.copy_as_table()
        else:
            QApplication.clipboard().setText(self.result_text())
        self.statusBar().showMessage(self.tr("Copied"), 3000)

    def insert_result(self) -> None:
        text = self.result_text()
        if text.strip():
            self.draft_editor.insert_text(text)

    # --- engine status ------------------------------------------------------
    def _show_run_state(self) -> None:
        """While a task runs the status says what it is doing; afterwards the engine's state again."""
        if not self.feedback.active:
            if self.last_status is not None:
                self.show_status(self.last_status)
            else:
                self.engine_label.setText(self._idle_label)
                self.progress.setVisible(False)
            return
        self.engine_label.setText(self.feedback.text())
        self.progress.setRange(0, 0)
        self.progress.setVisible(not self.feedback.streaming())

    def show_status(self, status: EngineStatus) -> None:
        from deskmate.core.engines.supervisor import Phase

        self.last_status = status
        if self.feedback.active:
            return  # a crash during the run ends the run, and then this status is shown
        self.engine_label.setText(phase_text(status))
        loading = status.phase in (Phase.STARTING, Phase.LOADING, Phase.RESTARTING)
        self.progress.setVisible(loading)
        if status.phase is Phase.LOADING and status.progress is not None:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(status.progress * 100))
        else:
            self.progress.setRange(0, 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.built:  # closed while opening: there is nothing to stop or save yet
            super().closeEvent(event)
            return
        if self.close_to_tray is not None and self.close_to_tray():
            # Keep working in the tray; Quit in the tray menu really quits.
            self.draft_editor.flush()
            self.save_state()
            self.hide()
            event.ignore()
            return
        if self.images_panel is not None:
            self.images_panel.shutdown()
        if self.documents_panel is not None:
            self.documents_panel.shutdown()
        self.runner.stop()
        self.translation_view.stop()
        self.runner.wait(3.0)
        self.draft_editor.flush()
        self.save_state()
        super().closeEvent(event)

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)
