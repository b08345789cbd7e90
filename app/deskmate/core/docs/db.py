"""The documents index: its own SQLite file beside the drafts (``docs.sqlite3``), numbered migrations.

It is the drafts' :class:`~deskmate.core.store.db.Database` (WAL, per-thread connections,
``BEGIN IMMEDIATE`` writes, damaged-file rescue) with this file's schema and words. The
index is derived data: when the file is damaged it is set aside and a fresh one started,
keeping only what the person chose (collections and the files and folders they added);
the next indexing run reads those files again.

Every file's chunks, keyword rows and vectors are written in one transaction together
with the file's state, so a kill at any moment leaves each file either as it was or fully
indexed, never half.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from deskmate.core import paths
from deskmate.core.store.db import Database, Migration, Wording

DB_NAME = "docs.sqlite3"
DEFAULT_COLLECTION = "default"

# File states, in the order a file goes through them.
PENDING = "pending"  # to be read (new, changed, or interrupted)
KEYWORD = "keyword"  # chunks and keyword index written; vectors not yet (or the model changed)
READY = "ready"  # fully indexed
ERROR = "error"  # could not be read; ``files.error`` says why
STATES = (PENDING, KEYWORD, READY, ERROR)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "collections, sources, files, chunks, vectors and the keyword index",
        (
            """CREATE TABLE collections (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                embedding_model TEXT,            -- whose vectors are stored; a change re-embeds
                embedding_path TEXT,             -- that model's file, to embed questions with it later
                generation INTEGER NOT NULL DEFAULT 0,  -- bumped by every write: in-memory caches reload
                created REAL NOT NULL
            )""",
            # What the person added: a file, or a folder (watched: new files in it join).
            """CREATE TABLE sources (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                is_folder INTEGER NOT NULL,
                added REAL NOT NULL,
                ignored INTEGER NOT NULL DEFAULT 0,  -- removed from inside a watched folder: not indexed
                UNIQUE (collection_id, path)
            )""",
            """CREATE TABLE files (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
                source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                format TEXT NOT NULL,
                state TEXT NOT NULL,
                error TEXT,                      -- plain words, when state = 'error'
                size INTEGER,                    -- of the version read (NULL until read)
                mtime_ns INTEGER,
                sha256 TEXT,
                pages INTEGER,
                chars INTEGER,
                chunks INTEGER NOT NULL DEFAULT 0,
                indexed REAL,
                UNIQUE (collection_id, path)
            )""",
            "CREATE INDEX files_by_state ON files (state, id)",
            "CREATE INDEX files_by_source ON files (source_id)",
            """CREATE TABLE chunks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                page INTEGER,
                section TEXT,
                start INTEGER NOT NULL,          -- character span in the file's text
                "end" INTEGER NOT NULL,
                text TEXT NOT NULL,
                UNIQUE (file_id, seq)
            )""",
            """CREATE TABLE vectors (
                chunk_id INTEGER PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
                vector BLOB NOT NULL             -- float32, unit length, from the collection's model
            )""",
            # The keyword leg; rowid = chunks.id. CJK one character per token (store/fts.py),
            # English stemmed (porter), so "configuring" finds "configure".
            "CREATE VIRTUAL TABLE chunks_fts USING fts5 (text, heading, "
            "tokenize = 'porter unicode61 remove_diacritics 2')",
            # Foreign-key cascades fire triggers, so removing a file or collection clears its rows here too.
            "CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN "
            "DELETE FROM chunks_fts WHERE rowid = old.id; END",
        ),
    ),
)

DOCS = Wording(
    "documents index",
    "Nothing was lost: free some disk space and index again.",
    "Restart Deskmate: it will set the damaged index aside and read your documents again. Your documents "
    "themselves are untouched.",
    "collection source(s)",
)


def docs_db_path() -> Path:
    return paths.data_dir() / DB_NAME


class DocsDatabase(Database):
    wording = DOCS

    def __init__(self, path: str | Path | None = None, **kw: object) -> None:
        super().__init__(path if path is not None else docs_db_path(), migrations=MIGRATIONS, **kw)  # type: ignore[arg-type]

    def _rescue_from(self, damaged: Path) -> int:
        """Keep what the person chose (collections, added files and folders); the index itself is rebuilt."""
        collections: list[tuple[object, ...]] = []
        sources: list[tuple[object, ...]] = []
        try:
            src = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, ValueError, OSError):
            return 0
        try:
            for query, out in (
                ("SELECT id, name, embedding_model, embedding_path, created FROM collections", collections),
                ("SELECT collection_id, path, is_folder, added, ignored FROM sources", sources),
            ):
                with contextlib.suppress(sqlite3.Error):
                    for row in src.execute(query):
                        out.append(tuple(row))
        finally:
            src.close()
        names: dict[object, int] = {}
        rescued = 0
        with self.write() as conn:
            for old_id, name, _model, path, created in collections:
                # No vectors survive the rescue: the model is set again when the files are embedded.
                conn.execute(
                    "INSERT OR IGNORE INTO collections (name, embedding_path, created) VALUES (?, ?, ?)",
                    (name, path, created),
                )
                row = conn.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
                if row is not None:
                    names[old_id] = row[0]
            for collection_id, path, is_folder, added, ignored in sources:
                if collection_id not in names:
                    continue
                cur = conn.execute(
                    "INSERT OR IGNORE INTO sources (collection_id, path, is_folder, added, ignored) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (names[collection_id], path, is_folder, added, ignored),
                )
                rescued += cur.rowcount
        return rescued
