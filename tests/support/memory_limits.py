"""Real memory limits for child processes: a memory cgroup made for them, or an address-space rlimit.

The cgroup is created inside the test process's own memory cgroup (v1 or v2), so it
only ever narrows what the tests already have, and it is removed afterwards.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from deskmate.core.hardware import own_cgroup_dirs

_names = itertools.count()


def address_space_limit(limit: int) -> Callable[[], None]:
    """A ``preexec_fn`` that limits the child's address space (what ``prlimit --as`` does)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def cgroup_problem() -> str | None:
    """Why a memory cgroup cannot be made here, or None."""
    dirs = own_cgroup_dirs()
    if not dirs:
        return "no memory cgroup hierarchy is mounted"
    if not os.access(dirs[0], os.W_OK):
        return f"{dirs[0]} is not writable"
    try:
        with memory_cgroup(64 * 1024**2):
            pass
    except OSError as e:
        return f"cannot create a memory cgroup under {dirs[0]}: {e}"
    return None


class MemoryCgroup:
    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def preexec(self) -> Callable[[], None]:
        """A ``preexec_fn`` that puts the child in this cgroup before it runs anything."""
        procs = str(self.path / "cgroup.procs")

        def join() -> None:
            with open(procs, "w") as f:
                f.write(str(os.getpid()))

        return join

    def oom_kills(self) -> int:
        for name in ("memory.events", "memory.oom_control"):
            try:
                for line in (self.path / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
            except OSError:
                continue
        return 0


@contextlib.contextmanager
def memory_cgroup(limit: int) -> Iterator[MemoryCgroup]:
    parent = own_cgroup_dirs()[0]
    path = parent / f"deskmate-test-{os.getpid()}-{next(_names)}"
    path.mkdir()
    try:
        v2 = (path / "memory.max").exists()
        (path / ("memory.max" if v2 else "memory.limit_in_bytes")).write_text(str(limit))
        yield MemoryCgroup(path)
    finally:
        for _ in range(100):  # the killed children may take a moment to leave
            try:
                path.rmdir()
                break
            except OSError:
                time.sleep(0.05)
