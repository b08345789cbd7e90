"""Where Deskmate keeps its files. DESKMATE_HOME puts everything under one folder (tests, portable use)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import platformdirs

APP = "Deskmate"


def _home() -> Path | None:
    value = os.environ.get("DESKMATE_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    home = _home()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """Files Deskmate can rebuild (prompt caches, hardware measurements): safe to delete."""
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP, appauthor=False))


def runtime_dir() -> Path:
    home = _home()
    if home:
        return home / "run"
    try:
        with warnings.catch_warnings():
            # Without XDG_RUNTIME_DIR platformdirs warns and picks a fallback: that fallback is fine.
            warnings.simplefilter("ignore")
            return Path(platformdirs.user_runtime_dir(APP, appauthor=False))
    except Exception:  # some platforms have no runtime dir
        return data_dir() / "run"
