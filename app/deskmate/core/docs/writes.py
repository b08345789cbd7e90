"""The writes an indexing run makes, each in one transaction with the file's state.

A kill at any moment therefore leaves every file either as it was or done: its passages,
keyword rows and vectors never half written, never twice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from deskmate.core.store.fts import index_text

from . import db as schema
from .chunking import Chunk
from .db import DocsDatabase


def pending_files(db: DocsDatabase, collection_ids: Sequence[int], state: str) -> list[tuple[int, str, str]]:
    marks = ",".join("?" * len(collection_ids)) or "NULL"
    return [tuple(r) for r in db.connection().execute(  # type: ignore[misc]
        f"SELECT id, path, format FROM files WHERE state = ? AND collection_id IN ({marks}) ORDER BY id",
        (state, *collection_ids))]


def store_chunks(db: DocsDatabase, file_id: int, path: Path, chunks: Sequence[Chunk], *, size: int, mtime_ns: int,
                 sha256: str, pages: int | None, chars: int) -> bool:
    """Replace a file's passages and keyword rows in one transaction. False when the file left the library."""
    name = path.name
    with db.write() as conn:
        row = conn.execute(
            "SELECT f.collection_id, c.embedding_model FROM files f JOIN collections c ON c.id = f.collection_id "
            "WHERE f.id = ?", (file_id,)).fetchone()
        if row is None:
            return False
        cid, model = row
        conn.execute("DELETE FROM chunks WHERE file_id = ?", (file_id,))
        fts = []
        for ch in chunks:
            cur = conn.execute(
                'INSERT INTO chunks (file_id, seq, page, section, start, "end", text) VALUES (?, ?, ?, ?, ?, ?, ?)',
                (file_id, ch.seq, ch.page, ch.section, ch.start, ch.end, ch.text),
            )
            heading = f"{name} {ch.section or ''}"
            fts.append((cur.lastrowid, index_text(ch.text), index_text(heading)))
        conn.executemany("INSERT INTO chunks_fts (rowid, text, heading) VALUES (?, ?, ?)", fts)
        # A collection without an embedding model is keyword-only: its files are done here.
        state = schema.KEYWORD if model is not None and chunks else schema.READY
        conn.execute(
            "UPDATE files SET state = ?, error = NULL, size = ?, mtime_ns = ?, sha256 = ?, pages = ?, chars = ?, "
            "chunks = ?, indexed = ? WHERE id = ?",
            (state, size, mtime_ns, sha256, pages, chars, len(chunks), time.time(), file_id),
        )
        conn.execute("UPDATE collections SET generation = generation + 1 WHERE id = ?", (cid,))
    return True


def store_error(db: DocsDatabase, file_id: int, message: str, *, size: int | None, mtime_ns: int | None,
                sha256: str | None) -> None:
    with db.write() as conn:
        conn.execute("DELETE FROM chunks WHERE file_id = ?", (file_id,))
        conn.execute(
            "UPDATE files SET state = ?, error = ?, size = ?, mtime_ns = ?, sha256 = ?, pages = NULL, "
            "chars = NULL, chunks = 0, indexed = ? WHERE id = ?",
            (schema.ERROR, message, size, mtime_ns, sha256, time.time(), file_id),
        )
        conn.execute("UPDATE collections SET generation = generation + 1 WHERE id = "
                     "(SELECT collection_id FROM files WHERE id = ?)", (file_id,))


def use_model(db: DocsDatabase, collection_id: int, model: str, path: Path | None = None) -> bool:
    """Make ``model`` the collection's embedding model; on a change, drop the old vectors.

    True when vectors of another model had to go (the collection is embedded again).
    """
    with db.write() as conn:
        row = conn.execute("SELECT embedding_model FROM collections WHERE id = ?", (collection_id,)).fetchone()
        if path is not None:
            conn.execute("UPDATE collections SET embedding_path = ? WHERE id = ?", (str(path), collection_id))
        if row is None or row[0] == model:
            return False
        conn.execute(
            "DELETE FROM vectors WHERE chunk_id IN (SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id "
            "WHERE f.collection_id = ?)", (collection_id,))
        conn.execute("UPDATE files SET state = ? WHERE collection_id = ? AND state = ? AND chunks > 0",
                     (schema.KEYWORD, collection_id, schema.READY))
        conn.execute("UPDATE collections SET embedding_model = ?, generation = generation + 1 WHERE id = ?",
                     (model, collection_id))
    return row[0] is not None


def chunks_to_embed(db: DocsDatabase, file_id: int) -> tuple[float | None, list[tuple[int, str]]]:
    """(the file's version stamp, [(chunk id, text to embed)]) — the heading goes with the text."""
    with db.read() as conn:
        row = conn.execute("SELECT indexed, path FROM files WHERE id = ?", (file_id,)).fetchone()
        if row is None:
            return None, []
        name = Path(row[1]).name
        rows = conn.execute("SELECT id, section, text FROM chunks WHERE file_id = ? ORDER BY seq",
                            (file_id,)).fetchall()
    return row[0], [(cid, f"{name} {section}\n{text}" if section else f"{name}\n{text}")
                    for cid, section, text in rows]


def store_vectors(db: DocsDatabase, file_id: int, stamp: float | None, model: str, ids: Sequence[int],
                  vectors: Sequence[bytes]) -> bool:
    """Write a file's vectors and mark it ready, unless it changed or the model changed meanwhile."""
    with db.write() as conn:
        row = conn.execute(
            "SELECT f.state, f.indexed, c.embedding_model, c.id FROM files f "
            "JOIN collections c ON c.id = f.collection_id WHERE f.id = ?", (file_id,)).fetchone()
        if row is None or row[0] != schema.KEYWORD or row[1] != stamp or row[2] != model:
            return False
        conn.executemany("INSERT OR REPLACE INTO vectors (chunk_id, vector) VALUES (?, ?)", zip(ids, vectors))
        conn.execute("UPDATE files SET state = ? WHERE id = ?", (schema.READY, file_id))
        conn.execute("UPDATE collections SET generation = generation + 1 WHERE id = ?", (row[3],))
    return True
