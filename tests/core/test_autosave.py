"""Autosave on real SQLite files, including a real process killed with SIGKILL mid-typing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from deskmate.core.store import Autosaver, Database, DiskFullError, DraftStore, recover


@pytest.fixture
def store(tmp_path: Path):
    s = DraftStore.open(tmp_path / "deskmate.sqlite3")
    yield s
    s.close()


def _wait_for(predicate, timeout: float, step: float = 0.01) -> float | None:
    """Seconds until predicate() was true, or None."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


def test_saved_within_a_second_after_typing_stops(store: DraftStore):
    d = store.create("")
    saver = Autosaver(store)
    text = ""
    for word in ["Dear", "team,", "the", "quarterly", "numbers", "are", "in"]:
        text += word + " "
        saver.touch(d.id, text)
        time.sleep(0.05)
    waited = _wait_for(lambda: store.get(d.id).body == text, timeout=3)
    assert waited is not None and waited < 1.0, waited
    assert [v.source for v in store.versions(d.id)] == ["autosave"]  # one checkpoint, not one per word
    assert store.pending() == []  # the journal is cleared once the version is saved
    assert saver.unsaved(d.id) is None
    saver.close()


def test_continuous_typing_reaches_disk_at_least_every_two_seconds(store: DraftStore):
    d = store.create("")
    saver = Autosaver(store)
    typed: list[tuple[float, str]] = []
    samples: list[tuple[float, str]] = []
    journal_seen: list[bool] = []
    stop = threading.Event()

    def sample() -> None:  # another thread reads the file the way a restarted app would
        while not stop.is_set():
            p = [x.body for x in store.pending() if x.draft_id == d.id]
            journal_seen.append(bool(p))
            samples.append((time.monotonic(), p[0] if p else store.get(d.id).body))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    text, t_end = "", time.monotonic() + 3.5
    while time.monotonic() < t_end:  # a keystroke every 40 ms: never a pause for the debounce
        text += "x"
        saver.touch(d.id, text)
        typed.append((time.monotonic(), text))
        time.sleep(0.04)
    stop.set()
    sampler.join()
    checked = 0
    for at, on_disk in samples:
        due = [t for ts, t in typed if ts <= at - 2.0]
        if due:
            assert on_disk.startswith(due[-1]), f"{len(on_disk)} chars on disk, {len(due[-1])} typed 2 s earlier"
            checked += 1
    assert checked > 10
    assert sum(journal_seen) > len(journal_seen) / 2  # without pauses it is the journal that keeps up
    assert _wait_for(lambda: store.get(d.id).body == text, timeout=2) is not None
    saver.close()


def test_flush_save_now_and_close(store: DraftStore):
    d = store.create("v1")
    saver = Autosaver(store, debounce=5, max_wait=10)  # nothing happens by itself in this test
    saver.touch(d.id, "v2")
    assert saver.unsaved(d.id) == "v2"
    saver.flush()
    assert store.get(d.id).body == "v2" and saver.unsaved(d.id) is None
    saver.save_now(d.id, "v3")
    assert [v.source for v in store.versions(d.id)] == ["save", "autosave", "create"]
    saver.touch(d.id, "v4")
    saver.close()
    assert store.get(d.id).body == "v4"
    with pytest.raises(Exception, match="shut down"):
        saver.touch(d.id, "v5")


