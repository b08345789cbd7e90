"""The Models dialog, offscreen, against the stand-in hub on 127.0.0.1 serving a small real GGUF.

Each test has its own DESKMATE_HOME (settings.toml and models folder) and points the dialog's
own downloader at the stand-in through HF_ENDPOINT, the way a person sets a mirror.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from deskmate.core.models import download as dl
from deskmate.core.models.catalog import parse_catalog
from deskmate.core.models.download import Downloader, human_size
from deskmate.core.models.hub import HubConfig
from deskmate.core.models.pull import pull
from deskmate.core.models.registry import Registry
from deskmate.core.settings import load_settings, set_value
from deskmate.ui import theme
from deskmate.ui.models_dialog import ModelsDialog
from gguf_factory import rewrite
from hub_standin import HubStandin, make_gguf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

SMALL = "small-f16.gguf"
REPO = "test-org/small-GGUF"
NAME, SIZE, FIT, DEFAULT, FROM = range(5)
R_NAME, R_SIZE, R_LICENSE, R_NEED, R_FIT, R_CTX, R_ACTION = range(7)
BADGES = {"fits", "slow", "tight", "won't fit"}


def badge_of(cell: str) -> str:
    """A fit cell reads "fits · ~12.3 tokens/s": the badge, then the expected speed."""
    badge, _, speed = cell.partition(" · ")
    assert speed.startswith("~") and speed.endswith(" tokens/s"), cell
    return badge


@pytest.fixture(scope="module")
def small_gguf(tmp_path_factory) -> Path:
    return make_gguf(tmp_path_factory.mktemp("ui-standin") / SMALL, megabytes=16)


@pytest.fixture(scope="module")
def hub(small_gguf: Path):
    h = HubStandin()
    h.add_file(REPO, SMALL, small_gguf)
    h.add_file("test-org/damaged-GGUF", SMALL, small_gguf, corrupt_byte_at=small_gguf.stat().st_size // 2)
    with h:
        yield h


@pytest.fixture()
def home(deskmate_home, monkeypatch, hub) -> Path:
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("DESKMATE_OFFLINE", raising=False)
    return deskmate_home


def _entry(id_: str, name: str, repo: str, size: int) -> str:
    return f"""
