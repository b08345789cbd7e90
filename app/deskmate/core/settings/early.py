"""The one setting the window needs before its first paint, read without the settings models.

Building the pydantic models costs about a second at start-up; the window's first frame only
needs ``[ui] language``. This reads it with the same file and the same rule as the full loader
(a missing, unreadable or wrong value gives the default), so both always agree; everything
else waits for :func:`~deskmate.core.settings.load_settings_leniently` after the first paint.
"""

from __future__ import annotations

from pathlib import Path

from deskmate.core import paths

from .toml import TomlFileError, read_toml

UI_LANGUAGES = ("en", "zh")
DEFAULT_UI_LANGUAGE = "en"


def settings_path() -> Path:
    return paths.config_dir() / "settings.toml"


def ui_language() -> str:
    """``[ui] language`` of settings.toml, or the default when it is missing or wrong."""
    try:
        data = read_toml(settings_path())
    except TomlFileError:
        return DEFAULT_UI_LANGUAGE  # missing or broken: the full loader reports it after the paint
    ui = data.get("ui")
    value = ui.get("language") if isinstance(ui, dict) else None
    return value if value in UI_LANGUAGES else DEFAULT_UI_LANGUAGE
