"""`deskmate chat` and `deskmate engine status`: ask the local model directly, and look at its engine."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from deskmate.cli.common import (
    EXIT_ENGINE_START,
    EXIT_MODEL,
    EXIT_USAGE,
    Context,
    ctrl_c_cancels,
    exit_code_for,
    fail,
    one_line,
    remote_option,
)
from deskmate.core.engines.errors import EngineError
from deskmate.core.settings import SettingsError


@click.command()
@remote_option
@click.argument("prompt", nargs=-1)
@click.option("--system", default=None, help="System instruction for the model.")
@click.option("--max-tokens", default=512, show_default=True, help="Longest answer, in tokens.")
@click.option("--temperature", default=0.7, show_default=True, type=float)
@click.option("--seed", default=None, type=int, help="Fix the sampling seed for repeatable answers.")
@click.option("--schema", "schema_file", type=click.File("r"), help="JSON Schema file: the answer is JSON that fits it.")
@click.pass_obj
def chat(obj: Context, prompt: tuple[str, ...], system: str | None, max_tokens: int, temperature: float,
         seed: int | None, schema_file, ) -> None:
    """Ask the local model; the answer streams to stdout.

    PROMPT is the question; with none (or "-") it is read from stdin.
    """
    from deskmate.core.engines.base import Sampling, msg

    text = " ".join(prompt)
    if not text or text == "-":
        if sys.stdin.isatty() and not text:
            fail("give a prompt, or pipe text on stdin (e.g. echo hello | deskmate chat)", EXIT_USAGE)
        text = sys.stdin.read()
    if not text.strip():
        fail("the prompt is empty", EXIT_USAGE)
    schema = None
    if schema_file is not None:
        try:
            schema = json.load(schema_file)
        except ValueError as e:
            fail(f"the schema file is not valid JSON: {e}", EXIT_USAGE)
    messages = ([msg("system", system)] if system else []) + [msg("user", text)]
    sampling = Sampling(temperature=temperature, max_tokens=max_tokens, seed=seed)
    try:
        engine = obj.engine(role="cli")
    except (EngineError, SettingsError) as e:
        fail(one_line(str(e)), exit_code_for(e))
    stream = engine.stream(messages, sampling, schema)
    try:
        with ctrl_c_cancels(stream.cancel):
            for delta in stream:
                sys.stdout.write(delta)
                sys.stdout.flush()
            if stream.text and not stream.text.endswith("\n"):
                sys.stdout.write("\n")
    except EngineError as e:
        if stream.text:
            sys.stdout.write("\n")
        fail(one_line(str(e)), exit_code_for(e))
    finally:
        engine.close()


@click.group()
def engine() -> None:
    """Inspect the local engine."""


@engine.command("status")
@click.option("--check", is_flag=True, help="Also start the engine, load the model and time a short answer.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def engine_status(obj: Context, check: bool, as_json: bool) -> None:
    """Show the configured model and the engines that are running."""
    from deskmate.core.engines.gguf_check import check_gguf
    from deskmate.core.engines.runtime_info import running_engines

    report: dict[str, object] = {}
    try:
        path = obj.model_path()
    except (EngineError, SettingsError) as e:
        fail(one_line(str(e)), exit_code_for(e))
    report["model"] = str(path)
    try:
        summary = check_gguf(path)
        report.update(model_ok=True, model_name=summary.name, architecture=summary.architecture,
                      size_bytes=summary.size, tensors=summary.tensor_count)
    except EngineError as e:
        report.update(model_ok=False, model_error=str(e))
    report["running"] = running_engines()
    if check and report.get("model_ok"):
        from deskmate.core.engines.base import Sampling, msg

        t0 = time.monotonic()
        try:
            with obj.engine(role="check") as eng:
                eng.wait_ready()
                ready = time.monotonic() - t0
                result = eng.complete([msg("user", "Say hello.")], Sampling(max_tokens=16, temperature=0.0, seed=1))
                report["check"] = {
                    "ready_seconds": round(ready, EXIT_USAGE),
                    "answer": result.text,
                    "tokens_per_second": round(result.usage.tokens_per_second, 1),
                }
        except EngineError as e:
            report["check"] = {"error": str(e)}
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(f"model:   {report['model']}")
        if report.get("model_ok"):
            click.echo(f"         {report['model_name']} ({report['architecture']}, "
                       f"{int(report['size_bytes']) / 1e6:.0f} MB, {report['tensors']} tensors) — file OK")
        else:
            click.echo(f"         NOT USABLE: {report['model_error']}")
        running = report["running"]
        if not running:
            click.echo("engines: none running")
        for r in running:  # type: ignore[union-attr]
            click.echo(f"engine:  {r['phase']} pid {r['engine_pid']} port {r['port']} for {r['role']} "
                       f"(owner pid {r['owner_pid']}), model {Path(r['model']).name}, restarts {r['restarts']}")
        if "check" in report:
            c = report["check"]
            if "error" in c:  # type: ignore[operator]
                click.echo(f"check:   FAILED: {c['error']}")  # type: ignore[index]
            else:
                click.echo(f"check:   ready in {c['ready_seconds']} s, {c['tokens_per_second']} tokens/s, "  # type: ignore[index]
                           f"answer: {one_line(c['answer'])[:60]!r}")  # type: ignore[index]
    if not report.get("model_ok") or "error" in report.get("check", {}):  # type: ignore[operator]
        sys.exit(EXIT_MODEL if not report.get("model_ok") else EXIT_ENGINE_START)
