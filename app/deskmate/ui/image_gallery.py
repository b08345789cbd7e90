"""The picture gallery of the Images panel: thumbnails newest first, open, copy, save as, delete,
and "use same settings". Thumbnails are decoded on a thread of their own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QImage,
    QImageReader,
    QKeySequence,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.images import (
    ImageError,
    ImageJob,
    ImageJobError,
)
from deskmate.core.images.history import ImageHistory, ImageRecord
from deskmate.core.images.metadata import NoMetadataError, read_metadata

from .background import Worker, describe_error
from .dialogs import AskSavePath, Confirm, OpenUrl, ask_save_path_with_dialog, confirm_with_dialog
from .retranslating import Retranslating
from .theme import color

THUMB = 128
GALLERY_LIMIT = 500
ID_ROLE = Qt.ItemDataRole.UserRole




def load_thumbnail(path: Path, side: int = THUMB) -> QImage:
    """A picture shrunk to fit ``side`` (never enlarged); a null QImage when it cannot be read.

    QImage, unlike QPixmap, may be made off the GUI thread, which is where the gallery loads them."""
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid() and (size.width() > side or size.height() > side):
        reader.setScaledSize(size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def _missing_icon() -> QIcon:
    pixmap = QPixmap(THUMB, THUMB)
    pixmap.fill(QColor(color("thumb_bg")))
    return QIcon(pixmap)


def _load_gallery(history: ImageHistory, known: frozenset[int], limit: int) -> Iterator[tuple]:
    try:
        history.import_untracked()  # pictures saved while the app was stopping are listed again
    except (ImageError, OSError):
        pass  # the pictures already listed still show
    records = history.list(limit)
    yield ("records", records)
    for record in records:
        if record.id not in known:
            yield ("thumb", record.id, load_thumbnail(record.path))


class ImageGallery(Retranslating, QWidget):
    """The pictures in the history as a thumbnail grid, with open, copy, save as, delete and reuse."""

    reuseRequested = Signal(object)  # ImageJob: the settings of the chosen picture
    loaded = Signal()  # the list and every thumbnail are in
    changed = Signal()  # a picture was added or deleted
    statusChanged = Signal(object)  # Message
    failed = Signal(object)  # Message

    def __init__(
        self,
        history: Callable[[], ImageHistory | None],
        parent: QWidget | None = None,
        *,
        ask_save_path: AskSavePath | None = None,
        confirm: Confirm | None = None,
        open_url: OpenUrl | None = None,
    ) -> None:
        super().__init__(parent)
        self._history = history
        self.ask_save_path: AskSavePath = ask_save_path or ask_save_path_with_dialog(self)
        self.confirm: Confirm = confirm or confirm_with_dialog(self)
        self.open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self._records: dict[int, ImageRecord] = {}
        self._items: dict[int, QListWidgetItem] = {}
        self._icons: dict[int, QIcon] = {}
        self._missing = _missing_icon()
        self._stale = False  # changed while the loader ran: its list may be out of date
        self._last_dir = Path.home()
        self.reuse_allowed = True  # off while a picture is drawn: the form is locked then

        self.loader = Worker(self, name="image-gallery")
        self.loader.event.connect(self._on_loaded_part)
        self.loader.finished.connect(self._on_loader_done)
        self.loader.failed.connect(self._on_loader_failed)

        self.title = QLabel()
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 24, THUMB + 40))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_menu)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        self.list.itemSelectionChanged.connect(self._update_actions)
        self.title.setBuddy(self.list)

        self.actions_by_name: dict[str, QAction] = {}
        self.buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout()
        for key, keys, slot in (
            ("open", None, self.open_selected),
            ("copy", QKeySequence.StandardKey.Copy, self.copy_selected),
            ("save", None, self.save_selected),
            ("delete", QKeySequence.StandardKey.Delete, self.delete_selected),
            ("reuse", None, self.reuse_selected),
        ):
            action = QAction(self)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
                # Only on the grid: Delete and Ctrl+C mean other things in the prompt box.
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.list.addAction(action)
            action.triggered.connect(lambda _checked=False, run=slot: run())
            self.actions_by_name[key] = action
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(bar)
        self.retranslate()
        self._update_actions()

    # --- text ----------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(self.tr("&Gallery"))
        self.list.setAccessibleName(self.tr("Gallery of pictures, newest first"))
        texts = {
            "open": (self.tr("Open"), self.tr("Open the picture in the system viewer (Enter)")),
            "copy": (self.tr("Copy"), self.tr("Copy the picture to the clipboard (Ctrl+C)")),
            "save": (self.tr("Save as…"), self.tr("Save a copy of the picture somewhere else")),
            "delete": (self.tr("Delete"), self.tr("Delete the picture file and its history entry (Del)")),
            "reuse": (self.tr("Use same settings"), self.tr("Fill the form with this picture's prompt, size, "
                                                            "steps and seed")),
        }
        for key, (text, tip) in texts.items():
            self.actions_by_name[key].setText(text)
            self.actions_by_name[key].setToolTip(tip)
            self.buttons[key].setAccessibleName(text.rstrip("…"))
        for record in self._records.values():
            self._describe_item(self._items[record.id], record)

    # --- loading -------------------------------------------------------------
    def refresh(self) -> bool:
        """Reload the list and the thumbnails not yet seen; False when there is no history."""
        history = self._history()
        if history is None:
            return False
        if self.loader.busy:
            self._stale = True
            return True
        self._stale = False
        known = frozenset(self._icons)
        return self.loader.events(lambda: _load_gallery(history, known, GALLERY_LIMIT))

    @property
    def loading(self) -> bool:
        return self.loader.busy

    def shutdown(self, timeout: float = 3.0) -> None:
        self.loader.cancel()
        self.loader.wait(timeout)

    def _on_loaded_part(self, part: tuple) -> None:
        if part[0] == "records":
            self._rebuild(part[1])
        elif part[0] == "thumb":
            _, image_id, image = part
            if not image.isNull():
                self._icons[image_id] = QIcon(QPixmap.fromImage(image))
                if image_id in self._items:
                    self._items[image_id].setIcon(self._icons[image_id])

    def _on_loader_done(self, _result: object) -> None:
        if self._stale:
            self.refresh()
        else:
            self.loaded.emit()

    def _on_loader_failed(self, error: BaseException) -> None:
        self.failed.emit(lambda: self.tr("The gallery could not be listed: {0}").format(_plain(error)))
        self.loaded.emit()

    def _rebuild(self, records: list[ImageRecord]) -> None:
        selected = self.selected_id()
        self.list.clear()
        self._records, self._items = {}, {}
        for record in records:
            self._insert(record, self.list.count())
        if selected in self._items:
            self._items[selected].setSelected(True)
            self.list.setCurrentItem(self._items[selected])
        self._update_actions()
        self.changed.emit()

    def _insert(self, record: ImageRecord, row: int) -> QListWidgetItem:
        item = QListWidgetItem()
        item.setData(ID_ROLE, record.id)
        self._records[record.id] = record
        self._items[record.id] = item
        self._describe_item(item, record)
        self.list.insertItem(row, item)
        return item

    def _describe_item(self, item: QListWidgetItem, record: ImageRecord) -> None:
        job = record.job
        metrics = self.list.fontMetrics()
        item.setText(metrics.elidedText(job.prompt, Qt.TextElideMode.ElideRight, THUMB + 16))
        item.setIcon(self._icons.get(record.id, self._missing))
        details = self.tr("{0}\nSeed {1} · {2} steps · {3}×{4}").format(
            job.prompt, job.seed, job.steps, job.width, job.height)
        if not record.exists:
            details += "\n" + self.tr("The file is missing: {0}").format(record.path)
        item.setToolTip(details)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, job.prompt)

    # --- the pictures --------------------------------------------------------
    def add(self, record: ImageRecord) -> None:
        """Show a newly saved picture first, selected."""
        if self.loader.busy:
            self._stale = True
        image = load_thumbnail(record.path)
        if not image.isNull():
            self._icons[record.id] = QIcon(QPixmap.fromImage(image))
        old = self._items.get(record.id)
        if old is not None:
            self.list.takeItem(self.list.row(old))
        item = self._insert(record, 0)
        self.list.setCurrentItem(item)
        self.list.scrollToItem(item)
        self._update_actions()
        self.changed.emit()

    def count(self) -> int:
        return self.list.count()

    def records(self) -> list[ImageRecord]:
        """What the grid shows, in its order."""
        return [self._records[self.list.item(i).data(ID_ROLE)] for i in range(self.list.count())]

    def item_for(self, image_id: int) -> QListWidgetItem | None:
        return self._items.get(image_id)

    def select(self, image_id: int) -> None:
        item = self._items.get(image_id)
        if item is not None:
            self.list.setCurrentItem(item)

    def selected_id(self) -> int | None:
        items = self.list.selectedItems()
        return items[0].data(ID_ROLE) if items else None

    def selected(self) -> ImageRecord | None:
        image_id = self.selected_id()
        return self._records.get(image_id) if image_id is not None else None

    def _update_actions(self) -> None:
        record = self.selected()
        on_disk = record is not None and record.exists
        for key in ("open", "copy", "save"):
            self.actions_by_name[key].setEnabled(on_disk)
        # A row whose file is gone can still be removed, and its settings still reused.
        self.actions_by_name["delete"].setEnabled(record is not None)
        self.actions_by_name["reuse"].setEnabled(record is not None and self.reuse_allowed)

    def menu(self) -> QMenu:
        """The context menu for the selected picture."""
        menu = QMenu(self)
        for key in ("open", "copy", "save", "reuse"):
            menu.addAction(self.actions_by_name[key])
        menu.addSeparator()
        menu.addAction(self.actions_by_name["delete"])
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        self.list.setCurrentItem(item)
        menu = self.menu()
        menu.exec(self.list.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def open_selected(self) -> bool:
        record = self.selected()
        if record is None or not record.exists:
            return False
        if not self.open_url(QUrl.fromLocalFile(str(record.path))):
            self.failed.emit(lambda: self.tr("No program is set up to open {0}.").format(record.path.name))
            return False
        return True

    def copy_selected(self) -> bool:
        record = self.selected()
        if record is None:
            return False
        image = QImage(str(record.path))
        if image.isNull():
            self.failed.emit(lambda: self.tr("{0} could not be read, so nothing was copied.").format(record.path.name))
            return False
        QGuiApplication.clipboard().setImage(image)
        self.statusChanged.emit(lambda: self.tr("Picture copied to the clipboard."))
        return True

    def save_selected(self) -> Path | None:
        record = self.selected()
        if record is None or not record.exists:
            return None
        chosen = self.ask_save_path(
            self.tr("Save the picture as"),
            self.tr("PNG picture, keeps its settings (*.png);;JPEG picture (*.jpg *.jpeg)"),
            str(self._last_dir / record.path.name),
        )
        if not chosen:
            return None
        target = Path(chosen)
        if not target.suffix:
            target = target.with_suffix(".png")
        try:
            if target.suffix.lower() == ".png":
                shutil.copyfile(record.path, target)  # the same bytes: prompt and seed stay in the file
            elif not QImage(str(record.path)).save(str(target)):
                raise OSError(0, self.tr("this kind of file cannot be written"), str(target))
        except OSError as e:
            error = e  # ``e`` is unbound when the except block ends; the message is built again on retranslate
            self.failed.emit(lambda: describe_error(error))
            return None
        self._last_dir = target.parent
        self.statusChanged.emit(lambda: self.tr("Saved a copy as {0}.").format(target))
        return target

    def delete_selected(self) -> bool:
        record = self.selected()
        history = self._history()
        if record is None or history is None:
            return False
        question = self.tr("Delete the picture “{0}”? The file is removed from the disk.").format(
            _short(record.job.prompt))
        if not self.confirm(self.tr("Delete picture"), question):
            return False
        try:
            history.delete(record.id)
        except ImageError as e:
            message = str(e)
            self.failed.emit(lambda: message)
            return False
        if self.loader.busy:
            self._stale = True
        item = self._items.pop(record.id)
        self._records.pop(record.id, None)
        self._icons.pop(record.id, None)
        self.list.takeItem(self.list.row(item))
        self._update_actions()
        self.statusChanged.emit(lambda: self.tr("Picture deleted."))
        self.changed.emit()
        return True

    def reuse_selected(self) -> ImageJob | None:
        record = self.selected()
        if record is None:
            return None
        job = record.job
        if record.exists:
            try:
                # The file is the truth: its settings survive a lost or rebuilt history.
                job = read_metadata(record.path).job()
            except (NoMetadataError, ImageJobError, OSError):
                pass
        self.reuseRequested.emit(job)
        return job


def _plain(error: BaseException) -> str:
    return str(error) if isinstance(error, ImageError) else describe_error(error)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
