"""`deskmate quick ACTION`: a quick action on the clipboard, for an OS keyboard shortcut.

Works everywhere a shortcut can run a command (Wayland too). The running Deskmate
does the work on its warm model when it answers; otherwise the command starts a
local engine itself. Register with ``main.add_command(quick)``.

On a headless or offscreen display the clipboard belongs to one process only, so
``--text`` (or text piped on stdin) stands in for it; ``--print`` writes the result
to stdout as well.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import click

from deskmate.cli.common import EXIT_ERROR, EXIT_USAGE, Context, exit_code_for, fail, one_line


def _gui_app():  # type: ignore[no-untyped-def]
    """A QGuiApplication for the clipboard (offscreen when there is no display)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["deskmate-quick"])
    return app


def _external_paste() -> str:
    """wl-paste / xclip, for Linux sessions where Qt cannot read another app's clipboard."""
    for cmd in (["wl-paste", "--no-newline", "--type", "text"], ["xclip", "-selection", "clipboard", "-o"]):
        if shutil.which(cmd[0]):
            try:
                out = subprocess.run(cmd, capture_output=True, timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if out.returncode == 0 and out.stdout:
                return out.stdout.decode("utf-8", "replace")
    return ""


def read_clipboard() -> tuple[str, str]:
    """(text, problem): the clipboard text, or a sentence saying why there is none."""
    app = _gui_app()
    mime = app.clipboard().mimeData()
    if mime is not None and not mime.hasText() and (mime.hasImage() or mime.formats()):
        return "", "The clipboard holds an image or other data, not text. Copy some text and try again."
    text = app.clipboard().text()
    if not text and sys.platform.startswith("linux"):
        text = _external_paste()
    return text, ""


def write_clipboard(text: str, html: str = "") -> bool:
    """Put the result on the clipboard; on Linux prefer wl-copy/xclip, which keep it after we exit."""
    if sys.platform.startswith("linux") and not html:
        for cmd in (["wl-copy"], ["xclip", "-selection", "clipboard", "-i"]):
            if shutil.which(cmd[0]) and (os.environ.get("WAYLAND_DISPLAY") if cmd[0] == "wl-copy"
                                         else os.environ.get("DISPLAY")):
                try:
                    subprocess.run(cmd, input=text.encode("utf-8"), timeout=3, check=True)
                    return True
                except (OSError, subprocess.SubprocessError):
                    pass
    from deskmate.ui.single_instance import result_mime

    app = _gui_app()
    if app.platformName() == "offscreen":
        # This clipboard dies with the process anyway, and Qt 6.11 crashes at exit when an
        # offscreen clipboard still holds QMimeData: plain text is enough here.
        app.clipboard().setText(text)
    else:
        app.clipboard().setMimeData(result_mime(text, html))
    return True


@click.command()
@click.argument("action")
@click.option("--to", "to", metavar="LANG", default=None, help="Target language for translate (en, zh, fr, …).")
@click.option("--text", "text", default=None, help="Work on this text instead of the clipboard ('-' reads stdin).")
@click.option("--print", "print_result", is_flag=True, help="Also print the result on stdout.")
@click.option("--headless", is_flag=True, help="Do not ask the running Deskmate; start a model here.")
@click.pass_context
def quick(ctx: click.Context, action: str, to: str | None, text: str | None, print_result: bool,
          headless: bool) -> None:
    """Run a quick action on the clipboard and put the result back.

    ACTION is one of: shorter, formal, friendly, grammar, translate (with --to LANG;
    translate-zh, translate-en), summary, table, or the id of one of your own tasks
    made a quick action in the task editor (mine.…). Bind it to a keyboard shortcut, e.g.
    `deskmate quick translate --to zh`. Uses the running Deskmate when there is one.
    """
    from deskmate.core.quick import QuickInputError, action as find_action, prepare

    obj = ctx.find_object(Context) or Context(None)
    try:
        act = find_action(action)
    except QuickInputError as e:
        fail(str(e), EXIT_USAGE)
    if text == "-":
        text = sys.stdin.read()
    problem = ""
    if text is None:
        text, problem = read_clipboard()
    if problem:
        fail(problem, EXIT_USAGE)
    try:
        prepare(text)  # the plain limits first: no engine for an empty or huge clipboard
    except QuickInputError as e:
        fail(str(e), EXIT_USAGE)

    request = {"action": act.id, "to": to, "text": text, "write_clipboard": True}
    response = None
    if not headless:
        from deskmate.ui.single_instance import send_request

        _gui_app()
        try:
            response = send_request(request)
        except TimeoutError as e:
            fail(str(e))
        except ValueError:
            response = None
    where = "running Deskmate"
    if response is None:
        where = "local model"
        response = _headless(obj, act.id, text, to)
    if not response.get("ok"):
        fail(one_line(str(response.get("error", "the action failed"))), int(response.get("exit", EXIT_ERROR)))
    result = response.get("text", "")
    if response.get("cancelled"):
        fail("the action was stopped before it finished", EXIT_ERROR)
    if not response.get("clipboard"):
        write_clipboard(result, response.get("html", ""))
    if print_result:
        click.echo(result)
    notice = f" ({one_line(response['notice'])})" if response.get("notice") else ""
    click.echo(f"deskmate: {act.id} done by the {where}; "
               f"{len(result):,} characters on the clipboard{notice}", err=True)


def _headless(obj: Context, action_id: str, text: str, to: str | None) -> dict:
    from deskmate.core.engines.errors import EngineError
    from deskmate.core.quick import run_action
    from deskmate.core.settings import SettingsError

    try:
        eng = obj.engine(role="cli")
    except (EngineError, SettingsError) as e:
        return {"ok": False, "error": str(e), "exit": exit_code_for(e)}
    try:
        return {"ok": True, **run_action(eng, action_id, text, to=to).run().to_json()}
    except EngineError as e:
        return {"ok": False, "error": str(e), "exit": exit_code_for(e)}
    except ValueError as e:  # QuickInputError, TableGenerationError: sentences for the person
        return {"ok": False, "error": str(e)}
    finally:
        eng.close()


if __name__ == "__main__":
    quick()
