"""Which front end shows core's messages, so that a message's "what to do" names that front end's own
controls: the CLI's commands by default, the window's menus once the window says it is the one showing them
(ui/app.py at start). Only the advice differs; what happened is worded once, in core."""

from __future__ import annotations

_window = False


def use_window_words(on: bool = True) -> None:
    global _window
    _window = on


def how(cli: str, window: str) -> str:
    """The advice in the words of the front end that shows it."""
    return window if _window else cli
