"""Office-task commands: tasks, route, write, table, translate, proofread.

Each reads stdin and writes stdout when asked, so they compose with pipes and
with OS keyboard shortcuts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from deskmate.cli.common import (
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

LANGS = click.Choice(["en", "zh"])


def read_input(source: str | None, *, what: str = "text") -> str:
    """FILE, '-' or nothing (stdin when piped) → the text; a clear error otherwise."""
    if source and source != "-":
        path = Path(source).expanduser()
        try:
            data = path.read_bytes()
        except OSError as e:
            fail(f"cannot read {path}: {e.strerror or e}", EXIT_USAGE)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            fail(f"{path} is not UTF-8 text", EXIT_USAGE)
    if source != "-" and sys.stdin.isatty():
        fail(f"give the {what} as a FILE, or pipe it on stdin", EXIT_USAGE)
    text = sys.stdin.read()
    if not text.strip():
        fail(f"the {what} is empty", EXIT_USAGE)
    return text


@contextmanager
def engine_for(obj: Context) -> Iterator[object]:
    try:
        eng = obj.engine(role="cli")
    except (EngineError, SettingsError) as e:
        fail(one_line(str(e)), exit_code_for(e))
    try:
        yield eng
    except EngineError as e:
        sys.stdout.flush()
        fail(one_line(str(e)), exit_code_for(e))
    finally:
        eng.close()


def _catalog():
    from deskmate.core.tasks import catalog as tasks_catalog

    load = tasks_catalog.current()
    for err in load.errors:
        click.echo(f"deskmate: warning: {err}", err=True)
    return load.catalog


# --- tasks ------------------------------------------------------------------
@click.group("tasks")
def tasks() -> None:
    """Browse the task catalog."""


@tasks.command("list")
@click.option("--lang", type=LANGS, default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def tasks_list(lang: str, as_json: bool) -> None:
    """List categories and their tasks."""
    catalog = _catalog()
    if as_json:
        out = [
            {"category": c.id, "name": c.name.get(lang),
             "tasks": [{"id": t.id, "name": t.name.get(lang), "output": t.output, "creativity": t.creativity}
                       for t in c.tasks]}
            for c in catalog.categories
        ]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for c in catalog.categories:
        click.echo(f"{c.name.get(lang)}  [{c.id}]")
        for t in c.tasks:
            click.echo(f"  {t.id:<28} {t.name.get(lang)}  ({t.output}, creativity {t.creativity:.1f})")


@tasks.command("show")
@click.argument("task_id")
@click.option("--lang", type=LANGS, default="en", show_default=True)
def tasks_show(task_id: str, lang: str) -> None:
    """Show one task: its variables, output kind and prompt."""
    from deskmate.core.tasks import UnknownTaskError

    try:
        t = _catalog().task(task_id)
    except UnknownTaskError as e:
        fail(str(e), EXIT_USAGE)
    click.echo(f"{t.id}: {t.name.get(lang)}")
    click.echo(f"output: {t.output}   creativity: {t.creativity:.2f}   heavy: {'yes' if t.heavy else 'no'}")
    click.echo("variables:")
    for v in t.variables:
        need = "required" if v.required and v.default is None else "optional"
        default = f", default {v.default.get(lang)!r}" if v.default is not None else ""
        click.echo(f"  --var {v.name}=…   {v.label.get(lang)} ({need}{default})")
    click.echo("prompt:")
    click.echo(t.prompt.get(lang).strip())


# --- route ------------------------------------------------------------------
@click.command("route")
@remote_option
@click.argument("request", nargs=-1)
@click.option("--no-model", is_flag=True, help="Keyword pass only; never start the model.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def route_cmd(obj: Context, request: tuple[str, ...], no_model: bool, as_json: bool) -> None:
    """Pick the task for a free-form REQUEST (keywords first, then the model)."""
    from deskmate.core.tasks import route

    text = " ".join(request) or read_input("-", what="request")
    catalog = _catalog()
    if no_model:
        result = route(text, None, catalog)
    else:
        with engine_for(obj) as eng:
            result = route(text, eng, catalog)
    if as_json:
        click.echo(json.dumps({"task": result.task_id, "category": result.category, "method": result.method,
                               "confidence": round(result.confidence, 3),
                               "alternatives": list(result.alternatives), "note": result.note}, ensure_ascii=False))
        return
    t = catalog.task(result.task_id)
    click.echo(f"{result.task_id}  ({t.name.get('en')} / {t.name.get('zh')})")
    click.echo(f"  chosen by {result.method}, confidence {result.confidence:.2f}")
    if result.alternatives:
        click.echo(f"  alternatives: {', '.join(result.alternatives)}")
    if result.note:
        click.echo(f"  note: {result.note}")
    click.echo("  override: deskmate write OTHER_ID … (deskmate tasks list shows them)")


# --- write ------------------------------------------------------------------
def _parse_vars(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            fail(f"--var needs NAME=VALUE (got {pair!r})", EXIT_USAGE)
        name, value = pair.split("=", 1)
        if value.startswith("@"):
            value = read_input(value[1:], what=f"value of {name}")
        out[name.strip()] = value
    return out


@click.command("write")
@remote_option
@click.argument("task_id")
@click.option("--var", "pairs", multiple=True, metavar="NAME=VALUE",
              help="Fill a task variable (repeatable). VALUE @FILE reads a file, @- reads stdin.")
@click.option("--creativity", type=click.FloatRange(0, 1), default=None, help="0 = factual … 1 = creative.")
@click.option("--review", is_flag=True, help="Check the answer against the instruction and rewrite it once if needed.")
@click.option("--lang", type=LANGS, default=None, help="Prompt language (default: from the input text).")
@click.option("--json", "as_json", is_flag=True, help="Print the result (and review) as JSON.")
@click.pass_obj
def write_cmd(obj: Context, task_id: str, pairs: tuple[str, ...], creativity: float | None, review: bool,
              lang: str | None, as_json: bool) -> None:
    """Run catalog task TASK_ID (see `deskmate tasks list`).

    A required variable that is not given with --var is read from stdin when
    text is piped in. Text answers stream as they are written; a table task
    prints its table as Markdown (like `deskmate table`); a proofreading task
    prints a unified diff, with each change on stderr; a translation streams.
    """
    from deskmate.core.tasks import TaskInputError, UnknownTaskError
    from deskmate.core.tasks.run import TaskRun

    catalog = _catalog()
    try:
        task = catalog.task(task_id)
    except UnknownTaskError as e:
        fail(str(e), EXIT_USAGE)
    values = _parse_vars(pairs)
    missing = [v.name for v in task.variables if v.required and v.default is None and not values.get(v.name)]
    if missing and not sys.stdin.isatty():
        values[missing[0]] = read_input("-", what=missing[0])
    if lang is None:
        from deskmate.core.tasks.langdetect import detect_language

        sample = " ".join(values.values())
        lang = "zh" if sample.strip() and detect_language(sample).code.startswith("zh") else "en"
    with engine_for(obj) as eng:
        try:
            run = TaskRun(task, values, client=eng, lang=lang, creativity=creativity, review=review, catalog=catalog)
        except TaskInputError as e:
            fail(f"{e} (see `deskmate tasks show {task.id}`)", EXIT_USAGE)
        if review and not run.review:
            click.echo(f"deskmate: --review is for text answers; {task.id} gives a {task.output}", err=True)
        with ctrl_c_cancels(run.cancel):
            _show_events(run, as_json)
    result = run.result
    assert result is not None
    if as_json:
        click.echo(json.dumps(_result_json(result), ensure_ascii=False, indent=2))


def _show_events(run, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Print a run's events as they come: the answer on stdout, everything else on stderr."""
    from deskmate.core.tasks.run import (
        Delta,
        Failed,
        Notice,
        Paragraph,
        ProofreadDone,
        ReviewDone,
        TableDone,
        TextDone,
        TranslationDone,
    )

    streams = run.kind in ("text", "json", "image-prompt", "translation")
    ended_with_newline = True
    for event in run:
        if isinstance(event, Delta) and streams and not as_json:
            sys.stdout.write(event.text)
            sys.stdout.flush()
            ended_with_newline = event.text.endswith("\n")
        elif isinstance(event, Notice):
            click.echo(f"deskmate: {one_line(event.text)}", err=True)
        elif isinstance(event, Failed):
            sys.stdout.flush()
            fail(one_line(event.message), exit_code_for(event.error))
        elif isinstance(event, (TextDone, TranslationDone)):
            if not as_json and not ended_with_newline:
                sys.stdout.write("\n")
            if run.review and isinstance(event, TextDone) and event.completion.finish_reason != "cancelled":
                click.echo("deskmate: reviewing the answer…", err=True)
        elif isinstance(event, Paragraph):
            _paragraph_notes(event.index, event.paragraph)
        elif isinstance(event, TableDone) and not as_json:
            from deskmate.core.tables import to_markdown

            click.echo(to_markdown(event.table))
        elif isinstance(event, ProofreadDone):
            _proofread_notes(event.result, show_diff=not as_json)
        elif isinstance(event, ReviewDone) and not as_json:
            _review_notes(event.review)
    result = run.result
    if result is not None and result.translation is not None:
        click.echo(f"deskmate: translated from {result.translation.source_language.name}", err=True)


