"""Download model files from the Hugging Face Hub (or a mirror) so that no finished byte is fetched twice.

huggingface_hub tells us where a file is and what it must be: ``hf_hub_url`` builds the
address, ``get_hf_file_metadata`` (a HEAD) gives size, ETag and commit, and
``HfApi.get_paths_info`` gives the SHA-256 of an LFS file. We do not let it fetch the
body: since 1.18 ``hf_hub_download`` deletes its partial file when anything fails, so a
killed app or a dropped network would start a 5 GB download from zero. Instead the bytes
go to our own ``.part`` file, and whatever is missing is asked for with an HTTP Range
request through huggingface_hub's own HTTP session (same proxies, token, user agent).

On disk, beside the models: ``.partial/<repo>--<file>.part`` and a ``.json`` that says
which file (SHA-256 and size) the part belongs to. A part whose remote file changed is
discarded. A finished file is hashed, compared with the hub's SHA-256, and only then
moved into place with one atomic rename.

The hub address is passed explicitly everywhere: huggingface_hub reads ``HF_ENDPOINT``
once at import, which is too early for a setting the user changes while the app runs.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from deskmate.core.fs import atomic_write, fsync_dir
from deskmate.core.settings import DEFAULT_HUB, SettingsError, clean_hub_address, load_settings

from .registry import file_checksum

DEFAULT_ENDPOINT = DEFAULT_HUB
CHUNK = 1 << 20
# Room left on the disk beyond the file itself (the registry, logs, the OS).
DISK_MARGIN = 64 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX40 = re.compile(r"^[0-9a-f]{40}$")


# --- errors ---------------------------------------------------------------------------
class DownloadError(Exception):
    """Base class; the message is written for the person in front of the app."""


class OfflineError(DownloadError):
    """Offline mode is on: nothing was sent over the network."""


class NetworkError(DownloadError):
    """The hub could not be reached, or the connection kept failing. Partial data is kept."""


class HubError(DownloadError):
    """The hub (or mirror) answered, but not with what we need."""


class NotFoundOnHubError(HubError):
    """No such repository, revision or file (or it is private or gated)."""


class NotEnoughDiskError(DownloadError):
    def __init__(self, message: str, *, needed: int, free: int) -> None:
        super().__init__(message)
        self.needed = needed
        self.free = free


class ChecksumMismatchError(DownloadError):
    """The downloaded bytes are not the file the hub describes; nothing was installed."""


class DownloadCancelled(DownloadError):
    """Stopped on request; the partial file is kept for a later resume."""


class DownloadBusyError(DownloadError):
    """Another Deskmate process is downloading the same file."""


# --- settings -------------------------------------------------------------------------
_TRUE = {"1", "true", "yes", "on"}


@dataclasses.dataclass(frozen=True)
class HubConfig:
    endpoint: str = DEFAULT_ENDPOINT
    offline: bool = False
    # None: huggingface_hub's stored login (HF_TOKEN or `hf auth login`), needed for gated repos.
    token: str | bool | None = dataclasses.field(default=None, repr=False)


def hub_config(
    *, endpoint: str | None = None, offline: bool | None = None, settings_path: Path | None = None
) -> HubConfig:
    """Arguments beat the environment (HF_ENDPOINT, HF_HUB_OFFLINE) beat settings.toml.

    The hub address is ``[models] hf_endpoint``; offline is ``[app] offline``, the one switch
    that also keeps remote servers off.
    """
    settings = load_settings(settings_path)
    if endpoint is None:
        endpoint = os.environ.get("HF_ENDPOINT") or None
        if endpoint:
            try:
                endpoint = clean_hub_address(endpoint)
            except SettingsError as e:
                raise SettingsError(f"The HF_ENDPOINT environment variable: {e}") from None
    else:
        endpoint = clean_hub_address(endpoint)
    if offline is None:
        env = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("DESKMATE_OFFLINE")
        if env is not None and env.strip():
            offline = env.strip().lower() in _TRUE
    if offline is None:
        offline = settings.app.offline
    return HubConfig(endpoint=endpoint or settings.models.hf_endpoint or DEFAULT_ENDPOINT, offline=offline)


# --- what a remote file is --------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class RemoteFile:
    repo_id: str
    filename: str
    commit: str
    size: int
    # LFS files carry a SHA-256; small git files only their git blob id (a SHA-1 of "blob <n>\0" + bytes).
    sha256: str | None
    git_oid: str | None
    url: str  # pinned to the commit, so every Range request reads the same bytes

    @property
    def checksum(self) -> tuple[str, str]:
        return ("sha256", self.sha256) if self.sha256 else ("git-sha1", self.git_oid or "")


@dataclasses.dataclass(frozen=True)
class Progress:
    filename: str
    done: int  # bytes on disk
    total: int
    fetched: int  # bytes received in this run
    speed: float  # bytes per second, smoothed
    eta: float | None  # seconds left at this speed
    state: str  # checking | downloading | paused | retrying | verifying | done

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


ProgressFn = Callable[[Progress], None]


class DownloadControl:
    """Pause, resume and cancel a running download from another thread (the GUI's buttons)."""

    def __init__(self) -> None:
        self._run = threading.Event()
        self._run.set()
        self._cancel = threading.Event()

    def pause(self) -> None:
        self._run.clear()

    def resume(self) -> None:
        self._run.set()

    def cancel(self) -> None:
        self._cancel.set()
        self._run.set()

    @property
    def paused(self) -> bool:
        return not self._run.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if cancelled meanwhile."""
        return self._cancel.wait(seconds)

    def wait_running(self) -> None:
        self._run.wait()


class _Meter:
    """Speed over the last few seconds, so a stall shows quickly and a burst does not mislead."""

    def __init__(self, window: float = 4.0) -> None:
        self.window = window
        self.samples: list[tuple[float, int]] = []

    def add(self, now: float, total_fetched: int) -> None:
        self.samples.append((now, total_fetched))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window:
            self.samples.pop(0)

    def speed(self) -> float:
        if len(self.samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self.samples[0], self.samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def split_spec(spec: str) -> tuple[str, str | None]:
    """``owner/repo/path/file.gguf`` → (``owner/repo``, ``path/file.gguf``); ``owner/repo`` → (repo, None)."""
    parts = [p for p in spec.strip().strip("/").split("/") if p]
    if len(parts) < 2:
        raise ValueError(f"{spec!r} is not a model id or owner/repo/file")
    return "/".join(parts[:2]), "/".join(parts[2:]) or None


def partial_name(repo_id: str, filename: str) -> str:
    return f"{repo_id}/{filename}".replace("/", "--")


@dataclasses.dataclass(frozen=True)
class PartialFile:
    """A download that stopped before its end; pulling the same file resumes it."""

    repo_id: str
    filename: str
    done: int  # bytes on disk
    total: int


class Downloader:
    """Fetches files of hub repositories into ``models_dir``; see the module docstring."""

    def __init__(
        self,
        models_dir: Path,
        config: HubConfig | None = None,
        *,
        free_space: Callable[[Path], int] | None = None,
        chunk_size: int = CHUNK,
        timeout: float = 30.0,
        max_retries: int = 5,
        retry_wait: float = 1.0,
    ) -> None:
        self.models_dir = Path(models_dir)
        self.config = config or hub_config()
        # Injectable so tests (and a GUI "what if") can probe without filling a disk.
        self.free_space = free_space or (lambda p: shutil.disk_usage(p).free)
        self.chunk_size = chunk_size
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_wait = retry_wait

    @property
    def partial_dir(self) -> Path:
        return self.models_dir / ".partial"

    def _where(self) -> str:
        return "Hugging Face" if self.config.endpoint == DEFAULT_ENDPOINT else self.config.endpoint

    def _ensure_online(self, what: str) -> None:
        if self.config.offline:
            raise OfflineError(
                f"Deskmate is in offline mode, so it did not contact the hub for {what}. Turn offline mode off "
                "(File → Settings, or offline = false under [app] in settings.toml; and unset HF_HUB_OFFLINE) "
                "or import a model file you have."
            )

    # --- talking to the hub ---------------------------------------------------------
    @contextmanager
    def _hub_errors(self, what: str) -> Iterator[None]:
        from huggingface_hub import errors as hf

        httpx2 = _http()

        try:
            yield
        except hf.OfflineModeIsEnabled:
            raise OfflineError(
                f"huggingface_hub is in offline mode (HF_HUB_OFFLINE), so {what} cannot be fetched."
            ) from None
        except hf.GatedRepoError:
            raise NotFoundOnHubError(
                f"{what} is gated: accept its license on the model's web page, then log in with `hf auth login`."
            ) from None
        except hf.RepositoryNotFoundError:
            raise NotFoundOnHubError(
                f"{self._where()} has no repository for {what} (or it is private and needs a login)."
            ) from None
        except hf.RevisionNotFoundError:
            raise NotFoundOnHubError(f"{self._where()} has no such revision for {what}.") from None
        except hf.RemoteEntryNotFoundError:
            raise NotFoundOnHubError(f"{self._where()} has no file {what}.") from None
        except hf.HfHubHTTPError as e:
            status = e.response.status_code if e.response is not None else "?"
            raise HubError(f"{self._where()} refused {what} (HTTP {status}). Try again later.") from None
        except httpx2.TransportError as e:
            raise NetworkError(
                f"Cannot reach {self.config.endpoint} for {what}: {e or type(e).__name__}. "
                "Check the network connection or the mirror setting (HF_ENDPOINT)."
            ) from None

    def remote_file(self, repo_id: str, filename: str, revision: str | None = None) -> RemoteFile:
        """Size, commit and checksum of one file, from a HEAD and the paths-info API."""
        what = f"{repo_id}/{filename}"
        self._ensure_online(what)
        from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_url
        from huggingface_hub.hf_api import RepoFile

        endpoint = self.config.endpoint
        url = hf_hub_url(repo_id, filename, revision=revision, endpoint=endpoint)
        with self._hub_errors(what):
            meta = get_hf_file_metadata(url, token=self.config.token, timeout=self.timeout, endpoint=endpoint)
        commit = (meta.commit_hash or "").lower()
        if not _HEX40.match(commit):
            raise HubError(
                f"{self._where()} did not say which version of {what} it serves (no X-Repo-Commit header). "
                "Is the address a Hugging Face mirror?"
            )
        with self._hub_errors(what):
            infos = HfApi(endpoint=endpoint, token=self.config.token).get_paths_info(
                repo_id, [filename], revision=commit
            )
        info = next((i for i in infos if isinstance(i, RepoFile) and i.path == filename), None)
        etag = (meta.etag or "").lower()
        sha256 = info.lfs.sha256.lower() if info is not None and info.lfs is not None else None
        if sha256 is None and _HEX64.match(etag):
            sha256 = etag  # an LFS file's ETag is its SHA-256
        git_oid = info.blob_id.lower() if info is not None and info.lfs is None and info.blob_id else None
        if sha256 is None and git_oid is None and _HEX40.match(etag):
            git_oid = etag
        size = meta.size if meta.size is not None else (info.size if info is not None else None)
        if size is None or size < 0:
            raise HubError(f"{self._where()} did not give the size of {what}.")
        if info is not None and info.size is not None and info.size != size:
            raise HubError(
                f"{self._where()} gives two sizes for {what} ({info.size:,} and {size:,} bytes); not downloading it."
            )
        if sha256 is None and git_oid is None:
            raise HubError(
                f"{self._where()} gives no checksum for {what}; Deskmate only installs files it can verify."
            )
        pinned = hf_hub_url(repo_id, filename, revision=commit, endpoint=endpoint)
        return RemoteFile(repo_id, filename, commit, size, sha256, git_oid, pinned)

    def list_files(self, repo_id: str, patterns: tuple[str, ...] | None = None, revision: str | None = None) -> list[str]:
        """Files of a repository (optionally only those matching glob patterns), from the model API."""
        self._ensure_online(repo_id)
        from huggingface_hub import HfApi

        with self._hub_errors(repo_id):
            info = HfApi(endpoint=self.config.endpoint, token=self.config.token).model_info(
                repo_id, revision=revision, timeout=self.timeout
            )
        names = [s.rfilename for s in info.siblings or []]
        if patterns:
            names = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
        return sorted(names)

    # --- the partial file ---------------------------------------------------------------
    def _part_paths(self, repo_id: str, filename: str) -> tuple[Path, Path]:
        base = self.partial_dir / partial_name(repo_id, filename)
        return base.with_name(base.name + ".part"), base.with_name(base.name + ".json")

    def partial_size(self, repo_id: str, filename: str) -> int:
        """Bytes already on disk for this file (0 if none): the GUI shows it as a resumable download."""
        part, _ = self._part_paths(repo_id, filename)
        try:
            return part.stat().st_size
        except OSError:
            return 0

    def pending(self) -> list[PartialFile]:
        """The partial downloads kept on disk (by file name); unreadable and empty ones are left out."""
        found = []
        folder = self.partial_dir
        for sidecar in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                info = json.loads(sidecar.read_text(encoding="utf-8"))
                repo_id, filename, total = str(info["repo"]), str(info["file"]), int(info["size"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            done = self.partial_size(repo_id, filename)
            if done > 0:
                found.append(PartialFile(repo_id, filename, done, total))
        return found

    def discard_partial(self, repo_id: str, filename: str) -> None:
        for p in self._part_paths(repo_id, filename):
            p.unlink(missing_ok=True)

    def _prepare_part(self, remote: RemoteFile) -> tuple[Path, Path, int]:
        part, sidecar = self._part_paths(remote.repo_id, remote.filename)
        want = {"repo": remote.repo_id, "file": remote.filename, "size": remote.size, "checksum": list(remote.checksum)}
        try:
            have = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            have = None
        size = part.stat().st_size if part.exists() else 0
        if have != want or size > remote.size:
            # A part of another version (or of unknown origin) is worthless: start over.
            part.unlink(missing_ok=True)
            size = 0
            sidecar.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(sidecar, json.dumps(want), durable=False)
        return part, sidecar, size

    def _check_disk(self, remote: RemoteFile, have: int) -> None:
        needed = remote.size - have + DISK_MARGIN
        free = self.free_space(self.partial_dir)
        if free < needed:
            raise NotEnoughDiskError(
                f"Not enough disk space for {remote.filename}: it needs {human_size(needed)} "
                f"({needed:,} bytes, including {human_size(DISK_MARGIN)} to spare) but {self.models_dir} has "
                f"{human_size(free)} free ({free:,} bytes). Free some space, or choose a smaller model.",
                needed=needed,
                free=free,
            )

    # --- the download -------------------------------------------------------------------
    def download(
        self,
        repo_id: str,
        filename: str,
        dest: Path,
        *,
        revision: str | None = None,
        expected_sha256: str | None = None,
        on_progress: ProgressFn | None = None,
        control: DownloadControl | None = None,
        remote: RemoteFile | None = None,
    ) -> tuple[Path, RemoteFile]:
        """Fetch one file to ``dest`` (atomically); resume a partial download if there is one."""
        import filelock

        remote = remote or self.remote_file(repo_id, filename, revision)
        if expected_sha256 and remote.sha256 != expected_sha256.lower():
            raise ChecksumMismatchError(
                f"The hub's {filename} (SHA-256 {remote.sha256 or 'unknown'}) is not the file Deskmate's catalog "
                f"names ({expected_sha256}). The repository or the mirror changed it; not downloading."
            )
        control = control or DownloadControl()
        dest = Path(dest)
        in_place = dest.exists() and dest.stat().st_size == remote.size
        if in_place and file_checksum(dest, remote.checksum[0]) == remote.checksum[1]:
            return dest, remote  # already installed: not a byte to fetch
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        part, sidecar = self._part_paths(repo_id, filename)
        lock = filelock.FileLock(str(part) + ".lock")
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            raise DownloadBusyError(f"{filename} is already being downloaded by another Deskmate window or command.") from None
        try:
            part, sidecar, have = self._prepare_part(remote)
            self._check_disk(remote, have)
            hasher = _hasher(remote)
            if have:
                _emit(on_progress, remote, have, 0, 0.0, "checking")
                with part.open("rb") as f:
                    for block in iter(lambda: f.read(4 << 20), b""):
                        hasher.update(block)
            self._fetch(remote, part, have, hasher, on_progress, control)
            _emit(on_progress, remote, remote.size, 0, 0.0, "verifying")
            digest = hasher.hexdigest()
            if digest != remote.checksum[1]:
                part.unlink(missing_ok=True)
                sidecar.unlink(missing_ok=True)
                raise ChecksumMismatchError(
                    f"{filename} arrived damaged: its checksum is {digest} but the hub says {remote.checksum[1]}. "
                    "It was not installed and the damaged copy was deleted; download it again."
                )
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(part, dest)
            except OSError as e:
                raise DownloadError(
                    f"{filename} was downloaded and verified but could not be put in place ({e.strerror or e}); "
                    "close any program using the old file and try again."
                ) from None
            fsync_dir(dest.parent)
            sidecar.unlink(missing_ok=True)
            _emit(on_progress, remote, remote.size, 0, 0.0, "done")
            return dest, remote
        finally:
            lock.release()  # the lock file stays: deleting it would race with a waiting process

    def _fetch(
        self,
        remote: RemoteFile,
        part: Path,
        have: int,
        hasher: _Hasher,
        on_progress: ProgressFn | None,
        control: DownloadControl,
    ) -> None:
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        httpx2 = _http()

        headers = build_hf_headers(token=self.config.token)
        headers["Accept-Encoding"] = "identity"  # Range counts raw bytes
        timeout = httpx2.Timeout(self.timeout, connect=min(self.timeout, 15.0))
        meter = _Meter()
        fetched = 0
        failures = 0
        last_emit = 0.0
        start = time.monotonic()
        meter.add(start, 0)
        with part.open("ab") as out:
            while have < remote.size:
                if control.paused:
                    _emit(on_progress, remote, have, fetched, 0.0, "paused")
                    control.wait_running()
                if control.cancelled:
                    raise DownloadCancelled(
                        f"Download of {remote.filename} stopped; {human_size(have)} of {human_size(remote.size)} "
                        "kept, and it resumes from there."
                    )
                self._ensure_online(remote.filename)
                progressed = False
                try:
                    with get_session().stream(
                        "GET",
                        remote.url,
                        headers={**headers, "Range": f"bytes={have}-"},
                        timeout=timeout,
                        follow_redirects=True,
                    ) as r:
                        if r.status_code in _TRANSIENT:
                            raise _Transient(f"the server answered HTTP {r.status_code}")
                        if r.status_code == 416:
                            raise HubError(f"{self._where()} cannot serve {remote.filename} past byte {have:,}.")
                        with self._hub_errors(f"{remote.repo_id}/{remote.filename}"):
                            hf_raise_for_status(r)
                        if r.status_code == 200 and have:
                            # The server ignored Range: keep nothing rather than a mixed file.
                            out.seek(0)
                            out.truncate()
                            hasher.reset()
                            have = 0
                        elif r.status_code == 206:
                            start_at = _content_range_start(r.headers.get("Content-Range"))
                            if start_at != have:
                                raise HubError(
                                    f"{self._where()} answered a resume of {remote.filename} at the wrong place "
                                    f"(byte {start_at} instead of {have})."
                                )
                        for chunk in r.iter_bytes(self.chunk_size):
                            if not chunk:
                                continue
                            if have + len(chunk) > remote.size:
                                raise HubError(f"{self._where()} sent more of {remote.filename} than its size.")
                            out.write(chunk)
                            hasher.update(chunk)
                            have += len(chunk)
                            fetched += len(chunk)
                            progressed = True
                            now = time.monotonic()
                            meter.add(now, fetched)
                            if now - last_emit >= 0.2:
                                last_emit = now
                                speed = meter.speed()
                                _emit(on_progress, remote, have, fetched, speed, "downloading")
                            if control.paused or control.cancelled:
                                break  # closes the connection; the loop above waits or stops
                    out.flush()
                    if have < remote.size and not (control.paused or control.cancelled) and not progressed:
                        raise _Transient("the server closed the connection without sending data")
                except (httpx2.TransportError, _Transient) as e:
                    out.flush()
                    failures = 0 if progressed else failures + 1
                    if failures > self.max_retries:
                        raise NetworkError(
                            f"The download of {remote.filename} keeps failing ({e or type(e).__name__}). "
                            f"{human_size(have)} of {human_size(remote.size)} are kept; try again later and it resumes."
                        ) from None
                    _emit(on_progress, remote, have, fetched, 0.0, "retrying")
                    if control.wait(min(self.retry_wait * 2 ** max(failures - 1, 0), 30.0)):
                        continue
            out.flush()
            os.fsync(out.fileno())
        _emit(on_progress, remote, have, fetched, meter.speed(), "downloading")


def _http() -> Any:
    """huggingface_hub 2.x talks through httpx2, 1.x through httpx: use whichever its session is."""
    try:
        import httpx2
    except ImportError:  # huggingface_hub 1.x
        import httpx as httpx2  # type: ignore[no-redef]
    return httpx2


_TRANSIENT = frozenset({408, 429, 500, 502, 503, 504})


class _Transient(Exception):
    """A busy or briefly failing server: wait and ask again, like a dropped connection."""


class _Hasher:
    """sha256 of the bytes, or git's blob id (sha1 of a "blob <size>\\0" header and the bytes)."""

    def __init__(self, kind: str, size: int) -> None:
        self.kind = kind
        self.size = size
        self.h = hashlib.sha256() if kind == "sha256" else hashlib.sha1(b"blob %d\0" % size)

    def update(self, data: bytes) -> None:
        self.h.update(data)

    def hexdigest(self) -> str:
        return self.h.hexdigest()

    def reset(self) -> None:
        self.h = _Hasher(self.kind, self.size).h


def _hasher(remote: RemoteFile) -> _Hasher:
    return _Hasher(remote.checksum[0], remote.size)


def _content_range_start(value: str | None) -> int | None:
    m = re.match(r"bytes (\d+)-", value or "")
    return int(m.group(1)) if m else None


def _emit(fn: ProgressFn | None, remote: RemoteFile, done: int, fetched: int, speed: float, state: str) -> None:
    if fn is None:
        return
    eta = (remote.size - done) / speed if speed > 0 else None
    try:
        fn(Progress(remote.filename, done, remote.size, fetched, speed, eta, state))
    except Exception:  # a broken progress view must not break the download
        pass


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
