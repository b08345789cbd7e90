"""The task sidebar: categories and their tasks from the catalog, with search."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from deskmate.core.tasks import Catalog, Task
from deskmate.core.tasks.user_tasks import CATEGORY as USER_CATEGORY

from .retranslating import Retranslating


TASK_ROLE = Qt.ItemDataRole.UserRole + 1
# The tasks people reach for most (the request box routes to these most): a group of their own at the top,
# so the first screen shows them whatever the catalog's order; each stays in its category below too.
COMMON_TASKS = ("qa.open", "writing.email", "rewrite.formal", "rewrite.shorter", "summarize.summary",
                "proofread.check", "translate.text", "table.make")


class TaskSidebar(Retranslating, QWidget):
    taskChosen = Signal(str)  # task id
    taskEntered = Signal(str)  # Enter in the search: the task to type into

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
        self.search.returnPressed.connect(self._enter)
        self.search.installEventFilter(self)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemActivated.connect(self._current_changed)
        self._common: QTreeWidgetItem | None = None
        self.retranslate()
        self.populate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search tasks (Ctrl+K)"))
        if self._common is not None:
            self._common.setText(0, self.tr("Common tasks"))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Down and Up in the search move through the matching tasks, the focus staying in the search."""
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._step(1 if key == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(obj, event)

    def _shown_tasks(self) -> list[QTreeWidgetItem]:
        return [top.child(j) for i in range(self.tree.topLevelItemCount())
                if not (top := self.tree.topLevelItem(i)).isHidden()
                for j in range(top.childCount()) if not top.child(j).isHidden()]

    def _step(self, step: int) -> None:
        shown = self._shown_tasks()
        if not shown:
            return
        current = self.tree.currentItem()
        at = shown.index(current) if current in shown else -1 if step > 0 else len(shown)
        self.tree.setCurrentItem(shown[max(0, min(len(shown) - 1, at + step))])

    def _enter(self) -> None:
        shown = self._shown_tasks()
        if not shown:
            return
        if self.tree.currentItem() not in shown:
            self.tree.setCurrentItem(shown[0])
        self.taskEntered.emit(self.tree.currentItem().data(0, TASK_ROLE))

    def set_language(self, lang: str) -> None:
        current = self.current_task()
        self.lang = lang
        self.populate()
        if current:
            self.select(current)

    def populate(self) -> None:
        self.tree.clear()
        self._common = None
        common = [self.catalog.task(i) for i in COMMON_TASKS if i in self.catalog.ids()]
        # A person's own tasks come first, then the commonest ones, then the catalog's categories.
        categories = sorted(self.catalog.categories, key=lambda c: c.id != USER_CATEGORY)
        for category in categories:
            if common and self._common is None and category.id != USER_CATEGORY:
                self._common = QTreeWidgetItem([self.tr("Common tasks")])
                self._common.setFlags(self._common.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                for task in common:
                    self._common.addChild(self._task_item(task))
                self.tree.addTopLevelItem(self._common)
            top = QTreeWidgetItem([category.name.get(self.lang)])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            top.setToolTip(0, category.description.get(self.lang) if category.description else "")
            for task in category.tasks:
                top.addChild(self._task_item(task))
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.apply_filter(self.search.text())

    def _task_item(self, task: Task) -> QTreeWidgetItem:
        item = QTreeWidgetItem([task.name.get(self.lang)])
        item.setData(0, TASK_ROLE, task.id)
        item.setToolTip(0, task.description.get(self.lang) if task.description else task.name.get(self.lang))
        return item

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
