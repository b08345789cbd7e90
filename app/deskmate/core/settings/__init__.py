"""The settings home: every table and key of ``settings.toml``, one loader, one writer.

- :mod:`.schema` (and :mod:`.remote` for ``[remote]``) declares each key once: type, default,
  check and meaning, as pydantic models.
- :mod:`.load` reads the file; an error names the file, the table and the key, says what is
  wrong and what to write instead.
- :mod:`.write` changes one thing and keeps the user's comments and layout; :mod:`.remote_write`
  edits ``[remote]``. Both validate the new text with the same models and replace the file atomically.
- :mod:`.early` reads ``[ui] language`` for the window's first paint without the models (same
  file, same fallback); everything else here is imported on first use.
- :mod:`.toml` is the only TOML parser in Deskmate (task files and the model catalog use it too).
- :mod:`.reference` makes the README's list of keys from the models.

No other module reads or writes settings.toml.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .early import UI_LANGUAGES, UI_THEMES, UI_ZOOM_STEPS, settings_path, ui_language, ui_look
from .errors import SettingsError
from .toml import TomlFileError, parse_toml, read_toml

if TYPE_CHECKING:
    from .load import Loaded, SettingsProblem, load_settings, load_settings_leniently
    from .remote import EndpointError, RemoteEndpoint, RemoteSettings, parse_extra
    from .remote_write import remove_endpoint, save_endpoint, set_default_endpoint, set_route
    from .schema import (
        DEFAULT_HUB,
        AppSettings,
        EngineSettings,
        ImagesSettings,
        ModelsSettings,
        Settings,
        UISettings,
        clean_hub_address,
    )
    from .write import edit_settings, set_engine_model, set_value, set_values

# Loaded on first use: the models bring pydantic (about a second at start-up, before the window's
# first paint could happen), the writers tomlkit and filelock (~0.1 s).
_LAZY = {
    **dict.fromkeys(("Loaded", "SettingsProblem", "load_settings", "load_settings_leniently"), ".load"),
    **dict.fromkeys(("EndpointError", "RemoteEndpoint", "RemoteSettings", "parse_extra"), ".remote"),
    **dict.fromkeys(("DEFAULT_HUB", "AppSettings", "EngineSettings", "ImagesSettings", "ModelsSettings",
                     "Settings", "UISettings", "clean_hub_address"), ".schema"),
    **dict.fromkeys(("edit_settings", "set_engine_model", "set_value", "set_values"), ".write"),
    **dict.fromkeys(("remove_endpoint", "save_endpoint", "set_default_endpoint", "set_route"), ".remote_write"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_HUB",
    "UI_LANGUAGES",
    "UI_THEMES",
    "UI_ZOOM_STEPS",
    "AppSettings",
    "EndpointError",
    "EngineSettings",
    "ImagesSettings",
    "Loaded",
    "ModelsSettings",
    "RemoteEndpoint",
    "RemoteSettings",
    "Settings",
    "SettingsError",
    "SettingsProblem",
    "TomlFileError",
    "UISettings",
    "clean_hub_address",
    "edit_settings",
    "load_settings",
    "load_settings_leniently",
    "parse_extra",
    "parse_toml",
    "read_toml",
    "remove_endpoint",
    "save_endpoint",
    "set_default_endpoint",
    "set_engine_model",
    "set_route",
    "set_value",
    "set_values",
    "settings_path",
    "ui_language",
    "ui_look",
]
