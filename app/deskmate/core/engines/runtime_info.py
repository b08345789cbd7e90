"""Read the small status files that running engines keep in the runtime folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

from deskmate.core import paths


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_engines(folder: Path | None = None) -> list[dict[str, object]]:
    """Engines whose owner process still lives (in ``folder``, by default this home's); stale files are removed."""
    folder = folder or paths.runtime_dir()
    found: list[dict[str, object]] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("engine-*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not _alive(data.get("owner_pid")):
            try:
                path.unlink()
            except OSError:
                pass
            continue
        if not _alive(data.get("engine_pid")):
            data["phase"] = "stopped"
        found.append(data)
    return found
