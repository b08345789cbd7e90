"""The settings the window needs before its first paint, read without the settings models.

Building the pydantic models costs about a second at start-up; the window's first frame only
needs ``[ui] language``, ``theme`` and ``zoom``. This reads it with the same file and the same rule as the full loader
(a missing, unreadable or wrong value gives the default), so both always agree; everything
else waits for :func:`~deskmate.core.settings.load_settings_leniently` after the first paint.
"""

from __future__ import annotations

from pathlib import Path

from deskmate.core import paths

from .toml import TomlFileError, read_toml

UI_LANGUAGES = ("en", "zh")
DEFAULT_UI_LANGUAGE = "en"
UI_THEMES = ("system", "light", "dark")
DEFAULT_UI_THEME = "system"
# Text size steps in percent (View → Zoom in/out walks them); 100 is the theme's body size.
UI_ZOOM_STEPS = (80, 90, 100, 110, 125, 150, 175, 200)
DEFAULT_UI_ZOOM = 100


def settings_path() -> Path:
    return paths.config_dir() / "settings.toml"


def _ui_value(key: str) -> object:
    try:
        data = read_toml(settings_path())
    except TomlFileError:
        return None  # missing or broken: the full loader reports it after the paint
    ui = data.get("ui")
    return ui.get(key) if isinstance(ui, dict) else None


def ui_language() -> str:
    """``[ui] language`` of settings.toml, or the default when it is missing or wrong."""
    value = _ui_value("language")
    return value if value in UI_LANGUAGES else DEFAULT_UI_LANGUAGE  # type: ignore[return-value]


def ui_look() -> tuple[str, int]:
    """``[ui] theme`` and ``zoom`` of settings.toml, each its default when missing or wrong."""
    theme, zoom = _ui_value("theme"), _ui_value("zoom")
    return (theme if theme in UI_THEMES else DEFAULT_UI_THEME,  # type: ignore[return-value]
            zoom if type(zoom) is int and zoom in UI_ZOOM_STEPS else DEFAULT_UI_ZOOM)
