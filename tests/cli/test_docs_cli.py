"""`deskmate docs` as a person runs it: real subprocesses, real files, a real kill -9 in the middle."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import doc_factory as make
import pytest
from remote_standin import StandIn

pytestmark = pytest.mark.timeout(300)


def run_in(home: Path, *args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESKMATE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "deskmate", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


def deskmate(home: Path, *args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess[str]:
    return run_in(home, "docs", *args, timeout=timeout, **kw)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def standin(home: Path):
    """The scripted OpenAI-protocol server, set up in ``home`` as remote "big"."""
    with StandIn(key=None) as server:
        added = run_in(home, "remote", "add", "big", server.url, "--model", server.model, "--kind", "openai",
                       "--no-key", timeout=60)
        assert added.returncode == 0, added.stderr
        yield server


def test_add_list_ask_and_rm(home, tmp_path, standin):
    empty = deskmate(home, "ask", "paper jam", "--remote", "big")
    assert (empty.returncode, empty.stdout) == (2, "")
    assert empty.stderr == ("deskmate: the library is empty: add files or folders with `deskmate docs add PATH…`, "
                            "then ask again\n")
    assert standin.chat_bodies() == []

    folder = tmp_path / "manuals"
    folder.mkdir()
    make.write_pdf(folder / "printer.pdf", ["Unpacking the printer.", "To clear a paper jam, open tray 2."])
    make.write_docx(folder / "制度.docx", [("报销", ["差旅发票须在三十天内提交给财务部。"])])
    make.write_broken_pdf(folder / "broken.pdf")

    added = deskmate(home, "add", str(folder))
    assert added.returncode == 0, added.stderr
    assert "[1/3] could not read broken.pdf: broken.pdf is a damaged PDF" in added.stderr
    assert "done in" in added.stderr and "2 read" in added.stderr and "1 could not be read" in added.stderr

    listed = deskmate(home, "list")
    assert "default: 3 file(s)" in listed.stdout
    assert "ERROR" in listed.stdout and "broken.pdf is a damaged PDF" in listed.stdout

    standin.enqueue("Open tray 2 [2]. Unpack it first [1].")
    asked = deskmate(home, "ask", "paper jam", "--json", "--remote", "big")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    # Renumbered best first: the page that matched the question is [1].
    assert answer == {"answer": "Open tray 2 [1]. Unpack it first [2].", "sources": [
        {"path": str(folder / "printer.pdf"), "page": 2, "text": "To clear a paper jam, open tray 2."},
        {"path": str(folder / "printer.pdf"), "page": 1, "text": "Unpacking the printer."}]}
    assert "[1] (printer.pdf, p. 1)\nUnpacking the printer." in standin.chat_bodies()[-1]["messages"][-1]["content"]

    standin.enqueue("差旅发票须在三十天内提交[3]。年假有十五天[3]。")  # whole text: [3] is the third passage
    zh = deskmate(home, "ask", "发票", "--remote", "big", "--max-tokens", "64")
    assert zh.returncode == 0, zh.stderr
    assert standin.chat_bodies()[-1]["max_tokens"] == 64
    assert zh.stdout == (f"差旅发票须在三十天内提交[1]。年假有十五天[1]。\n\nSources:\n[1] {folder / '制度.docx'}, 报销\n"
                         "    报销\n    差旅发票须在三十天内提交给财务部。\n")
    assert "deskmate: no cited passage supports this sentence: 年假有十五天[1]。" in zh.stderr

    plain = deskmate(home, "ask", "paper", "jam", "--search-only")
    assert plain.stdout.startswith(f"[1] {folder / 'printer.pdf'}, p. 2\n    To clear a paper jam")

    removed = deskmate(home, "rm", str(folder / "printer.pdf"))
    assert removed.returncode == 0 and "1 file(s)" in removed.stderr
    asked_before = len(standin.chat_bodies())
    nothing = deskmate(home, "ask", "paper jam", "--remote", "big")
    assert nothing.stdout == "Nothing relevant was found in your documents.\n"
    assert len(standin.chat_bodies()) == asked_before, "no model call when nothing is relevant"

    missing = deskmate(home, "add", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_an_embedding_model_that_breaks_midway_is_said_and_the_exit_code_says_not_done(home, tmp_path,
                                                                                        embedding_model):
    """A script running `docs add` must not take a half-embedded library for a finished one."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in [("finance.md", "Travel receipts go to the finance office within thirty days."),
                       ("printer.md", "To clear a paper jam, open tray 2 and pull the sheet out slowly.")]:
        (folder / name).write_text(text, encoding="utf-8")
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(embedding_model.read_bytes()[:100_000])

    added = deskmate(home, "add", str(folder), "--embedding-model", str(cut))
    assert added.returncode == 3, added.stderr  # the model file is broken
    assert "note: Embedding stopped: The model file cut.gguf is truncated" in added.stderr
    assert "done in" in added.stderr and "2 read, 0 embedded" in added.stderr
    assert added.stderr.endswith("deskmate: embedding did not finish; once the embedding model is fixed, "
                                 "`deskmate docs reindex` finishes it\n")
    found = deskmate(home, "ask", "paper jam", "--search-only")
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith(f"[1] {folder / 'printer.md'}")  # by keyword, as the note promised
    assert ("note: The embedding model cut cannot be used, so this question was searched by keyword only: "
            "The model file cut.gguf is truncated") in found.stderr


