"""The task sidebar: categories and their tasks from the catalog, with search."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from deskmate.core.tasks import Catalog

from .retranslating import Retranslating


TASK_ROLE = Qt.ItemDataRole.UserRole + 1


class TaskSidebar(Retranslating, QWidget):
    taskChosen = Signal(str)  # task id

    def __init__(self, catalog: Catalog, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.lang = lang
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search tasks")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Tasks")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self.search.textChanged.connect(self.apply_filter)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemActivated.connect(self._current_changed)
        self.retranslate()
        self.populate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search tasks (Ctrl+K)"))

    def set_language(self, lang: str) -> None:
        current = self.current_task()
        self.lang = lang
        self.populate()
        if current:
            self.select(current)

    def populate(self) -> None:
        self.tree.clear()
        for category in self.catalog.categories:
            top = QTreeWidgetItem([category.name.get(self.lang)])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            top.setToolTip(0, category.description.get(self.lang) if category.description else "")
            for task in category.tasks:
                item = QTreeWidgetItem([task.name.get(self.lang)])
                item.setData(0, TASK_ROLE, task.id)
                item.setToolTip(0, task.id)
                top.addChild(item)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.apply_filter(self.search.text())

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        first_match: QTreeWidgetItem | None = None
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            category_hit = needle in top.text(0).lower()
            visible = 0
            for j in range(top.childCount()):
                item = top.child(j)
                task = self.catalog.task(item.data(0, TASK_ROLE))
                haystack = " ".join([
                    task.id, task.name.get("en"), task.name.get("zh"), *task.keywords.en, *task.keywords.zh,
                ]).lower()
                hit = not needle or category_hit or needle in haystack
                item.setHidden(not hit)
                if hit:
                    visible += 1
                    first_match = first_match or item
            top.setHidden(visible == 0)
        if needle and first_match is not None and (self.tree.currentItem() is None or self.tree.currentItem().isHidden()):
            self.tree.setCurrentItem(first_match)

    def _current_changed(self, item: QTreeWidgetItem | None, *_: object) -> None:
        if item is not None and item.data(0, TASK_ROLE):
            self.taskChosen.emit(item.data(0, TASK_ROLE))

    def current_task(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, TASK_ROLE) if item is not None else None

    def select(self, task_id: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, TASK_ROLE) == task_id:
                    self.tree.setCurrentItem(top.child(j))
                    return True
        return False
