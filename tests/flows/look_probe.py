"""Read inside the running window (imported by app_probe's questions): how readable its text is on
screen, measured from the pixels X shows, and a picture of one window's part of the screen.

Contrast is WCAG's: for each text-bearing widget (label, button, check box, line/text edit, combo
box, each list or tree item, each tab, each menu entry) the widget's rectangle is cut from a grab
of the screen; its commonest colour is the background, and the text colour is the colour farthest
from it that at least a few pixels have (the core of the glyph strokes, not one stray pixel).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontInfo, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

INSET = 3  # px cut from each side: a field's or a button's border is not its text
MIN_INK = 6  # pixels a colour needs to count as the text's colour


def _screen() -> np.ndarray:
    image = QGuiApplication.primaryScreen().grabWindow(0).toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    return np.frombuffer(image.constBits(), np.uint8, stride * h).reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float64) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * c[..., 0] + 0.7152 * c[..., 1] + 0.0722 * c[..., 2]


def measure(screen: np.ndarray, rect: QRect) -> dict[str, object] | None:
    """Background, text colour and their contrast inside ``rect`` (screen coordinates); None when too small."""
    r = rect.adjusted(INSET, INSET, -INSET, -INSET).intersected(QRect(0, 0, screen.shape[1], screen.shape[0]))
    if r.width() < 4 or r.height() < 4:
        return None
    pixels = screen[r.top() : r.bottom() + 1, r.left() : r.right() + 1].reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    bg = colours[counts.argmax()]
    lum, bg_lum = _luminance(colours), float(_luminance(bg))
    ratio = (np.maximum(lum, bg_lum) + 0.05) / (np.minimum(lum, bg_lum) + 0.05)
    order = np.argsort(-ratio)
    total, ink = 0, None
    for i in order:  # the farthest colour with enough pixels of it or farther
        total += int(counts[i])
        if total >= MIN_INK:
            ink = i
            break
    if ink is None:
        return None
    return {"ratio": round(float(ratio[ink]), 2), "ink": _hex(colours[ink]), "background": _hex(bg)}


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(v):02x}" for v in rgb)


def _global(widget: QWidget, rect: QRect) -> QRect:
    return QRect(widget.mapToGlobal(rect.topLeft()), rect.size())


def _shown(widget: QWidget) -> QRect:
    """The part of ``widget`` that shows (not scrolled away or covered by its parents' edges), on screen."""
    return _global(widget, widget.visibleRegion().boundingRect())


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        return "" if widget.pixmap() is not None and not widget.pixmap().isNull() else widget.text()
    if isinstance(widget, QAbstractButton):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText() or widget.placeholderText()
    if isinstance(widget, QTextEdit):
        return widget.toPlainText() or widget.placeholderText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


def _samples(top: QWidget) -> list[tuple[str, str, QRect]]:
    """(what, its text, screen rectangle) for every text on ``top`` that shows."""
    out: list[tuple[str, str, QRect]] = []
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisible() or widget.window() is not top:
            continue
        name = widget.accessibleName() or widget.objectName() or type(widget).__name__
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.tabText(i):
                    out.append((f"tab of {name}", widget.tabText(i), _global(widget, widget.tabRect(i))))
            continue
        if isinstance(widget, (QListWidget, QTreeWidget)):
            out += _items(widget, name)
            continue
        text = _text_of(widget).strip()
        if not text or isinstance(widget, QAbstractItemView):
            continue
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            rect = _global(widget.viewport(), widget.viewport().visibleRegion().boundingRect())
        else:
            rect = _shown(widget)
        out.append((type(widget).__name__ + " " + name, text, rect))
    return out


def _items(view: QListWidget | QTreeWidget, name: str) -> list[tuple[str, str, QRect]]:
    out = []
    port = view.viewport()
    shown = port.visibleRegion().boundingRect()
    items = ([view.item(i) for i in range(view.count())] if isinstance(view, QListWidget)
             else _tree_items(view))
    for item in items:
        rect = view.visualItemRect(item)
        text = item.text() if isinstance(view, QListWidget) else item.text(0)
        if item.isHidden() or rect.isEmpty() or not text.strip():
            continue
        rect = rect.intersected(shown)
        if rect.height() > 2 * INSET + 4:
            out.append((f"item of {name}", text, _global(port, rect)))
    return out


def _tree_items(tree: QTreeWidget) -> list:  # type: ignore[type-arg]
    items, stack = [], [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        items.append(item)
        if item.isExpanded():
            stack += [item.child(j) for j in range(item.childCount())]
    return items


def contrast(top: QWidget) -> list[dict[str, object]]:
    """Every text that shows on window ``top``, with its measured contrast."""
    QApplication.processEvents()
    screen = _screen()
    out = []
    for what, text, rect in _samples(top):
        seen = measure(screen, rect)
        if seen is not None:
            out.append({"what": what, "text": text[:60], **seen})
    return out


def menu_contrast(menu: QMenu) -> list[dict[str, object]]:
    """Each entry of an open menu, with its measured contrast."""
    QApplication.processEvents()
    screen = _screen()
    out = []
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible() or not action.text():
            continue
        seen = measure(screen, _global(menu, menu.actionGeometry(action)))
        if seen is not None:
            out.append({"what": "menu entry", "text": action.text(), **seen})
    return out


def window_luminance(top: QWidget) -> float:
    """The median luminance of the window's pixels on screen (0 black, 1 white)."""
    QApplication.processEvents()
    g = top.frameGeometry()
    pixels = _screen()[max(0, g.top()) : g.bottom() + 1, max(0, g.left()) : g.right() + 1]
    return float(np.median(_luminance(pixels)))


def save_window(top: QWidget, path: str) -> str:
    """The window (with its frame) as X shows it, saved as PNG."""
    QApplication.processEvents()
    g = top.frameGeometry()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    QGuiApplication.primaryScreen().grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(path)
    return path


def text_px(widget: QWidget) -> int:
    """The pixel size of the widget's text as drawn (its font after stylesheet and zoom)."""
    return QFontInfo(widget.font()).pixelSize()


def clipped(top: QWidget) -> list[str]:
    """Buttons and labels narrower than their text needs (cut text)."""
    out = []
    for widget in top.findChildren(QAbstractButton) + top.findChildren(QLabel):
        if widget.isVisible() and _text_of(widget).strip() and widget.window() is top:
            need = widget.minimumSizeHint()
            if widget.width() < need.width() - 1 or widget.height() < need.height() - 1:
                out.append(f"{type(widget).__name__} {_text_of(widget)[:40]!r}: {widget.width()}x{widget.height()}"
                           f" < {need.width()}x{need.height()}")
    return out


def on_screen(top: QWidget) -> bool:
    """The window's content is all on the screen (a maximised window's frame may hang 1 px over)."""
    g = top.geometry()
    screen = QGuiApplication.primaryScreen().geometry()
    return screen.contains(g.topLeft()) and screen.contains(g.bottomRight() - QPoint(1, 1))
