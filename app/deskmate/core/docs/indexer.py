"""One indexing run: scan the sources, read new and changed files (keyword search), then embed them.

    run = library.index()
    for event in run:            # IndexEvent, from the run's own thread
        ...
    run.pause(); run.resume(); run.cancel()
    summary = run.result()       # IndexSummary

Stages, in order, so that a large library is searchable by keyword long before its vectors
are done: ``scan`` (stat, then hash what looks changed), ``read`` (the parser child, then
chunks and keyword rows), ``embed`` (vectors, batch by batch). Every file is committed on
its own, so pausing, cancelling, a crash or a kill -9 loses at most the file in hand; the
next run starts where this one stopped.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import db as schema
from . import writes
from .chunking import chunk_blocks, main_language
from .embedding import reads
from .errors import DocumentError
from .parsing import ParseCancelled
from .scan import file_sha256, scan
from .vectors import normalized, to_blob

if TYPE_CHECKING:
    from .library import Library

log = logging.getLogger(__name__)

EMBED_BATCH = 32


@dataclasses.dataclass(frozen=True)
class IndexEvent:
    # scanned:      the sources were compared with the disk (done = new + changed files)
    # stage:        a stage starts; total = files in it
    # file_started / file_done / file_failed: one file in the read or embed stage; message = the error
    # progress:     embedding inside a file (chunks of chunks_total)
    # paused / resumed / notice
    kind: str
    stage: str = ""  # "scan", "read" or "embed"
    path: Path | None = None
    done: int = 0  # files finished in this stage so far (file_done and file_failed included)
    total: int = 0
    chunks: int = 0
    chunks_total: int = 0
    message: str = ""

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclasses.dataclass(frozen=True)
class IndexSummary:
    read: int  # files read into the keyword index
    embedded: int
    failed: tuple[tuple[Path, str], ...]  # (file, plain-words error)
    removed: int
    unchanged: int
    seconds: float
    cancelled: bool
    embedding_stopped: BaseException | None = None  # why some files were left to the keyword index


_END = object()


class IndexRun:
    def __init__(self, library: Library, collection_ids: Sequence[int], *, force: bool = False,
                 scan: bool = True) -> None:
        self.library = library
        self.collection_ids = list(collection_ids)
        self.force = force
        self.scan = scan
        self._events: queue.Queue[Any] = queue.Queue()
        self._go = threading.Event()
        self._go.set()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._summary: IndexSummary | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="docs-index", daemon=True)
        self._read = self._embedded = self._removed = self._unchanged = 0
        self._failed: list[tuple[Path, str]] = []
        self._embedding_stopped: BaseException | None = None
        self._said_unread: set[str] = set()  # languages already named in a notice

    def start(self) -> None:
        self._thread.start()

    # --- for the caller ------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[IndexEvent]:
        """Events until the run ends (once). Raises what stopped the whole run (say, the disk is full)."""
        while True:
            item = self._events.get()
            if item is _END:
                break
            yield item
        if self._error is not None:
            raise self._error

    def pause(self) -> None:
        """Stop after the file (or embedding batch) in hand; ``resume()`` goes on."""
        if not self._done.is_set() and self._go.is_set():
            self._go.clear()
            self._emit(IndexEvent("paused"))

    def resume(self) -> None:
        if not self._done.is_set() and not self._go.is_set():
            self._go.set()
            self._emit(IndexEvent("resumed"))

    @property
    def paused(self) -> bool:
        return not self._go.is_set() and not self._done.is_set()

    def cancel(self) -> None:
        """Stop now; the file being read is left for the next run."""
        self._cancel.set()
        self._go.set()
        self.library.cancel_reading()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def result(self, timeout: float | None = None) -> IndexSummary:
        if not self._done.wait(timeout):
            raise TimeoutError("Indexing has not finished yet.")
        if self._error is not None:
            raise self._error
        assert self._summary is not None
        return self._summary

    # --- the run ----------------------------------------------------------------------------------------
    def _emit(self, event: IndexEvent) -> None:
        self._events.put(event)

    def _checkpoint(self) -> bool:
        """Wait while paused; False when the run is cancelled."""
        self._go.wait()
        return not self._cancel.is_set()

    def _main(self) -> None:
        t0 = time.monotonic()
        try:
            if self.scan:
                self._scan()
            embedder = self.library.embedder
            if embedder is not None:
                for cid in self.collection_ids:
                    if self.library.use_model(cid, embedder.name, getattr(embedder, "path", None)):
                        self._emit(IndexEvent("notice", message=f"Embedding with {embedder.name}: the collection's "
                                              "passages are embedded again."))
            if not self._cancel.is_set():
                self._read_stage()
            if not self._cancel.is_set() and embedder is not None:
                self._embed_stage(embedder)
        except BaseException as e:  # noqa: BLE001 - handed to the caller through result() / iteration
            self._error = e
            log.exception("indexing stopped")
        finally:
            self._summary = IndexSummary(self._read, self._embedded, tuple(self._failed), self._removed,
                                         self._unchanged, time.monotonic() - t0, self._cancel.is_set(),
                                         self._embedding_stopped)
            self._done.set()
            self._events.put(_END)

    def _scan(self) -> None:
        counts = scan(self.library.db, self.collection_ids, force=self.force)
        self._removed, self._unchanged = counts.removed, counts.unchanged
        for missing in counts.missing_sources:
            self._emit(IndexEvent("notice", stage="scan", path=missing,
                                  message=f"{missing} cannot be reached (moved, deleted, or on a drive that is not "
                                  "connected); what was indexed from it is kept."))
        self._emit(IndexEvent("scanned", stage="scan", done=counts.new + counts.changed,
                              total=counts.new + counts.changed + counts.unchanged,
                              message=f"{counts.new} new, {counts.changed} changed, {counts.removed} removed, "
                              f"{counts.unchanged} unchanged"))

    def _read_stage(self) -> None:
        todo = writes.pending_files(self.library.db, self.collection_ids, schema.PENDING)
        self._emit(IndexEvent("stage", stage="read", total=len(todo)))
        parser = self.library.parser() if todo else None
        for n, (fid, path_s, fmt) in enumerate(todo):
            if not self._checkpoint():
                return
            path = Path(path_s)
            self._emit(IndexEvent("file_started", stage="read", path=path, done=n, total=len(todo)))
            assert parser is not None
            try:
                st = os.stat(path)
            except OSError as e:
                self._failed.append((path, msg := f"{path.name} could not be read: {e.strerror or e}."))
                writes.store_error(self.library.db, fid, msg, size=None, mtime_ns=None, sha256=None)
                self._emit(IndexEvent("file_failed", stage="read", path=path, done=n + 1, total=len(todo),
                                      message=msg))
                continue
            try:
                parsed = parser.parse(path, fmt)  # size limits first: a 500 MB "text" is never hashed
                chunks = chunk_blocks(parsed.blocks)
                if not chunks:
                    raise DocumentError("no_text", f"{path.name} has no text to index (it is empty or only pictures).")
                sha = file_sha256(path)
            except ParseCancelled:
                return
            except (DocumentError, OSError) as e:
                if self._cancel.is_set():
                    return
                msg = e.message if isinstance(e, DocumentError) else f"{path.name} could not be read: {e}."
                self._failed.append((path, msg))
                # Size and time are kept, so an unchanged bad file is not tried again on every scan.
                writes.store_error(self.library.db, fid, msg, size=st.st_size, mtime_ns=st.st_mtime_ns,
                                   sha256=None)
                self._emit(IndexEvent("file_failed", stage="read", path=path, done=n + 1, total=len(todo),
                                      message=msg))
                continue
            if writes.store_chunks(self.library.db, fid, path, chunks, size=st.st_size, mtime_ns=st.st_mtime_ns,
                                   sha256=sha, pages=parsed.pages, chars=parsed.chars):
                self._read += 1
            self._emit(IndexEvent("file_done", stage="read", path=path, done=n + 1, total=len(todo),
                                  chunks=len(chunks)))

    def _readable(self, embedder: Any, items: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """The passages in a language the model reads: the vector of one it cannot read is noise that would
        take a place among an answer's sources. The others stay found by keyword; the run says so once."""
        kept, unread = [], set()
        for cid, text in items:
            lang = main_language(text)
            if reads(embedder.languages, lang):
                kept.append((cid, text))
            else:
                unread.add("Chinese" if lang == "zh" else "English")
        for name in sorted(unread - self._said_unread):
            self._emit(IndexEvent("notice", stage="embed", message=(
                f"{embedder.name} does not read {name}, so {name} passages are found by keyword only.")))
        self._said_unread |= unread
        return kept

    def _embed_stage(self, embedder: Any) -> None:
        todo = writes.pending_files(self.library.db, self.collection_ids, schema.KEYWORD)
        self._emit(IndexEvent("stage", stage="embed", total=len(todo)))
        for n, (fid, path_s, _fmt) in enumerate(todo):
            if not self._checkpoint():
                return
            path = Path(path_s)
            stamp, items = writes.chunks_to_embed(self.library.db, fid)
            items = self._readable(embedder, items)
            self._emit(IndexEvent("file_started", stage="embed", path=path, done=n, total=len(todo),
                                  chunks_total=len(items)))
            blobs: list[bytes] = []
            for i in range(0, len(items), EMBED_BATCH):
                if not self._checkpoint():
                    return  # this file's vectors are not written: it stays keyword-only, embedded next run
                batch = items[i : i + EMBED_BATCH]
                try:
                    vectors = normalized(embedder.embed([text for _cid, text in batch]))
                except Exception as e:  # the embedding engine failed: keep what is done, say so, stop embedding
                    self._embedding_stopped = e
                    self._emit(IndexEvent("notice", stage="embed", path=path, message=(
                        f"Embedding stopped: {e} The files stay searchable by keyword; index again to finish.")))
                    return
                blobs.extend(to_blob(v) for v in vectors)
                self._emit(IndexEvent("progress", stage="embed", path=path, done=n, total=len(todo),
                                      chunks=min(i + EMBED_BATCH, len(items)), chunks_total=len(items)))
            if writes.store_vectors(self.library.db, fid, stamp, embedder.name, [cid for cid, _t in items], blobs):
                self._embedded += 1
            self._emit(IndexEvent("file_done", stage="embed", path=path, done=n + 1, total=len(todo),
                                  chunks=len(items)))
