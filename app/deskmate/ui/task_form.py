"""The inputs of one catalog task: a field per variable, plus creativity and review."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.tasks import Task

from .retranslating import Retranslating
from .theme import set_type


class TaskForm(Retranslating, QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: Task | None = None
        self.lang = "en"
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        set_type(self.title, "heading")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.creativity = QSlider(Qt.Orientation.Horizontal)
        self.creativity.setRange(0, 100)
        self.creativity.setAccessibleName("Creativity")
        self.creativity_label = QLabel()
        self.factual_label = QLabel()
        self.creative_label = QLabel()
        self.review = QCheckBox()
        self.review.setAccessibleName("Review pass")
        slider_row = QHBoxLayout()
        slider_row.addWidget(self.factual_label)
        slider_row.addWidget(self.creativity, 1)
        slider_row.addWidget(self.creative_label)
        slider_row.addWidget(self.creativity_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addLayout(self.form)
        layout.addLayout(slider_row)
        layout.addWidget(self.review)
        layout.addStretch(1)  # a short form sits at the top instead of spreading over the pane
        self.creativity.valueChanged.connect(self._show_creativity)
        self.retranslate()

    def retranslate(self) -> None:
        self.factual_label.setText(self.tr("Factual"))
        self.creative_label.setText(self.tr("Creative"))
        self.review.setText(self.tr("Check the answer and rewrite it once if needed (review pass)"))
        self._show_creativity(self.creativity.value())

    def _show_creativity(self, value: int) -> None:
        self.creativity_label.setText(f"{value / 100:.2f}")

    def set_task(self, task: Task, lang: str) -> None:
        keep = {name: self.value(name) for name in self.fields}
        self.task = task
        self.lang = lang
        self.title.setText(task.name.get(lang))
        self.description.setText(task.description.get(lang) if task.description else "")
        self.description.setVisible(task.description is not None)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        for var in task.variables:
            if var.multiline:
                field: QLineEdit | QPlainTextEdit = QPlainTextEdit()
                field.setTabChangesFocus(True)
                field.setMinimumHeight(90)
                field.setPlaceholderText(var.default_for(lang))
                field.textChanged.connect(self.changed)
            else:
                field = QLineEdit()
                field.setPlaceholderText(var.default_for(lang))
                field.textChanged.connect(self.changed)
            field.setAccessibleName(var.label.get(lang))
            label = var.label.get(lang) + ("" if not var.required or var.default else " *")
            self.form.addRow(label, field)
            self.fields[var.name] = field
            if keep.get(var.name):  # a field of the same name in the new task keeps the text
                self.set_value(var.name, keep[var.name])
        self.creativity.setValue(round(task.creativity * 100))

    def focus_first_field(self) -> None:
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def value(self, name: str) -> str:
        field = self.fields[name]
        return field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()

    def set_value(self, name: str, text: str) -> None:
        field = self.fields[name]
        if isinstance(field, QPlainTextEdit):
            field.setPlainText(text)
        else:
            field.setText(text)

    def values(self) -> dict[str, str]:
        return {name: self.value(name) for name in self.fields if self.value(name).strip()}

    def main_field(self) -> str | None:
        """The variable that holds the user's text (the first multiline one), if any."""
        if self.task is None:
            return None
        for var in self.task.variables:
            if var.multiline:
                return var.name
        return self.task.variables[0].name if self.task.variables else None

    def creativity_value(self) -> float:
        return self.creativity.value() / 100
