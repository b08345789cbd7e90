"""What every deskmate command shares: exit codes, one-line errors, the engine choice."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from deskmate.core.engines.errors import (
    EngineStartError,
    EngineStoppedError,
    ModelInvalidError,
    ModelNotFoundError,
)

# Exit codes, so scripts bound to shortcuts can tell failures apart.
EXIT_ERROR = 1
EXIT_MODEL = 3
EXIT_ENGINE_START = 4
EXIT_ENGINE_STOPPED = 5
EXIT_NOT_TRANSLATED = 6  # the model answered in the wrong language: no translation was given
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"deskmate: {message}", err=True)
    sys.exit(code)


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, (ModelNotFoundError, ModelInvalidError)):
        return EXIT_MODEL
    if isinstance(error, EngineStartError):
        return EXIT_ENGINE_START
    if isinstance(error, EngineStoppedError):
        return EXIT_ENGINE_STOPPED
    from deskmate.core.tasks.translate import TranslationLanguageError

    if isinstance(error, TranslationLanguageError):
        return EXIT_NOT_TRANSLATED
    return EXIT_ERROR


def one_line(text: str) -> str:
    return " ".join(text.split())


class Context:
    def __init__(self, model: str | None) -> None:
        self.model = model
        self.remote: str | None = None  # set by a command's --remote NAME

    def engine(self, **kw: object):  # -> a ChatClient; imported late to keep `--help` fast
        if self.remote:
            from deskmate.core.engines.remote import client_for

            return client_for(self.remote)
        from deskmate.core.engines.factory import local_engine

        return local_engine(self.model, **kw)

    def model_path(self) -> Path:
        from deskmate.core.engines.factory import resolve_model

        return resolve_model(self.model)


def remote_option(command):  # type: ignore[no-untyped-def]
    """Add ``--remote NAME``: run this command on a remote server set up with `deskmate remote add`."""

    def remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value:
            ctx.ensure_object(Context).remote = value
        return value

    return click.option("--remote", "remote", metavar="NAME", default=None, expose_value=False,
                        callback=remember, is_eager=False,
                        help="Send the work to remote server NAME (see `deskmate remote list`).")(command)
