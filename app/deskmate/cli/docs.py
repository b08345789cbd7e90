"""`deskmate docs`: the document library from the command line.

    deskmate docs add ~/Manuals notes.docx      # index (progress on stderr); exit 0 when all of it is done
    deskmate docs list                          # collections and files, with each file's state
    deskmate docs ask "如何配置代理?" --json       # an answer citing its sources, best first
    deskmate docs summarize report.pdf          # the whole document, part by part
    deskmate docs minutes minutes.docx          # action items and a schedule table
    deskmate docs rm ~/Manuals/old.pdf
    deskmate docs reindex [--force]

Indexing resumes where it stopped: Ctrl+C (or a crash) during `docs add` loses at most
the file in hand, and the next `docs add` or `docs reindex` goes on from there.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from deskmate.cli.common import EXIT_USAGE, Context, ctrl_c_cancels, exit_code_for, fail, one_line, remote_option
from deskmate.cli.tasks import engine_for
from deskmate.core.docs.errors import DocsError

if TYPE_CHECKING:  # the library brings numpy: imported when a docs command runs, not for `deskmate --help`
    from deskmate.core.docs import IndexRun, Library


_STATE_WORDS = {"pending": "waiting", "keyword": "keyword only", "ready": "ready", "error": "ERROR"}

collection_option = click.option(
    "--collection", "-c", "collection", metavar="NAME", default=None,
    help="Work on this collection (default: `add` adds to the default collection; the others use all of them).",
)


embedding_option = click.option(
    "--embedding-model", "embedding_model", metavar="FILE.gguf", default=None,
    help="Embedding model for searching by meaning (default: the one the collection used, else the one installed "
    "with `deskmate models pull bge-small-zh-v1.5`; without any, keyword search only).",
)


@contextmanager
def open_library(embedding_model: str | None = None, collection: str | None = None,
                 embed: bool = False) -> Iterator[Library]:
    """The library; with ``embed``, its embedding model started (a child process), closed again after."""
    from deskmate.core.docs import Library
    from deskmate.core.docs.embedding import open_embedder
    from deskmate.core.engines.errors import EngineError
    from deskmate.core.store.db import StoreError

    try:
        library = Library()
        if embed:
            known = None
            if embedding_model is None:
                try:
                    known = library.embedding_path(collection)
                except DocsError:
                    known = None  # a collection not made yet: `add` creates it
            library.embedder = open_embedder(embedding_model or known)
    except (DocsError, StoreError, EngineError) as e:
        fail(one_line(str(e)))
    for notice in library.notices:
        click.echo(f"deskmate: {one_line(notice)}", err=True)
    try:
        yield library
    except (DocsError, StoreError, EngineError) as e:
        fail(one_line(str(e)))
    finally:
        library.close()
        if library.embedder is not None:
            library.embedder.close()  # type: ignore[attr-defined]


def _follow(run: IndexRun) -> None:
    """Print the run's progress on stderr until it ends; Ctrl+C cancels it (the next run resumes)."""
    with ctrl_c_cancels(run.cancel):
        for ev in run:
            name = ev.path.name if ev.path is not None else ""
            if ev.kind == "scanned":
                click.echo(f"scanned: {ev.message}", err=True)
            elif ev.kind == "stage" and ev.total:
                what = "reading (keyword index)" if ev.stage == "read" else "embedding"
                click.echo(f"{what}: {ev.total} file(s)", err=True)
            elif ev.kind == "file_done":
                click.echo(f"  [{ev.done}/{ev.total}] {ev.stage} {name}: {ev.chunks} passage(s)", err=True)
            elif ev.kind == "file_failed":
                click.echo(f"  [{ev.done}/{ev.total}] could not read {name}: {one_line(ev.message)}", err=True)
            elif ev.kind == "notice":
                click.echo(f"note: {one_line(ev.message)}", err=True)
        summary = run.result()
    if summary.cancelled:
        return
    line = f"done in {summary.seconds:.1f} s: {summary.read} read, {summary.embedded} embedded"
    if summary.removed:
        line += f", {summary.removed} removed"
    if summary.failed:
        line += f", {len(summary.failed)} could not be read (see above; `deskmate docs list` keeps the reasons)"
    click.echo(line, err=True)
    if summary.embedding_stopped is not None:  # the note above said why; a script must not take this for done
        fail("embedding did not finish; once the embedding model is fixed, `deskmate docs reindex` finishes it",
             exit_code_for(summary.embedding_stopped))


