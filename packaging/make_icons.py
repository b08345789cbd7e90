"""Regenerate Deskmate's icon set from its two SVG masters.

Usage (from the repository root, with the project's venv):

    .venv/bin/python packaging/make_icons.py           # rewrite every PNG, the .ico and the .icns
    .venv/bin/python packaging/make_icons.py --check   # exit 1, naming the files, if any is missing or mis-sized
    .venv/bin/python packaging/make_icons.py --dir some/copy   # work on another icons folder

Inputs, in assets/icons/: ``deskmate.svg`` (the app icon) and ``deskmate-tray.svg``
(the tray glyph). Outputs, next to them: ``deskmate-<size>.png``, ``deskmate.ico``,
``deskmate.icns`` and ``deskmate-tray-<size>.png``. Briefcase finds the app icon by
the ``assets/icons/deskmate`` stem, so the names are part of the packaging contract.

Rendering goes through Qt's SVG renderer (the same one the app uses at run time)
and Pillow writes the files, without metadata, so the same Qt build gives the same
bytes. ``--check`` compares names and pixel sizes only: other Qt builds antialias
slightly differently, so byte comparisons would fail for no visible reason.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PIL import Image

ICONS_DIR = Path(__file__).resolve().parents[1] / "assets" / "icons"
APP = "deskmate"
TRAY = "deskmate-tray"
APP_PNG_SIZES = (16, 32, 48, 64, 128, 256, 512, 1024)
TRAY_PNG_SIZES = (16, 22, 24, 32, 48)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# What Pillow's ICNS writer stores (ic11..ic14 are the @2x variants of 16..512).
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)


def expected_pngs() -> dict[str, int]:
    """File name -> pixel size of every PNG this script writes."""
    pngs = {f"{APP}-{s}.png": s for s in APP_PNG_SIZES}
    pngs.update({f"{TRAY}-{s}.png": s for s in TRAY_PNG_SIZES})
    return pngs


def render(svg: Path, size: int) -> Image.Image:
    """One antialiased RGBA rendering of ``svg`` at ``size`` x ``size``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    # QPainter on a QImage needs the GUI application object (font and raster setup).
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: Qt cannot read this SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    # Pillow wants straight (not premultiplied) alpha in byte order R, G, B, A.
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())
    return Image.frombuffer("RGBA", (size, size), data, "raw", "RGBA", rgba.bytesPerLine(), 1).copy()


def build(folder: Path) -> list[Path]:
    """Write every derived file into ``folder``; returns what was written."""
    written: list[Path] = []
    app_svg, tray_svg = folder / f"{APP}.svg", folder / f"{TRAY}.svg"
    for svg in (app_svg, tray_svg):
        if not svg.is_file():
            raise SystemExit(f"missing master SVG: {svg}")
    app_images = {s: render(app_svg, s) for s in sorted(set(APP_PNG_SIZES) | set(ICO_SIZES))}
    for size in APP_PNG_SIZES:
        written.append(_save_png(app_images[size], folder / f"{APP}-{size}.png"))
    for size in TRAY_PNG_SIZES:
        written.append(_save_png(render(tray_svg, size), folder / f"{TRAY}-{size}.png"))

    # Each size is handed over ready-rendered: Pillow would otherwise shrink the largest
    # one, which blurs the small sizes that Qt renders crisply from the vector.
    ico = folder / f"{APP}.ico"
    largest = app_images[max(ICO_SIZES)]
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[app_images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    written.append(ico)
    icns = folder / f"{APP}.icns"
    app_images[1024].save(icns, format="ICNS", append_images=[app_images[s] for s in ICNS_SIZES])
    written.append(icns)
    return written


def _save_png(image: Image.Image, path: Path) -> Path:
    image.save(path, format="PNG", optimize=True)
    return path


def problems(folder: Path) -> list[str]:
    """Every derived file that is missing, unreadable or the wrong size, as 'name: why'."""
    found: list[str] = []
    for name in (f"{APP}.svg", f"{TRAY}.svg"):
        if not (folder / name).is_file():
            found.append(f"{name}: missing")
    for name, size in expected_pngs().items():
        path = folder / name
        if not path.is_file():
            found.append(f"{name}: missing")
            continue
        try:
            with Image.open(path) as im:
                actual = im.size
        except (OSError, SyntaxError, ValueError) as e:  # a truncated or non-PNG file is as broken as a missing one
            found.append(f"{name}: unreadable ({e})")
            continue
        if actual != (size, size):
            found.append(f"{name}: {actual[0]}x{actual[1]} px, expected {size}x{size}")
    found += _container_problems(folder / f"{APP}.ico", {(s, s) for s in ICO_SIZES})
    found += _container_problems(folder / f"{APP}.icns", {(s, s) for s in ICNS_SIZES})
    return found


def _container_problems(path: Path, wanted: set[tuple[int, int]]) -> list[str]:
    if not path.is_file():
        return [f"{path.name}: missing"]
    try:
        with Image.open(path) as im:
            # ICNS lists (points, points, scale); ICO lists pixels.
            held = {(s[0] * (s[2] if len(s) > 2 else 1), s[1] * (s[2] if len(s) > 2 else 1))
                    for s in im.info.get("sizes", ())}
    except (OSError, SyntaxError, ValueError) as e:  # Pillow reports bad containers as SyntaxError too
        return [f"{path.name}: unreadable ({e})"]
    missing = sorted(wanted - held)
    if missing:
        return [f"{path.name}: lacks sizes {', '.join(f'{w}x{h}' for w, h in missing)}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only verify that every derived file exists with the right pixel sizes")
    parser.add_argument("--dir", type=Path, default=ICONS_DIR,
                        help=f"the icons folder holding the two SVGs (default: {ICONS_DIR})")
    args = parser.parse_args(argv)
    folder: Path = args.dir
    if args.check:
        found = problems(folder)
        for line in found:
            print(f"{folder / line}", file=sys.stderr)
        if found:
            print(f"{len(found)} icon file(s) need regenerating: run packaging/make_icons.py", file=sys.stderr)
            return 1
        print(f"icons OK in {folder}")
        return 0
    for path in build(folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
