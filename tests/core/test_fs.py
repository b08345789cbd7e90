"""core/fs.atomic_write: the old file or the new one, never half; a full disk says so and loses nothing.

The full disk is real: a 64 KiB tmpfs mounted in a private mount namespace (``unshare``), so
nothing outside the test sees it and no root rights are needed where user namespaces are allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap

import pytest
from deskmate.core.fs import DiskFullError, atomic_write


def test_writes_bytes_text_and_streams(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    atomic_write(target, "文字\n", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "文字\n"
    atomic_write(target, lambda f: f.write(b"streamed"))
    assert target.read_bytes() == b"streamed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"], "no temporary file is left behind"


def test_a_failing_writer_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("the old text")

    def half_then_fail(f):
        f.write(b"half of the new")
        raise RuntimeError("the writer broke")

    with pytest.raises(RuntimeError, match="the writer broke"):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "the old text"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_an_existing_file_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    private = tmp_path / "private.toml"
    private.write_text("x")
    private.chmod(0o600)
    atomic_write(private, "y")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.png", b"png")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.png").stat().st_mode) == 0o644


FULL_DISK = textwrap.dedent(
    r"""
    import json, os, subprocess, sys
    from pathlib import Path

    disk = Path(sys.argv[1])
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], check=True)
    os.environ["DESKMATE_HOME"] = str(disk)
    from deskmate.core.fs import DiskFullError, atomic_write
    from deskmate.core.settings import load_settings, set_value, settings_path

    out = {}
    target = disk / "report.txt"
    atomic_write(target, "the old report\n")
    try:
        atomic_write(target, "x" * (256 << 10))  # four times the disk
    except DiskFullError as e:
        out["error"] = str(e)
        out["errno"] = e.errno
        out["is_oserror"] = isinstance(e, OSError)
    out["old"] = target.read_text()

    settings = settings_path()
    set_value("ui", "language", "zh")
    before = settings.read_bytes()
    from deskmate.core.tables import Column, Table, export

    for name in ("plan.xlsx", "plan.docx", "plan.csv"):
        (disk / name).write_bytes(b"the old table")
    filler = disk / "filler"
    try:
        with open(filler, "wb") as f:  # fill the disk to the last byte
            while True:
                f.write(b"\0" * 4096)
                f.flush()
    except OSError:
        pass
    try:
        set_value("engine", "model", "/a/rather/long/path/" + "m" * 4000 + ".gguf")
    except OSError as e:
        out["settings_error"] = str(e)
    out["settings_unchanged"] = settings.read_bytes() == before
    big = Table([Column("Item"), Column("Notes")], [[f"row {i}", "x" * 50] for i in range(20)])  # the disk is full
    out["tables"] = {}
    for name in ("plan.xlsx", "plan.docx", "plan.csv"):
        try:
            export(big, disk / name)
        except DiskFullError as e:
            out["tables"][name] = [str(e).startswith("The disk is full:"), (disk / name).read_bytes().decode()]
    out["settings_language"] = load_settings().ui.language
    out["left"] = sorted(p.name for p in disk.rglob("*") if p.name.endswith(".tmp"))
    print(json.dumps(out))
    """
)


def _private_mount_namespace() -> list[str]:
    unshare = shutil.which("unshare")
    if sys.platform != "linux" or unshare is None:
        pytest.skip("needs Linux mount namespaces (unshare) to mount a small tmpfs")
    # As root a mount namespace is enough; otherwise a user namespace maps us to root inside it.
    return [unshare, "--mount"] if os.geteuid() == 0 else [unshare, "--mount", "--map-root-user"]


def test_a_full_disk_keeps_the_old_file_and_says_the_disk_is_full(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    proc = subprocess.run(
        [*_private_mount_namespace(), sys.executable, "-c", FULL_DISK, str(disk)],
        capture_output=True, text=True, timeout=120, env=os.environ,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["old"] == "the old report\n"
    assert got["error"].startswith("The disk is full:") and "report.txt" in got["error"]
    assert "unchanged" in got["error"] and "Free some space" in got["error"]
    assert got["errno"] == 28 and got["is_oserror"]  # ENOSPC: callers that catch OSError still do
    # The settings writer goes through the same helper: the file stays as it was, and says why.
    assert got["settings_error"].startswith("The disk is full:") and "settings.toml" in got["settings_error"]
    assert got["settings_unchanged"] and got["settings_language"] == "zh"
    # So does a table export: the spreadsheet that was there is still there, whole.
    assert got["tables"] == {name: [True, "the old table"] for name in ("plan.xlsx", "plan.docx", "plan.csv")}
    assert got["left"] == [], "no temporary file is left on the full disk"
    assert not any(disk.iterdir()), "the tmpfs lived only in the private namespace"


def test_disk_full_error_reads_as_a_sentence(tmp_path):
    e = DiskFullError(tmp_path / "x.png", OSError(28, "No space left on device"))
    assert str(e) == (f"The disk is full: {tmp_path / 'x.png'} could not be saved, and the file that was there "
                      "is unchanged. Free some space and try again.")
