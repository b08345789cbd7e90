"""The editor for a person's own tasks: names, fields, instruction, output, creativity, quick action
and hotkey, with the prompt previewed as a run renders it. The files and their checks are
core/tasks/user_tasks.py; this only shows them.

``install(window)`` adds Task → New task… / Edit my task… / Save as my task…, a "Save as my task"
button under a result and under a conversation's turns, and reloads the catalog into the window's
views after a save or a delete (``window.catalogChanged`` then tells the palette, tray and hotkeys).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.tasks import user_tasks as ut
from deskmate.core.tasks.schema import Task

from .dialogs import Confirm, confirm_with_dialog
from .retranslating import Retranslating


def _error_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _say(label: QLabel, text: str) -> None:
    label.setText(f"⚠ {text}" if text else "")
    label.setVisible(bool(text))


# core/tasks/user_tasks.py's fixed messages, so the Chinese editor shows them translated (the
# catalog schema's own messages name the TOML and stay as they are).
_CORE_MESSAGES = (
    QT_TRANSLATE_NOOP("TaskEditor", "give the task a name (in English, Chinese or both)"),
    QT_TRANSLATE_NOOP("TaskEditor", "write what the model should do"),
    QT_TRANSLATE_NOOP("TaskEditor", "give the field a label"),
)


class FieldRow(QWidget):
    """One field of the task: its labels, kind, whether it is required, its default."""

    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, field: ut.UserField | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        f = field or ut.UserField("", "")
        self.name = f.name  # kept from the file: the instruction's {name} must not change under it
        self.label_en = QLineEdit(f.label_en)
        self.label_zh = QLineEdit(f.label_zh)
        self.kind = QComboBox()
        self.kind.addItem("", "line")
        self.kind.addItem("", "text")
        self.kind.setCurrentIndex(1 if f.kind == "text" else 0)
        self.required = QCheckBox()
        self.required.setChecked(f.required)
        self.default = QLineEdit(f.default)
        self.remove = QPushButton()
        self.placeholder = QLabel()
        self.placeholder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = _error_label()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 4)
        grid.addWidget(self.label_en, 0, 0)
        grid.addWidget(self.label_zh, 0, 1)
        grid.addWidget(self.kind, 0, 2)
        grid.addWidget(self.required, 0, 3)
        grid.addWidget(self.remove, 0, 4)
        grid.addWidget(self.default, 1, 0, 1, 2)
        grid.addWidget(self.placeholder, 1, 2, 1, 3)
        grid.addWidget(self.error, 2, 0, 1, 5)
        for edit in (self.label_en, self.label_zh, self.default):
            edit.textChanged.connect(self.changed)
        self.kind.currentIndexChanged.connect(self.changed)
        self.required.toggled.connect(self.changed)
        self.remove.clicked.connect(lambda: self.removeRequested.emit(self))
        self.retranslate()

    def retranslate(self) -> None:
        self.label_en.setPlaceholderText(self.tr("Label (English)"))
        self.label_en.setAccessibleName(self.tr("Field label (English)"))
        self.label_zh.setPlaceholderText(self.tr("Label (Chinese)"))
        self.label_zh.setAccessibleName(self.tr("Field label (Chinese)"))
        self.kind.setItemText(0, self.tr("One line"))
        self.kind.setItemText(1, self.tr("Several lines"))
        self.required.setText(self.tr("Required"))
        self.default.setPlaceholderText(self.tr("Default value (optional)"))
        self.remove.setText(self.tr("Remove"))

    def value(self, index: int) -> ut.UserField:
        return ut.UserField(self.name, self.label_en.text().strip(), self.label_zh.text().strip(),
                            self.kind.currentData(), self.required.isChecked(), self.default.text())

    def show_name(self, name: str) -> None:
        self.placeholder.setText(self.tr("In the instruction: {name}")
                                 .format(name="{" + name + "}"))


class TaskEditor(Retranslating, QDialog):
    """Create or edit one of the person's own tasks. Not modal: the window stays usable beside it."""

    saved = Signal(str)  # the task's id, once its file is written
    deleted = Signal(str)

    def __init__(self, start: ut.UserTask | None = None, lang: str = "en", parent: QWidget | None = None, *,
                 confirm: Confirm | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TaskEditor")
        self.lang = lang
        self.task_id = start.id if start else ""
        self.confirm = confirm or confirm_with_dialog(self)
        self.rows: list[FieldRow] = []
        start = start or ut.UserTask(fields=(ut.UserField("", "Text", "文本", "text"),))  # named by its label

        self.name_en = QLineEdit(start.name_en)
        self.name_zh = QLineEdit(start.name_zh)
        self.name_error = _error_label()
        self.fields_box = QVBoxLayout()
        self.fields_box.setSpacing(2)
        self.fields_error = _error_label()
        self.add_field = QPushButton()
        self.instruction = QPlainTextEdit(start.instruction)
        self.instruction.setTabChangesFocus(True)
        self.instruction.setMinimumHeight(90)
        self.instruction_error = _error_label()
        self.output = QComboBox()
        for kind in ut.OUTPUT_KINDS:
            self.output.addItem("", kind)
        self.output.setCurrentIndex(max(0, ut.OUTPUT_KINDS.index(start.output)
                                        if start.output in ut.OUTPUT_KINDS else 0))
        self.output_error = _error_label()
        self.creativity = QDoubleSpinBox()
        self.creativity.setRange(0.0, 1.0)
        self.creativity.setSingleStep(0.1)
        self.creativity.setDecimals(1)
        self.creativity.setValue(start.creativity)
        self.creativity_error = _error_label()
        self.keywords = QLineEdit(", ".join(start.keywords))
        self.keywords_error = _error_label()
        self.quick = QCheckBox()
        self.quick.setChecked(start.quick)
        self.quick_error = _error_label()
        self.hotkey = QKeySequenceEdit(QKeySequence(ut.hotkey_to_keys(start.hotkey)) if start.hotkey else QKeySequence())
        self.hotkey.setMaximumSequenceLength(1)
        self.clear_hotkey = QPushButton()
        self.hotkey_error = _error_label()
        self.preview = QPlainTextEdit(readOnly=True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.preview.setFont(mono)
        self.preview_label = QLabel()
        self.message = QLabel(wordWrap=True)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.delete_button = QPushButton()
        self.close_button = QPushButton()

        form = QFormLayout()
        self._labels: dict[str, QLabel] = {}

        def row(key: str, widget: QWidget | QHBoxLayout, error: QLabel | None = None) -> None:
            label = QLabel()
            self._labels[key] = label
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(widget) if isinstance(widget, QWidget) else box.addLayout(widget)
            if error is not None:
                box.addWidget(error)
            form.addRow(label, box)
            if isinstance(widget, QWidget):
                label.setBuddy(widget)

        names = QHBoxLayout()
        names.addWidget(self.name_en)
        names.addWidget(self.name_zh)
        row("name", names, self.name_error)
        self._labels["name"].setBuddy(self.name_en)
        fields = QVBoxLayout()
        fields.addLayout(self.fields_box)
        fields.addWidget(self.fields_error)
        fields.addWidget(self.add_field, 0, Qt.AlignmentFlag.AlignLeft)
        row("fields", fields)
        row("instruction", self.instruction, self.instruction_error)
        row("output", self.output, self.output_error)
        row("creativity", self.creativity, self.creativity_error)
        row("keywords", self.keywords, self.keywords_error)
        row("quick", self.quick, self.quick_error)
        keys = QHBoxLayout()
        keys.addWidget(self.hotkey, 1)
        keys.addWidget(self.clear_hotkey)
        row("hotkey", keys, self.hotkey_error)
        self._labels["hotkey"].setBuddy(self.hotkey)

        editor = QWidget()
        editor.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)
        # Fields shrink to the width given rather than hiding behind a sideways scroll bar.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview_label)
        right_layout.addWidget(self.preview, 1)
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(right)
        split.setSizes([620, 360])
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.resize(1000, 640)

        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.refresh)
        for f in start.fields:
            self._add_row(f)
        for edit in (self.name_en, self.name_zh, self.keywords):
            edit.textChanged.connect(self._changed)
        self.instruction.textChanged.connect(self._changed)
        self.output.currentIndexChanged.connect(self._changed)
        self.creativity.valueChanged.connect(self._changed)
        self.quick.toggled.connect(self._changed)
        self.hotkey.keySequenceChanged.connect(self._changed)
        self.clear_hotkey.clicked.connect(self.hotkey.clear)
        self.add_field.clicked.connect(lambda: self._add_row(None, focus=True))
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.close_button.clicked.connect(self.close)
        self.retranslate()
        self.refresh()

    # --- building -------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Edit my task") if self.task_id else self.tr("New task"))
        texts = {"name": self.tr("&Name"), "fields": self.tr("Fields"), "instruction": self.tr("&Instruction"),
                 "output": self.tr("&Output"), "creativity": self.tr("&Creativity"), "keywords": self.tr("&Words"),
                 "quick": self.tr("Quick action"), "hotkey": self.tr("&Hotkey")}
        for key, label in self._labels.items():
            label.setText(texts[key])
        self.name_en.setPlaceholderText(self.tr("Name in English"))
        self.name_en.setAccessibleName(self.tr("Name in English"))
        self.name_zh.setPlaceholderText(self.tr("Name in Chinese"))
        self.name_zh.setAccessibleName(self.tr("Name in Chinese"))
        self.instruction.setPlaceholderText(self.tr("What the model should do, e.g. “Reply politely to this message.” "
                                               "Fields the instruction does not mention are added after it."))
        self.instruction.setAccessibleName(self.tr("Instruction"))
        outputs = {"text": self.tr("Text"), "table": self.tr("Table"), "diff": self.tr("Corrections to review"),
                   "translation": self.tr("Translation")}
        for i, kind in enumerate(ut.OUTPUT_KINDS):
            self.output.setItemText(i, outputs[kind])
        self.creativity.setToolTip(self.tr("0 keeps to the text; 1 invents freely"))
        self.keywords.setPlaceholderText(self.tr("Words that pick this task in the request box (its names when empty)"))
        self.quick.setText(self.tr("On the clipboard, from the palette and the tray"))
        self.quick.setToolTip(self.tr("Run it on the clipboard from the quick palette, the tray and `deskmate quick`"))
        self.hotkey.setToolTip(self.tr("A global hotkey of its own (quick actions only); press the keys here"))
        self.hotkey.setAccessibleName(self.tr("Hotkey"))
        self.clear_hotkey.setText(self.tr("No hotkey"))
        self.add_field.setText(self.tr("Add a field"))
        self.preview_label.setText(self.tr("Prompt preview (as a run sends it)"))
        self.preview.setAccessibleName(self.tr("Prompt preview"))
        self.save_button.setText(self.tr("Save"))
        self.delete_button.setText(self.tr("Delete"))
        self.delete_button.setVisible(bool(self.task_id))
        self.close_button.setText(self.tr("Close"))
        for r in self.rows:
            r.retranslate()
        self.refresh()

    def _add_row(self, field: ut.UserField | None, focus: bool = False) -> FieldRow:
        r = FieldRow(field)
        r.changed.connect(self._changed)
        r.removeRequested.connect(self._remove_row)
        self.rows.append(r)
        self.fields_box.addWidget(r)
        if focus:
            r.label_en.setFocus()
        self._changed()
        return r

    def _remove_row(self, r: FieldRow) -> None:
        self.rows.remove(r)
        r.deleteLater()
        self._changed()

    # --- reading and checking ----------------------------------------------------
    def value(self) -> ut.UserTask:
        keys = self.hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        words = tuple(w.strip() for w in self.keywords.text().replace("，", ",").split(",") if w.strip())
        return ut.UserTask(
            name_en=self.name_en.text().strip(), name_zh=self.name_zh.text().strip(),
            instruction=self.instruction.toPlainText(),
            fields=tuple(r.value(i) for i, r in enumerate(self.rows)),
            output=self.output.currentData(), creativity=round(self.creativity.value(), 2),
            quick=self.quick.isChecked(), hotkey=ut.hotkey_from_keys(keys), keywords=words, id=self.task_id)

    def _changed(self) -> None:
        self._timer.start()

    def _errors(self) -> dict[str, QLabel]:
        out = {"name": self.name_error, "fields": self.fields_error, "instruction": self.instruction_error,
               "output": self.output_error, "creativity": self.creativity_error, "quick": self.quick_error,
               "hotkey": self.hotkey_error, "keywords": self.keywords_error}
        out.update({f"field:{i}": r.error for i, r in enumerate(self.rows)})
        return out

    def refresh(self) -> list[ut.FieldProblem]:
        """Check the task as it stands: each problem next to its part, the preview when there is none."""
        task = self.value()
        for i, r in enumerate(self.rows):
            r.show_name(ut.field_name(task.fields[i], i))
        found = ut.problems(task)
        shown: dict[str, list[str]] = {}
        for p in found:
            shown.setdefault(p.part, []).append(QCoreApplication.translate("TaskEditor", p.message))
        for part, label in self._errors().items():
            _say(label, "; ".join(shown.get(part, [])))
        if found:
            self.preview.setPlainText(self.tr("The preview shows once the task is complete."))
        else:
            values = {ut.field_name(f, i): f.default for i, f in enumerate(task.fields)}
            self.preview.setPlainText(ut.preview(task, values, lang=self.lang))
        self.save_button.setEnabled(not found)
        return found

    def problems_by_label(self) -> dict[str, str]:
        """What the editor shows next to each part, by the part's label (the flows read this)."""
        out = {}
        for part, label in self._errors().items():
            if label.isVisible() or label.text():
                name = part
                if part.startswith("field:"):
                    r = self.rows[int(part.split(":")[1])]
                    name = r.label_en.text() or r.label_zh.text() or part
                elif part in self._labels:
                    name = self._labels[part].text().replace("&", "")
                out[name] = label.text()
        return out

    # --- saving ---------------------------------------------------------------------
    def save(self) -> bool:
        self._timer.stop()
        if self.refresh():
            self.message.setText(self.tr("Fix the marked parts, then save."))
            return False
        try:
            task = ut.save(self.value())
        except ut.UserTaskError as e:
            self.message.setText(str(e))
            return False
        except OSError as e:
            self.message.setText(self.tr("The task could not be saved: {error}").format(error=e))
            return False
        self.task_id = task.id
        self.retranslate()
        self.message.setText(self.tr("Saved as “{name}” under My tasks.").format(name=task.name.get(self.lang)))
        self.saved.emit(task.id)
        return True

    def delete(self) -> bool:
        if not self.task_id:
            return False
        name = self.name_en.text() or self.name_zh.text()
        if not self.confirm(self.tr("Delete task"), self.tr("Delete your task “{name}”?").format(name=name)):
            return False
        try:
            ut.delete(self.task_id)
        except (ut.UserTaskError, OSError) as e:
            self.message.setText(str(e))
            return False
        gone, self.task_id = self.task_id, ""
        self.deleted.emit(gone)
        self.close()
        return True