@click.group()
def docs() -> None:
    """Ask your documents: folders of PDF, Word, Excel, PowerPoint, Markdown, text and HTML files."""


@docs.command("add")
@click.argument("paths", nargs=-1, required=True)
@collection_option
@embedding_option
def add(paths: tuple[str, ...], collection: str | None, embedding_model: str | None) -> None:
    """Add files and folders to the library and index them (folders are watched while the app runs)."""
    with open_library(embedding_model, collection, embed=True) as library:
        try:
            added = library.add(paths, collection)
        except DocsError as e:
            fail(one_line(str(e)), EXIT_USAGE)
        for source in added:
            click.echo(f"added {'folder' if source.is_folder else 'file'} {source.path}", err=True)
        _follow(library.index(added[0].collection))


@docs.command("reindex")
@collection_option
@embedding_option
@click.option("--force", is_flag=True, help="Read every file again, changed or not.")
def reindex(collection: str | None, embedding_model: str | None, force: bool) -> None:
    """Look for new, changed and deleted files and bring the index up to date (resumes an interrupted run)."""
    with open_library(embedding_model, collection, embed=True) as library:
        _follow(library.index(collection, force=force))


@docs.command("list")
@collection_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def list_(collection: str | None, as_json: bool) -> None:
    """Show the collections and every file with its state (and why a file could not be read)."""
    with open_library() as library:
        collections = [c for c in library.collections() if collection is None or c.name == collection]
        if collection is not None and not collections:
            fail(f"there is no collection called {collection!r}", EXIT_USAGE)
        files = {c.name: library.files(c.name) for c in collections}
        sources = {c.name: library.sources(c.name) for c in collections}
        if as_json:
            click.echo(json.dumps([{
                "collection": c.name, "embedding_model": c.embedding_model,
                "sources": [{"path": str(s.path), "folder": s.is_folder, "exists": s.exists} for s in sources[c.name]],
                "files": [{"path": str(f.path), "state": f.state, "error": f.error, "pages": f.pages,
                           "chunks": f.chunks, "size": f.size} for f in files[c.name]],
            } for c in collections], ensure_ascii=False, indent=2))
            return
        if not collections:
            click.echo("The library is empty: `deskmate docs add FOLDER` adds documents.")
        for c in collections:
            model = c.embedding_model or "none (keyword search only)"
            click.echo(f"{c.name}: {c.files} file(s), {c.chunks} passage(s), embedding model: {model}")
            for s in sources[c.name]:
                gone = "" if s.exists else "  (cannot be reached)"
                click.echo(f"  {'folder' if s.is_folder else 'file  '} {s.path}{gone}")
            for f in files[c.name]:
                where = f"{f.pages} p., " if f.pages else ""
                click.echo(f"    {_STATE_WORDS.get(f.state, f.state):12} {f.path}  ({where}{f.chunks} passages)")
                if f.error:
                    click.echo(f"                 {one_line(f.error)}")


@docs.command("rm")
@click.argument("paths", nargs=-1)
@collection_option
def rm(paths: tuple[str, ...], collection: str | None) -> None:
    """Take files or folders out of the library (nothing is deleted from disk).

    With --collection and no PATH, forgets that whole collection.
    """
    with open_library() as library:
        if not paths:
            if collection is None:
                fail("give the files or folders to remove, or --collection NAME to forget a collection", EXIT_USAGE)
            n = library.remove_collection(collection)
            click.echo(f"forgot collection {collection!r} ({n} file(s))", err=True)
            return
        for path in paths:
            try:
                n = library.remove(path, collection)
            except DocsError as e:
                fail(one_line(str(e)), EXIT_USAGE)
            click.echo(f"removed {path} ({n} file(s))", err=True)


