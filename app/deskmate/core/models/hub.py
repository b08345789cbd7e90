"""Where model files live and what they must be: the hub address and offline switch, a remote
file's size, commit and checksum, and the errors a download can end in (written for the person
in front of the app).

The hub address is passed explicitly everywhere: huggingface_hub reads ``HF_ENDPOINT``
once at import, which is too early for a setting the user changes while the app runs.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from deskmate.core.settings import DEFAULT_HUB, SettingsError, clean_hub_address, load_settings

DEFAULT_ENDPOINT = DEFAULT_HUB


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


def _http() -> Any:
    """huggingface_hub 2.x talks through httpx2, 1.x through httpx: use whichever its session is."""
    try:
        import httpx2
    except ImportError:  # huggingface_hub 1.x
        import httpx as httpx2  # type: ignore[no-redef]
    return httpx2
