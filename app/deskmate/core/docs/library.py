"""The document library: collections of files and folders, their state, and retrieval over them.

The service both front ends use (the window's Documents area, ``deskmate docs``)::

    library = Library()                        # ~/.local/share/Deskmate/docs.sqlite3
    library.add(["~/Manuals", "notes.docx"])   # registers; returns at once
    run = library.index()                      # IndexRun: scan, read (keyword), embed; pause/resume/cancel
    for event in run: ...                      # IndexEvent per file and stage
    library.search("如何配置代理", k=5)           # Retrieval: passages best first, with notices

Files move through the states in ``db.STATES``; ``files()`` shows each with its error in
plain words. All methods are thread-safe; writes go through the database's per-file
transactions, so another Deskmate process may index the same library at the same time.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from deskmate.core.engines.errors import EngineError
from deskmate.core.front_end import how

from . import db as schema
from . import writes
from .chunking import main_language
from .db import DEFAULT_COLLECTION, DocsDatabase
from .embedding import reads
from .errors import DocsError, IndexBusyError
from .formats import ParseLimits, format_of
from .scan import normalize, under
from .search import LEG_DEPTH, fuse, keyword_search
from .vectors import Embedder, VectorIndex

if TYPE_CHECKING:
    from .indexer import IndexRun
    from .parsing import DocumentParser


def _unread(lang: str, model: str) -> str:
    """Why a question's vector leg was skipped: in that language the model's vector would be noise."""
    return (f"The embedding model {model} does not read {'Chinese' if lang == 'zh' else 'English'}, so this "
            "question was searched by keyword only. " + how(
                "`deskmate models pull bge-small-zh-v1.5` gets one that reads both Chinese and English.",
                "File → Models… gets one that reads both Chinese and English (BGE small zh v1.5)."))


@dataclasses.dataclass(frozen=True)
class CollectionInfo:
    name: str
    embedding_model: str | None
    files: int
    ready: int  # fully indexed
    keyword: int  # searchable by keyword, waiting for vectors
    pending: int  # waiting to be read
    errors: int
    chunks: int


@dataclasses.dataclass(frozen=True)
class SourceInfo:
    path: Path
    collection: str
    is_folder: bool
    exists: bool


@dataclasses.dataclass(frozen=True)
class FileInfo:
    path: Path
    collection: str
    format: str
    state: str  # one of db.STATES
    error: str | None
    size: int | None
    pages: int | None
    chunks: int
    indexed: float | None  # when it was last read


@dataclasses.dataclass(frozen=True)
class Passage:
    chunk_id: int
    path: Path
    page: int | None
    section: str | None
    text: str
    start: int
    end: int
    score: float = 0.0  # fused score (higher is better); 0 for passages listed in order
    keyword: bool = False  # found by the keyword leg (it shares a word with the question)
    similarity: float | None = None  # cosine with the question, when the vector leg ranked it

    @property
    def where(self) -> str:
        """"p. 12" or the heading, for a source list."""
        if self.page is not None:
            return f"p. {self.page}"
        return self.section or ""


@dataclasses.dataclass(frozen=True)
class Retrieval:
    question: str
    passages: list[Passage]
    notices: list[str]  # plain words about what the search could not use (no model yet, files still reading)


class Library:
    def __init__(
        self,
        database: DocsDatabase | str | os.PathLike[str] | None = None,
        *,
        embedder: Embedder | None = None,
        limits: ParseLimits | None = None,
    ) -> None:
        self.db = database if isinstance(database, DocsDatabase) else DocsDatabase(database)
        self.embedder = embedder
        self.limits = limits or ParseLimits()
        self.vectors = VectorIndex()
        self._lock = threading.Lock()
        self._run: IndexRun | None = None
        self._parser: DocumentParser | None = None
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None

    @property
    def notices(self) -> list[str]:
        """Said once after opening, e.g. that a damaged index was set aside."""
        return list(self.db.notices)

    # --- collections ---------------------------------------------------------------------------------
    def _collection_id(self, name: str, create: bool = False) -> int:
        name = " ".join(str(name).split())
        if not name:
            raise DocsError("A collection needs a name.")
        row = self.db.connection().execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            raise DocsError(f"There is no collection called {name!r}. `deskmate docs list` shows the collections.")
        with self.db.write() as conn:
            conn.execute("INSERT OR IGNORE INTO collections (name, created) VALUES (?, ?)", (name, time.time()))
            return int(conn.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()[0])

    def _collection_ids(self, collection: str | None) -> list[int]:
        if collection is not None:
            return [self._collection_id(collection)]
        return [r[0] for r in self.db.connection().execute("SELECT id FROM collections ORDER BY id")]

    def collections(self) -> list[CollectionInfo]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT c.name, c.embedding_model, count(f.id), "
                + ", ".join(f"coalesce(sum(f.state = '{s}'), 0)" for s in schema.STATES)
                + ", coalesce(sum(f.chunks), 0) FROM collections c LEFT JOIN files f ON f.collection_id = c.id "
                "GROUP BY c.id ORDER BY c.name"
            ).fetchall()
        out = []
        for name, model, files, pending, keyword, ready, errors, chunks in rows:
            out.append(CollectionInfo(name, model, files, ready, keyword, pending, errors, chunks))
        return out

    def remove_collection(self, name: str) -> int:
        """Forget a collection and everything indexed in it (the files themselves stay). Returns its file count."""
        cid = self._collection_id(name)
        with self.db.write() as conn:
            n = conn.execute("SELECT count(*) FROM files WHERE collection_id = ?", (cid,)).fetchone()[0]
            conn.execute("DELETE FROM collections WHERE id = ?", (cid,))
        self.vectors.forget(cid)
        return int(n)

    # --- sources -------------------------------------------------------------------------------------
    def add(self, paths: Iterable[str | os.PathLike[str]], collection: str | None = None) -> list[SourceInfo]:
        """Add files and folders to ``collection`` (default: the default one); ``index()`` then reads them.

        Folders are watched: files that appear in them later join at the next scan.

        Raises DocsError naming the first path that does not exist or that the library cannot read;
        nothing is added then.
        """
        wanted: list[tuple[Path, bool]] = []
        for raw in paths:
            path = normalize(raw)
            if path.is_dir():
                wanted.append((path, True))
            elif path.is_file():
                if format_of(path) is None:
                    raise DocsError(
                        f"{path.name}: Deskmate reads PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), Markdown, "
                        "text and HTML files; this one is none of those."
                    )
                wanted.append((path, False))
            else:
                raise DocsError(f"{path} does not exist (or cannot be opened). Check the path and try again.")
        if not wanted:
            raise DocsError("Give at least one file or folder to add.")
        cid = self._collection_id(collection or DEFAULT_COLLECTION, create=True)
        now = time.time()
        with self.db.write() as conn:
            for path, is_folder in wanted:
                # Adding a path again undoes an earlier removal of it (a row kept as an exclusion).
                conn.execute(
                    "INSERT INTO sources (collection_id, path, is_folder, added) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (collection_id, path) DO UPDATE SET is_folder = excluded.is_folder, ignored = 0",
                    (cid, str(path), int(is_folder), now),
                )
        name = self._collection_name(cid)
        return [SourceInfo(p, name, f, True) for p, f in wanted]

    def _collection_name(self, cid: int) -> str:
        return str(self.db.connection().execute("SELECT name FROM collections WHERE id = ?", (cid,)).fetchone()[0])

    def sources(self, collection: str | None = None) -> list[SourceInfo]:
        ids = self._collection_ids(collection)
        out = []
        with self.db.read() as conn:
            for cid in ids:
                name = self._collection_name(cid)
                for path, is_folder in conn.execute(
                    "SELECT path, is_folder FROM sources WHERE collection_id = ? AND ignored = 0 ORDER BY path",
                    (cid,),
                ):
                    out.append(SourceInfo(Path(path), name, bool(is_folder), os.path.exists(path)))
        return out

    def remove(self, path: str | os.PathLike[str], collection: str | None = None) -> int:
        """Take a file or folder out of the library (the files on disk stay). Returns the files removed.

        Inside a watched folder the path is remembered as excluded, so the next scan does not bring
        it back; adding it again lifts that.
        """
        target = str(normalize(path))
        removed = 0
        touched: list[int] = []
        with self.db.write() as conn:
            for cid in self._collection_ids(collection):
                sources = conn.execute("SELECT id, path, is_folder, ignored FROM sources WHERE collection_id = ?",
                                       (cid,)).fetchall()
                files = conn.execute("SELECT id, path FROM files WHERE collection_id = ?", (cid,)).fetchall()
                gone = [fid for fid, p in files if under(p, target)]
                own = [sid for sid, p, _f, _i in sources if under(p, target)]
                inside = any(under(target, p) and p != target and folder and not ignored
                             for _s, p, folder, ignored in sources)
                if not gone and not own and not inside:
                    continue
                conn.executemany("DELETE FROM files WHERE id = ?", [(f,) for f in gone])
                conn.executemany("DELETE FROM sources WHERE id = ?", [(s,) for s in own])
                if inside:
                    conn.execute(
                        "INSERT INTO sources (collection_id, path, is_folder, added, ignored) VALUES (?, ?, ?, ?, 1)",
                        (cid, target, int(os.path.isdir(target)), time.time()),
                    )
                conn.execute("UPDATE collections SET generation = generation + 1 WHERE id = ?", (cid,))
                removed += len(gone)
                touched.append(cid)
        if not touched:
            raise DocsError(f"{target} is not in the library. `deskmate docs list` shows what is.")
        return removed

    # --- files ---------------------------------------------------------------------------------------
    def files(self, collection: str | None = None, state: str | None = None) -> list[FileInfo]:
        ids = self._collection_ids(collection)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = (
            "SELECT f.path, c.name, f.format, f.state, f.error, f.size, f.pages, f.chunks, f.indexed FROM files f "
            f"JOIN collections c ON c.id = f.collection_id WHERE f.collection_id IN ({marks})"
        )
        args: list[object] = list(ids)
        if state is not None:
            sql += " AND f.state = ?"
            args.append(state)
        rows = self.db.connection().execute(sql + " ORDER BY c.name, f.path", args).fetchall()
        return [FileInfo(Path(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]

    def file_text(self, path: str | os.PathLike[str], collection: str | None = None) -> list[Passage]:
        """A file's passages in order: its whole text, for whole-document jobs."""
        target = str(normalize(path))
        ids = self._collection_ids(collection)
        marks = ",".join("?" * len(ids)) or "NULL"
        rows = self.db.connection().execute(
            'SELECT c.id, f.path, c.page, c.section, c.text, c.start, c."end" FROM chunks c '
            f"JOIN files f ON f.id = c.file_id WHERE f.path = ? AND f.collection_id IN ({marks}) "
            "ORDER BY f.collection_id, c.seq",
            (target, *ids),
        ).fetchall()
        return [Passage(r[0], Path(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows]

    def searchable(self, collection: str | None = None) -> tuple[int, int]:
        """(files in the library, passages a search can find): (0, 0) is an empty library."""
        ids = self._collection_ids(collection)
        marks = ",".join("?" * len(ids)) or "NULL"
        files, passages = self.db.connection().execute(
            f"SELECT count(*), coalesce(sum(CASE WHEN state IN (?, ?) THEN chunks ELSE 0 END), 0) FROM files "
            f"WHERE collection_id IN ({marks})", (schema.KEYWORD, schema.READY, *ids)).fetchone()
        return int(files), int(passages)

    def whole_text(self, collection: str | None = None, max_chars: int = 0) -> list[Passage] | None:
        """Every passage of the collection(s), file by file in order; None when the text is over ``max_chars``."""
        ids = self._collection_ids(collection)
        marks = ",".join("?" * len(ids)) or "NULL"
        conn = self.db.connection()
        chars = conn.execute(f"SELECT coalesce(sum(chars), 0) FROM files WHERE collection_id IN ({marks}) "
                             "AND state IN (?, ?)", (*ids, schema.KEYWORD, schema.READY)).fetchone()[0]
        if chars > max_chars:
            return None
        rows = conn.execute(
            'SELECT c.id, f.path, c.page, c.section, c.text, c.start, c."end" FROM chunks c '
            f"JOIN files f ON f.id = c.file_id WHERE f.collection_id IN ({marks}) AND f.state IN (?, ?) "
            "ORDER BY f.path, c.seq", (*ids, schema.KEYWORD, schema.READY)).fetchall()
        return [Passage(r[0], Path(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows]

    # --- indexing --------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        with self._lock:
            return self._run is not None and not self._run.done

    def index(self, collection: str | None = None, *, force: bool = False, scan: bool = True) -> IndexRun:
        """Start indexing in the background: scan the sources, read what is new or changed, embed it.

        Work left by an earlier run (cancelled, or the app killed) is picked up. Raises
        IndexBusyError while another run of this library is going.
        """
        from .indexer import IndexRun

        ids = self._collection_ids(collection)
        with self._lock:
            if self._run is not None and not self._run.done:
                raise IndexBusyError("The library is already being indexed; wait for it, pause it or cancel it.")
            run = IndexRun(self, ids, force=force, scan=scan)
            self._run = run
        run.start()
        return run

    def parser(self) -> DocumentParser:
        from .parsing import DocumentParser

        with self._lock:
            if self._parser is None:
                self._parser = DocumentParser(self.limits)
            return self._parser

    def embedding_path(self, collection: str | None = None) -> Path | None:
        """The model file the collection (or the first that has one) was embedded with, if it still exists."""
        for cid in self._collection_ids(collection):
            row = self.db.connection().execute("SELECT embedding_path FROM collections WHERE id = ?",
                                               (cid,)).fetchone()
            if row and row[0] and os.path.isfile(row[0]):
                return Path(row[0])
        return None

    def use_model(self, collection_id: int, model: str, path: Path | None = None) -> bool:
        """See writes.use_model; the in-memory vectors of the old model go too."""
        changed = writes.use_model(self.db, collection_id, model, path)
        self.vectors.forget(collection_id)
        return changed

    def cancel_reading(self) -> None:
        with self._lock:
            parser = self._parser
        if parser is not None:
            parser.cancel()

    # --- retrieval -----------------------------------------------------------------------------------
    def search(self, question: str, k: int = 5, collection: str | None = None) -> Retrieval:
        """The ``k`` passages that best answer ``question``: keyword and vector legs fused by rank."""
        question = question.strip()
        if not question:
            raise DocsError("The question is empty.")
        ids = self._collection_ids(collection)
        notices: list[str] = []
        conn = self.db.connection()
        # The two legs run side by side (SQLite, numpy and the embedding child all work outside the GIL):
        # a question costs the slower leg, not their sum.
        vector = self._legs().submit(self._vector_leg, ids, question, notices)
        legs = [keyword_search(conn, None if collection is None else ids, question, LEG_DEPTH)]
        vector_leg = vector.result()
        similarity: dict[int, float] = {}
        if vector_leg is not None:
            similarity = dict(vector_leg)
            legs.append([cid for cid, _score in vector_leg])
        fused = fuse(legs)[:k]
        hits = set(legs[0])
        passages = [dataclasses.replace(p, keyword=p.chunk_id in hits, similarity=similarity.get(p.chunk_id))
                    for p in self._passages([cid for cid, _ in fused], dict(fused))]
        waiting = conn.execute(
            f"SELECT count(*) FROM files WHERE state = ? AND collection_id IN ({','.join('?' * len(ids)) or 'NULL'})",
            (schema.PENDING, *ids)).fetchone()[0]
        if waiting:
            notices.append(f"{waiting} file(s) are still waiting to be read; they are not searched yet.")
        return Retrieval(question, passages, notices)

    def _legs(self) -> concurrent.futures.ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="docs-vector-leg")
            return self._pool

    def _vector_leg(self, ids: Sequence[int], question: str, notices: list[str]) -> list[tuple[int, float]] | None:
        conn = self.db.connection()  # this thread's own
        marks = ",".join("?" * len(ids)) or "NULL"
        rows = conn.execute(f"SELECT id, embedding_model, generation FROM collections WHERE id IN ({marks})",
                            tuple(ids)).fetchall()
        embedder = self.embedder
        if embedder is None:
            if any(model for _i, model, _g in rows):
                notices.append("No embedding model is running, so only keyword search was used.")
            return None
        usable = [cid for cid, model, _g in rows if model == embedder.name]
        if len(usable) < len(rows):
            notices.append(f"Some collections are not embedded with {embedder.name} yet; index them to search "
                           "them by meaning as well as by keyword.")
        if not usable:
            return None
        lang = main_language(question)
        if not reads(embedder.languages, lang):
            notices.append(_unread(lang, embedder.name))
            return None
        for cid, _model, generation in rows:
            if cid in usable:
                self.vectors.refresh(conn, cid, generation)
        try:
            query = embedder.embed([question])
        except (EngineError, DocsError, OSError) as e:  # a broken or vanished model must not take keywords down
            notices.append(f"The embedding model {embedder.name} cannot be used, so this question was searched "
                           f"by keyword only: {e}")
            return None
        return self.vectors.search(usable, query, LEG_DEPTH)

    def _passages(self, chunk_ids: Sequence[int], scores: dict[int, float]) -> list[Passage]:
        if not chunk_ids:
            return []
        marks = ",".join("?" * len(chunk_ids))
        rows = self.db.connection().execute(
            f'SELECT c.id, f.path, c.page, c.section, c.text, c.start, c."end" FROM chunks c '
            f"JOIN files f ON f.id = c.file_id WHERE c.id IN ({marks})", tuple(chunk_ids)).fetchall()
        by_id = {r[0]: Passage(r[0], Path(r[1]), r[2], r[3], r[4], r[5], r[6], scores.get(r[0], 0.0)) for r in rows}
        return [by_id[c] for c in chunk_ids if c in by_id]

    # --- lifetime ------------------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            run, parser, pool = self._run, self._parser, self._pool
            self._parser = self._pool = None
        if pool is not None:
            pool.shutdown(wait=True)
        if run is not None and not run.done:
            run.cancel()
            run.wait(30)
        if parser is not None:
            parser.close()
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