def _source(p) -> dict[str, object]:  # type: ignore[no-untyped-def]
    out: dict[str, object] = {"path": str(p.path)}
    if p.page is not None:
        out["page"] = p.page
    else:
        out["section"] = p.section
    out["text"] = p.text
    return out


def _print_sources(sources) -> None:  # type: ignore[no-untyped-def]
    for n, p in enumerate(sources, 1):
        where = f", {p.where}" if p.where else ""
        click.echo(f"[{n}] {p.path}{where}")
        body = p.text if len(p.text) <= 600 else p.text[:600].rstrip() + " …"
        click.echo("    " + body.replace("\n", "\n    "))


def _events(run, what: str) -> None:  # type: ignore[no-untyped-def]
    """Follow an answer or a document task on stderr; Ctrl+C cancels it."""
    from deskmate.core.docs.answer import SourcesFound
    from deskmate.core.tasks.run import Failed, Notice, Progress

    with ctrl_c_cancels(run.cancel):
        for event in run:
            if isinstance(event, Notice):
                click.echo(f"note: {one_line(event.text)}", err=True)
            elif isinstance(event, SourcesFound) and not event.whole:  # before the model starts
                click.echo(f"{what}: reading " + "; ".join(
                    p.path.name + (f", {p.where}" if p.where else "") for p in event.passages), err=True)
            elif isinstance(event, Progress) and event.total > 1:
                click.echo(f"{what}: part {event.index + 1} of {event.total}", err=True)
            elif isinstance(event, Failed):
                fail(one_line(event.message), exit_code_for(event.error))


@docs.command("ask")
@remote_option
@click.argument("question", nargs=-1, required=True)
@collection_option
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50), help="How many passages.")
@click.option("--json", "as_json", is_flag=True, help='Print {"answer": ..., "sources": [...]} as JSON.')
@click.option("--search-only", is_flag=True, help="List the passages that match, best first, without asking the model.")
@click.option("--max-tokens", "max_tokens", default=None, type=click.IntRange(1, 8192),
              help="The longest answer, in tokens (default 400).")
@embedding_option
@click.pass_obj
def ask(obj: Context, question: tuple[str, ...], collection: str | None, k: int, as_json: bool, search_only: bool,
        max_tokens: int | None, embedding_model: str | None) -> None:
    """Answer QUESTION from your documents, citing the passages it comes from ([1], [2] …).

    When the documents fit the model's context they are read whole; otherwise the best
    passages are. A sentence no cited passage supports is pointed out on stderr. When
    nothing in the library is relevant, the answer says so. An empty library (or one whose
    files cannot be searched yet) is said on stderr, with exit code 2 and no model started.
    """
    from deskmate.core.docs.answer import AskRun

    text = " ".join(question).strip()
    if not text:
        fail("the question is empty", EXIT_USAGE)
    with open_library(embedding_model, collection, embed=True) as library:
        _searchable_or_exit(library, collection)
        if search_only:
            found = library.search(text, k=k, collection=collection)
            for notice in found.notices:
                click.echo(f"note: {one_line(notice)}", err=True)
            answer_text, sources = "", found.passages
        else:
            with engine_for(obj) as client:
                run = AskRun(library, text, client=client, k=k, collection=collection, max_tokens=max_tokens)
                _events(run, "answering")
            answer = run.result
            assert answer is not None
            answer_text, sources = answer.text, answer.sources
            for sentence in answer.unsupported:
                click.echo(f"deskmate: no cited passage supports this sentence: {one_line(sentence)}", err=True)
    if as_json:
        click.echo(json.dumps({"answer": answer_text, "sources": [_source(p) for p in sources]}, ensure_ascii=False,
                              indent=2))
        return
    if search_only and not sources:
        click.echo("Nothing relevant was found in the library.")
        return
    if answer_text:
        click.echo(answer_text)
        if sources:
            click.echo("\nSources:")
    _print_sources(sources)
    sys.stdout.flush()


