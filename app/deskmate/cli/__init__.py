"""deskmate — an offline office assistant.

Run with no command to open the window.
"""

from __future__ import annotations

import sys

import click

from deskmate.cli.common import Context


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--model", "model", metavar="PATH", help="GGUF model file to use instead of the configured one.")
@click.version_option(package_name="deskmate", prog_name="deskmate")
@click.pass_context
def main(ctx: click.Context, model: str | None) -> None:
    """Deskmate: draft, rewrite, translate and tabulate with a local model.

    With no command, opens the Deskmate window.
    """
    ctx.obj = Context(model)
    if ctx.invoked_subcommand is None:
        from deskmate.ui.app import run_gui

        sys.exit(run_gui(model))


def _register() -> None:
    from deskmate.cli.chat import chat, engine
    from deskmate.cli.docs import docs
    from deskmate.cli.images import image
    from deskmate.cli.models import models
    from deskmate.cli.quick import quick
    from deskmate.cli.remote import remote
    from deskmate.cli.serve import serve
    from deskmate.cli.tasks import COMMANDS

    for command in [chat, engine, *COMMANDS, models, image, remote, quick, docs, serve]:
        main.add_command(command)


_register()

if __name__ == "__main__":
    main()
