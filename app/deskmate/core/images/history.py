"""The gallery: pictures saved under ``<data dir>/images/`` and listed in ``<data dir>/images.sqlite3``.

The PNG files are the truth and the database an index: every picture carries
its settings in its own metadata, so :meth:`ImageHistory.import_untracked`
can list again any picture whose row was never written (say the app stopped
between the worker's "done" and the insert) or was lost with a damaged
database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Self

from deskmate.core import paths

from .jobs import ImageError, ImageJob, ImageJobError

if TYPE_CHECKING:
    from .client import ImageResult

# Numbered migrations: append, never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE images (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL UNIQUE,          -- relative to the images folder when inside it
        prompt TEXT NOT NULL,
        negative_prompt TEXT NOT NULL DEFAULT '',
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        steps INTEGER NOT NULL,
        guidance REAL NOT NULL,
        seed INTEGER NOT NULL,
        model TEXT NOT NULL,
        seconds REAL,
        created_at TEXT NOT NULL            -- UTC, ISO 8601
    );
    CREATE INDEX images_created_at ON images (created_at);
    """,
)


class HistoryError(ImageError):
    """The history database cannot be used; the message says what to do. The pictures are untouched."""


def images_dir() -> Path:
    return paths.data_dir() / "images"


def history_path() -> Path:
    return paths.data_dir() / "images.sqlite3"


@dataclasses.dataclass(frozen=True)
class ImageRecord:
    id: int
    path: Path
    job: ImageJob  # the exact settings: generate it again for the same picture
    seconds: float | None
    created_at: dt.datetime

    @property
    def exists(self) -> bool:
        return self.path.is_file()


class ImageHistory:
    def __init__(self, db_path: Path | None = None, folder: Path | None = None) -> None:
        self.db_path = db_path if db_path is not None else history_path()
        self.folder = folder if folder is not None else images_dir()
        self._lock = threading.Lock()
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None, timeout=10)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise HistoryError(
                f"The picture history {self.db_path} is damaged ({e}). Your pictures are safe in {self.folder}. "
                "Move the damaged file away and restart: Deskmate will list the pictures again."
            ) from None

    # --- schema ------------------------------------------------------------------------------------
    def _migrate(self) -> None:
        db = self._db
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        current = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
        if current > len(MIGRATIONS):
            raise HistoryError(
                f"The picture history {self.db_path} was written by a newer Deskmate (schema {current}, this one "
                f"knows {len(MIGRATIONS)}). Update Deskmate to open it."
            )
        for version in range(current + 1, len(MIGRATIONS) + 1):
            # One transaction per migration: a crash leaves the previous version, never a half-applied one.
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(MIGRATIONS[version - 1]):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                           (version, _now().isoformat()))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])

    # --- paths -------------------------------------------------------------------------------------
    def new_path(self, job: ImageJob | None = None) -> Path:
        """A free file name in the images folder: date, time and seed, so a listing sorts by time."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        seed = f"-{job.seed}" if job is not None and job.seed is not None else ""
        path = self.folder / f"{stamp}{seed}.png"
        n = 2
        while path.exists():
            path = self.folder / f"{stamp}{seed}-{n}.png"
            n += 1
        return path

    def _stored(self, path: Path) -> str:
        path = Path(path).absolute()
        try:
            return path.relative_to(self.folder.absolute()).as_posix()
        except ValueError:
            return str(path)

    def _loaded(self, stored: str) -> Path:
        p = Path(stored)
        return p if p.is_absolute() else self.folder / p

    # --- records -----------------------------------------------------------------------------------
    def add(self, path: Path, job: ImageJob, seconds: float | None = None,
            created_at: dt.datetime | None = None) -> ImageRecord:
        """List a saved picture. ``job`` must be resolved (it records the seed actually used)."""
        if not job.is_resolved:
            raise ImageJobError("Only a finished picture's settings (with its seed) can go in the history.",
                                field="seed")
        if not Path(path).is_file():
            raise HistoryError(f"{path} does not exist, so it cannot be added to the history.")
        when = created_at or _now()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO images (path, prompt, negative_prompt, width, height, steps, guidance, seed, model, "
                "seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET prompt=excluded.prompt, negative_prompt=excluded.negative_prompt, "
                "width=excluded.width, height=excluded.height, steps=excluded.steps, guidance=excluded.guidance, "
                "seed=excluded.seed, model=excluded.model, seconds=excluded.seconds, created_at=excluded.created_at "
                "RETURNING id",
                (self._stored(path), job.prompt, job.negative_prompt, job.width, job.height, job.steps, job.guidance,
                 job.seed, str(job.model), seconds, when.isoformat()),
            )
            new_id = int(cur.fetchone()[0])
        record = self.get(new_id)
        assert record is not None
        return record

    def add_result(self, result: ImageResult) -> ImageRecord:
        return self.add(result.path, result.job, result.seconds)

    def get(self, image_id: int) -> ImageRecord | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM images WHERE id = ?", (image_id,)).fetchone()
        return self._record(row) if row is not None else None

    def list(self, limit: int = 200, offset: int = 0) -> list[ImageRecord]:
        """Newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM images ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", (limit, offset)
            ).fetchall()
        return [self._record(r) for r in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM images").fetchone()[0])

    def delete(self, image_id: int, *, delete_file: bool = True) -> bool:
        """Remove a picture from the history, and its file unless ``delete_file`` is False."""
        record = self.get(image_id)
        if record is None:
            return False
        if delete_file:
            try:
                record.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as e:
                # Keep the row while the file stays: a listed picture must never vanish silently.
                raise HistoryError(f"Cannot delete {record.path}: {e.strerror or e}.") from None
        with self._lock:
            self._db.execute("DELETE FROM images WHERE id = ?", (image_id,))
        return True

    def import_untracked(self) -> list[ImageRecord]:
        """List pictures in the images folder that carry Deskmate settings but have no row."""
        from .metadata import NoMetadataError, read_metadata

        with self._lock:
            known = {r[0] for r in self._db.execute("SELECT path FROM images")}
        added = []
        for file in sorted(self.folder.glob("*.png")):
            if self._stored(file) in known:
                continue
            try:
                job = read_metadata(file).job()
            except (NoMetadataError, ImageJobError, OSError):
                continue
            when = dt.datetime.fromtimestamp(file.stat().st_mtime, dt.UTC)
            added.append(self.add(file, job, None, created_at=when))
        return added

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _record(self, row: sqlite3.Row) -> ImageRecord:
        job = ImageJob(
            prompt=row["prompt"],
            model=Path(row["model"]),
            negative_prompt=row["negative_prompt"],
            width=row["width"],
            height=row["height"],
            steps=row["steps"],
            guidance=row["guidance"],
            seed=row["seed"],
        )
        return ImageRecord(row["id"], self._loaded(row["path"]), job, row["seconds"],
                           dt.datetime.fromisoformat(row["created_at"]))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _statements(script: str) -> list[str]:
    # Our migrations hold no ';' inside strings, so a plain split is safe (executescript would COMMIT).
    return [s.strip() for s in script.split(";") if s.strip() and not s.strip().startswith("--")]
