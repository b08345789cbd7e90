"""The drafts database: one SQLite file in WAL mode, numbered migrations, plain-word errors.

Durability choice: ``synchronous=NORMAL``. In WAL mode a commit under NORMAL is a write()
into the -wal file; once that returns the bytes belong to the operating system, so a
SIGKILL (or any crash of our process) cannot take them back. What NORMAL gives up is the
fsync on every commit, i.e. protection against power loss or an OS crash for the last
commits before a checkpoint. FULL would add an fsync per commit, and the autosaver commits
every ~1.5 s while someone types (and explicit saves run on the GUI thread), which costs
battery and can stall for tens of milliseconds on slow disks. ``checkpoint()`` (called by
``Autosaver.flush`` and on close) forces the synced write at natural pauses instead.

Threads: every thread gets its own connection (WAL lets readers run while a writer
writes); writes in this process are serialised by a lock and use ``BEGIN IMMEDIATE`` so
another process holding the write lock is waited for instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Self

from .. import paths

log = logging.getLogger(__name__)

DB_NAME = "deskmate.sqlite3"

# Primary SQLite result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_NOTADB = 26
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6


class StoreError(Exception):
    """Something went wrong in the drafts store; the message is meant for the user."""


class DiskFullError(StoreError):
    """The disk (or the database's size limit) is full. Nothing was written; the caller still has the text."""


class CorruptDatabaseError(StoreError):
    """The database file is damaged in a way found only while using it."""

    reason = "damaged"  # SQLite's own words


class DraftNotFoundError(StoreError, KeyError):
    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0]) if self.args else "Draft not found."


def _primary_code(e: sqlite3.Error) -> int:
    return (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF


def _is_disk_full(e: BaseException) -> bool:
    if isinstance(e, sqlite3.Error):
        return _primary_code(e) == _SQLITE_FULL or "database or disk is full" in str(e)
    return isinstance(e, OSError) and e.errno == 28  # ENOSPC


def _is_corrupt(e: BaseException) -> bool:
    if not isinstance(e, sqlite3.DatabaseError):
        return False
    code = _primary_code(e)
    text = str(e)
    return code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text or "not a database" in text


@dataclasses.dataclass(frozen=True)
class Wording:
    """How messages name one database file and what a person keeps when it fails.

    The drafts and the documents index share this module; only their words differ.
    """

    label: str  # "drafts database"
    on_full: str  # after "The disk is full, so Deskmate could not save."
    on_damage: str  # after "The <label> <path> is damaged (…)."
    rescued: str  # what the rescue counts: "draft(s)"


DRAFTS = Wording(
    "drafts database",
    "Your text is still open in Deskmate: free some disk space and it will be saved.",
    "Restart Deskmate: it will set the damaged file aside, rescue what it can and start a fresh one. "
    "Your open text is still in the editor.",
    "draft(s)",
)


def translate_error(e: BaseException, path: Path, wording: Wording = DRAFTS) -> StoreError:
    """Map a sqlite3/OS error to one of our errors with a message a user can act on."""
    label = wording.label
    if _is_disk_full(e):
        return DiskFullError(f"The disk is full, so Deskmate could not save. {wording.on_full} ({label}: {path})")
    if _is_corrupt(e):
        err = CorruptDatabaseError(f"The {label} {path} is damaged ({e}). {wording.on_damage}")
        err.reason = str(e)
        return err
    code = _primary_code(e) if isinstance(e, sqlite3.Error) else 0
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreError(f"The {label} {path} is busy in another program; try again in a moment.")
    if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN) or isinstance(e, PermissionError):
        return StoreError(f"Deskmate cannot write its {label} {path}: check the folder's permissions ({e}).")
    return StoreError(f"The {label} {path} could not be used: {e}.")