def _paragraph_notes(index: int, p) -> None:  # type: ignore[no-untyped-def]
    for src, tgt in p.missing_terms:
        click.echo(f"deskmate: glossary: paragraph {index + 1} lacks '{tgt}' for '{src}'", err=True)
    if p.missing_numbers:
        click.echo(f"deskmate: check paragraph {index + 1}: numbers {', '.join(p.missing_numbers)} "
                   "are not in the translation", err=True)
    if p.fallback:
        click.echo(f"deskmate: paragraph {index + 1} came back empty; the original was kept", err=True)


def _proofread_notes(result, *, show_diff: bool) -> None:  # type: ignore[no-untyped-def]
    for r in result.restored:
        click.echo(f"deskmate: the model dropped a sentence; restored: {one_line(r.text)[:80]!r}", err=True)
    for c in result.changes:
        why = f" — {c.explanation}" if c.explanation else ""
        click.echo(f"deskmate: change {c.id}: {c.original!r} → {c.replacement!r}{why}", err=True)
    if show_diff:
        click.echo(result.unified_diff(), nl=False)
    if not result.changes:
        click.echo("deskmate: no changes", err=True)


def _review_notes(review) -> None:  # type: ignore[no-untyped-def]
    if review.ok:
        click.echo("deskmate: review: no problems found", err=True)
        return
    for issue in review.issues:
        click.echo(f"deskmate: review: {issue}", err=True)
    if review.revised:
        for c in review.diff().changes:
            click.echo(f"deskmate: review changed {c.original!r} → {c.replacement!r} — {c.reason}", err=True)
        click.echo("\n--- revised after review ---")
        click.echo(review.revised)