[[models]]
id = "{id_}"
name = "{name}"
kind = "text"
tier = "light"
repo = "{repo}"
file = "{SMALL}"
size_bytes = {size}
license = "Apache-2.0"
parameters = 8388608
quantization = "F16"
context_length = 2048
arch = {{ layers = 2, heads = 4, kv_heads = 2, head_dim = 16, embedding = 64, vocab = 32000 }}
"""


@pytest.fixture(scope="module")
def catalog(small_gguf: Path):
    size = small_gguf.stat().st_size
    return parse_catalog("schema = 1\n" + _entry("standin-small", "Stand-in Small", REPO, size)
                         + _entry("standin-damaged", "Stand-in Damaged", "test-org/damaged-GGUF", size), "test catalog")


def open_dialog(qtbot, **kw) -> ModelsDialog:
    d = ModelsDialog(**kw)
    qtbot.addWidget(d)
    with qtbot.waitSignal(d.refreshed, timeout=30000):
        d.show()
    return d


def rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def installed(d: ModelsDialog) -> dict[str, list[str]]:
    return {r[NAME]: r for r in rows(d.installed_table)}


def action_button(d: ModelsDialog, name: str):
    r = next(i for i, row in enumerate(rows(d.recommended_table)) if row[R_NAME] == name)
    return d.recommended_table.cellWidget(r, R_ACTION)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _part(home: Path, repo: str = REPO) -> Path:
    return home / "data" / "models" / ".partial" / (dl.partial_name(repo, SMALL) + ".part")


def test_download_from_recommended_shows_progress_then_installed_with_fit(qtbot, home, hub_standin, catalog,
                                                                         small_gguf):
    size = small_gguf.stat().st_size
    hub_standin.throttle = 6 << 20  # about 3 s, so the progress can be watched
    d = open_dialog(qtbot, catalog=catalog)
    d.tabs.setCurrentWidget(d.recommended_page)
    offer = next(r for r in rows(d.recommended_table) if r[R_NAME] == "Stand-in Small")
    assert offer[R_SIZE] == human_size(size) == "16.8 MB" and offer[R_LICENSE] == "Apache-2.0"
    assert badge_of(offer[R_FIT]) in BADGES and offer[R_CTX] == "2048" and offer[R_NEED].endswith(" GB")
    assert list(installed(d)) == ["Built-in small model"]
    button = action_button(d, "Stand-in Small")
    assert button.text() == "Download" and button.isEnabled()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert d.tabs.currentWidget() is d.downloads_page
    (row,) = d.download_rows()
    assert "Stand-in Small" in row.title.text() and SMALL in row.title.text()
    assert action_button(d, "Stand-in Small").text() == "Downloading…"
    assert d.tabs.tabText(2) == "Downloads (1)"
    seen: list[tuple[int, str]] = []

    def watch() -> bool:
        seen.append((row.bar.value(), row.detail.text()))
        return row.state == "done"

    qtbot.waitUntil(watch, timeout=60000)
    values = [v for v, _ in seen]
    assert values == sorted(values) and values[-1] == 1000
    assert len({v for v in values if 0 < v < 1000}) >= 4, "the bar did not move in steps"
    live = [t for _, t in seen if re.fullmatch(r"\d+\.\d MB of 16\.8 MB · \d+\.\d MB/s · \d+ s left", t)]
    assert live, sorted({t for _, t in seen})
    assert row.detail.text() == "Installed as Stand-in Small."
    assert not row.pause_button.isVisible() and d.tabs.tabText(2) == "Downloads"

    qtbot.waitUntil(lambda: "Stand-in Small" in installed(d), timeout=30000)
    got = installed(d)["Stand-in Small"]
    assert got[SIZE] == "16.8 MB" and badge_of(got[FIT]) in BADGES and got[FROM] == REPO and got[DEFAULT] == ""
    assert action_button(d, "Stand-in Small").text() == "Installed"
    assert not action_button(d, "Stand-in Small").isEnabled()
    path = home / "data" / "models" / "test-org--small-GGUF" / SMALL
    assert _sha(path) == _sha(small_gguf)
    assert hub_standin.bytes_sent == size


def test_pause_stops_the_byte_flow_and_resume_finishes(qtbot, home, hub_standin, catalog, small_gguf):
    size = small_gguf.stat().st_size
    hub_standin.throttle = 8 << 20
    d = open_dialog(qtbot, catalog=catalog)
    row = d.download("standin-small")
    qtbot.waitUntil(lambda: row.bar.value() > 250, timeout=30000)
    assert row.pause_button.text() == "Pause"
    qtbot.mouseClick(row.pause_button, Qt.MouseButton.LeftButton)
    assert row.pause_button.text() == "Resume"
    assert action_button(d, "Stand-in Small").text() == "Paused"
    qtbot.wait(500)  # the open stream is closed at the end of the chunk in flight
    sent, shown = hub_standin.bytes_sent, row.bar.value()
    qtbot.wait(800)
    assert hub_standin.bytes_sent == sent, "bytes kept flowing while paused"
    assert row.bar.value() == shown < 1000
    assert re.fullmatch(r"Paused at \d+\.\d MB of 16\.8 MB\.", row.detail.text())

    qtbot.mouseClick(row.pause_button, Qt.MouseButton.LeftButton)
    assert row.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: row.state == "done", timeout=60000)
    qtbot.waitUntil(lambda: "Stand-in Small" in installed(d), timeout=30000)
    assert _sha(home / "data" / "models" / "test-org--small-GGUF" / SMALL) == _sha(small_gguf)
    assert hub_standin.bytes_sent < size + 2 * dl.CHUNK  # nothing fetched twice


def test_partial_download_survives_closing_and_resumes_next_time(qtbot, home, hub_standin, catalog, small_gguf):
    size = small_gguf.stat().st_size
    hub_standin.throttle = 6 << 20
    first = open_dialog(qtbot, catalog=catalog)
    row = first.download("standin-small")
    qtbot.waitUntil(lambda: row.bar.value() > 300, timeout=30000)
    first.close()
    qtbot.waitUntil(lambda: row.state == "stopped", timeout=10000)
    kept = _part(home).stat().st_size
    assert size * 0.3 < kept < size

    hub_standin.reset_counters()
    hub_standin.throttle = None
    again = open_dialog(qtbot, catalog=catalog)
    (pending,) = again.download_rows()
    assert pending.detail.text() == f"Stopped at {human_size(kept)} of 16.8 MB. Resume continues from there."
    assert pending.bar.value() == round(kept / size * 1000)
    assert action_button(again, "Stand-in Small").text() == "Resume"
    assert pending.pause_button.text() == "Resume"
    qtbot.mouseClick(pending.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pending.state == "done", timeout=60000)
    qtbot.waitUntil(lambda: "Stand-in Small" in installed(again), timeout=30000)
    remainder = size - kept
    assert remainder <= hub_standin.bytes_sent < remainder + dl.CHUNK
    assert [r for _, p, r in hub_standin.requests if p.startswith("/cdn/")] == [f"bytes={kept}-"]
    assert not _part(home).exists()


def test_cancel_deletes_what_was_downloaded(qtbot, home, hub_standin, catalog):
    hub_standin.throttle = 6 << 20
    d = open_dialog(qtbot, catalog=catalog)
    row = d.download("standin-small")
    qtbot.waitUntil(lambda: row.bar.value() > 100, timeout=30000)
    qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.download_rows() == [], timeout=10000)
    assert not _part(home).exists()
    assert d.no_downloads.isVisible()
    assert action_button(d, "Stand-in Small").text() == "Download"
    with qtbot.waitSignal(d.refreshed, timeout=10000):
        d.refresh()
    assert list(installed(d)) == ["Built-in small model"]


def test_set_default_verify_and_delete(qtbot, home, hub_standin, catalog, small_gguf):
    model = pull(f"{REPO}/{SMALL}", registry=Registry(),
                 downloader=Downloader(Registry().root, HubConfig(endpoint=hub_standin.url)))
    d = open_dialog(qtbot, catalog=catalog)
    listed = installed(d)
    assert listed["Built-in small model"][DEFAULT] == "★ default"
    assert listed[model.name][DEFAULT] == "" and badge_of(listed[model.name][FIT]) in BADGES

    assert d.select_model(model.id)
    with qtbot.waitSignal(d.defaultModelChanged, timeout=5000) as changed:
        qtbot.mouseClick(d.set_default_button, Qt.MouseButton.LeftButton)
    assert changed.args == [model.path]
    assert Path(load_settings().engine.model) == Path(model.path)
    qtbot.waitUntil(lambda: installed(d)[model.name][DEFAULT] == "★ default", timeout=10000)
    assert installed(d)["Built-in small model"][DEFAULT] == ""
    assert not d.set_default_button.isEnabled()  # it already is the default

    qtbot.mouseClick(d.verify_button, Qt.MouseButton.LeftButton)
    assert d.job_progress.isVisible() and not d.verify_button.isEnabled() and not d.delete_button.isEnabled()
    assert d.job_status.text() == f"Verifying {model.name}…"
    qtbot.waitUntil(lambda: "intact" in d.job_status.text(), timeout=30000)
    assert not d.job_progress.isVisible() and d.verify_button.isEnabled()
    assert d.job_status.text() == f"{model.name} is intact: its checksum matches."
    with Path(model.path).open("r+b") as f:  # one flipped byte in the tensor data, past the header
        f.seek(small_gguf.stat().st_size - 100)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    qtbot.mouseClick(d.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "damaged" in d.job_status.text(), timeout=30000)
    assert "Delete it and download it again" in d.job_status.text()

    qtbot.mouseClick(d.delete_button, Qt.MouseButton.LeftButton)
    box = d.confirm_box
    assert box is not None and box.isVisible()
    assert box.text() == f"Delete {model.name} (16.8 MB)?" and model.path in box.informativeText()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    qtbot.wait(200)
    assert Path(model.path).exists() and model.name in installed(d)

    qtbot.mouseClick(d.delete_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(d.defaultModelChanged, timeout=10000) as back:
        qtbot.mouseClick(d.confirm_box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert Path(back.args[0]).name == "SmolLM2-135M-Instruct.Q4_1.gguf"  # the built-in model again
    qtbot.waitUntil(lambda: model.name not in installed(d), timeout=10000)
    assert not Path(model.path).exists()
    assert load_settings().engine.model is None
    assert installed(d)["Built-in small model"][DEFAULT] == "★ default"
    assert d.job_status.text() == f"{model.name} was deleted."


def test_import_of_a_broken_tokenizer_gguf_is_refused_and_registers_nothing(qtbot, home, tiny_model, tmp_path):
    broken = rewrite(tiny_model, tmp_path / "broken-tokenizer.gguf",
                     lambda key, value, *_: [""] * len(value) if key == "tokenizer.ggml.tokens" else value)
    asked = []
    d = open_dialog(qtbot, choose_file=lambda parent: asked.append(parent) or str(broken))
    qtbot.mouseClick(d.import_button, Qt.MouseButton.LeftButton)
    assert asked == [d]
    assert d.job_progress.isVisible() and not d.import_button.isEnabled()
    assert "Checking broken-tokenizer.gguf" in d.job_status.text()
    qtbot.waitUntil(lambda: not d.jobs.busy, timeout=180000)
    text = d.job_status.text()
    assert "broken-tokenizer.gguf was not imported." in text and "first test" in text
    assert "Traceback" not in text and theme.color("error") in text  # shown as an error, in words
    assert not d.job_progress.isVisible() and d.import_button.isEnabled()
    assert Registry().list() == []
    imported = home / "data" / "models" / "imported"
    assert not imported.exists() or not any(imported.iterdir())
    with qtbot.waitSignal(d.refreshed, timeout=10000):
        d.refresh()
    assert list(installed(d)) == ["Built-in small model"]


def test_offline_mode_says_so_and_makes_no_request(qtbot, home, hub_standin, catalog):
    set_value("app", "offline", True)  # the Settings dialog's switch
    d = open_dialog(qtbot, catalog=catalog)
    assert d.offline_banner.isVisible()
    assert d.offline_banner.text().startswith("Offline mode is on: Deskmate does not download anything.")
    button = action_button(d, "Stand-in Small")
    assert button.text() == "Download" and not button.isEnabled()
    row = d.download("standin-small")  # what the button would have done
    qtbot.waitUntil(lambda: row.state == "failed", timeout=10000)
    assert row.detail.text().startswith("Offline mode is on, so nothing was downloaded")
    assert row.pause_button.text() == "Retry"
    assert hub_standin.requests == []


@pytest.mark.parametrize("case", ["disk", "checksum", "network"])
def test_download_errors_are_shown_in_plain_words(qtbot, home, hub_standin, catalog, small_gguf, case):
    reg = Registry()
    entry = "standin-small"
    downloader = None
    if case == "disk":
        downloader = Downloader(reg.root, HubConfig(endpoint=hub_standin.url), free_space=lambda p: 5_000_000)
    elif case == "checksum":
        entry = "standin-damaged"
    else:
        downloader = Downloader(reg.root, HubConfig(endpoint="http://127.0.0.1:9"), timeout=3)
    d = open_dialog(qtbot, registry=reg, downloader=downloader, catalog=catalog)
    row = d.download(entry)
    qtbot.waitUntil(lambda: row.state == "failed", timeout=30000)
    text = row.detail.text()
    if case == "disk":
        needed = small_gguf.stat().st_size + dl.DISK_MARGIN
        assert text.startswith(f"Not enough disk space: this download needs {human_size(needed)} but only 5.0 MB is free.")
        assert hub_standin.bytes_sent == 0
    elif case == "checksum":
        assert text.startswith("The file arrived damaged") and "not installed" in text
        assert not _part(home, "test-org/damaged-GGUF").exists()
    else:
        assert text.startswith("Network problem: Cannot reach http://127.0.0.1:9")
    assert row.pause_button.text() == "Retry" and row.bar.value() < 1000
    offer = action_button(d, "Stand-in Damaged" if case == "checksum" else "Stand-in Small")
    assert offer.text() == "Retry" and offer.isEnabled()
    assert reg.list() == []


def test_texts_follow_a_language_change(qtbot, home, catalog, marked_translator):
    d = open_dialog(qtbot, catalog=catalog)
    with marked_translator():
        qtbot.waitUntil(lambda: d.tabs.tabText(0) == "«Installed»")
        assert d.verify_button.text() == "«&Verify»"
        assert action_button(d, "Stand-in Small").text() == "«Download»"
        assert d.recommended_table.horizontalHeaderItem(R_FIT).text() == "«Fit»"
    qtbot.waitUntil(lambda: d.tabs.tabText(0) == "Installed")


def test_window_and_cli_list_the_same_models_with_the_same_verdicts(qtbot, home, small_gguf, tmp_path):
    """One overview (core/models/overview.py) behind both: a good, a damaged and a missing file."""
    import json
    import os
    import subprocess
    import sys

    from deskmate.core.models.registry import InstalledModel

    reg = Registry()
    good = reg.root / "good.gguf"
    good.parent.mkdir(parents=True, exist_ok=True)
    good.write_bytes(small_gguf.read_bytes())
    damaged = reg.root / "damaged.gguf"
    damaged.write_bytes(b"this is not a GGUF file " * 64)
    for id_, path in (("good", good), ("damaged", damaged), ("gone", reg.root / "gone.gguf")):
        reg.add(InstalledModel(id_, id_.title(), "text", str(path), 1 << 20, "folder", filename=path.name))
    d = open_dialog(qtbot)
    window = {r.model.id: (r.verdict, r.default) for r in d.scan.installed}
    proc = subprocess.run([sys.executable, "-m", "deskmate", "models", "list", "--json"], env=dict(os.environ),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    cli = {m["id"]: (m["fit"], m["default"]) for m in json.loads(proc.stdout)["installed"]}
    assert cli == window
    assert window["good"][0] in {"fits", "tight", "wont_fit"}
    assert window["damaged"][0] == "broken" and window["gone"][0] == "missing"
    assert window["builtin"] == ("fits", True)


def test_get_opens_on_the_catalog_model_and_downloads_it_with_progress(qtbot, home, hub_standin, catalog):
    """What "Get SD-Turbo…" on the Images tab leads to: the dialog opens, reads the catalog, and the
    download starts by itself on the Downloads tab, with its bar moving, then it is installed."""
    hub_standin.throttle = 6 << 20
    d = ModelsDialog(catalog=catalog)
    qtbot.addWidget(d)
    d.get("standin-small")  # asked before the first scan has read the catalog
    installed_models: list[object] = []
    d.modelInstalled.connect(installed_models.append)
    d.show()
    qtbot.waitUntil(lambda: bool(d.download_rows()), timeout=30000)
    assert d.tabs.currentWidget() is d.downloads_page
    (row,) = d.download_rows()
    assert "Stand-in Small" in row.title.text()
    values: list[int] = []
    qtbot.waitUntil(lambda: values.append(row.bar.value()) or row.state == "done", timeout=60000)
    assert len({v for v in values if 0 < v < 1000}) >= 2, "no progress was shown"
    qtbot.waitUntil(lambda: bool(installed_models), timeout=10000)
    assert installed_models[0].name == "Stand-in Small"
    qtbot.waitUntil(lambda: "Stand-in Small" in installed(d), timeout=30000)

    d.get("standin-small")  # installed now: shown, not downloaded again
    assert d.tabs.currentWidget() is d.installed_page and len(d.download_rows()) == 1
    assert d.job_status.text() == "Stand-in Small is installed already."
