"""Replace a file so that a reader, a crash or a full disk sees the old bytes or the new ones, never half.

The new bytes go to a hidden temporary file in the same folder (a rename is atomic only
within one file system), are flushed to the disk, and then take the old file's name with
one ``os.replace``. Whatever fails on the way, the temporary file is removed and the old
file is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# "The disk is full" and "the disk quota is used up" mean the same to the person: free some space.
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}

Writer = Callable[[BinaryIO], object]


class DiskFullError(OSError):
    """The disk had no room for the new file; the old file is unchanged."""

    def __init__(self, path: Path, cause: OSError) -> None:
        message = (
            f"The disk is full: {path} could not be saved, and the file that was there is unchanged. "
            "Free some space and try again."
        )
        super().__init__(cause.errno, message, str(path))

    def __str__(self) -> str:
        return str(self.strerror)


def atomic_write(
    path: str | os.PathLike[str], data: bytes | str | Writer, *, encoding: str = "utf-8", durable: bool = True
) -> Path:
    """Replace ``path`` with ``data``: bytes, text (``encoding``), or a function that writes to a binary file.

    ``durable`` (the default) also survives a power cut: the file and, on POSIX, its folder
    entry are synced to the disk before this returns. Leave it off for files that only matter
    while this process runs. An existing file keeps its permissions; a new one gets the
    user's usual ones (umask). Raises :class:`DiskFullError` when the disk is full.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        keep_mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        keep_mode = None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as f:
            if keep_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), keep_mode)
            if callable(data):
                data(f)
            else:
                f.write(data.encode(encoding) if isinstance(data, str) else data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.errno in _FULL and not isinstance(e, DiskFullError):
            raise DiskFullError(path, e) from None
        raise
    if durable:
        fsync_dir(path.parent)
    return path


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename in ``folder`` survive a power cut (POSIX; elsewhere the rename is already durable)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
