"""Build the picture add-on .deb (`deskmate-images`): torch and transformers for the image worker.

    python packaging/images_addon.py --app-root BUILT_APP_ROOT --deb dist/deskmate_*.deb --out dist

Why a separate package: torch alone is ~750 MB installed, four times the rest of
Deskmate; most people only write. The add-on installs into
/usr/lib/deskmate/addons/images, which the image worker appends to its path
(deskmate.core.images.addons). Its requirements are the `images` extra of
pyproject.toml, pinned to the versions already in the app wherever the two
share a library, and those shared libraries are not shipped twice.
"""

from __future__ import annotations

import argparse
import email.parser
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "deskmate-images"
TARGET = Path("usr/lib/deskmate/addons/images")
# Build-time parts of torch and pip's helpers: ~160 MB the worker never loads.
UNNEEDED = ["torch/include", "torch/test", "torch/share", "setuptools", "_distutils_hack",
            "distutils-precedence.pth", "bin"]


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def installed_dists(site: Path) -> dict[str, tuple[str, Path]]:
    """canonical name -> (version, dist-info folder) of every distribution in a --target folder."""
    found = {}
    for info in site.glob("*.dist-info"):
        meta = email.parser.Parser().parsestr((info / "METADATA").read_text(encoding="utf-8", errors="replace"))
        found[canonical(meta["Name"])] = (meta["Version"], info)
    return found


def remove_dist(site: Path, info: Path) -> None:
    for line in (info / "RECORD").read_text(encoding="utf-8").splitlines():
        path = site / line.split(",")[0]
        if path.is_file() or path.is_symlink():
            path.unlink()
    shutil.rmtree(info, ignore_errors=True)
    for folder in sorted((p for p in site.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def build(app_root: Path, app_deb: Path, out: Path, work: Path) -> Path:
    with (ROOT / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    requirements = project["optional-dependencies"]["images"]
    app_packages = app_root / "usr/lib/deskmate/app_packages"
    if not app_packages.is_dir():
        raise SystemExit(f"images_addon: {app_packages} is missing; run `make package` first.")
    shared = installed_dists(app_packages)
    version = subprocess.run(["dpkg-deb", "-f", str(app_deb), "Version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    arch = subprocess.run(["dpkg-deb", "-f", str(app_deb), "Architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()

    root = work / f"{PACKAGE}-{version}"
    if root.exists():
        shutil.rmtree(root)
    site = root / TARGET
    site.mkdir(parents=True)
    constraints = work / "constraints.txt"
    constraints.write_text("".join(f"{name}=={v}\n" for name, (v, _) in sorted(shared.items())), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(site),
                    "-c", str(constraints), *requirements], check=True)
    for name, (_, info) in installed_dists(site).items():
        if name in shared:
            remove_dist(site, info)
    for rel in UNNEEDED:
        path = site / rel
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                    str(site)], check=False)

    installed_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) // 1024
    debian = root / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        "Maintainer: The Deskmate team <team@deskmate.example.org>\n"
        f"Depends: deskmate (= {version})\n"
        f"Installed-Size: {installed_kib}\n"
        "Section: editors\n"
        "Priority: optional\n"
        "Description: Picture support for Deskmate (torch, transformers)\n"
        " The image worker of Deskmate draws pictures with a diffusers pipeline;\n"
        " this add-on carries the CPU build of torch and transformers it needs.\n",
        encoding="utf-8",
    )
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{PACKAGE}_{version}_{arch}.deb"
    # zstd: xz takes many minutes over a gigabyte on two cores; dpkg reads zstd since 1.21.18.
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", "-Zzstd", str(root), str(deb)], check=True)
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-root", type=Path, required=True, help="the built app's package root (…/deskmate-<version>)")
    parser.add_argument("--deb", type=Path, required=True, help="the app's .deb, for its version")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="deskmate-images-"))
    print(build(args.app_root, args.deb, args.out, work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
