"""What this computer offers a local model: free memory (and the limits on it), cores, memory bandwidth.

Free memory: Linux reads ``MemAvailable`` from /proc/meminfo and the limits of the cgroups
this process is in (v1 or v2, every level up to the root, so a limit set on a parent
counts too); Windows asks ``GlobalMemoryStatusEx`` through ctypes; macOS takes the total
from ``os.sysconf`` and the free+inactive+speculative pages from ``vm_stat``. Where all of
that fails, half of the physical memory is assumed and the source says so. An
address-space limit (``ulimit -v``, RLIMIT_AS) is reported beside it: a memory-mapped
model counts against it in full.

Bandwidth: decoding one token reads every weight once, so the speed of a large model is
about bandwidth ÷ model bytes. It is measured with a float32 matrix-vector product over a
block much larger than the CPU caches, on all cores, and remembered in the cache folder.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

GB = 1000**3
# cgroup v1 writes "no limit" as a huge page-aligned number.
_UNLIMITED = 1 << 60


@dataclasses.dataclass(frozen=True)
class MemoryInfo:
    total: int
    available: int
    source: str
    # Soft RLIMIT_AS of this process (inherited by the engine child), None when unlimited.
    address_space: int | None = None


# --- free memory -----------------------------------------------------------------------------
def system_memory() -> MemoryInfo:
    try:
        if sys.platform.startswith("linux"):
            info = _linux()
        elif sys.platform == "win32":
            info = _windows()
        elif sys.platform == "darwin":
            info = _macos()
        else:
            raise OSError("unknown platform")
    except (OSError, ValueError, subprocess.SubprocessError, AttributeError):
        total = _sysconf_total()
        info = MemoryInfo(total, total // 2, "guess: half of physical memory")
    return dataclasses.replace(info, address_space=address_space_limit())


def address_space_limit() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    if text == "max":
        return None
    value = int(text)
    return None if value >= _UNLIMITED else value


def _stat_field(path: Path, *names: str) -> int:
    try:
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if key in names:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def own_cgroup_dirs(proc_cgroup: str = "/proc/self/cgroup", root: str = "/sys/fs/cgroup") -> list[Path]:
    """The memory-cgroup folders of this process, leaf first, up to the hierarchy's root."""
    try:
        lines = Path(proc_cgroup).read_text().splitlines()
    except OSError:
        return []
    base: Path | None = None
    rel = "/"
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):  # v1 memory hierarchy
            base, rel = Path(root, "memory"), path
            break
        if controllers == "" and Path(root, "cgroup.controllers").exists():  # pure v2
            base, rel = Path(root), path
    if base is None:
        return []
    leaf = base / rel.lstrip("/")
    dirs = [leaf, *leaf.parents]
    return [d for d in dirs if d == base or base in d.parents]


def cgroup_limit(dirs: list[Path]) -> tuple[int, int] | None:
    """(limit, room left) of the tightest memory limit among ``dirs``, or None if there is none.

    Page cache that the kernel can drop (inactive files) does not count as used."""
    best: tuple[int, int] | None = None
    for d in dirs:
        if (d / "memory.max").exists():
            limit, used = _read_int(d / "memory.max"), _read_int(d / "memory.current") or 0
            used -= _stat_field(d / "memory.stat", "inactive_file")
        else:
            limit, used = _read_int(d / "memory.limit_in_bytes"), _read_int(d / "memory.usage_in_bytes") or 0
            used -= _stat_field(d / "memory.stat", "total_inactive_file")
        if limit is None:
            continue
        room = max(limit - max(used, 0), 0)
        if best is None or room < best[1]:
            best = (limit, room)
    return best


def _linux(meminfo: str = "/proc/meminfo", cgroup: str | None = None) -> MemoryInfo:
    """``cgroup``: one cgroup folder to read instead of this process's own ones (tests)."""
    fields: dict[str, int] = {}
    with open(meminfo, encoding="ascii") as f:
        for line in f:
            m = re.match(r"(\w+):\s+(\d+)\s*kB", line)
            if m:
                fields[m.group(1)] = int(m.group(2)) * 1024
    total = fields["MemTotal"]
    available = fields.get("MemAvailable")
    if available is None:  # kernels before 3.14
        available = fields.get("MemFree", 0) + fields.get("Buffers", 0) + fields.get("Cached", 0)
    source = "/proc/meminfo"
    limited = cgroup_limit([Path(cgroup)] if cgroup else own_cgroup_dirs())
    if limited is not None:
        limit, room = limited
        if limit < total:
            total, available = limit, min(available, room)
            source = "cgroup memory limit"
    return MemoryInfo(total, available, source)


