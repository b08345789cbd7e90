"""The real main window on the scripted remote stand-in ("standin"), opened and closed as a person does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deskmate.core.remote import RemoteEndpoint, client_for, save_endpoint
from deskmate.core.store import DraftStore
from deskmate.core.tasks import default_catalog
from remote_standin import StandIn


def save_standin(s: StandIn) -> None:
    """Make the stand-in the remote server "standin" (`… --remote standin` and the window use it)."""
    save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))


def open_window(qtbot: Any, path: Path) -> tuple[Any, DraftStore]:
    from deskmate.ui.engine_bridge import EngineBridge
    from deskmate.ui.main_window import MainWindow

    store = DraftStore.open(path)
    win = MainWindow(EngineBridge(client_for("standin")), default_catalog(), store, "standin")
    qtbot.addWidget(win)
    win.show()
    return win, store


def close_window(win: Any, store: DraftStore) -> None:
    if win.task_editor is not None:
        win.task_editor.close()
    win.close()  # as the person closes it: the run stops and the draft is flushed while the store is open
    win.runner.wait()
    win.translation_view.shutdown()
    win.draft_editor.close_store()
    store.close()
