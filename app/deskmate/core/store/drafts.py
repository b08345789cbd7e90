"""Drafts: text the user keeps, with every saved state as a version and full-text search.

All DraftStore methods are thread-safe (each thread uses its own SQLite connection; writes
are serialised by the Database). Timestamps are seconds since the epoch (``time.time()``).
"""

from __future__ import annotations

import dataclasses
import html
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence

from .db import Database, DraftNotFoundError, StoreError
from .fts import CJK_RE as _CJK_RE
from .fts import ZWSP as _ZWSP
from .fts import index_text as _index_text
from .fts import phrase as _phrase

KINDS = ("text", "table", "translation", "proofread")
SOURCES = ("create", "save", "autosave", "restore", "recovered", "import")

# Deleted drafts stay restorable this long; purge_deleted() removes them afterwards.
UNDO_WINDOW = 7 * 24 * 3600.0
# Autosaves while someone keeps typing grow one version in place for this long, so the
# history shows a checkpoint every few minutes instead of one per pause between words.
# Explicit saves, restores and recoveries always start a new version.
AUTOSAVE_CHECKPOINT = 300.0
KEEP_LAST_VERSIONS = 50
UNTITLED = "Untitled draft"
_TITLE_MAX = 80
_PREVIEW_CHARS = 200

_HI_START, _HI_END = "\x02", "\x03"


def derive_title(body: str) -> str:
    """The first non-empty line, without Markdown heading or list marks."""
    for line in body.splitlines():
        line = re.sub(r"^\s*(#{1,6}\s+|[-*+]\s+|>\s*|\d+[.)]\s+)?", "", line)
        line = " ".join(line.split()).strip("#*_` ")
        if line:
            return line if len(line) <= _TITLE_MAX else line[: _TITLE_MAX - 1].rstrip() + "…"
    return ""


def _clean_title(title: str) -> str:
    title = " ".join(str(title).split())
    if len(title) > 200:
        raise ValueError("A title can be at most 200 characters long.")
    return title


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown draft kind {kind!r}; it must be one of: {', '.join(KINDS)}.")
    return kind


# --- records ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DraftSummary:
    id: int
    title: str  # the user's title, else the first line, else "Untitled draft"
    custom_title: bool
    kind: str
    pinned: bool
    created: float
    updated: float
    deleted: float | None  # when it was deleted; None while live
    preview: str  # the first ~200 characters of the body
    chars: int


@dataclasses.dataclass(frozen=True)
class Draft(DraftSummary):
    body: str


@dataclasses.dataclass(frozen=True)
class VersionInfo:
    id: int
    draft_id: int
    created: float
    source: str  # create, save, autosave, restore, recovered, import
    chars: int
    bytes: int  # UTF-8 size


@dataclasses.dataclass(frozen=True)
class Version(VersionInfo):
    body: str


@dataclasses.dataclass(frozen=True)
class SearchHit:
    draft: DraftSummary
    score: float  # bm25: lower is a better match
    snippet: str  # plain text around the match, one line
    highlights: tuple[tuple[int, int], ...]  # (start, end) offsets of the matched words in snippet

    def snippet_html(self, tag: str = "mark") -> str:
        out, pos = [], 0
        for start, end in self.highlights:
            out.append(html.escape(self.snippet[pos:start]))
            out.append(f"<{tag}>{html.escape(self.snippet[start:end])}</{tag}>")
            pos = end
        out.append(html.escape(self.snippet[pos:]))
        return "".join(out)


@dataclasses.dataclass(frozen=True)
class PendingText:
    draft_id: int
    body: str
    touched: float


_SUMMARY_COLS = (
    f"id, title, auto_title, kind, pinned, created, updated, deleted, substr(body, 1, {_PREVIEW_CHARS}), length(body)"
)


def _summary(row: Sequence[object]) -> DraftSummary:
    id_, title, auto, kind, pinned, created, updated, deleted, preview, chars = row[:10]
    return DraftSummary(
        id=int(id_),  # type: ignore[arg-type]
        title=str(title or auto or UNTITLED),
        custom_title=bool(title),
        kind=str(kind),
        pinned=bool(pinned),
        created=float(created),  # type: ignore[arg-type]
        updated=float(updated),  # type: ignore[arg-type]
        deleted=None if deleted is None else float(deleted),  # type: ignore[arg-type]
        preview=str(preview),
        chars=int(chars),  # type: ignore[arg-type]
    )