# ------------------------------------------------------------------ wiring into the window


def reload_catalog(window: QMainWindow) -> None:
    """The catalog as the files now say, in every view that lists or routes tasks."""
    from deskmate.core.tasks import catalog as task_catalog

    loaded = task_catalog.current()
    catalog = loaded.catalog
    w = window
    current = w.sidebar.current_task()
    w.catalog = catalog
    for view in (w.sidebar, w.request_box, w.conversation_view):
        view.catalog = catalog
    w.session.talk.catalog = catalog
    w.sidebar.populate()
    if current and current in catalog:
        w.sidebar.select(current)
    for err in loaded.errors:
        w.statusBar().showMessage(str(err), 15000)
    signal = getattr(w, "catalogChanged", None)
    if signal is not None:
        signal.emit()


def open_editor(window: QMainWindow, start: ut.UserTask | None = None) -> TaskEditor:
    editor = TaskEditor(start, window.lang, window)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def saved(task_id: str) -> None:
        reload_catalog(window)
        window.sidebar.select(task_id)

    editor.saved.connect(saved)
    editor.deleted.connect(lambda _id: reload_catalog(window))
    window.task_editor = editor

    def gone(*_: object) -> None:
        if window.task_editor is editor:
            window.task_editor = None

    editor.destroyed.connect(gone)
    editor.show()
    editor.raise_()
    editor.activateWindow()
    editor.name_en.setFocus()
    return editor


