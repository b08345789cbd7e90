"""Model downloads against a stand-in hub on 127.0.0.1 that speaks huggingface_hub's protocol."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from deskmate.core.models import download as dl
from deskmate.core.models.download import DownloadControl, Downloader
from deskmate.core.models.hub import (
    ChecksumMismatchError,
    DownloadCancelled,
    HubConfig,
    HubError,
    NetworkError,
    NotEnoughDiskError,
    NotFoundOnHubError,
    OfflineError,
    hub_config,
)
from deskmate.core.models.pull import pull
from deskmate.core.models.registry import Registry, verify
from deskmate.core.settings import SettingsError
from hub_standin import HubStandin, make_gguf

TINY = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMALL = "small-f16.gguf"


@pytest.fixture(scope="module")
def small_gguf(tmp_path_factory) -> Path:
    return make_gguf(tmp_path_factory.mktemp("standin") / SMALL, megabytes=16)


@pytest.fixture(scope="module")
def hub(tiny_model: Path, small_gguf: Path):
    h = HubStandin()
    h.add_file("test-org/tiny-GGUF", TINY, tiny_model)
    h.add_file("test-org/tiny-GGUF", "README.md", b"# tiny\n", lfs=False)
    h.add_file("test-org/small-GGUF", SMALL, small_gguf)
    h.add_file("test-org/damaged-GGUF", SMALL, small_gguf, corrupt_byte_at=small_gguf.stat().st_size // 2)
    h.add_file("test-org/two-GGUF", "a-Q4_K_M.gguf", small_gguf)
    h.add_file("test-org/two-GGUF", "a-Q8_0.gguf", small_gguf)
    # A mirror serving something else under a catalog model's name: the catalog's SHA-256 pin must refuse it.
    h.add_file("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf", small_gguf)
    # A diffusers-style image repo: only the catalog's fp16 files may be fetched.
    for name, data in {
        "model_index.json": b'{"_class_name": "StableDiffusionPipeline"}',
        "scheduler/scheduler_config.json": b"{}",
        "tokenizer/vocab.json": b"{}",
        "text_encoder/config.json": b"{}",
        "unet/config.json": b"{}",
        "vae/config.json": b"{}",
    }.items():
        h.add_file("stabilityai/sd-turbo", name, data, lfs=False)
    for name in ("text_encoder/model", "unet/diffusion_pytorch_model", "vae/diffusion_pytorch_model"):
        h.add_file("stabilityai/sd-turbo", f"{name}.fp16.safetensors", os.urandom(50_000))
        h.add_file("stabilityai/sd-turbo", f"{name}.safetensors", os.urandom(100_000))  # fp32: not wanted
    h.add_file("stabilityai/sd-turbo", "sd_turbo.safetensors", os.urandom(200_000))  # single-file: not wanted
    with h:
        yield h


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _downloader(root: Path, hub: HubStandin, **kw) -> Downloader:
    return Downloader(root, HubConfig(endpoint=hub.url), retry_wait=0.05, **kw)


def test_full_download_verifies_and_lands_atomically(hub_standin, tmp_path, tiny_model):
    reg = Registry(tmp_path / "models")
    dest = reg.root / "test-org--tiny-GGUF" / TINY
    seen_dest_early = []

    def progress(p):
        if p.state == "downloading":
            seen_dest_early.append(dest.exists())

    model = pull(f"test-org/tiny-GGUF/{TINY}", downloader=_downloader(reg.root, hub_standin), registry=reg,
                 on_progress=progress)
    assert Path(model.path) == dest
    assert _sha(dest) == _sha(tiny_model) == model.sha256
    assert seen_dest_early and not any(seen_dest_early), "the file appeared before it was verified"
    assert hub_standin.bytes_sent == tiny_model.stat().st_size
    assert not list((reg.root / ".partial").glob("*.part"))
    assert reg.get(model.id).repo == "test-org/tiny-GGUF" and len(model.commit) == 40
    assert verify(model).ok
    # Pulling again finds it in place: no byte is fetched a second time.
    hub_standin.reset_counters()
    pull(f"test-org/tiny-GGUF/{TINY}", downloader=_downloader(reg.root, hub_standin), registry=reg)
    assert hub_standin.bytes_sent == 0
    assert [m.id for m in reg.registered()] == [model.id]


def _part_file(home: Path, repo: str, filename: str) -> Path:
    return home / "data" / "models" / ".partial" / (dl.partial_name(repo, filename) + ".part")


def test_killed_download_resumes_without_refetching_finished_bytes(hub_standin, tmp_path, small_gguf):
    """The download process is SIGKILLed mid-file; the next run fetches only what is missing."""
    size = small_gguf.stat().st_size
    env = dict(os.environ, DESKMATE_HOME=str(tmp_path), HF_ENDPOINT=hub_standin.url)
    cmd = [sys.executable, "-m", "deskmate", "models", "pull", f"test-org/small-GGUF/{SMALL}"]
    part = _part_file(tmp_path, "test-org/small-GGUF", SMALL)
    hub_standin.throttle = 6 << 20  # about 3 s for the whole file
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (part.exists() and part.stat().st_size >= size // 2):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the download never got half way"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    kept = part.stat().st_size
    assert size // 2 <= kept < size

    hub_standin.reset_counters()
    hub_standin.throttle = None
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    installed = tmp_path / "data" / "models" / "test-org--small-GGUF" / SMALL
    assert _sha(installed) == _sha(small_gguf)
    remainder = size - kept
    assert remainder <= hub_standin.bytes_sent < remainder + dl.CHUNK
    ranges = [r for m, p, r in hub_standin.requests if p.startswith("/cdn/")]
    assert ranges == [f"bytes={kept}-"]
    assert not part.exists()


def test_ctrl_c_leaves_a_resumable_partial_file(hub_standin, tmp_path, small_gguf):
    env = dict(os.environ, DESKMATE_HOME=str(tmp_path), HF_ENDPOINT=hub_standin.url)
    part = _part_file(tmp_path, "test-org/small-GGUF", SMALL)
    # 1 MB/s: the Ctrl+C lands with ~15 s of the 16 MB still to come, even on a machine so busy that
    # the signal waits seconds to be handled (at 4 MB/s and load 9 the download once finished first).
    hub_standin.throttle = 1 << 20
    proc = subprocess.Popen([sys.executable, "-m", "deskmate", "models", "pull", f"test-org/small-GGUF/{SMALL}"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (part.exists() and part.stat().st_size >= 1 << 20):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1].startswith("deskmate: download interrupted;")
    assert "Run the same command to resume" in err
    assert 0 < part.stat().st_size < small_gguf.stat().st_size


def test_dropped_connections_resume_in_place(hub_standin, tmp_path, small_gguf):
    size = small_gguf.stat().st_size
    hub_standin.drop_after, hub_standin.drops_left = 3 << 20, 3
    states = []
    reg = Registry(tmp_path / "models")
    model = pull(f"test-org/small-GGUF/{SMALL}", downloader=_downloader(reg.root, hub_standin), registry=reg,
                 on_progress=lambda p: states.append(p.state))
    assert _sha(Path(model.path)) == _sha(small_gguf)
    assert "retrying" in states
    assert size <= hub_standin.bytes_sent < size + dl.CHUNK  # nothing fetched twice
    assert len([p for m, p, r in hub_standin.requests if p.startswith("/cdn/")]) == 4


def test_busy_server_and_ignored_range_still_give_an_intact_file(hub_standin, tmp_path, small_gguf):
    size = small_gguf.stat().st_size
    hub_standin.busy_left = 2
    hub_standin.drop_after, hub_standin.drops_left = 3 << 20, 1
    hub_standin.ignore_range = True  # the resume gets the whole file again: start over, never mix
    reg = Registry(tmp_path / "models")
    model = pull(f"test-org/small-GGUF/{SMALL}", downloader=_downloader(reg.root, hub_standin), registry=reg)
    assert _sha(Path(model.path)) == _sha(small_gguf)
    assert hub_standin.bytes_sent == (3 << 20) + size
    assert hub_standin.busy_left == 0


def test_pause_stops_the_transfer_and_resume_continues(hub_standin, tmp_path, small_gguf):
    size = small_gguf.stat().st_size
    hub_standin.throttle = 8 << 20
    control = DownloadControl()
    states = []
    paused_at = threading.Event()

    seen = []

    def progress(p):
        seen.append(p)
        states.append(p.state)
        if p.state == "downloading" and p.done > size // 4 and not control.paused and not paused_at.is_set():
            paused_at.set()
            control.pause()

    reg = Registry(tmp_path / "models")
    result = {}
    t = threading.Thread(target=lambda: result.update(m=pull(
        f"test-org/small-GGUF/{SMALL}", downloader=_downloader(reg.root, hub_standin), registry=reg,
        on_progress=progress, control=control)))
    t.start()
    assert paused_at.wait(30)
    time.sleep(0.5)  # let the closed connection settle
    sent = hub_standin.bytes_sent
    time.sleep(0.7)
    assert hub_standin.bytes_sent == sent, "bytes kept flowing while paused"
    assert "paused" in states
    control.resume()
    t.join(60)
    moving = [p for p in seen if p.state == "downloading" and p.speed > 0]
    assert moving and all(p.eta is not None and p.eta >= 0 for p in moving)
    assert 4 << 20 < max(p.speed for p in moving) < 16 << 20  # about the 8 MB/s the stand-in allows
    assert _sha(Path(result["m"].path)) == _sha(small_gguf)
    assert hub_standin.bytes_sent < size + 2 * dl.CHUNK


def test_cancel_keeps_the_partial_file_for_later(hub_standin, tmp_path, small_gguf):
    size = small_gguf.stat().st_size
    hub_standin.throttle = 16 << 20
    control = DownloadControl()
    reg = Registry(tmp_path / "models")
    down = _downloader(reg.root, hub_standin)

    def progress(p):
        if p.state == "downloading" and p.done > size // 3:
            control.cancel()

    with pytest.raises(DownloadCancelled, match="resumes"):
        pull(f"test-org/small-GGUF/{SMALL}", downloader=down, registry=reg, on_progress=progress, control=control)
    kept = down.partial_size("test-org/small-GGUF", SMALL)
    assert size // 3 < kept < size and reg.list() == []
    # What the window lists under Downloads as resumable; a sidecar it cannot read is left out.
    (reg.root / ".partial" / "junk.json").write_text("{not json", encoding="utf-8")
    assert down.pending() == [dl.PartialFile("test-org/small-GGUF", SMALL, kept, size)]
    hub_standin.reset_counters()
    hub_standin.throttle = None
    pull(f"test-org/small-GGUF/{SMALL}", downloader=down, registry=reg)
    assert size - kept <= hub_standin.bytes_sent < size - kept + dl.CHUNK  # the cancelled stream may trail a little
    assert down.pending() == []


def test_one_corrupted_byte_is_refused_and_not_installed(hub_standin, tmp_path):
    reg = Registry(tmp_path / "models")
    with pytest.raises(ChecksumMismatchError, match="damaged") as info:
        pull(f"test-org/damaged-GGUF/{SMALL}", downloader=_downloader(reg.root, hub_standin), registry=reg)
    assert "not installed" in str(info.value)
    assert not (reg.root / "test-org--damaged-GGUF" / SMALL).exists()
    assert not list((reg.root / ".partial").glob("*.part"))
    assert reg.list() == []


def test_not_enough_disk_is_reported_before_any_byte(hub_standin, tmp_path, small_gguf):
    reg = Registry(tmp_path / "models")
    free = 5_000_000
    with pytest.raises(NotEnoughDiskError) as info:
        pull(f"test-org/small-GGUF/{SMALL}", downloader=_downloader(reg.root, hub_standin, free_space=lambda p: free),
             registry=reg)
    e = info.value
    assert e.free == free and e.needed >= small_gguf.stat().st_size
    assert f"{e.needed:,} bytes" in str(e) and f"{free:,} bytes" in str(e)
    assert hub_standin.bytes_sent == 0


def test_offline_mode_makes_no_network_call(hub_standin, tmp_path, monkeypatch):
    reg = Registry(tmp_path / "models")
    with pytest.raises(OfflineError, match="offline mode"):
        pull(f"test-org/tiny-GGUF/{TINY}", downloader=Downloader(reg.root, HubConfig(endpoint=hub_standin.url,
                                                                                    offline=True)), registry=reg)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", hub_standin.url)
    with pytest.raises(OfflineError):
        pull("test-org/tiny-GGUF", downloader=Downloader(reg.root, hub_config()), registry=reg)
    assert hub_standin.requests == []


def test_catalog_pin_refuses_a_different_file_before_downloading(hub_standin, tmp_path):
    reg = Registry(tmp_path / "models")
    with pytest.raises(ChecksumMismatchError, match="catalog"):
        pull("qwen2.5-1.5b-instruct", downloader=_downloader(reg.root, hub_standin), registry=reg)
    assert hub_standin.bytes_sent == 0


def test_image_model_fetches_only_its_files_and_verifies_them(hub_standin, tmp_path):
    reg = Registry(tmp_path / "models")
    model = pull("sd-turbo", downloader=_downloader(reg.root, hub_standin), registry=reg)
    folder = Path(model.path)
    got = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert "unet/diffusion_pytorch_model.fp16.safetensors" in got
    assert "model_index.json" in got and "tokenizer/vocab.json" in got
    assert not any(n.endswith(".safetensors") and ".fp16." not in n for n in got)
    assert model.kind == "image" and set(model.files) == set(got)
    assert verify(model).ok
    (folder / "unet/config.json").write_text('{"changed": true}')
    assert "unet/config.json is damaged" in verify(model).problems[0]


def test_repo_with_several_ggufs_asks_which_one(hub_standin, tmp_path):
    reg = Registry(tmp_path / "models")
    with pytest.raises(HubError, match="a-Q4_K_M.gguf, a-Q8_0.gguf"):
        pull("test-org/two-GGUF", downloader=_downloader(reg.root, hub_standin), registry=reg)
    assert hub_standin.bytes_sent == 0


def test_missing_repo_and_file_are_named(hub_standin, tmp_path):
    reg = Registry(tmp_path / "models")
    with pytest.raises(NotFoundOnHubError, match="no repository"):
        pull("test-org/nothing-here/x.gguf", downloader=_downloader(reg.root, hub_standin), registry=reg)
    with pytest.raises(NotFoundOnHubError, match="no file test-org/tiny-GGUF/missing.gguf"):
        pull("test-org/tiny-GGUF/missing.gguf", downloader=_downloader(reg.root, hub_standin), registry=reg)


def test_unreachable_hub_is_a_network_error(tmp_path):
    reg = Registry(tmp_path / "models")
    down = Downloader(reg.root, HubConfig(endpoint="http://127.0.0.1:9"), timeout=3)
    with pytest.raises(NetworkError, match="Cannot reach http://127.0.0.1:9"):
        pull(f"test-org/tiny-GGUF/{TINY}", downloader=down, registry=reg)


def test_hub_settings_come_from_arguments_environment_then_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("DESKMATE_OFFLINE", raising=False)
    settings = tmp_path / "settings.toml"
    settings.write_text('[app]\noffline = true\n[models]\nhf_endpoint = "https://hf-mirror.com/"\n')
    assert hub_config(settings_path=settings) == HubConfig("https://hf-mirror.com", True)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:8080")
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert hub_config(settings_path=settings) == HubConfig("http://127.0.0.1:8080", False)
    assert hub_config(endpoint="https://example.org", offline=True, settings_path=settings).endpoint == "https://example.org"
    settings.write_text('[models]\nhf_endpoint = "hf-mirror.com"\n')
    monkeypatch.delenv("HF_ENDPOINT")
    with pytest.raises(SettingsError, match="http:// or https://"):
        hub_config(settings_path=settings)
    # [app] offline is the one offline switch: the old second one in [models] says where it went.
    settings.write_text("[models]\noffline = true\n")
    with pytest.raises(SettingsError, match=r"\[models\] offline: This setting moved.*under \[app\]"):
        hub_config(settings_path=settings)


def test_cli_pull_shows_progress_and_list_shows_it_installed(hub_standin, tmp_path):
    env = dict(os.environ, DESKMATE_HOME=str(tmp_path), HF_ENDPOINT=hub_standin.url)
    run = lambda *args: subprocess.run([sys.executable, "-m", "deskmate", "models", *args], env=env,
                                       capture_output=True, text=True, timeout=120, check=False)
    got = run("pull", f"test-org/tiny-GGUF/{TINY}", "--set-default")
    assert got.returncode == 0, got.stderr
    assert "98.4 MB / 98.4 MB" in got.stderr and "done" in got.stderr
    assert "now the default" in got.stdout
    listing = run("list")
    assert listing.returncode == 0, listing.stderr
    line = next(l for l in listing.stdout.splitlines() if "smollm2" in l)
    assert line.startswith("*") and "fits" in line and "tokens/s" in line  # with the expected speed
    assert "qwen2.5-7b-instruct" in listing.stdout and "Recommended" in listing.stdout
    bad = run("pull", "test-org/damaged-GGUF/" + SMALL)
    last = bad.stderr.strip().splitlines()[-1]
    assert bad.returncode == 1 and last.startswith("deskmate: ") and "damaged" in last and len(last) < 400


def test_app_offline_setting_also_stops_downloads(tmp_path, monkeypatch):
    """The Settings dialog's offline switch lives in [app]; downloads must honour it too."""

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("DESKMATE_OFFLINE", raising=False)
    settings = tmp_path / "settings.toml"
    settings.write_text("[app]\noffline = true\n")
    assert hub_config(settings_path=settings).offline is True
    settings.write_text("[app]\noffline = false\n")
    assert hub_config(settings_path=settings).offline is False
