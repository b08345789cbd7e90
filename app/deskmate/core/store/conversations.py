"""Conversations in the drafts database: a request, the turns that refine its answer, full-text search.

A turn is written when it starts and again when it ends, so what the person typed survives a
kill in the middle of a generation (it reopens as an interrupted turn). Search uses the drafts'
FTS5 machinery (CJK one character per token, word beginnings, bm25).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence

from .db import Database, StoreError
from .drafts import _HI_END, _HI_START, _fts_query, _parse_snippet, derive_title
from .fts import index_text

STATES = ("running", "done", "stopped", "failed")


class ConversationNotFoundError(StoreError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Conversation not found."


@dataclasses.dataclass(frozen=True)
class TurnRecord:
    id: int
    conversation_id: int
    position: int  # 1, 2, 3…
    request: str  # what the person typed
    task_id: str
    kind: str  # text, json, table, diff, translation
    inputs: dict[str, str]
    prompt: str  # the user message this turn sent
    text: str  # what the person reads
    answer: str  # what the model wrote (a table's JSON)
    source: str  # a diff's original text
    state: str  # running (or interrupted, after a restart), done, stopped, failed
    error: str
    created: float


@dataclasses.dataclass(frozen=True)
class ConversationRecord:
    id: int
    title: str
    created: float
    updated: float
    turns: tuple[TurnRecord, ...] = ()


@dataclasses.dataclass(frozen=True)
class ConversationHit:
    conversation: ConversationRecord  # without its turns
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]


_TURN_COLS = ("id, conversation_id, position, request, task_id, kind, inputs, prompt, text, answer, source, state, "
              "error, created")


def _turn(row: Sequence[object]) -> TurnRecord:
    values = list(row)
    values[6] = json.loads(str(values[6]) or "{}")
    return TurnRecord(*values)  # type: ignore[arg-type]


class ConversationStore:
    """Thread-safe like the DraftStore it shares the database with."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock

    # -- reading ----------------------------------------------------------------------

    def get(self, conversation_id: int) -> ConversationRecord:
        with self.db.read() as conn:
            row = conn.execute("SELECT id, title, created, updated FROM conversations WHERE id = ? AND deleted IS NULL",
                               (conversation_id,)).fetchone()
            if row is None:
                raise ConversationNotFoundError(f"Conversation {conversation_id} does not exist (it may have been "
                                                "deleted).")
            turns = conn.execute(f"SELECT {_TURN_COLS} FROM turns WHERE conversation_id = ? ORDER BY position",
                                 (conversation_id,)).fetchall()
        return ConversationRecord(*row, turns=tuple(_turn(t) for t in turns))

    def list(self, *, limit: int | None = None) -> list[ConversationRecord]:
        """Live conversations, the most recently changed first (without their turns)."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT id, title, created, updated FROM conversations WHERE deleted IS NULL "
                                "ORDER BY updated DESC, id DESC LIMIT ?", (-1 if limit is None else limit,)).fetchall()
        return [ConversationRecord(*r) for r in rows]

    def latest(self) -> ConversationRecord | None:
        found = self.list(limit=1)
        return self.get(found[0].id) if found else None

    def search(self, query: str, *, limit: int = 50) -> list[ConversationHit]:
        """Conversations with every word of ``query`` in a request or an answer, best first."""
        built = _fts_query(query)
        if built is None:
            return []
        fts, has_cjk = built
        sql = ("SELECT c.id, c.title, c.created, c.updated, bm25(conversations_fts, 4.0, 1.0) AS score,"
               " snippet(conversations_fts, 1, ?, ?, '…', ?)"
               " FROM conversations_fts JOIN conversations c ON c.id = conversations_fts.rowid"
               " WHERE conversations_fts MATCH ? AND c.deleted IS NULL ORDER BY score LIMIT ?")
        with self.db.read() as conn:
            try:
                rows = conn.execute(sql, (_HI_START, _HI_END, 32 if has_cjk else 14, fts, limit)).fetchall()
            except sqlite3.OperationalError as e:
                if "fts5" in str(e):
                    return []
                raise
        hits = []
        for row in rows:
            text, spans = _parse_snippet(row[5])
            hits.append(ConversationHit(ConversationRecord(*row[:4]), float(row[4]), text, spans))
        return hits

    # -- writing ----------------------------------------------------------------------

    def create(self, title: str) -> ConversationRecord:
        now = self._clock()
        title = derive_title(title)
        with self.db.write() as conn:
            cur = conn.execute("INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                               (title, now, now))
            conversation_id = int(cur.lastrowid)  # type: ignore[arg-type]
            self._reindex(conn, conversation_id)
        return self.get(conversation_id)

    def start_turn(self, conversation_id: int, *, request: str, task_id: str, kind: str,
                   inputs: Mapping[str, str] | None = None, prompt: str = "", source: str = "") -> TurnRecord:
        """Write the turn before it runs: the request is kept even if the process dies meanwhile."""
        now = self._clock()
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM conversations WHERE id = ? AND deleted IS NULL",
                            (conversation_id,)).fetchone() is None:
                raise ConversationNotFoundError(f"Conversation {conversation_id} does not exist (it may have been "
                                                "deleted).")
            position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM turns WHERE conversation_id = ?",
                                    (conversation_id,)).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO turns (conversation_id, position, request, task_id, kind, inputs, prompt, source, state,"
                " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (conversation_id, position, request, task_id, kind, json.dumps(dict(inputs or {}), ensure_ascii=False),
                 prompt, source, now))
            conn.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
            self._reindex(conn, conversation_id)
            turn_id = int(cur.lastrowid)  # type: ignore[arg-type]
        return self.turn(turn_id)

    def finish_turn(self, turn_id: int, *, text: str, answer: str = "", state: str = "done", error: str = "",
                    kind: str | None = None, source: str | None = None) -> TurnRecord:
        if state not in STATES:
            raise ValueError(f"A turn's state must be one of {', '.join(STATES)}, not {state!r}.")
        now = self._clock()
        with self.db.write() as conn:
            row = conn.execute("SELECT conversation_id FROM turns WHERE id = ?", (turn_id,)).fetchone()
            if row is None:
                raise ConversationNotFoundError(f"Turn {turn_id} does not exist (its conversation was deleted).")
            conn.execute("UPDATE turns SET text = ?, answer = ?, state = ?, error = ?, kind = coalesce(?, kind),"
                         " source = coalesce(?, source) WHERE id = ?",
                         (text, answer, state, error, kind, source, turn_id))
            conn.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, row[0]))
            self._reindex(conn, row[0])
        return self.turn(turn_id)

    def turn(self, turn_id: int) -> TurnRecord:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {_TURN_COLS} FROM turns WHERE id = ?", (turn_id,)).fetchone()
        if row is None:
            raise ConversationNotFoundError(f"Turn {turn_id} does not exist (its conversation was deleted).")
        return _turn(row)

    def delete(self, conversation_id: int) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE conversations SET deleted = coalesce(deleted, ?) WHERE id = ?",
                         (self._clock(), conversation_id))
            conn.execute("DELETE FROM conversations_fts WHERE rowid = ?", (conversation_id,))

    def _reindex(self, conn: sqlite3.Connection, conversation_id: int) -> None:
        title = conn.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()[0]
        parts = conn.execute("SELECT request, text FROM turns WHERE conversation_id = ? ORDER BY position",
                             (conversation_id,)).fetchall()
        body = "\n\n".join(f"{request}\n\n{text}" for request, text in parts)
        conn.execute("DELETE FROM conversations_fts WHERE rowid = ?", (conversation_id,))
        conn.execute("INSERT INTO conversations_fts (rowid, title, body) VALUES (?, ?, ?)",
                     (conversation_id, index_text(title), index_text(body)))
