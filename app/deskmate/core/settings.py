"""User settings in ``settings.toml`` under the config folder.

Foundation scope: which model to run and how. Values are validated on load; a
bad value is reported with the file and key, never silently replaced.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path

from . import paths


class SettingsError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class EngineSettings:
    model: str | None = None  # None: the embedded default model
    n_ctx: int = 4096
    threads: int = 0  # 0: one per CPU core


@dataclasses.dataclass(frozen=True)
class AppSettings:
    # Offline mode: nothing is sent anywhere (no downloads, no remote servers).
    offline: bool = False


UI_LANGUAGES = ("en", "zh")


@dataclasses.dataclass(frozen=True)
class UISettings:
    language: str = "en"


@dataclasses.dataclass(frozen=True)
class Settings:
    engine: EngineSettings = EngineSettings()
    app: AppSettings = AppSettings()
    ui: UISettings = UISettings()


def settings_path() -> Path:
    return paths.config_dir() / "settings.toml"


def _int(table: dict[str, object], key: str, where: str, lo: int, hi: int, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise SettingsError(f"{where}: '{key}' must be a whole number from {lo} to {hi} (found {value!r}).")
    return value


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"Cannot read {path}: {e}.") from None
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path} is not valid TOML: {e}.") from None
    engine, app, ui = (_table(data, name, path) for name in ("engine", "app", "ui"))
    where = f"{path} [engine]"
    model = engine.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise SettingsError(f"{where}: 'model' must be the path of a .gguf file.")
    offline = app.get("offline", False)
    if not isinstance(offline, bool):
        raise SettingsError(f"{path} [app]: 'offline' must be true or false (found {offline!r}).")
    language = ui.get("language", "en")
    if language not in UI_LANGUAGES:
        raise SettingsError(f"{path} [ui]: 'language' must be one of {', '.join(UI_LANGUAGES)} (found {language!r}).")
    return Settings(
        EngineSettings(
            model=os.path.expanduser(model) if model else None,
            n_ctx=_int(engine, "n_ctx", where, 256, 1 << 20, 4096),
            threads=_int(engine, "threads", where, 0, 512, 0),
        ),
        AppSettings(offline=offline),
        UISettings(language=language),
    )


def _table(data: dict[str, object], name: str, path: Path) -> dict[str, object]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [{name}] must be a table.")
    return table
