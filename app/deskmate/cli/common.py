"""What every deskmate command shares: exit codes, one-line errors, Ctrl+C, the engine choice."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from deskmate.core.engines.errors import (
    EngineStartError,
    EngineStoppedError,
    ModelInvalidError,
    ModelNotFoundError,
)

# Exit codes, so scripts bound to shortcuts can tell failures apart. The one table: every command
# uses these names, and tests/project/test_packaging.py holds the man page and README to EXIT_CODES.
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_MODEL = 3
EXIT_ENGINE_START = 4
EXIT_ENGINE_STOPPED = 5
EXIT_NO_KEYRING = 6
EXIT_NOT_TRANSLATED = 7
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_ERROR: "other errors",
    EXIT_USAGE: "a usage error or unusable input",
    EXIT_MODEL: "the model file is missing or broken",
    EXIT_ENGINE_START: "the engine (or the image worker) could not start",
    EXIT_ENGINE_STOPPED: "the engine stopped during the answer (the partial answer is printed first)",
    EXIT_NO_KEYRING: "no system keyring to keep a remote server's API key in",
    EXIT_NOT_TRANSLATED: "the model answered a translation in the wrong language twice (no translation is presented)",
    EXIT_INTERRUPTED: "interrupted with Ctrl+C",
}


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``deskmate: MESSAGE`` on one line of stderr and exit with CODE."""
    click.echo(f"deskmate: {one_line(message)}", err=True)
    sys.exit(code)


@contextmanager
def ctrl_c_cancels(cancel: Callable[[], object], *, again: Callable[[], object] | None = None,
                   said: str | None = "stopped") -> Iterator[threading.Event]:
    """While inside, Ctrl+C calls CANCEL (a second Ctrl+C calls AGAIN, if given) instead of killing us.

    The work then ends on its own, keeping what it has; on leaving, ``deskmate: SAID`` and exit 130.
    SAID None: the work reports its own cancel (an image that finished anyway is still saved).
    """
    hit = threading.Event()
    presses = []

    def handler(_s: int, _f: object) -> None:
        presses.append(True)
        hit.set()
        (again if again is not None and len(presses) > 1 else cancel)()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield hit
    finally:
        signal.signal(signal.SIGINT, previous)
    if hit.is_set() and said is not None:
        click.echo(f"\ndeskmate: {said}", err=True)
        sys.exit(EXIT_INTERRUPTED)


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


class Context:
    def __init__(self, model: str | None) -> None:
        self.model = model
        self.remote: str | None = None  # set by a command's --remote NAME

    def engine(self, **kw: object):  # -> a ChatClient; imported late to keep `--help` fast
        if self.remote:
            from deskmate.core.remote import client_for

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
