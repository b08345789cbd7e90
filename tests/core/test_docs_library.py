"""The document library on a real SQLite file with the real parser child: search, citations, incremental
re-indexing, removal, pause/resume/cancel, watching, a damaged index."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import doc_factory as make
import pytest
from deskmate.core.docs import DocsError, IndexBusyError, Library
from deskmate.core.docs.chunking import chunk_blocks, document_text, main_language
from deskmate.core.docs.embedding import reads
from deskmate.core.docs.parsing import DocumentParser
from deskmate.core.docs.watch import FolderWatcher

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "docs.sqlite3")
    yield lib
    lib.close()


def index(library: Library, **kw):
    run = library.index(**kw)
    events = list(run)
    return run.result(), events


def names(retrieval) -> list[str]:
    return [p.path.name for p in retrieval.passages]


# --- keyword search in Chinese and English ----------------------------------------------------------


def test_chinese_one_and_two_character_words_find_their_passages(library, tmp_path):
    folder = tmp_path / "zh"
    folder.mkdir()
    (folder / "手册.md").write_text("# 账户\n新用户请先注册账户。\n", encoding="utf-8")
    (folder / "通知.txt").write_text("明天放假，全体人员休息。", encoding="utf-8")
    (folder / "门禁.txt").write_text("用餐后请关好门户。", encoding="utf-8")  # 用 and 户 apart: not 用户
    (folder / "report.txt").write_text("Quarterly revenue grew; the user survey closes Friday.", encoding="utf-8")
    library.add([folder])
    index(library)

    assert names(library.search("用户")) == ["手册.md"]  # two characters, as a phrase
    assert sorted(names(library.search("户"))) == ["手册.md", "门禁.txt"]  # one character
    assert names(library.search("假")) == ["通知.txt"]
    assert names(library.search("新用户怎么注册账户？")) == ["手册.md"]  # a question: its two-character words
    assert names(library.search("users")) == ["report.txt"]  # English stemmed: users -> user
    hit = library.search("用户").passages[0]
    assert hit.section == "账户" and hit.text == "账户\n新用户请先注册账户。"


def test_bm25_puts_the_passage_with_the_rarer_words_first(library, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    make.write_pdf(folder / "printer.pdf", [
        "General notes about the office printer and the office network.",
        "To clear a paper jam, open tray 2 and pull the sheet towards you.",
        "The office printer is on the office network.",
    ])
    library.add([folder])
    index(library)
    best = library.search("How do I clear a paper jam in the printer?").passages[0]
    assert (best.path.name, best.page) == ("printer.pdf", 2)
    assert best.where == "p. 2"


# --- chunks -------------------------------------------------------------------------------------------


def test_a_passage_is_in_the_language_most_of_its_words_are_in():
    assert main_language("使用 apt-get install 命令安装软件包。") == "zh"
    assert main_language("如何配置代理") == "zh"
    # An English passage that names a Chinese term is still English to an embedding model.
    assert main_language("The proxy (代理) is set with Acquire::http::Proxy in /etc/apt/apt.conf.") == "en"
    assert main_language("Quarterly revenue increased by ten percent.") == "en"
    assert main_language("") == "en"
    # What a model reads, by the languages it names (None: nothing says, so it is trusted).
    assert reads(None, "zh") and reads(frozenset({"zh", "en"}), "zh") and reads(frozenset({"de"}), "en")
    assert not reads(frozenset({"en"}), "zh") and not reads(frozenset({"zh"}), "en")


def test_chunks_are_exact_slices_of_the_text_with_page_or_heading(tmp_path, library):
    paragraph = "The quarterly report covers sales, hiring and the new office. " * 16
    chinese = "本季度销售额增长百分之十二，新办公室将于五月启用。" * 20
    doc = make.write_docx(tmp_path / "report.docx", [("Sales", [paragraph, paragraph]), ("销售", [chinese])])
    with DocumentParser() as parser:
        blocks = parser.parse(doc).blocks
    text = document_text(blocks)
    chunks = chunk_blocks(blocks)
    assert len(chunks) >= 4  # long sections are cut into several passages
    for ch in chunks:
        assert text[ch.start:ch.end] == ch.text
        assert ch.section in ("Sales", "销售")
        assert ch.page is None
    assert {ch.section for ch in chunks if "销售额" in ch.text} == {"销售"}
    # Nothing is lost between passages: only the whitespace at the cuts.
    assert "".join(ch.text for ch in chunks).replace(" ", "").replace("\n", "") == \
        text.replace(" ", "").replace("\n", "")

    library.add([doc])
    index(library)
    stored = library.file_text(doc)
    assert [(p.text, p.start, p.end, p.section) for p in stored] == \
        [(c.text, c.start, c.end, c.section) for c in chunks]


# --- incremental re-indexing and removal ------------------------------------------------------------


def test_reindex_reads_only_what_changed(library, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    a = folder / "a.txt"
    b = folder / "b.txt"
    a.write_text("Alpha meeting on Monday.", encoding="utf-8")
    b.write_text("Beta launch in June.", encoding="utf-8")
    library.add([folder])
    first, _ = index(library)
    assert first.read == 2

    os.utime(a, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))  # touched, same content
    again, _ = index(library)
    assert (again.read, again.unchanged) == (0, 2)

    b.write_text("Beta launch moved to July.", encoding="utf-8")
    (folder / "c.md").write_text("# Gamma\nBudget review.", encoding="utf-8")
    a.unlink()
    changed, events = index(library)
    assert (changed.read, changed.removed) == (2, 1)
    assert sorted(e.path.name for e in events if e.kind == "file_done") == ["b.txt", "c.md"]
    assert names(library.search("July")) == ["b.txt"]
    assert library.search("June").passages == []
    assert library.search("Alpha").passages == []
    assert sorted(f.path.name for f in library.files()) == ["b.txt", "c.md"]


def test_removing_a_file_inside_a_watched_folder_keeps_it_out(library, tmp_path):
    folder = tmp_path / "shared"
    (folder / "old").mkdir(parents=True)
    (folder / "keep.txt").write_text("Keep this policy.", encoding="utf-8")
    (folder / "drop.txt").write_text("Drop this draft.", encoding="utf-8")
    (folder / "old" / "x.txt").write_text("Old archive.", encoding="utf-8")
    library.add([folder])
    index(library)
    assert library.remove(folder / "drop.txt") == 1
    assert library.remove(folder / "old") == 1
    index(library)  # the next scan does not bring them back
    assert [f.path.name for f in library.files()] == ["keep.txt"]
    assert library.search("draft").passages == []
    library.add([folder / "drop.txt"])  # adding it again lifts the removal
    index(library)
    assert names(library.search("draft")) == ["drop.txt"]
    with pytest.raises(DocsError, match="is not in the library"):
        library.remove(tmp_path / "elsewhere.txt")


def test_collections_are_separate(library, tmp_path):
    hr = tmp_path / "hr.txt"
    it = tmp_path / "it.txt"
    hr.write_text("Annual leave is 25 days.", encoding="utf-8")
    it.write_text("Annual password change is required.", encoding="utf-8")
    library.add([hr], collection="HR")
    library.add([it], collection="IT")
    index(library)
    assert names(library.search("annual", collection="HR")) == ["hr.txt"]
    assert sorted(names(library.search("annual"))) == ["hr.txt", "it.txt"]
    assert [(c.name, c.files, c.ready) for c in library.collections()] == [("HR", 1, 1), ("IT", 1, 1)]
    assert library.remove_collection("IT") == 1
    assert names(library.search("annual")) == ["hr.txt"]


def test_add_refuses_missing_and_unreadable_paths_and_adds_nothing(library, tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    good = tmp_path / "good.txt"
    good.write_text("fine", encoding="utf-8")
    with pytest.raises(DocsError, match="does not exist"):
        library.add([good, tmp_path / "nope.pdf"])
    with pytest.raises(DocsError, match="photo.jpg: Deskmate reads PDF, Word"):
        library.add([tmp_path / "photo.jpg"])
    assert library.sources() == []


# --- pause, resume, cancel, watching --------------------------------------------------------------------


def _many(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        make.write_pdf(folder / f"doc{i:02d}.pdf", [f"Document {i} page {p} about topic{i}." for p in range(1, 6)])


def test_pause_holds_the_run_and_resume_finishes_it(library, tmp_path):
    _many(tmp_path / "many", 12)
    library.add([tmp_path / "many"])
    run = library.index()
    with pytest.raises(IndexBusyError):
        library.index()
    seen: list[str] = []
    for ev in run:
        seen.append(ev.kind)
        if ev.kind == "file_done" and "paused" not in seen:
            run.pause()
            held = library.collections()[0].pending
            time.sleep(1.0)
            # At most the file in hand finished while paused.
            assert library.collections()[0].pending >= held - 1
            assert run.paused
            run.resume()
    summary = run.result()
    assert "paused" in seen and "resumed" in seen
    assert summary.read == 12 and not summary.cancelled
    assert library.collections()[0].ready == 12


def test_cancel_leaves_the_rest_for_the_next_run(library, tmp_path):
    _many(tmp_path / "many", 10)
    library.add([tmp_path / "many"])
    run = library.index()
    for ev in run:
        if ev.kind == "file_done":
            run.cancel()
    first = run.result()
    assert first.cancelled and 1 <= first.read < 10
    left = library.collections()[0].pending
    assert left == 10 - first.read
    second, _ = index(library)
    assert second.read == left
    assert library.collections()[0].ready == 10
    assert set(names(library.search("topic7"))) == {"doc07.pdf"}


def test_a_watched_folder_picks_up_new_files(library, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    library.add([folder])
    done = threading.Event()
    watcher = FolderWatcher(library, interval=0.2,
                            on_event=lambda ev: done.set() if ev.kind == "file_done" else None)
    watcher.start()
    try:
        (folder / "new.md").write_text("# Minutes\nThe budget was approved.", encoding="utf-8")
        assert done.wait(30), "the new file was not indexed"
    finally:
        watcher.stop()
    assert names(library.search("budget approved")) == ["new.md"]


# --- a damaged index ----------------------------------------------------------------------------------------


def test_a_damaged_index_is_set_aside_and_the_library_rebuilt(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Fire drill on Thursday.", encoding="utf-8")
    path = tmp_path / "docs.sqlite3"
    with Library(path) as lib:
        lib.add([folder], collection="work")
        index(lib)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'chunks'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as f:  # garbage over the passages' table: what a bad disk sector does
        f.seek((root - 1) * page_size)
        f.write(os.urandom(page_size))
    with Library(path) as lib:
        assert any("documents index was damaged" in n and "1 collection source(s) could be rescued" in n
                   for n in lib.notices), lib.notices
        assert [(s.path, s.collection) for s in lib.sources()] == [(folder, "work")]
        index(lib)
        assert names(lib.search("fire drill")) == ["a.txt"]
    assert list(tmp_path.glob("docs.sqlite3.corrupt-*"))
