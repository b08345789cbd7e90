"""The drafts store on real SQLite files: migrations, search, versions, deletion, damage, full disk."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from deskmate.core import paths
from deskmate.core.store import (
    Database,
    DiskFullError,
    DraftNotFoundError,
    DraftStore,
    StoreError,
)
from deskmate.core.store.db import MIGRATIONS, Migration
from deskmate.core.store.drafts import AUTOSAVE_CHECKPOINT, UNDO_WINDOW


class Clock:
    """A settable wall clock, so days and undo windows pass without waiting."""

    def __init__(self) -> None:
        # 09:00 local time, so a morning's edits fall on one calendar day in any time zone.
        self.now = time.mktime((2024, 3, 5, 9, 0, 0, 0, 0, -1))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    s = DraftStore(Database(tmp_path / "deskmate.sqlite3"), clock=clock)
    yield s
    s.close()


# --- the file --------------------------------------------------------------------------


def test_default_location_is_the_data_folder_in_wal_mode():
    s = DraftStore.open()  # conftest points DESKMATE_HOME at a temporary folder
    try:
        assert s.db.path == paths.data_dir() / "deskmate.sqlite3"
        s.create("hello")
        conn = s.db.connection()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert Path(str(s.db.path) + "-wal").exists()
    finally:
        s.close()


def test_unusable_location_is_a_plain_error(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Database(blocker / "deskmate.sqlite3")


# --- migrations ------------------------------------------------------------------------


def _logging_migration(version: int) -> Migration:
    def step(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS applied_log (n INTEGER)")
        conn.execute("INSERT INTO applied_log VALUES (?)", (version,))

    return Migration(version, f"step {version}", step)


def test_migrations_run_in_order_each_once(tmp_path: Path):
    path = tmp_path / "m.sqlite3"
    two = [_logging_migration(1), _logging_migration(2)]
    Database(path, migrations=two).close()
    Database(path, migrations=two).close()  # reopening applies nothing again
    db = Database(path, migrations=[*two, _logging_migration(3)])  # an upgrade adds only the new one
    conn = db.connection()
    assert [r[0] for r in conn.execute("SELECT n FROM applied_log ORDER BY rowid")] == [1, 2, 3]
    assert db.schema_version() == [(1, "step 1"), (2, "step 2"), (3, "step 3")]
    db.close()


def test_failed_migration_leaves_nothing_behind_and_is_retried(tmp_path: Path):
    path = tmp_path / "m.sqlite3"
    bad = Migration(2, "half-done", ("CREATE TABLE extra (x)", "INSERT INTO no_such_table VALUES (1)"))
    with pytest.raises(StoreError):
        Database(path, migrations=[MIGRATIONS[0], bad])
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    conn.close()
    db = Database(path)  # the fixed release migrates normally
    assert [v for v, _ in db.schema_version()] == [1, 2]
    db.close()


def test_migration_list_must_be_numbered_in_order(tmp_path: Path):
    with pytest.raises(ValueError, match="in order"):
        Database(tmp_path / "m.sqlite3", migrations=[MIGRATIONS[1], MIGRATIONS[0]])


def test_database_from_a_newer_deskmate_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "m.sqlite3"
    s = DraftStore.open(path)
    s.create("keep me")
    s.close()
    with pytest.raises(StoreError, match="newer Deskmate"):
        Database(path, migrations=MIGRATIONS[:1])
    s = DraftStore.open(path)
    assert [d.title for d in s.list()] == ["keep me"]
    s.close()


# --- drafts ----------------------------------------------------------------------------


def test_create_list_recent_first_titles_and_pins(store: DraftStore, clock: Clock):
    a = store.create("# Q3 plan\n\nnumbers follow")
    clock.advance(10)
    b = store.create("")
    clock.advance(10)
    c = store.create("Meeting notes\nsecond line", title="  Board   meeting ", kind="proofread")
    assert (a.title, b.title, c.title) == ("Q3 plan", "Untitled draft", "Board meeting")
    assert [d.id for d in store.list()] == [c.id, b.id, a.id]
    clock.advance(10)
    store.save(a.id, "# Q3 plan, revised\n")
    assert [d.id for d in store.list()] == [a.id, c.id, b.id]
    assert store.get(a.id).title == "Q3 plan, revised"
    store.set_pinned(b.id, True)
    assert store.list()[0].id == b.id
    assert store.rename(c.id, "").title == "Meeting notes"
    assert [d.id for d in store.list(kind="proofread")] == [c.id]
    with pytest.raises(ValueError, match="kind"):
        store.create("x", kind="spreadsheet")
    with pytest.raises(DraftNotFoundError, match="does not exist"):
        store.get(999)


def test_search_english_and_chinese_with_highlighted_snippets(store: DraftStore):
    en = store.create("# Finance\nThe quarterly report shows revenue grew 12% over the summer.")
    zh = store.create("我们的第二季度报告显示，收入增长了百分之十。下一季度会更好。", kind="translation")
    store.create("Lunch menu: noodles and tea.")

    hits = store.search("quarterly")
    assert [h.draft.id for h in hits] == [en.id]
    hit = hits[0]
    start, end = hit.highlights[0]
    assert hit.snippet[start:end] == "quarterly"
    assert "<mark>quarterly</mark>" in hit.snippet_html()

    assert [h.draft.id for h in store.search("quarter")] == [en.id]  # word beginnings match

    hits = store.search("季度")
    assert [h.draft.id for h in hits] == [zh.id]
    assert [hits[0].snippet[s:e] for s, e in hits[0].highlights] == ["季度", "季度"]
    assert "\u200b" not in hits[0].snippet  # the indexing separators never reach the user
    assert "第二<mark>季度</mark>报告" in hits[0].snippet_html()

    assert [h.draft.id for h in store.search("收入 报告")] == [zh.id]  # all words, any order
    assert store.search("季报") == []  # characters must be adjacent, as typed
    assert store.search("quarterly noodles") == []


def test_search_ranks_by_relevance_and_survives_odd_queries(store: DraftStore):
    once = store.create("Notes. The budget is mentioned once here among many other words about travel and food.")
    often = store.create("Budget\nbudget budget: the budget for next year")
    assert [h.draft.id for h in store.search("budget")] == [often.id, once.id]
    for odd in ['"', "AND", "budget OR", "NEAR(", "*", "'s", "(budget", "-budget", "：，。"]:
        store.search(odd)  # never an exception from FTS5 syntax
    assert [h.draft.id for h in store.search("(budget")] == [often.id, once.id]
    store.delete(often.id)
    assert [h.draft.id for h in store.search("budget")] == [once.id]


def test_every_changed_save_is_a_version_with_sizes(store: DraftStore, clock: Clock):
    d = store.create("one")
    clock.advance(5)
    v2 = store.save(d.id, "one two")
    assert store.save(d.id, "one two") is None  # unchanged: no new version
    clock.advance(5)
    v3 = store.save(d.id, "季度")
    versions = store.versions(d.id)
    assert [v.id for v in versions] == [v3.id, v2.id, versions[-1].id]  # newest first
    assert [(v.chars, v.bytes) for v in versions] == [(2, 6), (7, 7), (3, 3)]
    assert [v.source for v in versions] == ["save", "save", "create"]
    assert versions[0].created - versions[1].created == pytest.approx(5)


def test_restore_is_a_new_version_and_loses_nothing(store: DraftStore, clock: Clock):
    d = store.create("first text")
    for body in ("second text", "third text"):
        clock.advance(1)
        store.save(d.id, body)
    first = store.versions(d.id)[-1]
    restored = store.restore(d.id, first.id)
    assert restored.body == "first text"
    history = store.versions(d.id)
    assert [store.version(v.id).body for v in history] == ["first text", "third text", "second text", "first text"]
    assert history[0].source == "restore"
    # ...and the text the restore replaced can be brought back the same way.
    assert store.restore(d.id, history[1].id).body == "third text"
    assert store.search("third")[0].draft.id == d.id  # the index follows restores
    other = store.create("elsewhere")
    with pytest.raises(StoreError, match="another draft"):
        store.restore(other.id, first.id)


def test_autosave_checkpoints_grow_in_place_for_a_while(store: DraftStore, clock: Clock):
    d = store.create("a")
    for text in ("ab", "abc", "abcd"):
        clock.advance(20)
        store.save(d.id, text, source="autosave")
    assert [v.source for v in store.versions(d.id)] == ["autosave", "create"]
    assert store.version(store.versions(d.id)[0].id).body == "abcd"
    clock.advance(1)
    store.save(d.id, "abcd!")  # an explicit save always stands on its own
    clock.advance(1)
    store.save(d.id, "abcd!?", source="autosave")
    clock.advance(AUTOSAVE_CHECKPOINT + 1)
    store.save(d.id, "abcd!?.", source="autosave")  # a new checkpoint after the window
    assert [v.source for v in store.versions(d.id)] == ["autosave", "autosave", "save", "autosave", "create"]


def test_prune_keeps_the_last_n_and_one_per_day(store: DraftStore, clock: Clock):
    d = store.create("v0")
    saved = []
    for day in range(4):
        for i in range(5):
            clock.advance(600)
            saved.append((day, store.save(d.id, f"day {day} edit {i}").id))
        clock.advance(24 * 3600)
    before = {v.id for v in store.versions(d.id)}
    removed = store.prune_versions(d.id, keep_last=3)
    kept = [v.id for v in store.versions(d.id)]
    newest3 = [vid for _, vid in saved[-3:]]
    last_of_each_earlier_day = [saved[day * 5 + 4][1] for day in range(3)]
    assert set(kept) == set(newest3) | set(last_of_each_earlier_day)  # the create shares day 0: gone
    assert removed == len(before) - len(kept)
    assert store.get(d.id).body == "day 3 edit 4"


def test_soft_delete_undo_then_purge(store: DraftStore, clock: Clock):
    d = store.create("deleted by mistake")
    keep = store.create("stays")
    store.delete(d.id)
    assert [x.id for x in store.list()] == [keep.id]
    assert store.search("mistake") == []
    assert [x.id for x in store.deleted()] == [d.id]
    assert store.undelete(d.id).body == "deleted by mistake"
    assert {x.id for x in store.list()} == {d.id, keep.id}

    store.delete(d.id)
    clock.advance(UNDO_WINDOW / 2)
    assert store.purge_deleted() == 0  # still inside the undo window
    clock.advance(UNDO_WINDOW)
    assert store.purge_deleted() == 1
    with pytest.raises(DraftNotFoundError):
        store.get(d.id)
    assert store.versions(d.id) == []
    assert [x.id for x in store.list()] == [keep.id]


# --- threads ---------------------------------------------------------------------------


def test_many_threads_write_and_read_at_once(tmp_path: Path):
    s = DraftStore.open(tmp_path / "t.sqlite3")
    ids = [s.create(f"thread {n}").id for n in range(4)]
    errors: list[BaseException] = []

    def writer(draft_id: int) -> None:
        try:
            for i in range(40):
                s.save(draft_id, f"thread text {draft_id} edit {i}")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def reader() -> None:
        try:
            for _ in range(60):
                s.list()
                s.search("edit")
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(i,)) for i in ids] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    for i in ids:
        assert s.get(i).body == f"thread text {i} edit 39"
        assert len(s.versions(i)) == 41
    s.close()


# --- damage ----------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_set_aside_and_reported(tmp_path: Path):
    path = tmp_path / "deskmate.sqlite3"
    garbage = b"this is not a database, just some bytes " * 200
    path.write_bytes(garbage)
    s = DraftStore.open(path)
    aside = s.db.set_aside
    assert aside is not None and aside.name.startswith("deskmate.sqlite3.corrupt-")
    assert aside.read_bytes() == garbage  # moved, not deleted
    assert len(s.notices) == 1 and str(aside) in s.notices[0] and "started a fresh one" in s.notices[0]
    s.create("a fresh start")
    assert [d.title for d in s.list()] == ["a fresh start"]
    s.close()
    s = DraftStore.open(path)  # the fresh file is healthy: nothing more to report
    assert s.notices == [] and s.db.set_aside is None
    s.close()


def test_damaged_pages_are_found_and_drafts_rescued(tmp_path: Path):
    path = tmp_path / "deskmate.sqlite3"
    s = DraftStore.open(path)
    for n in range(30):
        s.create(f"Draft number {n}\n" + "text " * 50)
    conn = s.db.connection()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    index_pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'versions_by_draft'")]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    with open(path, "r+b") as f:  # scribble over the versions index, as a bad sector would
        for page in index_pages:
            f.seek((page - 1) * page_size)
            f.write(b"\xa5" * page_size)

    s = DraftStore.open(path)
    assert s.db.set_aside is not None and s.db.set_aside.exists()
    assert "30 draft(s) could be rescued" in s.notices[0]
    assert sorted(d.title for d in s.list()) == sorted(f"Draft number {n}" for n in range(30))
    assert s.search("number")  # rescued drafts are searchable again
    s.close()


# --- a full disk -----------------------------------------------------------------------


def test_full_disk_is_a_typed_error_and_nothing_is_half_written(tmp_path: Path):
    limit = {"pages": 1_000_000}
    db = Database(
        tmp_path / "full.sqlite3", connect_hook=lambda c: c.execute(f"PRAGMA max_page_count = {limit['pages']}")
    )
    s = DraftStore(db)
    d = s.create("short text")
    db.connection().execute("PRAGMA max_page_count = 1")  # clamps to the current size: no room to grow
    big = "A long paragraph the user typed. " * 3000
    with pytest.raises(DiskFullError) as info:
        s.save(d.id, big)
    assert "disk is full" in str(info.value) and "still open" in str(info.value)
    assert s.get(d.id).body == "short text"
    assert len(s.versions(d.id)) == 1
    db.connection().execute("PRAGMA max_page_count = 1000000")  # space freed
    s.save(d.id, big)
    assert s.get(d.id).body == big
    s.close()