def _changes_json(result) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [{"id": c.id, "start": c.start, "end": c.end, "original": c.original, "replacement": c.replacement,
             "reason": c.reason, "note": c.note, "kind": c.kind} for c in result.changes]


def _result_json(result) -> dict[str, object]:  # type: ignore[no-untyped-def]
    out: dict[str, object] = {"task": result.task, "kind": result.kind, "answer": result.text,
                              "cancelled": result.cancelled}
    if result.table is not None:
        out["table"] = {"title": result.table.title, "columns": result.table.header,
                        "rows": [list(r) for r in result.table.rows]}
    if result.proofread is not None:
        out["diff"] = result.proofread.unified_diff()
        out["changes"] = _changes_json(result.proofread)
    if result.review is not None:
        r = result.review
        out["review"] = {"ok": r.ok, "issues": list(r.issues), "revised": r.revised,
                         "diff": r.diff().unified_diff(), "changes": _changes_json(r.diff())}
    if result.notices:
        out["notices"] = list(result.notices)
    return out


# --- table ------------------------------------------------------------------
@click.command("table")
@remote_option
@click.argument("request", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (.csv .xlsx .md .docx .html .tsv); default: Markdown on stdout.")
@click.option("--extract", "extract_from", metavar="FILE|-", default=None,
              help="Extract a table from the text in FILE (or stdin) instead of making one up.")
@click.option("--rows", type=click.IntRange(1, 100), default=20, show_default=True, help="At most this many rows.")
@click.option("--cols", type=click.IntRange(1, 20), default=8, show_default=True, help="At most this many columns.")
@click.option("--describe", is_flag=True, help="Also describe the table in prose (on stdout).")
@click.pass_obj
def table_cmd(obj: Context, request: tuple[str, ...], output: str | None, extract_from: str | None, rows: int,
              cols: int, describe: bool) -> None:
    """Make a table from a REQUEST, or extract one from text, and save or print it."""
    from deskmate.core.tables import describe_table, export, make_table, to_markdown
    from deskmate.core.tables.export import ExportError
    from deskmate.core.tables.parse import TableParseError

    text = " ".join(request)
    source = read_input(extract_from, what="text to extract from") if extract_from else None
    if source is None and not text:
        text = read_input("-", what="table request")
    if output:
        suffix = Path(output).suffix.lower()
        if suffix not in (".csv", ".xlsx", ".md", ".docx", ".html", ".htm", ".tsv"):
            fail(f"cannot write a table as '{suffix or output}': use .csv, .xlsx, .md, .docx, .html or .tsv", EXIT_USAGE)
    with engine_for(obj) as eng:
        try:
            build = make_table(eng, text, source=source, max_rows=rows, max_cols=cols)
        except TableParseError as e:
            fail(f"the model's answer did not form a table: {one_line(str(e))}. Try rephrasing the request.")
        table = build.table
        for note in build.check.notes:
            click.echo(f"deskmate: {one_line(note)}", err=True)
        for r, c in build.check.unfound:
            click.echo(f"deskmate: row {r + 1}, {table.header[c]}: {table.rows[r][c]!r} is not in the text", err=True)
        if output:
            try:
                path = export(table, output)
            except (ExportError, OSError) as e:
                fail(f"could not write {output}: {one_line(str(e))}")
            n_rows, n_cols = table.shape
            click.echo(f"deskmate: wrote {n_rows} rows × {n_cols} columns to {path}", err=True)
        else:
            click.echo(to_markdown(table))
        if describe:
            stream = describe_table(eng, table)
            with ctrl_c_cancels(stream.cancel):
                for piece in stream:
                    sys.stdout.write(piece)
                    sys.stdout.flush()
            click.echo()


# --- translate --------------------------------------------------------------
@click.command("translate")
@remote_option
@click.argument("source", required=False, metavar="[FILE|-]")
@click.option("--to", "target", required=True, help="Target language: a code or name (zh, en, French, 日本語 …).")
@click.option("--from", "source_lang", default=None, help="Source language (default: detected).")
@click.option("--glossary", "glossary_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="File of term pairs, one per line: source = target.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write the translation to FILE.")
@click.pass_obj
def translate_cmd(obj: Context, source: str | None, target: str, source_lang: str | None,
                  glossary_file: str | None, output: str | None) -> None:
    """Translate FILE (or stdin), paragraph by paragraph, streaming as it goes.

    Paragraphs, lists, Markdown, code blocks, numbers and names are kept.
    Progress and glossary checks go to stderr.
    """
    from deskmate.core.tasks.langdetect import resolve_language
    from deskmate.core.tasks.translate import Finished, ParagraphDelta, ParagraphStart, Translation, parse_glossary

    text = read_input(source, what="text to translate")
    try:
        to = resolve_language(target)
        frm = resolve_language(source_lang) if source_lang else None
    except ValueError as e:
        fail(str(e), EXIT_USAGE)
    glossary = None
    if glossary_file:
        try:
            glossary = parse_glossary(Path(glossary_file).read_text(encoding="utf-8-sig"))
        except ValueError as e:
            fail(f"{glossary_file}: {e}", EXIT_USAGE)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        with engine_for(obj) as eng:
            job = Translation(eng, text, to, source=frm, glossary=glossary)
            result = None
            with ctrl_c_cancels(job.cancel), wrong_language_fails():
                for ev in job:
                    if isinstance(ev, ParagraphStart):
                        if ev.index == 0:
                            click.echo(f"deskmate: {job.total} paragraphs → {to.name}", err=True)
                        out.write(ev.lead)
                    elif isinstance(ev, ParagraphDelta):
                        out.write(ev.text)
                        out.flush()
                    elif isinstance(ev, Finished):
                        out.write(ev.trailing)
                        result = ev.result
    finally:
        if out is not sys.stdout:
            out.close()
    if result is not None:
        click.echo(f"deskmate: translated from {result.source_language.name}", err=True)
        for p in result.paragraphs:
            _paragraph_notes(p.index, p)


@contextmanager
def wrong_language_fails() -> Iterator[None]:
    from deskmate.core.tasks.translate import TranslationLanguageError

    try:
        yield
    except TranslationLanguageError as e:
        sys.stdout.flush()
        fail(one_line(str(e)), exit_code_for(e))


# --- proofread --------------------------------------------------------------
@click.command("proofread")
@remote_option
@click.argument("source", required=False, metavar="[FILE|-]")
@click.option("--diff", "as_diff", is_flag=True, help="Print a unified diff instead of the corrected text.")
@click.option("--changes", "list_changes", is_flag=True, help="List each change with its reason on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print the corrected text and every change as JSON.")
@click.option("--no-reasons", is_flag=True, help="Skip asking the model why (faster).")
@click.pass_obj
def proofread_cmd(obj: Context, source: str | None, as_diff: bool, list_changes: bool, as_json: bool,
                  no_reasons: bool) -> None:
    """Fix spelling, grammar and punctuation in FILE (or stdin).

    Prints the corrected text; sentences the model dropped are restored and reported.
    """
    from deskmate.core.tasks.proofread import proofread

    text = read_input(source, what="text to proofread")
    with engine_for(obj) as eng:
        result = proofread(eng, text, explain=not no_reasons)
    for r in result.restored:
        click.echo(f"deskmate: the model dropped a sentence; restored: {one_line(r.text)[:80]!r}", err=True)
    if as_json:
        click.echo(json.dumps({
            "original": result.original,
            "corrected": result.corrected,
            "changes": _changes_json(result),
            "restored": [r.text for r in result.restored],
        }, ensure_ascii=False, indent=2))
        return
    if list_changes or as_diff:
        for c in result.changes:
            why = f" — {c.explanation}" if c.explanation else ""
            click.echo(f"deskmate: change {c.id}: {c.original!r} → {c.replacement!r}{why}", err=True)
    if as_diff:
        click.echo(result.unified_diff(), nl=False)
    else:
        sys.stdout.write(result.corrected)
        if not result.corrected.endswith("\n"):
            sys.stdout.write("\n")
    if not result.changes:
        click.echo("deskmate: no changes", err=True)


COMMANDS = [tasks, route_cmd, write_cmd, table_cmd, translate_cmd, proofread_cmd]
