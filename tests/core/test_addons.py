"""Add-ons: the picture add-on folder reaches the image worker, and the advice fits how Deskmate was installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from deskmate.core.images import addons
folder = addons.activate("images")
import addon_probe
print(json.dumps({"folder": str(folder), "probe": addon_probe.__file__, "last": sys.path[-1],
                  "installed": addons.is_installed_app(), "hint": addons.install_hint("images")}))
"""


def _run(code: str, env: dict, cwd: Path | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _addon(tmp_path: Path) -> Path:
    folder = tmp_path / "addons" / "images"
    folder.mkdir(parents=True)
    (folder / "addon_probe.py").write_text("")
    return folder


def test_source_checkout_activates_the_folder_last_and_advises_pip(tmp_path):
    folder = _addon(tmp_path)
    env = dict(os.environ, DESKMATE_ADDONS=str(folder.parent))
    got = _run(PROBE, env)
    assert got["folder"] == str(folder)
    assert got["probe"] == str(folder / "addon_probe.py")
    assert got["last"] == str(folder)  # the app's own copy of a shared library must win
    assert got["installed"] is False
    assert "pip install 'deskmate[images]'" in got["hint"]


def test_installed_layout_finds_its_addons_folder_and_advises_the_package(tmp_path):
    lib = tmp_path / "usr" / "lib" / "deskmate"
    shutil.copytree(REPO / "app" / "deskmate", lib / "app" / "deskmate",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (lib / "app_packages").mkdir()
    folder = lib / "addons" / "images"
    folder.mkdir(parents=True)
    (folder / "addon_probe.py").write_text("")
    env = {k: v for k, v in os.environ.items() if k != "DESKMATE_ADDONS"}
    env["PYTHONPATH"] = str(lib / "app")
    got = _run(PROBE, env, cwd=tmp_path)
    assert got["folder"] == str(folder)
    assert got["installed"] is True
    assert "deskmate-images" in got["hint"] and "apt install" in got["hint"]


def test_a_missing_addon_changes_nothing(tmp_path):
    env = dict(os.environ, DESKMATE_ADDONS=str(tmp_path / "nothing-here"))
    code = "import sys; from deskmate.core.images import addons; before=list(sys.path); r=addons.activate('images'); print(r is None and sys.path == before)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == "True", out.stderr


def test_the_image_worker_puts_the_addon_on_its_path(tmp_path):
    """The real worker module: its main() activates the add-on before anything imports torch."""
    folder = _addon(tmp_path)
    env = dict(os.environ, DESKMATE_ADDONS=str(folder.parent))
    code = (
        "import sys, deskmate.core.images.worker as w\n"
        "sys.stdin = open('/dev/null')\n"  # stdin closed at once: the worker exits after 'ready'
        "code = w.main([])\n"
        "print('ADDON' if any(p.endswith('addons/images') for p in sys.path) else 'NONE', file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         stdin=subprocess.DEVNULL)
    assert "ADDON" in out.stderr, out.stderr[-2000:]
