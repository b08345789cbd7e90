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

pytestmark = pytest.mark.timeout(300)


def deskmate(home: Path, *args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESKMATE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "deskmate", "docs", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_add_list_ask_and_rm(home, tmp_path):
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

    asked = deskmate(home, "ask", "paper jam", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["sources"][0] == {"path": str(folder / "printer.pdf"), "page": 2,
                                    "text": "To clear a paper jam, open tray 2."}
    zh = json.loads(deskmate(home, "ask", "发票", "--json").stdout)
    assert zh["sources"] == [{"path": str(folder / "制度.docx"), "section": "报销",
                              "text": "报销\n差旅发票须在三十天内提交给财务部。"}]

    plain = deskmate(home, "ask", "paper", "jam")
    assert plain.stdout.startswith(f"[1] {folder / 'printer.pdf'}, p. 2\n    To clear a paper jam")

    removed = deskmate(home, "rm", str(folder / "printer.pdf"))
    assert removed.returncode == 0 and "1 file(s)" in removed.stderr
    assert "Nothing relevant was found" in deskmate(home, "ask", "paper jam").stdout

    missing = deskmate(home, "add", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


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
