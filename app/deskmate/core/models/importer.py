"""Import a GGUF file the person already has: check it, then copy or link it into the models folder.

The check has two steps. The header check (:func:`check_gguf`) is instant and catches
empty, foreign and truncated files. A file can pass it and still abort llama.cpp the
moment it generates (a broken tokenizer does), killing whatever process loaded it, so
the second step loads the model and generates one token in a throw-away child: the
engine host (``python -m deskmate.core.engines.host``), which warms the model up before
it reports "loaded". Only a file that survives that is placed and registered.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Literal

from deskmate.core.engines.errors import EngineStartError, ModelInvalidError, ModelNotFoundError
from deskmate.core.engines.gguf_check import check_gguf
from deskmate.core.engines.protocol import KEY_ENV
from deskmate.core.engines.supervisor import describe_exit
from deskmate.core.fs import atomic_write

from .registry import InstalledModel, Registry, RegistryError

Mode = Literal["auto", "copy", "symlink"]
HashProgress = Callable[[int, int], None]  # bytes done, bytes total


@dataclasses.dataclass(frozen=True)
class LoadCheck:
    seconds: float
    log_tail: str = ""


def check_loads(
    path: str | os.PathLike[str], *, timeout: float = 300.0, threads: int = 0, n_ctx: int = 512
) -> LoadCheck:
    """Load the model and generate one token in a child process; raise a typed error if it cannot.

    ModelInvalidError: the file is broken (llama.cpp refused it or crashed on it).
    EngineStartError: the check itself could not run or took too long (not the file's fault).
    """
    p = Path(path).expanduser()
    check_gguf(p)
    cmd = [
        sys.executable, "-m", "deskmate.core.engines.host",
        "--model", str(p), "--host", "127.0.0.1", "--port", "0",
        "--n-ctx", str(n_ctx), "--threads", str(threads), "--alias", "import-check",
    ]
    env = dict(os.environ)
    env[KEY_ENV] = secrets.token_urlsafe(16)
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, close_fds=True
        )
    except OSError as e:
        raise EngineStartError(f"Could not start the model check: {e.strerror or e}.") from None
    events: queue.Queue[dict | None] = queue.Queue()
    log: list[bytes] = []

    def read_events() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                events.put(json.loads(raw))
            except ValueError:
                pass
        events.put(None)

    def read_log() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            log.append(raw)
            del log[:-40]

    threading.Thread(target=read_events, daemon=True).start()
    threading.Thread(target=read_log, daemon=True).start()
    stage, error, ok = "starting", None, False
    deadline = started + timeout
    try:
        while True:
            try:
                ev = events.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                raise EngineStartError(
                    f"Checking {p.name} took longer than {timeout:g} s; the computer may be short of memory."
                ) from None
            if ev is None:
                break
            kind = ev.get("event")
            if kind in ("loading", "warmup", "loaded"):
                stage = kind
            elif kind == "error":
                error = (str(ev.get("kind")), str(ev.get("message")))
            if kind in ("loaded", "listening"):
                ok = True  # the warm-up generated a token before "loaded"
                break
    finally:
        _stop(proc)
    tail = b"".join(log[-10:]).decode("utf-8", "replace")
    if ok:
        return LoadCheck(time.monotonic() - started, tail)
    code = proc.returncode
    if error and error[0] == "model_invalid":
        raise ModelInvalidError(error[1])
    if error:
        raise EngineStartError(error[1])
    if stage == "warmup" or code in (134, -signal.SIGABRT):
        raise ModelInvalidError(
            f"{p.name} loaded, then crashed llama.cpp on its first test ({describe_exit(code)}). "
            "The file is damaged or not supported; it was not imported."
        )
    raise ModelInvalidError(
        f"llama.cpp stopped while loading {p.name} ({describe_exit(code)}). The file is damaged or not supported, "
        "or the computer is short of memory."
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None and proc.stdin:
        try:
            proc.stdin.close()  # the host exits when its stdin closes
        except OSError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def sha256_file(path: Path, on_progress: HashProgress | None = None) -> str:
    h = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(8 << 20), b""):
            h.update(block)
            done += len(block)
            if on_progress:
                on_progress(done, total)
    return h.hexdigest()


def _copy_hashing(src: Path, dest: Path, on_progress: HashProgress | None) -> str:
    h = hashlib.sha256()
    total = src.stat().st_size

    def copy(fout: BinaryIO) -> None:
        done = 0
        with src.open("rb") as fin:
            for block in iter(lambda: fin.read(8 << 20), b""):
                fout.write(block)
                h.update(block)
                done += len(block)
                if on_progress:
                    on_progress(done, total)

    atomic_write(dest, copy)
    return h.hexdigest()


def import_model(
    path: str | os.PathLike[str],
    *,
    registry: Registry | None = None,
    mode: Mode = "auto",
    check: bool = True,
    name: str | None = None,
    timeout: float = 300.0,
    on_progress: HashProgress | None = None,
    free_space: Callable[[Path], int] | None = None,
) -> InstalledModel:
    """Check ``path`` and install it under ``<models>/imported/``.

    mode ``auto`` makes a hard link when the file is on the same disk (no space used, and
    the model survives the original being deleted) and copies otherwise; ``copy`` always
    copies; ``symlink`` leaves the file where it is and points to it.
    """
    src = Path(path).expanduser()
    if not src.exists():
        raise ModelNotFoundError(f"Model file not found: {src}.")
    summary = check_gguf(src)
    if check:
        check_loads(src, timeout=timeout)
    registry = registry or Registry()
    for m in registry.list():
        if m.original and _same_file(Path(m.original), src) and m.present:
            return m  # imported before; importing twice would only waste disk
    folder = registry.root / "imported"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / src.name
    n = 2
    while dest.exists() or dest.is_symlink():
        dest = folder / f"{src.stem}-{n}{src.suffix}"
        n += 1
    try:
        link, digest = _place(src, dest, mode, summary.size, on_progress, free_space)
    except OSError as e:
        raise RegistryError(
            f"Cannot put {src.name} into {folder}: {e.strerror or e}."
            + (" Try again with a copy instead of a link." if mode == "symlink" else "")
        ) from None
    model = InstalledModel(
        id=registry.new_id(name or src.stem, dest),
        name=name or summary.name,
        kind="text",
        path=str(dest),
        size=summary.size,
        source="import",
        sha256=digest,
        filename=src.name,
        original=str(src.resolve()),
        link=link,
    )
    return registry.add(model)


def _place(
    src: Path, dest: Path, mode: Mode, size: int, on_progress: HashProgress | None,
    free_space: Callable[[Path], int] | None,
) -> tuple[Literal["copy", "hardlink", "symlink"], str]:
    link: Literal["copy", "hardlink", "symlink"]
    folder = dest.parent
    if mode == "symlink":
        os.symlink(src.resolve(), dest)
        link = "symlink"
        digest = sha256_file(src, on_progress)
    else:
        linked = False
        if mode == "auto":
            try:
                os.link(src, dest)
                linked = True
            except OSError:
                pass
        if linked:
            link = "hardlink"
            digest = sha256_file(dest, on_progress)
        else:
            free = (free_space or (lambda p: shutil.disk_usage(p).free))(folder)
            if free < size:
                raise RegistryError(
                    f"Not enough disk space to copy {src.name}: it needs {size:,} bytes and "
                    f"{folder} has {free:,} free. Free some space, or import it as a link (--link)."
                )
            link = "copy"
            digest = _copy_hashing(src, dest, on_progress)
    return link, digest


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
