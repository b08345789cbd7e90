"""The vector leg: float32 BLOBs in SQLite, exact search in numpy over an in-memory f32 copy.

Exact search is fast enough for a person's library (100k x 384 top-50 in ~16 ms here) and
needs no extension: sqlite-vec wants ``enable_load_extension``, which some Python builds
lack. The copy stays float32: an f16 matrix-vector product measured ~10x slower. It is kept
transposed (one row per dimension, contiguous): ``q @ mt`` measured 2x faster than ``m @ q``
at 100k x 384 in OpenBLAS (docs/benchmarks.md).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """What the library needs from an embedding model (the real one runs in a child process)."""

    @property
    def name(self) -> str:  # stored per collection: vectors from another model are never compared
        ...

    # ISO 639-1 codes of the languages it reads; None: unknown, used for every question
    languages: frozenset[str] | None

    def embed(self, texts: list[str]) -> np.ndarray:  # (len(texts), dim) float32, unit length
        ...


def to_blob(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def normalized(matrix: np.ndarray) -> np.ndarray:
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


_VECTORS_OF = (
    "SELECT v.chunk_id, v.vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id "
    "JOIN files f ON f.id = c.file_id WHERE f.collection_id = ? AND v.chunk_id > ? ORDER BY v.chunk_id"
)
_COUNT_OF = (
    "SELECT count(*) FROM vectors v JOIN chunks c ON c.id = v.chunk_id JOIN files f ON f.id = c.file_id "
    "WHERE f.collection_id = ?"
)


@dataclasses.dataclass
class _Matrix:
    generation: int = -1
    ids: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0, dtype=np.int64))
    mt: np.ndarray = dataclasses.field(default_factory=lambda: np.empty((0, 0), dtype=np.float32))  # dim x n


class VectorIndex:
    """One in-memory matrix per collection, brought up to date from the database when it changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_collection: dict[int, _Matrix] = {}

    def refresh(self, conn: sqlite3.Connection, collection_id: int, generation: int) -> None:
        with self._lock:
            cur = self._by_collection.setdefault(collection_id, _Matrix())
            if cur.generation == generation:
                return
            # New vectors have higher chunk ids (AUTOINCREMENT): read only those; a removal shows as a
            # count that no longer matches, and then the whole matrix is read again.
            last = int(cur.ids[-1]) if len(cur.ids) else 0
            ids, m = _read(conn, collection_id, last)
            full = bool(len(ids)) and cur.mt.size > 0 and cur.mt.shape[0] != m.shape[1]  # the model changed
            if len(ids) and not full:
                cur.ids = np.concatenate([cur.ids, ids]) if len(cur.ids) else ids
                cur.mt = np.ascontiguousarray(np.concatenate([cur.mt, m.T], axis=1) if cur.mt.size else m.T)
            if full or conn.execute(_COUNT_OF, (collection_id,)).fetchone()[0] != len(cur.ids):
                cur.ids, m = _read(conn, collection_id, 0)
                cur.mt = np.ascontiguousarray(m.T)
            cur.generation = generation

    def search(self, collection_ids: Sequence[int], query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity) best first over the given collections."""
        q = normalized(query)[0]
        found: list[tuple[int, float]] = []
        with self._lock:
            mats = [self._by_collection[c] for c in collection_ids if c in self._by_collection]
        for mat in mats:
            if not len(mat.ids) or mat.mt.shape[0] != q.shape[0]:
                continue
            scores = q @ mat.mt
            n = min(k, len(scores))
            top = np.argpartition(-scores, n - 1)[:n]
            found.extend((int(mat.ids[i]), float(scores[i])) for i in top)
        found.sort(key=lambda t: -t[1])
        return found[:k]

    def size(self, collection_id: int) -> int:
        with self._lock:
            mat = self._by_collection.get(collection_id)
            return 0 if mat is None else len(mat.ids)

    def memory_bytes(self) -> int:
        with self._lock:
            return sum(m.mt.nbytes + m.ids.nbytes for m in self._by_collection.values())

    def forget(self, collection_id: int | None = None) -> None:
        with self._lock:
            if collection_id is None:
                self._by_collection.clear()
            else:
                self._by_collection.pop(collection_id, None)


def _read(conn: sqlite3.Connection, collection_id: int, after: int) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute(_VECTORS_OF, (collection_id, after)).fetchall()
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty((0, 0), dtype=np.float32)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    blob = b"".join(r[1] for r in rows)
    m = np.frombuffer(blob, dtype="<f4").astype(np.float32, copy=False).reshape(len(rows), -1)
    return ids, m
