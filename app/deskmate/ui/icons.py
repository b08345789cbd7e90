"""The app icon and the tray glyph, from assets/icons/ (made by packaging/make_icons.py).

A broken install must still show something: when the files are missing the icon
comes from the desktop theme (the installed ``org.deskmate.deskmate`` entry), and
failing that from a small drawing, never a blank or a crash.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPixmap

from .i18n import assets_dir

APP_ID = "org.deskmate.deskmate"  # the installed desktop entry and theme icon name
APP_SIZES = (16, 32, 48, 64, 128, 256, 512, 1024)
TRAY_SIZES = (16, 22, 24, 32, 48)

_cache: dict[str, QIcon] = {}


def icons_dir() -> Path:
    return assets_dir() / "icons"


def app_icon() -> QIcon:
    """The Deskmate tile: window icon, dialogs, task switcher."""
    if "app" not in _cache:
        icon = _from_files("deskmate", APP_SIZES)
        if icon.isNull():
            icon = QIcon.fromTheme(APP_ID)
        if icon.isNull():
            icon = _drawn()
        if icon.isNull():
            return icon  # no GUI application yet: try again once there is one
        _cache["app"] = icon
    return _cache["app"]


def tray_icon() -> QIcon:
    """The tray glyph, made to read at 16-24 px on light and dark panels alike."""
    if "tray" not in _cache:
        icon = _from_files("deskmate-tray", TRAY_SIZES)
        if icon.isNull():
            return app_icon()  # not cached: app_icon() has its own cache
        _cache["tray"] = icon
    return _cache["tray"]


def clear_cache() -> None:
    """Forget the loaded icons (tests, or after the assets folder changed)."""
    _cache.clear()


def _from_files(stem: str, sizes: tuple[int, ...]) -> QIcon:
    folder = icons_dir()
    icon = QIcon()
    for size in sizes:
        png = folder / f"{stem}-{size}.png"
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))  # loaded lazily, on first use of that size
    svg = folder / f"{stem}.svg"
    if icon.isNull() and svg.is_file():
        # Only without the PNGs: next to them Qt's pixmap engine would rasterise the SVG once at
        # its nominal size (a copy of the 1024 PNG), and an SVG-first icon reports no
        # availableSizes(), which X11 uses to pick the window-icon sizes it sends to the dock.
        icon = QIcon(str(svg))
    return icon


def _drawn() -> QIcon:
    """The tile and the page, painted: the last resort when no file and no theme icon exist."""
    if QGuiApplication.instance() is None:
        return QIcon()  # QPixmap needs the GUI application
    icon = QIcon()
    for size in (16, 32, 64, 256):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#4550E6"))
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
        p.setBrush(QColor("#FFFFFF"))
        p.drawRect(QRectF(size * 0.1875, size * 0.1875, size * 0.5, size * 0.625))
        p.setBrush(QColor("#FFB300"))
        p.drawEllipse(QRectF(size * 0.5625, size * 0.5625, size * 0.3125, size * 0.3125))
        p.end()
        icon.addPixmap(QPixmap.fromImage(image))
    return icon