def _save_run_as_mine(window: QMainWindow) -> None:
    task: Task | None = window.form.task
    if task is None:
        return
    open_editor(window, ut.from_task(task, window.lang, values=window.form.values()))


def _save_turn_as_mine(window: QMainWindow) -> None:
    item = window.conversation_view.turns.currentItem()
    if item is None:
        return
    from .conversation_view import TURN_ROLE

    turn = item.data(TURN_ROLE)
    if turn.task_id not in window.catalog:
        return
    refinement = turn.request if turn.position > 1 else ""
    open_editor(window, ut.from_task(window.catalog.task(turn.task_id), window.lang, values=turn.inputs,
                                     instruction=refinement))


def _edit_current(window: QMainWindow) -> None:
    task_id = window.sidebar.current_task() or ""
    if task_id.startswith(ut.CATEGORY + "."):
        open_editor(window, ut.load(task_id))
    else:
        _save_run_as_mine(window)


def install(window: QMainWindow) -> None:
    """Menu entries and buttons for the editor, in a built window."""
    w = window
    w.task_editor = None
    w.act_new_task = w._action(None, lambda: open_editor(w))
    w.act_edit_task = w._action(None, lambda: _edit_current(w))
    w.act_save_task = w._action(None, lambda: _save_run_as_mine(w))
    w.menu_task.addSeparator()
    for a in (w.act_new_task, w.act_edit_task, w.act_save_task):
        w.menu_task.addAction(a)
    w.save_task_button = QPushButton()
    w.save_task_button.clicked.connect(lambda: _save_run_as_mine(w))
    w.answer_bar.addWidget(w.save_task_button)
    view = w.conversation_view
    view.save_task_button = QPushButton()
    view.save_task_button.clicked.connect(lambda: _save_turn_as_mine(w))
    view.layout().itemAt(0).layout().insertWidget(2, view.save_task_button)

    def texts() -> None:
        w.act_new_task.setText(QCoreApplication.translate("TaskEditor", "New task…"))
        w.act_edit_task.setText(QCoreApplication.translate("TaskEditor", "Edit my task…"))
        w.act_save_task.setText(QCoreApplication.translate("TaskEditor", "Save as my task…"))
        w.save_task_button.setText(QCoreApplication.translate("TaskEditor", "Save as my task"))
        w.save_task_button.setToolTip(QCoreApplication.translate("TaskEditor", "A task of your own from this one, with its values"))
        view.save_task_button.setText(QCoreApplication.translate("TaskEditor", "Save as my task"))
        view.save_task_button.setToolTip(QCoreApplication.translate("TaskEditor", "A task of your own from the selected turn and its refinement"))

    w._task_editor_texts = _OnLanguageChange(w, texts)
    texts()


class _OnLanguageChange(QObject):
    """Re-reads the installed buttons' strings when the window gets its LanguageChange."""

    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self.callback = callback
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.callback()
        return False


__all__ = ["FieldRow", "TaskEditor", "install", "open_editor", "reload_catalog"]
