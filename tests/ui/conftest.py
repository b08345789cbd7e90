"""The window on the scripted stand-in, shared by the tests that need nothing else."""

from __future__ import annotations

import pytest
from remote_standin import StandIn
from standin_window import close_window, open_window, save_standin


@pytest.fixture
def standin(deskmate_home):
    with StandIn(key=None) as s:
        save_standin(s)
        yield s


@pytest.fixture
def window(qtbot, standin, deskmate_home):
    win, store = open_window(qtbot, deskmate_home / "deskmate.sqlite3")
    yield win
    close_window(win, store)
