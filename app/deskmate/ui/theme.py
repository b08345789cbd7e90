"""The window's look: a palette for light and for dark, one application stylesheet (type scale,
spacing, buttons, fields, lists, tabs, chips) and the named colours widgets use instead of literals.

A widget says what its text *is* (``set_tone(label, "error")``) and the stylesheet of the current
scheme gives it a colour readable there; text drawn as HTML asks :func:`color` when it is made.
Every foreground/background pair below is at least 4.5:1 (WCAG AA), checked by tests/ui/test_theme.py.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from .i18n import assets_dir

CHECK_MARK = assets_dir() / "icons" / "check.svg"  # white, on the accent colour of a ticked box
# The body text size at 100 % zoom, in points: Qt's default (9 pt on X11) reads small on today's screens.
BODY_PT = 10.0


@dataclass(frozen=True)
class Scheme:
    name: str
    window: str
    base: str  # fields, lists, the page
    alt_base: str
    text: str
    muted: str  # hints, notices, secondary text
    placeholder: str
    button: str
    border: str
    accent: str  # the default button, focus rings, the current tab
    accent_text: str
    highlight: str  # selection
    highlight_text: str
    link: str
    error: str
    ok: str
    warn: str  # banner text on warn_bg
    warn_bg: str
    chip: str  # the request box's task chip
    chip_bg: str
    chip_border: str
    note_bg: str  # a restored or unsupported passage, a soft yellow
    note_border: str
    deleted: str  # proofreading: a change taken (old struck out, new shown)
    deleted_bg: str
    inserted: str
    inserted_bg: str
    kept_bg: str  # a change declined: the old text kept on grey, the suggestion struck
    declined: str
    current_bg: str  # the change the cursor is on
    thumb_bg: str  # an image not drawn yet


LIGHT = Scheme(
    name="light",
    window="#f4f5f7",
    base="#ffffff",
    alt_base="#f0f2f5",
    text="#1f2328",
    muted="#57606a",
    placeholder="#5d646e",
    button="#ffffff",
    border="#c4c9d0",
    accent="#2f5bd3",
    accent_text="#ffffff",
    highlight="#2f5bd3",
    highlight_text="#ffffff",
    link="#1f4fc2",
    error="#b3261e",
    ok="#1a7f37",
    warn="#5c3d00",
    warn_bg="#fff1cc",
    chip="#1d3d6b",
    chip_bg="#e8f0fb",
    chip_border="#8aa4c8",
    note_bg="#fff4d6",
    note_border="#e0bc5a",
    deleted="#b3261e",
    deleted_bg="#fde7e9",
    inserted="#1b5e20",
    inserted_bg="#dff3dc",
    kept_bg="#eceff1",
    declined="#646b73",
    current_bg="#ffe08a",
    thumb_bg="#d0d4da",
)
DARK = Scheme(
    name="dark",
    window="#1d1f23",
    base="#25282d",
    alt_base="#2b2e34",
    text="#e6e8eb",
    muted="#b0b6bf",
    placeholder="#aab0b9",
    button="#2f333a",
    border="#4a5059",
    accent="#3563d4",
    accent_text="#ffffff",
    highlight="#3a62c4",
    highlight_text="#ffffff",
    link="#8ab4ff",
    error="#ff8f85",
    ok="#72d98b",
    warn="#ffd88f",
    warn_bg="#3b3119",
    chip="#d2e2ff",
    chip_bg="#23344f",
    chip_border="#4f6c9c",
    note_bg="#3a3320",
    note_border="#7a6630",
    deleted="#ff9d94",
    deleted_bg="#4a2222",
    inserted="#91e3a3",
    inserted_bg="#1c3a25",
    kept_bg="#33373d",
    declined="#a0a7b0",
    current_bg="#6a5614",
    thumb_bg="#3a3e45",
)
SCHEMES = {s.name: s for s in (LIGHT, DARK)}

# The pairs a person reads, each must stay >= 4.5:1 (text, background).
READ_PAIRS = (
    ("text", "window"),
    ("text", "base"),
    ("text", "alt_base"),
    ("text", "button"),
    ("muted", "window"),
    ("muted", "base"),
    ("placeholder", "base"),
    ("accent_text", "accent"),
    ("highlight_text", "highlight"),
    ("link", "base"),
    ("error", "window"),
    ("error", "base"),
    ("ok", "window"),
    ("ok", "base"),
    ("warn", "warn_bg"),
    ("chip", "chip_bg"),
    ("text", "note_bg"),
    ("deleted", "deleted_bg"),
    ("inserted", "inserted_bg"),
    ("text", "kept_bg"),
    ("declined", "base"),
    ("text", "current_bg"),
    ("muted", "alt_base"),
)

_current: Scheme = LIGHT


def current() -> Scheme:
    return _current


def color(role: str) -> str:
    """The current scheme's colour for ``role`` (a :class:`Scheme` field), e.g. ``color("error")``."""
    return str(getattr(_current, role))


