"""Optional add-ons: folders of Python packages installed beside the app, put on a child process's path.

Picture support needs torch and transformers (about 1 GB). An installer that
always carried them would be more than twice as big for people who never draw, so the
.deb leaves them to the `deskmate-images` add-on package, which installs them
into <lib>/deskmate/addons/images. Only the image worker activates it: the GUI
process must never import torch.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import PathFinder
from pathlib import Path

IMAGES = "images"
ADDON_PACKAGES = {IMAGES: "deskmate-images"}
# What a worker cannot start without (transformers is needed by some pipelines only).
REQUIRED_MODULES = {IMAGES: ("torch",)}


def _install_root() -> Path:
    # core/images/addons.py -> images -> core -> deskmate -> app -> <lib>/deskmate (installed) or the checkout.
    return Path(__file__).resolve().parents[4]


def addons_root() -> Path:
    """DESKMATE_ADDONS overrides; otherwise <lib>/deskmate/addons of the installed app."""
    value = os.environ.get("DESKMATE_ADDONS")
    return Path(value) if value else _install_root() / "addons"


def is_installed_app() -> bool:
    """True in an installer-built app (its requirements sit in app_packages), False in a source checkout."""
    return (_install_root() / "app_packages").is_dir()


def activate(name: str) -> Path | None:
    """Append the add-on's folder to sys.path (last, so the app's own copy of a shared library wins)."""
    folder = addons_root() / name
    if not folder.is_dir():
        return None
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
    return folder


def missing(name: str) -> list[str]:
    """The add-on's required modules that cannot be found, on sys.path or in its folder.

    Looked up, never imported: the GUI asks this and must not load torch."""
    path = [*sys.path, str(addons_root() / name)]
    return [module for module in REQUIRED_MODULES[name] if PathFinder.find_spec(module, path) is None]


def install_hint(name: str) -> str:
    """What the user should do to get the add-on, in the words that fit how Deskmate was installed."""
    if is_installed_app():
        package = ADDON_PACKAGES[name]
        return (f"Picture support is an optional add-on: install the {package} package "
                f"(sudo apt install ./{package}_*.deb, published next to the Deskmate installer), "
                "then try again.")
    return "Install Deskmate's image support: pip install 'deskmate[images]'."
