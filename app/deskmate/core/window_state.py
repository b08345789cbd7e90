"""Where the window was left: its place and size, whether it was maximised, its splitters' sizes, the open
draft and the cursor in it. State the app keeps for itself, not a setting the person edits (those are
declared in core/settings/schema.py): one small JSON file next to the drafts' database, read leniently
(a missing or damaged file means "first start") and replaced atomically.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from deskmate.core import paths
from deskmate.core.fs import atomic_write

FILE = "window-state.json"


@dataclass
class WindowState:
    geometry: tuple[int, int, int, int] | None = None  # x, y, width, height of the unmaximised window, frame included
    frame: tuple[int, int] = (0, 0)  # how much wider and taller the frame made it than its contents
    maximized: bool = False
    splitters: dict[str, list[int]] = field(default_factory=dict)
    draft_id: int | None = None
    cursor: int = 0


def _ints(value: object, n: int | None = None) -> list[int] | None:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return None
    return value if n is None or len(value) == n else None


def state_path() -> Path:
    return paths.data_dir() / FILE


def load_window_state(path: Path | None = None) -> WindowState:
    """The state last saved; the first start's (empty) state when there is none or it cannot be read."""
    try:
        raw = json.loads((path or state_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return WindowState()
    if not isinstance(raw, dict):
        return WindowState()
    geometry = _ints(raw.get("geometry"), 4)
    frame = _ints(raw.get("frame"), 2)
    splitters = raw.get("splitters") if isinstance(raw.get("splitters"), dict) else {}
    draft_id = raw.get("draft_id")
    cursor = raw.get("cursor")
    if geometry and (geometry[2] <= 0 or geometry[3] <= 0):
        geometry = None
    return WindowState(
        geometry=tuple(geometry) if geometry else None,  # type: ignore[arg-type]
        frame=tuple(frame) if frame else (0, 0),  # type: ignore[arg-type]
        maximized=raw.get("maximized") is True,
        splitters={k: v for k, v in splitters.items() if isinstance(k, str) and _ints(v)},
        draft_id=draft_id if isinstance(draft_id, int) and not isinstance(draft_id, bool) else None,
        cursor=cursor if isinstance(cursor, int) and not isinstance(cursor, bool) and cursor >= 0 else 0,
    )


def save_window_state(state: WindowState, path: Path | None = None) -> None:
    """Raises OSError (e.g. DiskFullError) when the file cannot be written; the old file is then unchanged."""
    path = path or state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(asdict(state), indent=1), durable=False)


def fit_on_screen(geometry: tuple[int, int, int, int], screen: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """``geometry`` moved and shrunk so that all of it is on ``screen`` (both x, y, width, height): a size
    saved on a bigger screen, or a place on a monitor that is gone, still opens in view."""
    x, y, w, h = geometry
    sx, sy, sw, sh = screen
    w, h = min(w, sw), min(h, sh)
    x = min(max(x, sx), sx + sw - w)
    y = min(max(y, sy), sy + sh - h)
    return x, y, w, h


def centred(size: tuple[int, int], screen: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A window of ``size`` (shrunk to fit) in the middle of ``screen``."""
    sx, sy, sw, sh = screen
    w, h = min(size[0], sw), min(size[1], sh)
    return sx + (sw - w) // 2, sy + (sh - h) // 2, w, h
