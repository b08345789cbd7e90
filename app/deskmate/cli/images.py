"""`deskmate image`: draw a picture from a prompt on the command line.

Kept out of cli/__init__.py so the text commands never pay for it; it registers it
with ``main.add_command(image)``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from deskmate.cli.common import (
    EXIT_ENGINE_START,
    EXIT_ENGINE_STOPPED,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_USAGE,
    ctrl_c_cancels,
    fail,
)

MODEL_ENV = "DESKMATE_IMAGE_MODEL"


def _exit_code(error: BaseException) -> int:
    from deskmate.core.images import (
        ImageJobError,
        ImageModelError,
        ImageWorkerCrashedError,
        ImageWorkerStartError,
    )

    if isinstance(error, ImageJobError):
        return EXIT_USAGE
    if isinstance(error, ImageModelError):
        return EXIT_MODEL
    if isinstance(error, ImageWorkerStartError):
        return EXIT_ENGINE_START
    if isinstance(error, ImageWorkerCrashedError):
        return EXIT_ENGINE_STOPPED
    return EXIT_ERROR


class _Progress:
    """A one-line bar on a terminal; plain "step i/n" lines when stderr is a file or a pipe."""

    def __init__(self, stream: object = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.width = 30
        self._open_line = False

    def note(self, text: str) -> None:
        self._end_line()
        self._write(f"{text}\n")

    def step(self, step: int, steps: int) -> None:
        elapsed = time.monotonic() - self.started
        if self.tty:
            filled = int(self.width * step / max(steps, 1))
            bar = "#" * filled + "-" * (self.width - filled)
            self._write(f"\r[{bar}] step {step}/{steps}  {elapsed:5.1f} s")
            self._open_line = True
        else:
            self._write(f"step {step}/{steps}\n")

    def _end_line(self) -> None:
        if self._open_line:
            self._write("\n")
            self._open_line = False

    def done(self) -> None:
        self._end_line()

    def _write(self, text: str) -> None:
        self.stream.write(text)  # type: ignore[attr-defined]
        self.stream.flush()  # type: ignore[attr-defined]


@click.command("image")
@click.argument("prompt", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PNG file to write. Default: a new file in Deskmate's gallery (listed in its history).")
@click.option("--steps", type=int, default=None, help="Denoising steps (default: the model's; 1 for SD-Turbo).")
@click.option("--seed", type=int, default=None, help="Seed for a repeatable picture (default: random).")
@click.option("--size", default=None, metavar="WxH", help="Picture size, e.g. 512x512 (default: the model's).")
@click.option("--guidance", type=float, default=None, help="Prompt guidance (default: the model's; 0 for turbo).")
@click.option("--negative", default="", metavar="TEXT", help="What to keep out of the picture (needs guidance > 1).")
@click.option("--model", "model", metavar="PATH", default=None,
              help=f"Diffusers model folder or checkpoint file (default: ${MODEL_ENV}).")
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
def image(prompt: tuple[str, ...], output: Path | None, steps: int | None, seed: int | None, size: str | None,
          guidance: float | None, negative: str, model: str | None, overwrite: bool) -> None:
    """Draw a picture from PROMPT with the local image model.

    Progress goes to stderr; the path of the saved PNG is printed on stdout.
    The PNG carries the prompt, seed, steps, guidance, size and model in its
    metadata. Ctrl+C cancels (no file is written).
    """
    from deskmate.core.images import ImageCancelledError, ImageEngine, ImageError, ImageJob, parse_size

    text = " ".join(prompt).strip()
    model = model or os.environ.get(MODEL_ENV)
    if not model:
        fail(f"no image model: pass --model PATH (a diffusers folder such as sd-turbo), or set {MODEL_ENV}",
              EXIT_MODEL)
    if output is not None:
        if output.suffix.lower() != ".png":
            fail(f"pictures are saved as PNG: give the output a .png name (not {output.name})", EXIT_USAGE)
        if output.exists() and not overwrite:
            fail(f"{output} already exists; choose another name or pass --overwrite", EXIT_USAGE)
    try:
        width, height = parse_size(size) if size else (None, None)
        job = ImageJob(prompt=text, model=Path(model), negative_prompt=negative, width=width, height=height,
                       steps=steps, guidance=guidance, seed=seed).resolved()  # checks the model; picks the seed
    except ImageError as e:
        fail(str(e), _exit_code(e))

    history = None
    if output is None:
        from deskmate.core.images.history import ImageHistory

        try:
            history = ImageHistory()
        except ImageError as e:
            fail(str(e), EXIT_ERROR)
        output = history.new_path(job)

    progress = _Progress()
    engine = ImageEngine(idle_timeout=60.0)
    try:
        try:
            run = engine.generate(job, output)
        except ImageError as e:
            fail(str(e), _exit_code(e))
        if run.job.negative_prompt and not run.job.negative_used:
            progress.note(f"note: the negative prompt has no effect at guidance {run.job.guidance:g}")

        # First Ctrl+C: stop after the current step. Second: stop now.
        with ctrl_c_cancels(lambda: run.cancel(hard=False), again=lambda: run.cancel(hard=True), said=None):
            try:
                for event in run:
                    if event.kind == "step":
                        progress.step(event.step, event.steps)
                    elif event.kind == "loading":
                        progress.note(f"{event.message}…")
                progress.done()
                result = run.result()
            except ImageCancelledError:
                progress.done()
                fail("cancelled; no picture was saved", EXIT_INTERRUPTED)
            except ImageError as e:
                progress.done()
                fail(str(e), _exit_code(e))
        if history is not None:
            history.add_result(result)
        used = result.job
        click.echo(f"seed {used.seed}, {used.steps} step(s), {used.size}, {result.seconds:.1f} s", err=True)
        click.echo(str(result.path))
    finally:
        engine.close()
        if history is not None:
            history.close()