def set_tone(widget: QWidget, tone: str) -> None:
    """What the widget's text is: "error", "ok", "muted", "banner", "note", "chip" or "" (plain text).
    The application stylesheet colours it for the current scheme, and again when the scheme changes."""
    if widget.property("tone") == tone:
        return
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def set_type(widget: QWidget, kind: str) -> None:
    """Its place in the type scale: "heading" (a view's title), "title" (bold body) or "request" (the request box)."""
    widget.setProperty("type", kind)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def luminance(hex_color: str | QColor) -> float:
    """WCAG relative luminance of an sRGB colour."""
    c = QColor(hex_color)

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: str | QColor, b: str | QColor) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def palette(s: Scheme) -> QPalette:
    p = QPalette()
    R = QPalette.ColorRole
    roles = {
        R.Window: s.window,
        R.WindowText: s.text,
        R.Base: s.base,
        R.AlternateBase: s.alt_base,
        R.Text: s.text,
        R.Button: s.button,
        R.ButtonText: s.text,
        R.BrightText: s.error,
        R.Highlight: s.highlight,
        R.HighlightedText: s.highlight_text,
        R.ToolTipBase: s.base,
        R.ToolTipText: s.text,
        R.PlaceholderText: s.placeholder,
        R.Link: s.link,
        R.LinkVisited: s.link,
        R.Light: s.base,
        R.Midlight: s.alt_base,
        R.Mid: s.border,
        R.Dark: s.border,
        R.Shadow: "#000000",
        R.Accent: s.accent,
    }
    for role, value in roles.items():
        p.setColor(role, QColor(value))
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(s.muted))
    return p


def stylesheet(s: Scheme, body_pt: float) -> str:
    """The application stylesheet: spacing and shapes for both schemes, sizes from the body size."""
    heading, request = round(body_pt * 1.3, 1), round(body_pt * 1.15, 1)
    v = {f.name: getattr(s, f.name) for f in fields(s)}
    return """
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QCheckBox::indicator {{ width: 14px; height: 14px; border: 1px solid {muted}; border-radius: 3px;
    background: {base}; }}
QCheckBox::indicator:checked {{ background: {accent}; border-color: {accent}; image: url({check}); }}
QCheckBox::indicator:disabled {{ border-color: {border}; background: {window}; }}
QToolTip {{ color: {text}; background: {base}; border: 1px solid {border}; padding: 4px; }}
QPushButton {{ color: {text}; background: {button}; border: 1px solid {border}; border-radius: 6px;
    padding: 5px 14px; }}
QPushButton:hover {{ border-color: {accent}; }}
QPushButton:pressed, QPushButton:checked {{ background: {alt_base}; }}
QPushButton:default {{ color: {accent_text}; background: {accent}; border-color: {accent}; }}
QPushButton:disabled {{ color: {muted}; background: {window}; border-color: {border}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QTextBrowser {{ color: {text}; background: {base};
    border: 1px solid {border}; border-radius: 6px; padding: 3px 5px; placeholder-text-color: {placeholder};
    selection-background-color: {highlight}; selection-color: {highlight_text}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border-color: {accent}; }}
QLineEdit:disabled, QPlainTextEdit:disabled, QTextEdit:disabled {{ color: {muted}; background: {window}; }}
QListWidget, QListView, QTreeWidget, QTreeView, QTableWidget, QTableView {{ color: {text}; background: {base};
    alternate-background-color: {alt_base}; border: 1px solid {border}; border-radius: 6px;
    selection-background-color: {highlight}; selection-color: {highlight_text}; }}
QListWidget::item, QTreeWidget::item {{ padding: 3px 2px; }}
QListWidget::item:selected, QTreeWidget::item:selected {{ color: {highlight_text}; background: {highlight}; }}
QHeaderView::section {{ color: {text}; background: {alt_base}; border: none; border-right: 1px solid {border};
    border-bottom: 1px solid {border}; padding: 4px 6px; }}
QTabWidget::pane {{ border: 1px solid {border}; border-radius: 6px; top: -1px; }}
QTabBar::tab {{ color: {muted}; background: transparent; border: none; border-bottom: 2px solid transparent;
    padding: 6px 12px; }}
QTabBar::tab:selected {{ color: {text}; border-bottom: 2px solid {accent}; }}
QTabBar::tab:hover {{ color: {text}; }}
QMenuBar {{ color: {text}; background: {window}; }}
QMenuBar::item {{ padding: 4px 10px; background: transparent; }}
QMenuBar::item:selected {{ background: {alt_base}; }}
QMenu {{ color: {text}; background: {base}; border: 1px solid {border}; padding: 4px 0; }}
QMenu::item {{ padding: 5px 28px 5px 24px; }}
QMenu::item:selected {{ color: {highlight_text}; background: {highlight}; }}
QMenu::item:disabled {{ color: {muted}; }}
QMenu::separator {{ height: 1px; background: {border}; margin: 4px 8px; }}
QStatusBar {{ color: {text}; }}
QToolButton[tone="chip"] {{ color: {chip}; background: {chip_bg}; border: 1px solid {chip_border};
    border-radius: 11px; padding: 3px 20px 3px 10px; }}
*[tone="error"] {{ color: {error}; }}
*[tone="ok"] {{ color: {ok}; }}
*[tone="muted"] {{ color: {muted}; }}
*[tone="banner"] {{ color: {warn}; background: {warn_bg}; padding: 6px; border-radius: 4px; }}
*[tone="note"] {{ color: {text}; background: {note_bg}; border: 1px solid {note_border}; padding: 6px;
    border-radius: 4px; }}
QLabel[type="heading"] {{ font-size: {heading}pt; font-weight: 600; }}
QLabel[type="title"] {{ font-weight: 600; }}
QLineEdit[type="request"] {{ font-size: {request}pt; padding: 5px 9px; border-radius: 8px; }}
""".format(heading=heading, request=request, check=CHECK_MARK.as_posix(), **v)


def body_size(zoom: int) -> float:
    """The body text size in points at ``zoom`` percent."""
    return round(BODY_PT * zoom / 100, 1)


def apply(app: QApplication, scheme: Scheme, zoom: int) -> None:
    """Colours, shapes and text size of every window of the application."""
    global _current
    _current = scheme
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")  # the one style that draws the palette the same on every desktop
    app.setPalette(palette(scheme))
    font = QFont(app.font())
    font.setPointSizeF(body_size(zoom))
    app.setFont(font)
    app.setStyleSheet(stylesheet(scheme, body_size(zoom)))
