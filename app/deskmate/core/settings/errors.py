"""The errors of the settings home."""

from __future__ import annotations


class SettingsError(ValueError):
    """settings.toml cannot be read, holds a wrong value, or cannot be changed safely.

    The message names the file, the table and the key, says what is wrong and what to write instead.
    """


class SettingsValueError(SettingsError):
    """Raised by a validator: ``message`` says what is wrong; ``at`` narrows where (e.g. a list index)."""

    def __init__(self, message: str, *, at: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.at = at
