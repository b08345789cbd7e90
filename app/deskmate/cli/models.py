"""`deskmate models`: list, download, check, import and remove local models."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from deskmate.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_MODEL, fail


def _errors() -> tuple[type[BaseException], ...]:
    from deskmate.core.engines.errors import EngineError
    from deskmate.core.models.catalog import CatalogError
    from deskmate.core.models.download import DownloadError
    from deskmate.core.models.registry import RegistryError
    from deskmate.core.settings import SettingsError

    return (EngineError, CatalogError, DownloadError, RegistryError, SettingsError)


def _code(error: BaseException) -> int:
    from deskmate.core.engines.errors import ModelInvalidError, ModelNotFoundError

    return EXIT_MODEL if isinstance(error, (ModelInvalidError, ModelNotFoundError)) else EXIT_ERROR


class _Bar:
    """One progress line on stderr: redrawn in place on a terminal, a line every few seconds otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_line = 0.0
        self.last: object = None
        self.width = 0

    def __call__(self, p: object) -> None:
        from deskmate.core.models.download import human_size

        self.last = p
        state = p.state  # type: ignore[attr-defined]
        now = time.monotonic()
        if state == "downloading" and not self.tty and now - self.last_line < 5:
            return
        self.last_line = now
        name = p.filename.rsplit("/", 1)[-1]  # type: ignore[attr-defined]
        if len(name) > 36:
            name = "…" + name[-35:]
        done, total = p.done, p.total  # type: ignore[attr-defined]
        pct = p.fraction * 100  # type: ignore[attr-defined]
        filled = int(pct / 5)
        line = f"{name}  {human_size(done)} / {human_size(total)}  {pct:3.0f}% [{'#' * filled}{'.' * (20 - filled)}]"
        if state == "downloading" and p.speed > 0:  # type: ignore[attr-defined]
            line += f"  {human_size(p.speed)}/s"  # type: ignore[attr-defined]
            if p.eta is not None:  # type: ignore[attr-defined]
                line += f"  {_duration(p.eta)} left"  # type: ignore[attr-defined]
        elif state != "downloading":
            line += f"  {state}"
        if self.tty:
            pad = max(self.width - len(line), 0)
            self.width = len(line)
            sys.stderr.write("\r" + line + " " * pad)
            if state == "done":
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def end(self) -> None:
        if self.tty and self.width:
            sys.stderr.write("\n")
            self.width = 0


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@click.group("models")
def models() -> None:
    """Manage local models: list, download, verify, import and remove.

    Downloads come from Hugging Face, or from the mirror named by HF_ENDPOINT or by
    `hf_endpoint` under [models] in settings.toml; `offline = true` under [app]
    (or HF_HUB_OFFLINE=1) stops every network call.
    """