def _fts_query(query: str) -> tuple[str, bool] | None:
    """User words → a safe FTS5 query (all words must appear). Returns (query, has_cjk)."""
    parts, has_cjk = [], False
    for word in query.split():
        if not re.search(r"\w", word):
            continue  # punctuation alone has no tokens; FTS5 rejects an empty phrase
        quoted = _phrase(word)
        if _CJK_RE.search(word[-1]):
            has_cjk = True
            parts.append(quoted)
        else:
            has_cjk = has_cjk or bool(_CJK_RE.search(word))
            parts.append(quoted + "*")  # "quarter" finds "quarterly": people type word beginnings
    return (" ".join(parts), has_cjk) if parts else None


def _parse_snippet(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    raw = " ".join(raw.replace(_ZWSP, "").split())
    raw = raw.replace(_HI_END + _HI_START, "")  # neighbouring matched characters: one highlight
    text, spans, start = [], [], None
    n = 0
    for ch in raw:
        if ch == _HI_START:
            start = n
        elif ch == _HI_END:
            if start is not None and n > start:
                spans.append((start, n))
            start = None
        else:
            text.append(ch)
            n += 1
    return "".join(text), tuple(spans)


# --- the store -------------------------------------------------------------------------


class DraftStore:
    def __init__(
        self, db: Database, *, clock: Callable[[], float] = time.time, undo_window: float = UNDO_WINDOW
    ) -> None:
        self.db = db
        self._clock = clock
        self.undo_window = undo_window
        if db.rescued:
            self._adopt_rescued(db.rescued.pop("drafts", []), db.rescued.pop("pending", []))

    @classmethod
    def open(cls, path: object = None, **db_options: object) -> DraftStore:
        """Open (creating or migrating) the database at ``path`` (default: the user data folder)."""
        return cls(Database(path, **db_options))  # type: ignore[arg-type]

    @property
    def notices(self) -> list[str]:
        """Things the user should be told once, e.g. a damaged database that was set aside."""
        return self.db.notices

    def close(self) -> None:
        self.db.close()

    # -- reading ----------------------------------------------------------------------

    def get(self, draft_id: int) -> Draft:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {_SUMMARY_COLS}, body FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise DraftNotFoundError(f"Draft {draft_id} does not exist (it may have been deleted for good).")
        return Draft(**dataclasses.asdict(_summary(row)), body=row[10])

    def list(self, *, limit: int | None = None, offset: int = 0, kind: str | None = None) -> list[DraftSummary]:
        """Live drafts, pinned ones first, then the most recently changed."""
        sql = f"SELECT {_SUMMARY_COLS} FROM drafts WHERE deleted IS NULL"
        args: list[object] = []
        if kind is not None:
            sql += " AND kind = ?"
            args.append(_check_kind(kind))
        sql += " ORDER BY pinned DESC, updated DESC, id DESC LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        with self.db.read() as conn:
            return [_summary(r) for r in conn.execute(sql, args)]

    def deleted(self) -> list[DraftSummary]:
        """Deleted drafts that can still be brought back, most recently deleted first."""
        with self.db.read() as conn:
            rows = conn.execute(
                f"SELECT {_SUMMARY_COLS} FROM drafts WHERE deleted IS NOT NULL ORDER BY deleted DESC"
            ).fetchall()
        return [_summary(r) for r in rows]

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Drafts containing every word of ``query`` (word beginnings; any part of Chinese text), best first."""
        built = _fts_query(query)
        if built is None:
            return []
        fts, has_cjk = built
        # Snippet length is counted in tokens, and a CJK character is a token.
        tokens = 32 if has_cjk else 14
        sql = (
            "SELECT d.id, d.title, d.auto_title, d.kind, d.pinned, d.created, d.updated, d.deleted,"
            f" substr(d.body, 1, {_PREVIEW_CHARS}), length(d.body),"
            " bm25(drafts_fts, 4.0, 1.0) AS score,"
            " snippet(drafts_fts, 1, ?, ?, '…', ?)"
            " FROM drafts_fts JOIN drafts d ON d.id = drafts_fts.rowid"
            " WHERE drafts_fts MATCH ? AND d.deleted IS NULL ORDER BY score LIMIT ?"
        )
        with self.db.read() as conn:
            try:
                rows = conn.execute(sql, (_HI_START, _HI_END, tokens, fts, limit)).fetchall()
            except sqlite3.OperationalError as e:
                if "fts5" in str(e):  # a query FTS5 cannot parse despite our quoting: no hits, not a crash
                    return []
                raise
        hits = []
        for row in rows:
            text, spans = _parse_snippet(row[11])
            hits.append(SearchHit(_summary(row), float(row[10]), text, spans))
        return hits

    # -- writing ----------------------------------------------------------------------

    def create(self, body: str = "", *, title: str = "", kind: str = "text", source: str = "create") -> Draft:
        kind, title = _check_kind(kind), _clean_title(title)
        now = self._clock()
        with self.db.write() as conn:
            cur = conn.execute(
                "INSERT INTO drafts (title, auto_title, body, kind, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
                (title, derive_title(body), body, kind, now, now),
            )
            draft_id = int(cur.lastrowid)  # type: ignore[arg-type]
            if body:
                self._add_version(conn, draft_id, body, source, now)
            self._reindex(conn, draft_id)
        return self.get(draft_id)

    def save(self, draft_id: int, body: str, *, source: str = "save") -> VersionInfo | None:
        """Store ``body`` as the draft's text and as a new version; None when nothing changed.

        With ``source="autosave"`` the version is an autosave checkpoint that keeps growing for
        AUTOSAVE_CHECKPOINT seconds. Raises DiskFullError (nothing written) when the disk is full.
        """
        if source not in SOURCES:
            raise ValueError(f"Unknown version source {source!r}.")
        with self.db.write() as conn:
            row = conn.execute("SELECT body FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            if row is None:
                raise DraftNotFoundError(f"Draft {draft_id} does not exist (it may have been deleted for good).")
            # The journal has caught up with what is now stored.
            conn.execute("DELETE FROM pending WHERE draft_id = ? AND body = ?", (draft_id, body))
            if row[0] == body:
                return None
            now = self._clock()
            conn.execute(
                "UPDATE drafts SET body = ?, auto_title = ?, updated = ? WHERE id = ?",
                (body, derive_title(body), now, draft_id),
            )
            version_id = self._add_version(conn, draft_id, body, source, now)
            self._reindex(conn, draft_id)
        return self._version_info(version_id)

    def _add_version(self, conn: sqlite3.Connection, draft_id: int, body: str, source: str, now: float) -> int:
        if source == "autosave":
            last = conn.execute(
                "SELECT id, source, started FROM versions WHERE draft_id = ? ORDER BY id DESC LIMIT 1", (draft_id,)
            ).fetchone()
            if last is not None and last[1] == "autosave" and now - last[2] < AUTOSAVE_CHECKPOINT:
                conn.execute("UPDATE versions SET body = ?, created = ? WHERE id = ?", (body, now, last[0]))
                return int(last[0])
        cur = conn.execute(
            "INSERT INTO versions (draft_id, created, started, source, body) VALUES (?, ?, ?, ?, ?)",
            (draft_id, now, now, source, body),
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]

    def _reindex(self, conn: sqlite3.Connection, draft_id: int) -> None:
        row = conn.execute("SELECT title, auto_title, body FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        conn.execute("DELETE FROM drafts_fts WHERE rowid = ?", (draft_id,))
        if row is not None:
            conn.execute(
                "INSERT INTO drafts_fts (rowid, title, body) VALUES (?, ?, ?)",
                (draft_id, _index_text(row[0] or row[1]), _index_text(row[2])),
            )

    def _update(self, draft_id: int, sql: str, args: Iterable[object], reindex: bool = False) -> None:
        with self.db.write() as conn:
            cur = conn.execute(sql + " WHERE id = ?", (*args, draft_id))
            if cur.rowcount == 0:
                raise DraftNotFoundError(f"Draft {draft_id} does not exist (it may have been deleted for good).")
            if reindex:
                self._reindex(conn, draft_id)

    def rename(self, draft_id: int, title: str) -> Draft:
        """Set the title; an empty title goes back to the first line of the text."""
        self._update(draft_id, "UPDATE drafts SET title = ?, updated = ?", (_clean_title(title), self._clock()), True)
        return self.get(draft_id)

    def set_pinned(self, draft_id: int, pinned: bool) -> None:
        self._update(draft_id, "UPDATE drafts SET pinned = ?", (int(bool(pinned)),))

    def set_kind(self, draft_id: int, kind: str) -> None:
        self._update(draft_id, "UPDATE drafts SET kind = ?", (_check_kind(kind),))

    def delete(self, draft_id: int) -> None:
        """Move to the deleted list; ``undelete`` brings it back until it is purged."""
        self._update(draft_id, "UPDATE drafts SET deleted = coalesce(deleted, ?)", (self._clock(),))

    def undelete(self, draft_id: int) -> Draft:
        self._update(draft_id, "UPDATE drafts SET deleted = NULL", ())
        return self.get(draft_id)

    def purge_deleted(self) -> int:
        """Remove for good the drafts deleted longer than the undo window ago."""
        cutoff = self._clock() - self.undo_window
        with self.db.write() as conn:
            ids = [
                r[0]
                for r in conn.execute("SELECT id FROM drafts WHERE deleted IS NOT NULL AND deleted <= ?", (cutoff,))
            ]
            for draft_id in ids:
                conn.execute("DELETE FROM drafts_fts WHERE rowid = ?", (draft_id,))
                conn.execute("DELETE FROM versions WHERE draft_id = ?", (draft_id,))
                conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
        return len(ids)

    # -- versions ---------------------------------------------------------------------

    _VERSION_COLS = "id, draft_id, created, source, length(body), length(CAST(body AS BLOB))"

    def _version_info(self, version_id: int) -> VersionInfo:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {self._VERSION_COLS} FROM versions WHERE id = ?", (version_id,)).fetchone()
        if row is None:
            raise StoreError(f"Version {version_id} does not exist (it may have been pruned).")
        return VersionInfo(*row)

    def versions(self, draft_id: int) -> list[VersionInfo]:
        """The draft's versions, newest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                f"SELECT {self._VERSION_COLS} FROM versions WHERE draft_id = ? ORDER BY id DESC", (draft_id,)
            ).fetchall()
        return [VersionInfo(*r) for r in rows]

    def version(self, version_id: int) -> Version:
        with self.db.read() as conn:
            row = conn.execute(
                f"SELECT {self._VERSION_COLS}, body FROM versions WHERE id = ?", (version_id,)
            ).fetchone()
        if row is None:
            raise StoreError(f"Version {version_id} does not exist (it may have been pruned).")
        return Version(*row)

    def restore(self, draft_id: int, version_id: int) -> Draft:
        """Make an old version the current text. That is a new version: nothing is lost."""
        old = self.version(version_id)
        if old.draft_id != draft_id:
            raise StoreError(f"Version {version_id} belongs to another draft.")
        self.save(draft_id, old.body, source="restore")
        return self.get(draft_id)

    def prune_versions(self, draft_id: int | None = None, *, keep_last: int = KEEP_LAST_VERSIONS) -> int:
        """Keep the newest ``keep_last`` versions and, before those, the last one of each day."""
        if keep_last < 1:
            raise ValueError("keep_last must be at least 1.")
        removed = 0
        with self.db.write() as conn:
            if draft_id is None:
                ids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT draft_id FROM versions GROUP BY draft_id HAVING count(*) > ?", (keep_last,)
                    )
                ]
            else:
                ids = [draft_id]
            for did in ids:
                rows = conn.execute(
                    "SELECT id, created FROM versions WHERE draft_id = ? ORDER BY id DESC", (did,)
                ).fetchall()
                days_seen: set[tuple[int, int, int]] = set()
                doomed = []
                for i, (vid, created) in enumerate(rows):
                    day = time.localtime(created)[:3]
                    if i < keep_last or day not in days_seen:
                        days_seen.add(day)
                        continue
                    doomed.append((vid,))
                conn.executemany("DELETE FROM versions WHERE id = ?", doomed)
                removed += len(doomed)
        return removed

    def maintenance(self) -> tuple[int, int]:
        """Start-up housekeeping: (drafts purged, versions pruned)."""
        return self.purge_deleted(), self.prune_versions()

    # -- the autosave journal -----------------------------------------------------------

    def write_pending(self, draft_id: int, body: str) -> None:
        """Journal the latest text of a draft: one small row, cheap enough for every few seconds."""
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO pending (draft_id, body, touched) VALUES (?, ?, ?) "
                "ON CONFLICT (draft_id) DO UPDATE SET body = excluded.body, touched = excluded.touched",
                (draft_id, body, self._clock()),
            )

    def pending(self) -> list[PendingText]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT draft_id, body, touched FROM pending ORDER BY touched").fetchall()
        return [PendingText(*r) for r in rows]

    def discard_pending(self, draft_id: int) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM pending WHERE draft_id = ?", (draft_id,))

    def _adopt_rescued(self, rows: Sequence[Sequence[object]], pending: Sequence[Sequence[object]]) -> None:
        """Put drafts read back from a damaged database file into this (fresh) one."""
        with self.db.write() as conn:
            for id_, title, body, kind, pinned, created, updated in rows:
                conn.execute(
                    "INSERT INTO drafts (id, title, auto_title, body, kind, pinned, created, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        id_,
                        title or "",
                        derive_title(str(body or "")),
                        body or "",
                        kind if kind in KINDS else "text",
                        int(bool(pinned)),
                        created,
                        updated,
                    ),
                )
                if body:
                    self._add_version(conn, int(id_), str(body), "recovered", float(updated))  # type: ignore[arg-type]
                self._reindex(conn, int(id_))  # type: ignore[arg-type]
            for draft_id, body, touched in pending:
                conn.execute(
                    "INSERT OR REPLACE INTO pending (draft_id, body, touched) VALUES (?, ?, ?)",
                    (draft_id, body, touched),
                )