def _windows() -> MemoryInfo:
    import ctypes
    from ctypes import wintypes

    class MEMORYSTATUSEX(ctypes.Structure):
        _fields_ = [
            ("dwLength", wintypes.DWORD),
            ("dwMemoryLoad", wintypes.DWORD),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MEMORYSTATUSEX()
    status.dwLength = ctypes.sizeof(MEMORYSTATUSEX)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        raise OSError("GlobalMemoryStatusEx failed")
    return MemoryInfo(status.ullTotalPhys, status.ullAvailPhys, "GlobalMemoryStatusEx")


def _macos() -> MemoryInfo:
    total = _sysconf_total()
    out = subprocess.run(["vm_stat"], capture_output=True, text=True, timeout=5, check=True).stdout
    page = int(re.search(r"page size of (\d+) bytes", out).group(1))  # type: ignore[union-attr]
    pages = 0
    for name in ("Pages free", "Pages inactive", "Pages speculative"):
        m = re.search(rf"{name}:\s+(\d+)", out)
        pages += int(m.group(1)) if m else 0
    return MemoryInfo(total, min(pages * page, total), "vm_stat")


def _sysconf_total() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * GB


# --- cores --------------------------------------------------------------------------------------
def logical_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def physical_cores() -> int:
    """Cores this process may run on, counting hyper-threads once: llama.cpp's threads each want a core."""
    if sys.platform.startswith("linux"):
        try:
            cpus = sorted(os.sched_getaffinity(0))
            cores = set()
            for cpu in cpus:
                topo = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
                package = (topo / "physical_package_id").read_text().strip()
                cores.add((package, (topo / "core_id").read_text().strip()))
            if cores:
                return len(cores)
        except (OSError, ValueError):
            pass
    elif sys.platform == "darwin":
        try:
            out = subprocess.run(["sysctl", "-n", "hw.physicalcpu"], capture_output=True, text=True, timeout=5)
            return max(1, int(out.stdout.strip()))
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    else:
        try:
            import psutil  # type: ignore[import-untyped]

            return int(psutil.cpu_count(logical=False) or logical_cpus())
        except ImportError:
            pass
    return logical_cpus()


# --- memory bandwidth ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Hardware:
    cores: int
    bandwidth: float  # bytes per second, read
    source: str


BANDWIDTH_BLOCK = 256 * 1024**2  # far beyond any CPU cache


def measure_bandwidth(block: int = BANDWIDTH_BLOCK, repeats: int = 5) -> float:
    """Bytes per second a float32 matrix-vector product reads, best of ``repeats``."""
    import numpy as np

    cols = 4096
    a = np.ones((block // 4 // cols, cols), dtype=np.float32)
    v = np.ones(cols, dtype=np.float32)
    a @ v  # touch every page first
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ v
        best = min(best, time.perf_counter() - t0)
    return a.nbytes / best


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware(cache: Path | None = None) -> Hardware:
    """Cores and bandwidth, measured once per machine and kept in ``cache`` (a JSON file)."""
    cores = physical_cores()
    key = {"cpu": _cpu_name(), "cores": cores, "logical": logical_cpus()}
    if cache is not None:
        try:
            data = json.loads(cache.read_text())
            if data.get("key") == key and data.get("bandwidth", 0) > 0:
                return Hardware(cores, float(data["bandwidth"]), f"measured {data.get('when', '')}".strip())
        except (OSError, ValueError, AttributeError):
            pass
    bandwidth = measure_bandwidth()
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps({"key": key, "bandwidth": bandwidth, "when": time.strftime("%Y-%m-%d")}))
        except OSError:
            pass
    return Hardware(cores, bandwidth, "measured now")
