"""The icon set: the files Briefcase and the desktop pick up, and the icons the running app shows."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "assets" / "icons"
SCRIPT = ROOT / "packaging" / "make_icons.py"
# Briefcase derives these names from icon = "assets/icons/deskmate": they are a contract.
APP_PNGS = {f"deskmate-{s}.png": s for s in (16, 32, 48, 64, 128, 256, 512, 1024)}
TRAY_PNGS = {f"deskmate-tray-{s}.png": s for s in (16, 22, 24, 32, 48)}
ICO_SIZES = {(s, s) for s in (16, 24, 32, 48, 64, 128, 256)}


def _rgba(path: Path) -> Image.Image:
    with Image.open(path) as im:
        return im.convert("RGBA")


def _pixels(im: Image.Image) -> list[tuple[int, ...]]:
    data, bands = im.tobytes(), len(im.getbands())
    return [tuple(data[i:i + bands]) for i in range(0, len(data), bands)]


def _opaque_share(im: Image.Image) -> float:
    alpha = im.getchannel("A").tobytes()
    return sum(1 for a in alpha if a >= 128) / (im.width * im.height)


def _luma(rgb: tuple[int, ...]) -> float:
    r, g, b = rgb[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b


def _on(im: Image.Image, background: str) -> Image.Image:
    """The icon as a panel of that colour would show it."""
    panel = Image.new("RGBA", im.size, background)
    return Image.alpha_composite(panel, im).convert("RGB")


def _run_check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--check", "--dir", str(folder)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name,size", sorted(APP_PNGS.items()))
def test_app_png_has_its_size_and_a_visible_tile_with_a_light_page(name: str, size: int) -> None:
    im = _rgba(ICONS / name)
    assert im.size == (size, size)
    # A near full-bleed rounded tile: mostly opaque, transparent only in the corners.
    assert 0.8 <= _opaque_share(im) <= 0.99, name
    assert im.getpixel((0, 0))[3] < 64, f"{name}: the tile's corners should be rounded off"
    opaque = [p for p in _pixels(im) if p[3] >= 250]
    assert len(set(opaque)) > 3, f"{name} is a flat colour"
    lumas = [_luma(p) for p in opaque]
    assert max(lumas) - min(lumas) > 120, f"{name}: the page does not stand out from the tile"
    # Left of the text lines lies the white page; below it, the coloured tile.
    assert _luma(im.getpixel((int(size * 0.21), size // 2))) > 200, f"{name}: no page where the page belongs"
    assert _luma(im.getpixel((size // 2, int(size * 0.95)))) < 140, f"{name}: no tile around the page"


@pytest.mark.parametrize("name,size", sorted(TRAY_PNGS.items()))
def test_tray_png_has_its_size_and_reads_on_light_and_dark_panels(name: str, size: int) -> None:
    im = _rgba(ICONS / name)
    assert im.size == (size, size)
    assert 0.3 <= _opaque_share(im) <= 0.95, name
    for panel, rgb in (("#F2F2F2", (242, 242, 242)), ("#202020", (32, 32, 32))):
        shown = _on(im, panel)
        contrast = [abs(_luma(p) - _luma(rgb)) for p in _pixels(shown)]
        # Enough of the glyph differs strongly from the panel to be seen on it.
        visible = sum(1 for c in contrast if c > 80) / len(contrast)
        assert visible > 0.15, f"{name} is nearly invisible on a {panel} panel ({visible:.0%})"


def test_ico_holds_every_windows_size_rendered_not_shrunk() -> None:
    with Image.open(ICONS / "deskmate.ico") as ico:
        assert ICO_SIZES <= set(ico.info["sizes"])
        for w, h in sorted(ICO_SIZES):
            frame = ico.ico.getimage((w, h)).convert("RGBA")
            assert frame.size == (w, h)
            assert 0.8 <= _opaque_share(frame) <= 0.99
        # The 16 px frame is the crisp Qt rendering, not the 256 one shrunk by Pillow.
        assert ico.ico.getimage((16, 16)).convert("RGBA").tobytes() == _rgba(ICONS / "deskmate-16.png").tobytes()


def test_icns_opens_with_the_retina_sizes() -> None:
    with Image.open(ICONS / "deskmate.icns") as icns:
        pixels = {(w * scale, h * scale) for w, h, scale in icns.info["sizes"]}
        assert {(32, 32), (128, 128), (256, 256), (512, 512), (1024, 1024)} <= pixels
        icns.load()
        assert icns.size == (1024, 1024)
        assert 0.8 <= _opaque_share(icns.convert("RGBA")) <= 0.99


def test_both_masters_are_committed_svgs() -> None:
    for name in ("deskmate.svg", "deskmate-tray.svg"):
        text = (ICONS / name).read_text(encoding="utf-8")
        assert "<svg" in text and "viewBox" in text, name


def test_check_passes_on_the_committed_set() -> None:
    proc = _run_check(ICONS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_names_a_missing_png(tmp_path: Path) -> None:
    copy = tmp_path / "icons"
    shutil.copytree(ICONS, copy)
    (copy / "deskmate-48.png").unlink()
    proc = _run_check(copy)
    assert proc.returncode != 0
    assert "deskmate-48.png" in proc.stderr
    assert "deskmate-32.png" not in proc.stderr  # only the broken file is named


def test_check_names_a_png_of_the_wrong_size(tmp_path: Path) -> None:
    copy = tmp_path / "icons"
    shutil.copytree(ICONS, copy)
    _rgba(ICONS / "deskmate-tray-24.png").save(copy / "deskmate-tray-22.png")
    proc = _run_check(copy)
    assert proc.returncode != 0
    assert "deskmate-tray-22.png" in proc.stderr and "24x24" in proc.stderr


def test_script_regenerates_the_whole_set_from_the_svgs_alone(tmp_path: Path) -> None:
    for name in ("deskmate.svg", "deskmate-tray.svg"):
        shutil.copy(ICONS / name, tmp_path / name)
    cmd = [sys.executable, str(SCRIPT), "--dir", str(tmp_path)]
    assert subprocess.run(cmd, capture_output=True, timeout=120).returncode == 0
    assert _run_check(tmp_path).returncode == 0
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert subprocess.run(cmd, capture_output=True, timeout=120).returncode == 0
    second = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert first == second, "two runs of make_icons.py wrote different bytes"


@pytest.fixture
def fresh_icons():
    from deskmate.ui import icons

    icons.clear_cache()
    yield icons
    icons.clear_cache()


def _image_bytes(icon, size: int) -> bytes:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    image = icon.pixmap(size, size).toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    return bytes(image.constBits())[: size * size * 4]


# PNG decoders and Qt's premultiplied-alpha round trip may differ by a step or two per
# channel between library versions (0xe5 vs 0xe6 was seen on a fresh machine); a wrong
# icon differs by far more than this on many pixels.
CHANNEL_TOLERANCE = 3


def _same_picture(shown: bytes, expected: bytes) -> bool:
    """Pixel data equal within CHANNEL_TOLERANCE on every channel of every pixel."""
    return len(shown) == len(expected) and all(abs(a - b) <= CHANNEL_TOLERANCE for a, b in zip(shown, expected))


def test_the_icon_comparison_tells_a_wrong_icon_from_a_rounding_difference() -> None:
    app = _rgba(ICONS / "deskmate-32.png").tobytes()
    nudged = bytes(min(255, b + 1) if i % 7 == 0 else b for i, b in enumerate(app))
    assert _same_picture(nudged, app)
    tray = _rgba(ICONS / "deskmate-tray-32.png").tobytes()
    assert not _same_picture(tray, app)
    # One pixel a visible step off is already a different picture.
    assert not _same_picture(app[:40] + bytes([(app[40] + 40) % 256]) + app[41:], app)


def test_startup_gives_the_application_its_window_icon_and_desktop_entry(qapp, fresh_icons) -> None:
    from deskmate.ui.app import identify_app

    saved = (qapp.windowIcon(), qapp.desktopFileName(), qapp.applicationName())
    try:
        identify_app(qapp)
        icon = qapp.windowIcon()
        assert not icon.isNull()
        sizes = {s.width() for s in icon.availableSizes()}
        assert {16, 32, 48, 64, 128, 256} <= sizes, sizes
        assert qapp.desktopFileName() == "org.deskmate.deskmate"
        # What the taskbar shows at 32 px is the committed artwork, not a fallback drawing.
        assert _same_picture(_image_bytes(icon, 32), _rgba(ICONS / "deskmate-32.png").tobytes())
    finally:
        qapp.setWindowIcon(saved[0])
        qapp.setDesktopFileName(saved[1])
        qapp.setApplicationName(saved[2])


def test_tray_uses_the_tray_glyph(qapp, fresh_icons) -> None:
    from deskmate.ui.tray import DeskmateTray

    icon = DeskmateTray._app_icon()
    assert {16, 22, 24} <= {s.width() for s in icon.availableSizes()}
    assert _same_picture(_image_bytes(icon, 22), _rgba(ICONS / "deskmate-tray-22.png").tobytes())


def test_missing_files_fall_back_to_a_visible_icon(qapp, fresh_icons, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DESKMATE_ASSETS", str(tmp_path))  # an install that lost assets/icons
    for icon in (fresh_icons.app_icon(), fresh_icons.tray_icon()):
        assert not icon.isNull()
        pixels = _image_bytes(icon, 32)
        assert len(pixels) == 32 * 32 * 4
        assert any(pixels[3::4]), "the fallback icon is fully transparent"


def test_icons_are_cached(qapp, fresh_icons) -> None:
    assert fresh_icons.app_icon().cacheKey() == fresh_icons.app_icon().cacheKey()
    assert fresh_icons.tray_icon().cacheKey() == fresh_icons.tray_icon().cacheKey()
