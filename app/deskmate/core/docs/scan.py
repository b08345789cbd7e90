"""Scanning: compare the library's sources with the disk; new and changed files become pending.

Changed means a different size or modification time and then a different content hash,
so a file touched or copied back unchanged is not read again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat as stat_mod
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import db as schema
from .db import DocsDatabase
from .formats import format_of


@dataclasses.dataclass(frozen=True)
class ScanCounts:
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    missing_sources: tuple[Path, ...] = ()


def normalize(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path))))


def under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scan(db: DocsDatabase, collection_ids: Sequence[int], force: bool = False) -> ScanCounts:
    """Bring the files table in line with the disk: new and changed files become pending.

    Changed means size or modification time differ and then the content hash too (a file
    touched or copied back unchanged is not read again). Files of an unreachable source
    (an unplugged drive) are kept as they are.
    """
    counts = ScanCounts()
    for cid in collection_ids:
        c = _scan_collection(db, cid, force)
        counts = ScanCounts(counts.new + c.new, counts.changed + c.changed, counts.removed + c.removed,
                            counts.unchanged + c.unchanged, counts.missing_sources + c.missing_sources)
    return counts

def _scan_collection(db: DocsDatabase, cid: int, force: bool) -> ScanCounts:
    conn = db.connection()
    sources = conn.execute("SELECT id, path, is_folder, ignored FROM sources WHERE collection_id = ?",
                           (cid,)).fetchall()
    ignored = [p for _i, p, _f, x in sources if x]
    known = {r[1]: r for r in conn.execute(
        "SELECT id, path, source_id, size, mtime_ns, sha256, state FROM files WHERE collection_id = ?", (cid,))}
    seen: set[str] = set()
    new: list[tuple[int, str, str]] = []
    changed: list[int] = []
    touched: list[tuple[int, int, int]] = []  # same content, new size/mtime
    missing: list[Path] = []
    unchanged = 0
    for sid, spath, is_folder, ex in sources:
        if ex:
            continue
        if not os.path.exists(spath):
            missing.append(Path(spath))
            seen.update(p for p in known if under(p, spath))  # keep what we have
            continue
        for path, st in (_walk(spath) if is_folder else _one(spath)):
            if path in seen or any(under(path, x) for x in ignored):
                continue
            seen.add(path)
            row = known.get(path)
            if row is None:
                new.append((sid, path, format_of(path) or "text"))
                continue
            fid, _p, _s, size, mtime, sha, state = row
            if state == schema.PENDING:
                continue  # already waiting to be read
            if force:
                changed.append(fid)
                continue
            if size == st.st_size and mtime == st.st_mtime_ns:
                unchanged += 1
                continue
            try:
                same = sha is not None and file_sha256(Path(path)) == sha
            except OSError:
                same = False
            if same:
                touched.append((st.st_size, st.st_mtime_ns, fid))
                unchanged += 1
            else:
                changed.append(fid)
    gone = [row[0] for path, row in known.items() if path not in seen]
    if new or changed or touched or gone:
        with db.write() as w:
            w.executemany(
                "INSERT OR IGNORE INTO files (collection_id, source_id, path, format, state) VALUES (?, ?, ?, ?, ?)",
                [(cid, sid, path, fmt, schema.PENDING) for sid, path, fmt in new],
            )
            w.executemany("UPDATE files SET state = ?, error = NULL WHERE id = ?",
                          [(schema.PENDING, fid) for fid in changed])
            w.executemany("UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?", touched)
            w.executemany("DELETE FROM files WHERE id = ?", [(fid,) for fid in gone])
            w.execute("UPDATE collections SET generation = generation + 1 WHERE id = ?", (cid,))
    return ScanCounts(len(new), len(changed), len(gone), unchanged, tuple(missing))


def _one(path: str) -> Iterator[tuple[str, os.stat_result]]:
    try:
        st = os.stat(path)
    except OSError:
        return
    if stat_mod.S_ISREG(st.st_mode):
        yield path, st


def _walk(folder: str) -> Iterator[tuple[str, os.stat_result]]:
    """Readable files under ``folder`` the library can read; hidden folders and Office lock files skipped."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith((".", "~$")) or format_of(name) is None:
                continue
            yield from _one(os.path.join(root, name))
