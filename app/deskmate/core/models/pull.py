"""Pull: a catalog id or owner/repo[/file] → the files to fetch → a verified, registered model."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from .download import DISK_MARGIN, DownloadControl, Downloader, ProgressFn, human_size
from .hub import HubError, NotEnoughDiskError, NotFoundOnHubError


def split_spec(spec: str) -> tuple[str, str | None]:
    """``owner/repo/path/file.gguf`` → (``owner/repo``, ``path/file.gguf``); ``owner/repo`` → (repo, None)."""
    parts = [p for p in spec.strip().strip("/").split("/") if p]
    if len(parts) < 2:
        raise ValueError(f"{spec!r} is not a model id or owner/repo/file")
    return "/".join(parts[:2]), "/".join(parts[2:]) or None


# --- pull: a catalog id or owner/repo[/file] → a verified, registered model --------------------
_SPLIT = re.compile(r"^(?P<stem>.*)-(?P<i>\d{5})-of-(?P<n>\d{5})\.gguf$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class PullPlan:
    repo_id: str
    files: tuple[str, ...]  # text: the GGUF (every part of a split one); image: the matched files
    kind: str  # "text" | "image" | "embedding"
    entry: Any  # the CatalogEntry, when the model is in the catalog


def _split_parts(filename: str) -> tuple[str, ...]:
    m = _SPLIT.match(filename)
    if not m:
        return (filename,)
    n = int(m.group("n"))
    return tuple(f"{m.group('stem')}-{i:05d}-of-{n:05d}.gguf" for i in range(1, n + 1))


def plan_pull(spec: str, downloader: Downloader, revision: str | None = None) -> PullPlan:
    from .catalog import load_catalog

    catalog = load_catalog()
    entry = catalog.get(spec.strip())
    if entry is not None:
        repo, filename = entry.repo, entry.file
    else:
        try:
            repo, filename = split_spec(spec)
        except ValueError:
            ids = ", ".join(m.id for m in catalog.models)
            raise HubError(f"{spec!r} is neither a catalog model ({ids}) nor owner/repo/file.gguf.") from None
        if filename is None:
            ggufs = [f for f in downloader.list_files(repo, ("*.gguf",), revision) if _split_parts(f)[0] == f]
            if not ggufs:
                raise NotFoundOnHubError(f"{repo} has no .gguf file; Deskmate runs GGUF models.")
            if len(ggufs) > 1:
                shown = ", ".join(ggufs[:8]) + (", …" if len(ggufs) > 8 else "")
                raise HubError(f"{repo} has {len(ggufs)} GGUF files; name one as {repo}/FILE ({shown}).")
            filename = ggufs[0]
        entry = catalog.find_file(repo, filename)
    if entry is not None and entry.kind == "image":
        files = downloader.list_files(entry.repo, entry.files, revision)
        if not files:
            raise NotFoundOnHubError(f"{entry.repo} has none of the files {entry.name} needs.")
        return PullPlan(entry.repo, tuple(files), "image", entry)
    assert filename is not None
    if not filename.lower().endswith(".gguf"):
        raise HubError(f"{filename} is not a .gguf file; Deskmate's chat engine runs GGUF models only.")
    kind = "embedding" if entry is not None and entry.kind == "embedding" else "text"
    return PullPlan(repo, _split_parts(filename), kind, entry)


def pull(
    spec: str,
    *,
    downloader: Downloader | None = None,
    registry: Any = None,
    revision: str | None = None,
    on_progress: ProgressFn | None = None,
    control: DownloadControl | None = None,
) -> Any:
    """Download (resuming), verify, place and register a model; returns the InstalledModel."""
    from deskmate.core.engines.errors import EngineError
    from deskmate.core.engines.gguf_check import check_gguf

    from .registry import InstalledModel, Registry

    registry = registry or Registry()
    downloader = downloader or Downloader(registry.root)
    plan = plan_pull(spec, downloader, revision)
    first = downloader.remote_file(plan.repo_id, plan.files[0], revision)
    # Every other file from the same commit, even if the branch moves meanwhile.
    remotes = [first] + [downloader.remote_file(plan.repo_id, f, first.commit) for f in plan.files[1:]]
    missing = sum(r.size - min(downloader.partial_size(r.repo_id, r.filename), r.size) for r in remotes)
    downloader.models_dir.mkdir(parents=True, exist_ok=True)
    needed, free = missing + DISK_MARGIN, downloader.free_space(downloader.models_dir)
    if free < needed:
        raise NotEnoughDiskError(
            f"Not enough disk space for {spec}: it needs {human_size(needed)} ({needed:,} bytes, including "
            f"{human_size(DISK_MARGIN)} to spare) but {downloader.models_dir} has {human_size(free)} free "
            f"({free:,} bytes). Free some space, or choose a smaller model.",
            needed=needed,
            free=free,
        )
    entry = plan.entry
    base = registry.root / ("images" if plan.kind == "image" else "") / plan.repo_id.replace("/", "--")
    expected = entry.sha256 if entry is not None and plan.kind != "image" and len(remotes) == 1 else None
    paths = []
    for r in remotes:
        path, _ = downloader.download(
            r.repo_id, r.filename, base / r.filename,
            expected_sha256=expected, on_progress=on_progress, control=control, remote=r,
        )
        paths.append(path)
    total = sum(r.size for r in remotes)
    if plan.kind == "image":
        model = InstalledModel(
            id=entry.id, name=entry.name, kind="image", path=str(base), size=total, source="hub",
            repo=plan.repo_id, commit=first.commit, catalog_id=entry.id,
            files={r.filename: f"{r.checksum[0]}:{r.checksum[1]}" for r in remotes},
        )
        return registry.add(model)
    try:
        summary = check_gguf(paths[0])
    except EngineError as e:
        for p in paths:
            p.unlink(missing_ok=True)
        raise HubError(f"{plan.files[0]} downloaded intact but is not a usable model: {e}") from None
    existing = next((m for m in registry.registered() if os.path.abspath(m.path) == os.path.abspath(paths[0])), None)
    model = InstalledModel(
        id=existing.id if existing else (entry.id if entry is not None else registry.new_id(Path(plan.files[0]).stem, paths[0])),
        name=entry.name if entry is not None else summary.name,
        kind=plan.kind,
        path=str(paths[0]),
        size=total,
        source="hub",
        sha256=first.sha256,
        repo=plan.repo_id,
        filename=plan.files[0],
        commit=first.commit,
        catalog_id=entry.id if entry is not None else None,
        # A split GGUF: llama.cpp finds the other parts beside the first one.
        files={Path(r.filename).name: f"{r.checksum[0]}:{r.checksum[1]}" for r in remotes} if len(remotes) > 1 else {},
    )
    return registry.add(model)