@models.command("list")
@click.option("--ctx", type=int, default=None, help="Context size for the fit estimate (default: the configured one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_models(ctx: int | None, as_json: bool) -> None:
    """Installed models and recommended ones, with how well each fits this computer."""
    from deskmate.core.engines import fit
    from deskmate.core.models.download import human_size
    from deskmate.core.models.overview import overview

    try:
        view = overview(n_ctx=ctx)
    except _errors() as e:
        fail(str(e), _code(e))
    n_ctx, memory = view.n_ctx, view.memory
    if as_json:
        click.echo(json.dumps({
            "memory": {"total": memory.total, "available": memory.available, "source": memory.source},
            "n_ctx": n_ctx,
            "installed": [
                {"id": r.model.id, "name": r.model.name, "kind": r.model.kind, "path": r.model.path,
                 "size": r.model.size, "source": r.model.source, "present": r.model.present, "default": r.default,
                 "fit": r.verdict, "tokens_per_s": round(r.speed.tokens_per_s, 2) if r.speed else None}
                for r in view.installed
            ],
            "recommended": [
                {"id": r.entry.id, "name": r.entry.name, "kind": r.entry.kind, "repo": r.entry.repo,
                 "size": r.entry.size_bytes, "license": r.entry.license, "fit": r.fit.verdict,
                 "recommended_ctx": r.fit.recommended_ctx,
                 "tokens_per_s": round(r.fit.speed.tokens_per_s, 2) if r.fit.speed else None,
                 "installed": r.installed}
                for r in view.recommended
            ],
            "problems": list(view.problems),
        }, ensure_ascii=False, indent=1))
        return
    click.echo(f"Installed (* = default; fit at context {n_ctx}; expected decode speed):")
    for r in view.installed:
        m = r.model
        where = "built-in" if r.builtin else m.repo or (m.original and f"from {m.original}") or m.source
        pace = r.speed.label if r.speed else ""
        click.echo(f"{'*' if r.default else ' '} {m.id:<28} {human_size(m.size):>8}  {r.badge:<12} {pace:<16} "
                   f"{where}")
    click.echo(
        f"\nRecommended (this computer: {fit.human_gb(memory.available)} free of {fit.human_gb(memory.total)}):"
    )
    for r in view.recommended:
        e, f = r.entry, r.fit
        size = ("~" if not e.size_exact else "") + human_size(e.size_bytes)
        detail = f"up to context {f.recommended_ctx}" if f.recommended_ctx else ""
        mark = "installed" if r.installed else ""
        pace = f.speed.label if f.speed else ""
        click.echo(f"  {e.id:<28} {size:>8}  {f.badge:<12} {pace:<16} {detail:<22} {e.license.split(' (')[0]:<28} "
                   f"{mark}")
    for problem in view.problems:
        click.echo(f"\nNote: {problem}", err=True)


@models.command()
@click.argument("spec", metavar="ID_OR_REPO/FILE")
@click.option("--revision", default=None, help="Branch, tag or commit (default: main).")
@click.option("--endpoint", default=None, help="Hub address or mirror, e.g. https://hf-mirror.com.")
@click.option("--set-default", is_flag=True, help="Make it the default chat model afterwards.")
def pull(spec: str, revision: str | None, endpoint: str | None, set_default: bool) -> None:
    """Download a model, verify its SHA-256 and install it.

    ID_OR_REPO/FILE is a catalog id (see `deskmate models list`), owner/repo/file.gguf,
    or owner/repo when it holds one GGUF file. An interrupted download (Ctrl+C, a
    crash, a lost network) resumes where it stopped when you run the same command again.
    """
    from deskmate.core.models.download import Downloader, hub_config, human_size
    from deskmate.core.models.download import pull as do_pull
    from deskmate.core.models.registry import Registry

    bar = _Bar()
    try:
        registry = Registry()
        downloader = Downloader(registry.root, hub_config(endpoint=endpoint))
        model = do_pull(spec, downloader=downloader, registry=registry, revision=revision, on_progress=bar)
        if set_default:
            registry.set_default(model.id)
    except KeyboardInterrupt:
        bar.end()
        last = bar.last
        kept = f"{human_size(last.done)} of {human_size(last.total)} kept. " if last is not None else ""  # type: ignore[attr-defined]
        click.echo(f"deskmate: download interrupted; {kept}Run the same command to resume.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except _errors() as e:
        bar.end()
        fail(str(e), _code(e))
    bar.end()
    click.echo(f"Installed {model.id}: {model.path}" + (" (now the default)" if set_default else ""))


@models.command()
@click.argument("model", required=False)
@click.option("--quick", is_flag=True, help="Check sizes and headers only; skip hashing.")
@click.option("--load", is_flag=True, help="Also load each text model and generate one token (in a child process).")
def verify(model: str | None, quick: bool, load: bool) -> None:
    """Check that installed models are intact (all of them, or MODEL)."""
    from deskmate.core.models import importer
    from deskmate.core.models.registry import Registry
    from deskmate.core.models.registry import verify as check

    try:
        registry = Registry()
        targets = [registry.get(model)] if model else registry.list()
    except _errors() as e:
        fail(str(e), _code(e))
    if not targets:
        click.echo("No models are installed.")
        return
    failed = 0
    for m in targets:
        result = check(m, quick=quick)
        problems = list(result.problems)
        if load and not problems and m.kind == "text":
            try:
                importer.check_loads(m.path)
            except _errors() as e:
                problems.append(str(e))
        if problems:
            failed += 1
            click.echo(f"FAILED  {m.id}: " + "; ".join(problems))
        else:
            click.echo(f"ok      {m.id}")
    if failed:
        sys.exit(EXIT_MODEL)


@models.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--copy", "mode", flag_value="copy", help="Always copy the file.")
@click.option("--link", "mode", flag_value="symlink", help="Leave the file where it is and link to it.")
@click.option("--name", default=None, help="Name to list it under.")
@click.option("--set-default", is_flag=True, help="Make it the default chat model afterwards.")
@click.option("--no-check", is_flag=True, help="Skip the load test (not recommended).")
def import_model(path: Path, mode: str | None, name: str | None, set_default: bool, no_check: bool) -> None:
    """Check a GGUF file you already have and add it to your models.

    The file is loaded once in a separate process and must generate a token, so a file
    that would crash the engine is refused here. By default it is hard-linked into the
    models folder when on the same disk (no extra space), and copied otherwise.
    """
    from deskmate.core.models.importer import import_model as do_import
    from deskmate.core.models.registry import Registry

    click.echo(f"Checking {path.name}…", err=True)
    try:
        registry = Registry()
        model = do_import(path, registry=registry, mode=mode or "auto", name=name, check=not no_check)  # type: ignore[arg-type]
        if set_default:
            registry.set_default(model.id)
    except _errors() as e:
        fail(str(e), _code(e))
    click.echo(f"Imported {model.id}: {model.path}" + (" (now the default)" if set_default else ""))


@models.command()
@click.argument("model")
@click.option("--keep-file", is_flag=True, help="Only forget the model; leave its file on disk.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def rm(model: str, keep_file: bool, yes: bool) -> None:
    """Remove an installed model and delete its file."""
    from deskmate.core.models.download import human_size
    from deskmate.core.models.registry import Registry

    try:
        registry = Registry()
        m = registry.get(model)
        if not yes and not keep_file:
            click.confirm(f"Delete {m.name} ({human_size(m.size)}) at {m.path}?", abort=True, err=True)
        removed, was_default = registry.remove(model, delete_files=not keep_file)
    except _errors() as e:
        fail(str(e), _code(e))
    click.echo(f"Removed {removed.id}." + (" The built-in model is the default again." if was_default else ""))


@models.command()
@click.argument("model", required=False)
@click.option("--builtin", is_flag=True, help="Go back to the built-in model.")
def default(model: str | None, builtin: bool) -> None:
    """Show or set the default chat model."""
    from deskmate.core.models.registry import Registry
    from deskmate.core.settings import set_engine_model

    try:
        registry = Registry()
        if builtin:
            set_engine_model(None)
            click.echo("The built-in model is the default.")
        elif model:
            m = registry.set_default(model)
            click.echo(f"{m.id} is the default: {m.path}")
        else:
            current = registry.default_path()
            click.echo(str(current) if current else "built-in")
    except _errors() as e:
        fail(str(e), _code(e))


if __name__ == "__main__":
    models(prog_name="deskmate models")