def _searchable_or_exit(library: Library, collection: str | None) -> None:
    """Exit 2 with what to do when the library has nothing a search could find."""
    files, passages = library.searchable(collection)
    if passages:
        return
    if not files:
        fail("the library is empty: add files or folders with `deskmate docs add PATH…`, then ask again",
             EXIT_USAGE)
    fail(f"none of the library's {files} file(s) can be searched yet (still being read, or could not be read): "
         "`deskmate docs list` shows each file's state", EXIT_USAGE)


def _job(obj: Context, kind: str, paths: tuple[str, ...], as_json: bool, out: str | None, about: str = "") -> None:
    from deskmate.core.docs.jobs import DocumentJob

    with open_library() as library, engine_for(obj) as client:
        try:
            job = DocumentJob(library, paths, kind=kind, client=client, about=about)
        except DocsError as e:
            fail(one_line(str(e)), EXIT_USAGE)
        _events(job, {"summary": "summarising", "report": "reading notes"}.get(kind, "reading"))
    result = job.result
    assert result is not None
    if out and result.table is not None:
        from deskmate.core.tables import export

        click.echo(f"saved {export(result.table, out)}", err=True)
    if as_json:
        body: dict[str, object] = {"text": result.text, "sources": [_source(p) for p in result.sources]}
        if result.table is not None:
            body["table"] = {"title": result.table.title, "columns": result.table.header, "rows": result.table.rows}
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    if kind == "minutes" and result.table is not None:
        from deskmate.core.tables import to_markdown

        click.echo(result.text + "\n")
        click.echo(to_markdown(result.table))
    else:
        click.echo(result.text)
    if result.sources:
        click.echo("\nSources:")
        _print_sources(result.sources)


json_option = click.option("--json", "as_json", is_flag=True, help="Print the result and its sources as JSON.")


@docs.command("summarize")
@remote_option
@click.argument("paths", nargs=-1, required=True)
@json_option
@click.pass_obj
def summarize(obj: Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Summarise whole documents (all of the text, part by part), citing paragraphs [n]."""
    _job(obj, "summary", paths, as_json, None)


@docs.command("minutes")
@remote_option
@click.argument("paths", nargs=-1, required=True)
@json_option
@click.option("--out", metavar="FILE", default=None, help="Also save the schedule (.xlsx, .csv, .md, .docx, .html).")
@click.pass_obj
def minutes(obj: Context, paths: tuple[str, ...], as_json: bool, out: str | None) -> None:
    """Meeting minutes -> the action items with owner and due date, and a schedule table sorted by date."""
    _job(obj, "minutes", paths, as_json, out)


@docs.command("report")
@remote_option
@click.argument("paths", nargs=-1, required=True)
@json_option
@click.pass_obj
def report(obj: Context, paths: tuple[str, ...], as_json: bool) -> None:
    """A weekly report (done, in progress, problems, next week) from a folder of notes."""
    _job(obj, "report", paths, as_json, None)


@docs.command("table")
@remote_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--about", default="", metavar="TEXT", help='What the rows are, e.g. "every model with its price".')
@json_option
@click.option("--out", metavar="FILE", default=None, help="Also save the table (.xlsx, .csv, .md, .docx, .html).")
@click.pass_obj
def table(obj: Context, paths: tuple[str, ...], about: str, as_json: bool, out: str | None) -> None:
    """Extract one table from a long document, part by part, each row with the paragraph it came from."""
    _job(obj, "table", paths, as_json, out, about)
