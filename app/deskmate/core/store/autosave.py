"""Autosave without Qt: the editor calls ``touch`` on every keystroke, a thread does the writing.

Timing (defaults): once typing pauses for ``debounce`` (0.6 s) the text is saved as a draft
version; while typing goes on, the text is journaled (one small ``pending`` row, a write of
about a millisecond) at most ``max_wait`` (0.25 s) after the first keystroke not yet on disk.
Written text survives a SIGKILL (see db.py on synchronous=NORMAL), so after a kill at time K
everything typed before K - max_wait - (one write) is on disk; max_wait leaves a quarter of a
second of the promised 0.5 s for that write and for a busy machine (bench/typing_loss.py).
``recover()`` on the next start turns journaled text back into draft versions.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable

from .db import DraftNotFoundError, StoreError
from .drafts import DraftStore

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RecoveredDraft:
    draft_id: int
    title: str
    body: str  # the recovered text, now the draft's current text
    previous_body: str  # what the draft held before; still in its history
    touched: float  # when the text was journaled (time.time())
    new_draft: bool  # the original draft was gone, so the text became a new draft


def recover(store: DraftStore) -> list[RecoveredDraft]:
    """Apply text journaled by an autosaver that never finished (crash, kill, power cut).

    Call once at start-up, before creating this run's Autosaver. Each recovered text becomes
    a new version ("recovered") of its draft, so the older text stays in the history.
    """
    found = []
    for p in store.pending():
        try:
            current = store.get(p.draft_id)
        except DraftNotFoundError:
            draft = store.create(p.body, source="recovered")
            store.discard_pending(p.draft_id)
            found.append(RecoveredDraft(draft.id, draft.title, p.body, "", p.touched, True))
            continue
        if current.body == p.body:
            store.discard_pending(p.draft_id)
            continue
        store.save(p.draft_id, p.body, source="recovered")  # also clears the journal row
        title = store.get(p.draft_id).title
        found.append(RecoveredDraft(p.draft_id, title, p.body, current.body, p.touched, False))
    if found:
        log.warning("Recovered unsaved text for %d draft(s)", len(found))
    return found


@dataclasses.dataclass
class _Entry:
    body: str
    seq: int = 0  # bumped by every touch
    journaled_seq: int = 0
    saved_seq: int = 0
    first_unjournaled: float | None = None  # first touch not yet on disk: starts the max-wait clock
    last_touch: float = 0.0
    retry_at: float = 0.0


ErrorCallback = Callable[[int, StoreError], None]
SavedCallback = Callable[[int], None]


class Autosaver:
    """Debounced, journaled saving on a thread of its own.

    ``touch``, ``unsaved``, ``flush``, ``save_now`` and ``close`` are thread-safe. ``touch``
    never waits for the disk. ``on_error(draft_id, error)`` and ``on_saved(draft_id)`` run on
    the autosave thread (or the thread calling flush): a GUI should forward them as signals.
    After an error the text stays in memory and is retried every ``retry`` seconds.
    """

    def __init__(
        self,
        store: DraftStore,
        *,
        debounce: float = 0.6,
        max_wait: float = 0.25,
        retry: float = 2.0,
        on_error: ErrorCallback | None = None,
        on_saved: SavedCallback | None = None,
    ) -> None:
        if debounce <= 0 or max_wait <= 0:
            raise ValueError("debounce and max_wait must be positive.")
        self.store = store
        self.debounce, self.max_wait, self.retry = debounce, max_wait, retry
        self.on_error, self.on_saved = on_error, on_saved
        self.last_error: StoreError | None = None
        self._entries: dict[int, _Entry] = {}
        self._cond = threading.Condition()
        # Held across snapshot-and-write, so a slower writer can never put older text over newer.
        self._write_lock = threading.Lock()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="deskmate-autosave", daemon=True)
        self._thread.start()

    # -- called by the editor --------------------------------------------------------------

    def touch(self, draft_id: int, body: str) -> None:
        """The draft's whole current text, after a change. Cheap; call it on every keystroke."""
        now = time.monotonic()
        with self._cond:
            if self._stopping:
                raise StoreError("Autosave has been shut down; this text was not saved.")
            e = self._entries.get(draft_id)
            if e is None:
                e = self._entries[draft_id] = _Entry(body)
            elif e.body == body and e.seq == e.saved_seq:
                return
            e.body = body
            e.seq += 1
            e.last_touch = now
            if e.first_unjournaled is None:
                e.first_unjournaled = now
            self._cond.notify()

    def unsaved(self, draft_id: int) -> str | None:
        """Text held in memory that is not yet a saved version (None when all is saved)."""
        with self._cond:
            e = self._entries.get(draft_id)
            return e.body if e is not None and e.seq > e.saved_seq else None

    def flush(self, draft_id: int | None = None, *, source: str = "autosave") -> None:
        """Save now, in the calling thread, everything touched (or one draft).

        Raises the first StoreError (e.g. DiskFullError); the text then stays in memory.
        """
        with self._cond:
            ids = [draft_id] if draft_id is not None else list(self._entries)
        first_error: StoreError | None = None
        for did in ids:
            err = self._write(did, settle=True, source=source)
            first_error = first_error or err
        self.store.db.checkpoint()
        if first_error is not None:
            raise first_error

    def save_now(self, draft_id: int, body: str | None = None) -> None:
        """An explicit save (the Save command): a version of its own, not an autosave checkpoint."""
        if body is not None:
            self.touch(draft_id, body)
        with self._cond:
            e = self._entries.get(draft_id)
            if e is not None and e.seq == e.saved_seq:
                return
        self.flush(draft_id, source="save")

    def close(self) -> None:
        """Stop the thread and save what is left (raises if that fails: warn the user)."""
        with self._cond:
            if self._stopping:
                return
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout=30)
        self.flush()

    # -- the thread -------------------------------------------------------------------------

    def _deadline(self, e: _Entry) -> float | None:
        times = []
        if e.seq > e.journaled_seq and e.first_unjournaled is not None:
            times.append(e.first_unjournaled + self.max_wait)
        if e.seq > e.saved_seq:
            times.append(e.last_touch + self.debounce)
        if not times:
            return None
        return max(min(times), e.retry_at)

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return  # close() flushes in its own thread
                    now = time.monotonic()
                    due, next_at = [], None
                    for did, e in self._entries.items():
                        at = self._deadline(e)
                        if at is None:
                            continue
                        if at <= now:
                            due.append((did, e.seq > e.saved_seq and now >= e.last_touch + self.debounce))
                        elif next_at is None or at < next_at:
                            next_at = at
                    if due:
                        break
                    self._cond.wait(None if next_at is None else next_at - now)
            for did, settle in due:
                self._write(did, settle=settle, source="autosave")

    def _write(self, draft_id: int, *, settle: bool, source: str) -> StoreError | None:
        with self._write_lock:
            with self._cond:
                e = self._entries.get(draft_id)
                if e is None:
                    return None
                body, seq = e.body, e.seq
                journal = seq > e.journaled_seq
                save = settle and seq > e.saved_seq
                if not journal and not save:
                    return None
                started = e.first_unjournaled
                e.first_unjournaled = None  # touches from here on start a new max-wait window
            try:
                if journal:
                    self.store.write_pending(draft_id, body)
                    with self._cond:
                        e.journaled_seq = seq
                if save:
                    self.store.save(draft_id, body, source=source)
            except Exception as raw:  # noqa: BLE001 - reported through on_error, see below
                # Anything escaping here would end the thread and with it all autosaving.
                exc = raw if isinstance(raw, StoreError) else StoreError(f"Autosave failed: {raw}")
                with self._cond:
                    if journal and e.journaled_seq < seq and started is not None:
                        # Not on disk: keep the original deadline rather than the later touches'.
                        e.first_unjournaled = min(started, e.first_unjournaled or started)
                    e.retry_at = time.monotonic() + self.retry
                    self.last_error = exc
                    if isinstance(exc, DraftNotFoundError):
                        # The draft was purged. Its text is in the journal, and recover() will
                        # turn it into a new draft; retrying here would only fail again.
                        del self._entries[draft_id]
                log.warning("Autosave of draft %s failed: %s", draft_id, exc)
                if self.on_error is not None:
                    self.on_error(draft_id, exc)
                return exc
            with self._cond:
                if save:
                    e.saved_seq = seq
                e.retry_at = 0.0
                self.last_error = None
                if e.seq == e.saved_seq and self._entries.get(draft_id) is e:
                    del self._entries[draft_id]
            if save and self.on_saved is not None:
                self.on_saved(draft_id)
            return None
