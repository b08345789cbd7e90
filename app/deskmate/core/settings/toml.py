"""Read a TOML file into plain Python data, with an error a person can act on.

The one place in Deskmate that parses TOML: settings.toml, the task files and the model
catalog all come through here.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any


class TomlFileError(ValueError):
    """A TOML file cannot be read or is not valid TOML. ``reason`` is the message without the file name."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source} {reason}.")
        self.source = source
        self.reason = reason


def parse_toml(text: str, source: str = "The text") -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TomlFileError(source, f"is not valid TOML: {e}") from None


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TomlFileError(str(path), "cannot be read: it is not UTF-8 text (save it as UTF-8)") from None
    except OSError as e:
        raise TomlFileError(str(path), f"cannot be read: {e.strerror or e}") from None
    return parse_toml(text, str(path))