def test_writes_from_several_threads_never_put_old_text_over_new(store: DraftStore):
    d = store.create("")
    saver = Autosaver(store, debounce=0.05, max_wait=0.1)
    lock = threading.Lock()
    counter = [0]

    def typist() -> None:
        for _ in range(150):
            with lock:  # one editor: touches arrive in order, from whichever thread
                counter[0] += 1
                saver.touch(d.id, "y" * counter[0])
            time.sleep(0.002)

    threads = [threading.Thread(target=typist) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saver.flush()
    assert store.get(d.id).body == "y" * 450
    saver.close()


def test_recover_turns_the_journal_into_versions(store: DraftStore):
    d = store.create("saved text")
    store.write_pending(d.id, "saved text and more typed before the crash")
    gone = store.create("soon purged")
    store.write_pending(gone.id, "typed into a draft that no longer exists")
    with store.db.write() as conn:  # purge it behind the journal's back
        conn.execute("DELETE FROM versions WHERE draft_id = ?", (gone.id,))
        conn.execute("DELETE FROM drafts WHERE id = ?", (gone.id,))
    same = store.create("unchanged")
    store.write_pending(same.id, "unchanged")

    found = recover(store)
    assert (found[0].draft_id, found[0].new_draft) == (d.id, False)
    assert found[0].previous_body == "saved text"
    assert store.get(d.id).body == "saved text and more typed before the crash"
    assert [v.source for v in store.versions(d.id)] == ["recovered", "create"]  # the old text stays in history
    assert found[1].new_draft and store.get(found[1].draft_id).body == "typed into a draft that no longer exists"
    assert len(found) == 2
    assert store.pending() == [] and recover(store) == []


def test_full_disk_keeps_the_text_in_memory_and_saves_once_there_is_room(tmp_path: Path):
    limit = {"pages": 1_000_000}
    db = Database(
        tmp_path / "full.sqlite3", connect_hook=lambda c: c.execute(f"PRAGMA max_page_count = {limit['pages']}")
    )
    s = DraftStore(db)
    d = s.create("")
    limit["pages"] = 1  # the autosave thread's connection: no room to grow (clamped to the current size)
    db.connection().execute("PRAGMA max_page_count = 1")  # and this thread's
    errors: list[Exception] = []
    saver = Autosaver(s, on_error=lambda draft_id, e: errors.append(e), retry=0.2)
    big = "Text the user typed while the disk filled up. " * 3000
    saver.touch(d.id, big)
    assert _wait_for(lambda: errors, timeout=5) is not None
    assert isinstance(errors[0], DiskFullError) and "disk is full" in str(errors[0])
    assert saver.unsaved(d.id) == big  # kept, and retried
    assert s.get(d.id).body == ""
    with pytest.raises(DiskFullError):
        saver.flush()
    db.connection().execute("PRAGMA max_page_count = 1000000")  # this thread's connection gets room
    saver.flush()
    assert s.get(d.id).body == big and saver.unsaved(d.id) is None
    saver.close()
    s.close()


# --- a real kill -----------------------------------------------------------------------

_TYPIST = textwrap.dedent(
    """
    import sys, time
    from deskmate.core.store import Autosaver, DraftStore

    path, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    store = DraftStore.open(path)
    draft = store.create("")
    saver = Autosaver(store)
    print("ID", draft.id, flush=True)
    text, i, t_end = "", 0, time.time() + seconds
    while time.time() < t_end:
        i += 1
        text += f"w{i} 季{i} "
        saver.touch(draft.id, text)
        print("T", repr(time.time()), len(text), flush=True)
        time.sleep(0.02)
    print("STOPPED", repr(time.time()), len(text), flush=True)
    time.sleep(60)  # the test kills us long before this
    """
)


def _expected_text(n_chars: int) -> str:
    text, i = "", 0
    while len(text) < n_chars:
        i += 1
        text += f"w{i} 季{i} "
    return text[:n_chars]


def _type_and_kill(
    path: Path, mode: str, seconds: float, kill_after: float
) -> tuple[int, list[tuple[float, int]], float]:
    """Run the typist; SIGKILL it ``kill_after`` s after its first keystroke (or after it stops)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _TYPIST, str(path), mode, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        assert _wait_for(lambda: any(x.startswith("T ") for x in lines), timeout=30, step=0.005) is not None, (
            proc.stderr.read() if proc.poll() is not None else "no keystrokes"
        )
        if mode == "stop":
            assert _wait_for(lambda: any(x.startswith("STOPPED") for x in lines), timeout=30, step=0.005) is not None
        start = time.monotonic()
        while time.monotonic() - start < kill_after:
            time.sleep(0.005)
        killed_at = time.time()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(10)
    reader.join(5)
    draft_id = int(next(x for x in lines if x.startswith("ID")).split()[1])
    strokes = [(float(x.split()[1]), int(x.split()[2])) for x in lines if x.startswith(("T ", "STOPPED"))]
    return draft_id, strokes, killed_at


def test_sigkill_while_typing_loses_nothing_older_than_two_seconds(tmp_path: Path):
    path = tmp_path / "crash.sqlite3"
    draft_id, strokes, killed_at = _type_and_kill(path, "type", seconds=30, kill_after=3.5)
    due = max(n for t, n in strokes if t <= killed_at - 2.0)
    assert due > 100  # several seconds of typing really happened

    store = DraftStore.open(path)
    before = store.get(draft_id).body
    found = recover(store)
    body = store.get(draft_id).body
    assert len(body) >= due, f"{len(body)} chars back, {due} were typed more than 2 s before the kill"
    assert body == _expected_text(len(body))  # exactly what was typed, in order
    if len(before) < due:  # the journal is what carried it
        assert [r.draft_id for r in found] == [draft_id]
        assert store.versions(draft_id)[0].source == "recovered"
    store.close()


def test_sigkill_a_second_after_typing_stops_finds_it_saved(tmp_path: Path):
    path = tmp_path / "crash.sqlite3"
    draft_id, strokes, _ = _type_and_kill(path, "stop", seconds=1.0, kill_after=1.0)
    typed = strokes[-1][1]
    store = DraftStore.open(path)
    assert store.get(draft_id).body == _expected_text(typed)  # saved as a draft version, before any recovery
    assert recover(store) == []
    store.close()