# --- migrations -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Migration:
    version: int
    name: str
    # SQL statements (run one by one: executescript would commit our transaction) or a
    # function for data migrations. Either runs inside the migration's transaction.
    steps: Sequence[str] | Callable[[sqlite3.Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "drafts, versions and the autosave journal",
        (
            # AUTOINCREMENT: an id is never reused after a purge, so a stale id (in the
            # journal, in an open editor) can never land on some other draft.
            """CREATE TABLE drafts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                title TEXT NOT NULL DEFAULT '',      -- the user's title; '' means use auto_title
                auto_title TEXT NOT NULL DEFAULT '', -- first line of the body, kept in step on save
                body TEXT NOT NULL DEFAULT '',
                kind TEXT NOT NULL DEFAULT 'text',
                pinned INTEGER NOT NULL DEFAULT 0,
                created REAL NOT NULL,
                updated REAL NOT NULL,
                deleted REAL                         -- soft delete: when; NULL while the draft is live
            )""",
            "CREATE INDEX drafts_recent ON drafts (deleted, pinned, updated)",
            """CREATE TABLE versions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
                created REAL NOT NULL,               -- when this text was written
                started REAL NOT NULL,               -- autosave checkpoints grow in place; when this one began
                source TEXT NOT NULL,                -- save, autosave, restore, recovered, import, create
                body TEXT NOT NULL
            )""",
            "CREATE INDEX versions_by_draft ON versions (draft_id, id)",
            # No foreign key: text typed into a draft that was purged meanwhile must survive.
            """CREATE TABLE pending (
                draft_id INTEGER PRIMARY KEY,
                body TEXT NOT NULL,
                touched REAL NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "full-text search index",
        # Kept apart from the drafts so a later migration can drop and rebuild it (say, a
        # new tokenizer) without touching the text itself. Chinese and Japanese are indexed
        # one character per token (drafts.py inserts the separators), which unicode61 alone
        # does not do.
        ("CREATE VIRTUAL TABLE drafts_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2')",),
    ),
)


def _check_migrations(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"Migrations must be numbered 1, 2, 3… in order; found {versions}.")


# --- the database --------------------------------------------------------------------


class Database:
    """One SQLite file shared by all threads of the process (and by other processes).

    Thread-safe: ``read()``, ``write()``, ``connection()``, ``checkpoint()`` and ``close()``
    may be called from any thread. Another database (the documents index) subclasses it with
    its own ``wording`` and ``_rescue_from``.
    """

    wording: Wording = DRAFTS

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        synchronous: str = "NORMAL",
        busy_timeout: float = 5.0,
        check: bool = True,
        connect_hook: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        _check_migrations(migrations)
        if synchronous.upper() not in ("NORMAL", "FULL", "EXTRA"):
            raise ValueError("synchronous must be NORMAL, FULL or EXTRA.")
        self.path = Path(path) if path is not None else paths.data_dir() / DB_NAME
        self._migrations = tuple(migrations)
        self._synchronous = synchronous.upper()
        self._busy_ms = int(busy_timeout * 1000)
        self._connect_hook = connect_hook
        self._local = threading.local()
        self._conns: dict[int, tuple[threading.Thread, sqlite3.Connection]] = {}
        self._conns_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._closed = False
        # Filled when the file was damaged: where the old file went and what was rescued.
        self.set_aside: Path | None = None
        self.notices: list[str] = []
        # Rows read back from a damaged file, for the store built on this database to take in
        # (DraftStore does, when it opens): this base layer knows the tables, not the store's rules.
        self.rescued: dict[str, list[tuple[object, ...]]] = {}
        try:
            self._open(check)
        except BaseException:
            self._close_all()
            raise

    # -- opening, corruption --------------------------------------------------------

    def _open(self, check: bool) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(
                f"Deskmate cannot create the folder for its {self.wording.label}, {self.path.parent}: {e}."
            ) from None
        try:
            self._first_touch(check)
        except CorruptDatabaseError as e:
            self._close_all()
            self._set_aside_and_restart(e.reason)
        except StoreError:
            raise
        except (sqlite3.Error, OSError) as e:
            if not _is_corrupt(e):
                raise translate_error(e, self.path, self.wording) from None
            self._close_all()
            self._set_aside_and_restart(str(e))

    def _first_touch(self, check: bool) -> None:
        conn = self.connection()
        # The first real read is where "file is not a database" shows up.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("SQLite refused WAL mode for %s (got %s)", self.path, mode)
        if check:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError("database disk image is malformed: " + "; ".join(problems))
        self._migrate(conn)

    def _set_aside_and_restart(self, reason: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            # The -wal and -shm files travel with it: a stale WAL next to a fresh database
            # could be replayed into it. Their new names keep SQLite's "<db>-wal" pairing.
            for suffix in ("-wal", "-shm", ""):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    os.replace(src, Path(str(target) + suffix))
        except OSError as e:
            raise StoreError(
                f"The {self.wording.label} {self.path} is damaged ({reason}) and Deskmate could not move it aside: "
                f"{e}. "
                "Close other Deskmate windows and try again."
            ) from None
        self.set_aside = target
        log.error("The %s %s was damaged (%s); moved to %s", self.wording.label, self.path, reason, target)
        try:
            self._first_touch(check=False)
        except (sqlite3.Error, OSError) as e:
            raise translate_error(e, self.path, self.wording) from None
        rescued = self._rescue_from(target)
        w = self.wording
        notice = f"The {w.label} was damaged ({reason}). Deskmate moved it to {target} and started a fresh one"
        notice += (f"; {rescued} {w.rescued} could be rescued from it." if rescued
                   else "; nothing could be read from it.")
        self.notices.append(notice)

    def _rescue_from(self, damaged: Path) -> int:
        """Copy whatever drafts (and journaled text) still read back from the damaged file."""
        rows: list[tuple[object, ...]] = []
        pending: list[tuple[object, ...]] = []
        try:
            # Read-only: closing a writable connection would checkpoint into the damaged file.
            src = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, ValueError, OSError):
            return 0
        try:
            for query, out in (
                ("SELECT id, title, body, kind, pinned, created, updated FROM drafts WHERE deleted IS NULL", rows),
                ("SELECT draft_id, body, touched FROM pending", pending),
            ):
                try:
                    for row in src.execute(query):  # rows before a bad page still count
                        out.append(tuple(row))
                except sqlite3.Error:
                    pass
        finally:
            src.close()
        if rows or pending:
            self.rescued = {"drafts": rows, "pending": pending}
        return len(rows)

    # -- migrations -----------------------------------------------------------------

    def _migrate(self, conn: sqlite3.Connection) -> None:
        with self._write_lock:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied REAL NOT NULL)"
            )
            for m in self._migrations:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    # Checked inside the write lock: another process may have just applied it.
                    current = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
                    if current >= m.version:
                        conn.execute("COMMIT")
                        continue
                    if current != m.version - 1:
                        raise StoreError(
                            f"The {self.wording.label} {self.path} skips from version {current} to {m.version}."
                        )
                    if callable(m.steps):
                        m.steps(conn)
                    else:
                        for sql in m.steps:
                            conn.execute(sql)
                    conn.execute(
                        "INSERT INTO schema_version (version, name, applied) VALUES (?, ?, ?)",
                        (m.version, m.name, time.time()),
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            newest = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
            if newest > len(self._migrations):
                raise StoreError(
                    f"The {self.wording.label} {self.path} was written by a newer Deskmate (schema {newest}, this one "
                    f"knows {len(self._migrations)}). Update Deskmate to open it; nothing was changed."
                )

    def schema_version(self) -> list[tuple[int, str]]:
        return [
            (v, n) for v, n in self.connection().execute("SELECT version, name FROM schema_version ORDER BY version")
        ]

    # -- connections ----------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (created on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise StoreError(f"The {self.wording.label} is closed.")
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves. check_same_thread=False
            # only so close() may close it from another thread; each thread uses its own.
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=self._busy_ms / 1000
            )
            conn.execute(f"PRAGMA synchronous = {self._synchronous}")
            conn.execute("PRAGMA foreign_keys = ON")
            if self._connect_hook is not None:
                self._connect_hook(conn)
        except sqlite3.Error as e:
            raise translate_error(e, self.path, self.wording) from None
        self._local.conn = conn
        me = threading.current_thread()
        with self._conns_lock:
            # Threads come and go (worker pools); close what finished threads left behind.
            for ident, (thread, old) in list(self._conns.items()):
                if not thread.is_alive():
                    old.close()
                    del self._conns[ident]
            self._conns[id(conn)] = (me, conn)
        return conn

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls in the same thread join the outer one."""
        with self._write_lock:
            conn = self.connection()
            depth = getattr(self._local, "depth", 0)
            self._local.depth = depth + 1
            try:
                if depth:
                    yield conn
                    return
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    yield conn
                    conn.execute("COMMIT")
                except BaseException as e:
                    if conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    if isinstance(e, (sqlite3.Error, OSError)) and not isinstance(e, StoreError):
                        raise translate_error(e, self.path, self.wording) from None
                    raise
            finally:
                self._local.depth = depth

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs; errors come out as StoreError."""
        conn = self.connection()
        if conn.in_transaction:  # inside write(): already consistent
            yield conn
            return
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("COMMIT")
        except (sqlite3.Error, OSError) as e:
            raise translate_error(e, self.path, self.wording) from None

    def checkpoint(self) -> None:
        """Copy the WAL into the main file with an fsync: the power-loss-safe moment."""
        try:
            self.connection().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as e:
            log.warning("WAL checkpoint of %s failed: %s", self.path, e)

    def _close_all(self) -> None:
        with self._conns_lock:
            for _thread, conn in self._conns.values():
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._conns.clear()
        self._local = threading.local()

    def close(self) -> None:
        if self._closed:
            return
        self.checkpoint()
        self._closed = True
        self._close_all()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