def test_summarize_and_minutes_on_the_command_line(home, tmp_path, standin):
    doc = make.write_docx(tmp_path / "minutes.docx", [
        ("Budget", ["Ana Lima will send the revised budget to finance by 2026-12-08."]),
        ("Launch", ["Bo Chen books the venue for the launch before 2026-12-03."])])
    standin.enqueue("- The budget goes to finance [1] and the venue is booked [2].")
    summary = deskmate(home, "summarize", str(doc), "--remote", "big")
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.startswith("- The budget goes to finance [1] and the venue is booked [2].\n\nSources:\n"
                                     f"[1] {doc}, Budget\n    Budget\n    Ana Lima will send")

    standin.enqueue({"items": [
        {"action": "Send the revised budget", "owner": "Ana Lima", "due": "2026-12-08"},
        {"action": "Book the venue", "owner": "Bo Chen", "due": "2026-12-03"}]})
    out = tmp_path / "schedule.csv"
    minutes = deskmate(home, "minutes", str(doc), "--json", "--out", str(out), "--remote", "big")
    assert minutes.returncode == 0, minutes.stderr
    body = json.loads(minutes.stdout)
    assert body["table"]["columns"] == ["Due", "Action", "Owner", "Source"]
    # Sorted by date; citations numbered in the document's order.
    assert body["table"]["rows"] == [["2026-12-03", "Book the venue", "Bo Chen", "[2] minutes.docx, Launch"],
                                     ["2026-12-08", "Send the revised budget", "Ana Lima", "[1] minutes.docx, Budget"]]
    assert [s["section"] for s in body["sources"]] == ["Budget", "Launch"]
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("2026-12-03,Book the venue,Bo Chen")

    bad = deskmate(home, "minutes", str(tmp_path / "none.docx"), "--remote", "big")
    assert bad.returncode != 0 and "none.docx does not exist" in bad.stderr


def _parse_workers(home: Path) -> list[int]:
    """Parser children started for ``home`` that are still running (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmd = (entry / "cmdline").read_bytes()
            env = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"deskmate.core.docs.parse_worker" in cmd and f"DESKMATE_HOME={home}".encode() in env:
            found.append(int(entry.name))
    return found


def _rows(db: Path) -> dict[str, object]:
    """Everything the index holds, without row ids or times (which differ between runs by design)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        files = conn.execute(
            "SELECT path, format, state, error, size, mtime_ns, sha256, pages, chars, chunks FROM files ORDER BY path"
        ).fetchall()
        chunks = conn.execute(
            'SELECT f.path, c.seq, c.page, c.section, c.start, c."end", c.text FROM chunks c '
            "JOIN files f ON f.id = c.file_id ORDER BY f.path, c.seq"
        ).fetchall()
        keyword = conn.execute(
            "SELECT f.path, c.seq, k.text, k.heading FROM chunks_fts k JOIN chunks c ON c.id = k.rowid "
            "JOIN files f ON f.id = c.file_id ORDER BY f.path, c.seq"
        ).fetchall()
        counts = conn.execute("SELECT (SELECT count(*) FROM chunks_fts), (SELECT count(*) FROM chunks)").fetchone()
    finally:
        conn.close()
    return {"files": files, "chunks": chunks, "keyword": keyword, "counts": counts}


def test_kill_9_during_indexing_then_a_restart_ends_with_exactly_the_rows_of_a_clean_run(tmp_path):
    folder = tmp_path / "library"
    folder.mkdir()
    for i in range(60):
        make.write_pdf(folder / f"manual{i:02d}.pdf",
                       [f"Manual {i}, page {p}: step {p} of the procedure for part {i}." for p in range(1, 11)])
    make.write_broken_pdf(folder / "broken.pdf")  # errors are rows too

    clean_home = tmp_path / "clean"
    clean = deskmate(clean_home, "add", str(folder))
    assert clean.returncode == 0, clean.stderr

    killed_home = tmp_path / "killed"
    db = killed_home / "data" / "docs.sqlite3"
    env = {**os.environ, "DESKMATE_HOME": str(killed_home)}
    proc = subprocess.Popen([sys.executable, "-m", "deskmate", "docs", "add", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                    done = conn.execute("SELECT count(*) FROM files WHERE state != 'pending'").fetchone()[0]
                    conn.close()
                except sqlite3.Error:
                    done = 0
            if done >= 8:
                break
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    # The parser child notices its parent is gone (its stdin closes) and leaves by itself.
    deadline = time.monotonic() + 10
    while _parse_workers(killed_home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _parse_workers(killed_home) == []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    pending = conn.execute("SELECT count(*) FROM files WHERE state = 'pending'").fetchone()[0]
    conn.close()
    assert pending > 0, "the kill came too late to test anything"

    resumed = deskmate(killed_home, "add", str(folder))
    assert resumed.returncode == 0, resumed.stderr
    assert f"reading (keyword index): {pending} file(s)" in resumed.stderr  # only what was left

    assert _rows(db) == _rows(clean_home / "data" / "docs.sqlite3")
