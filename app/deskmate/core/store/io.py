"""Drafts to and from files: export Markdown, DOCX and HTML; import .txt, .md and .docx.

A draft's text is Markdown-ish: ``#`` headings, ``-``/``1.`` lists, ``>`` quotes, fenced code,
pipe tables, **bold**, *italic* and `code`. DOCX import turns Word's headings, lists and
tables back into that form.
"""

from __future__ import annotations

import dataclasses
import errno
import html
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from deskmate.core.fs import atomic_write

from .db import StoreError
from .drafts import Draft, DraftStore, derive_title

EXPORT_SUFFIXES = (".md", ".docx", ".html")
IMPORT_SUFFIXES = (".txt", ".md", ".docx")
MAX_IMPORT_BYTES = 20 * 1024 * 1024  # a draft, not an archive: bigger files would stall the editor

# XML (inside DOCX) cannot hold these control characters at all.
_XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DraftExportError(StoreError):
    """The draft could not be written to the chosen file."""


class DraftImportError(StoreError):
    """The file cannot be read as a draft."""


# --- Markdown-ish blocks ---------------------------------------------------------------


@dataclasses.dataclass
class Block:
    kind: str  # heading, para, bullet, number, quote, code, table, rule
    text: str = ""
    level: int = 0  # heading level 1-6; list nesting 0-2
    rows: list[list[str]] = dataclasses.field(default_factory=list)


_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET_RE = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBER_RE = re.compile(r"^(\s*)\d{1,9}[.)]\s+(.*)$")
_QUOTE_RE = re.compile(r"^\s{0,3}>\s?(.*)$")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE_RE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line.removeprefix("|")
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)]


def parse_blocks(text: str) -> list[Block]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    para: list[str] = []

    def end_para() -> None:
        if para:
            blocks.append(Block("para", "\n".join(para)))
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if m := _FENCE_RE.match(line):
            end_para()
            fence, code = m.group(1), []
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith(fence):
                code.append(lines[i])
                i += 1
            blocks.append(Block("code", "\n".join(code)))
        elif not line.strip():
            end_para()
        elif m := _HEADING_RE.match(line):
            end_para()
            blocks.append(Block("heading", m.group(2), len(m.group(1))))
        elif _RULE_RE.match(line):
            end_para()
            blocks.append(Block("rule"))
        elif "|" in line and i + 1 < len(lines) and _TABLE_SEP_RE.match(lines[i + 1]):
            end_para()
            rows = [_cells(line)]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_cells(lines[i]))
                i += 1
            width = max(len(r) for r in rows)
            blocks.append(Block("table", rows=[r + [""] * (width - len(r)) for r in rows]))
            continue
        elif m := (_BULLET_RE.match(line) or _NUMBER_RE.match(line)):
            end_para()
            kind = "bullet" if m.re is _BULLET_RE else "number"
            blocks.append(Block(kind, m.group(2), min(len(m.group(1).expandtabs(4)) // 2, 2)))
        elif m := _QUOTE_RE.match(line):
            end_para()
            if blocks and blocks[-1].kind == "quote" and i and _QUOTE_RE.match(lines[i - 1]):
                blocks[-1].text += "\n" + m.group(1)
            else:
                blocks.append(Block("quote", m.group(1)))
        else:
            para.append(line)
        i += 1
    end_para()
    return blocks


# Inline marks, non-nested: enough for what people type and what a model writes.
_INLINE_RE = re.compile(
    r"\\(?P<esc>[\\`*_#|>\[\]()+\-.!])"
    r"|\*\*(?P<b1>\S(?:.*?\S)?)\*\*"
    r"|__(?P<b2>\S(?:.*?\S)?)__"
    r"|(?<![\w*])\*(?P<i1>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])"
    r"|(?<!\w)_(?P<i2>[^\s_](?:[^_]*?[^\s_])?)_(?!\w)"
    r"|`(?P<code>[^`]+)`"
)


def inline_runs(text: str) -> Iterator[tuple[str, str]]:
    """(text, style) pieces; style is '', 'b', 'i' or 'code'."""
    pos = 0
    for m in _INLINE_RE.finditer(text):
        if m.start() > pos:
            yield text[pos : m.start()], ""
        kind = m.lastgroup or ""
        style = {"esc": "", "b1": "b", "b2": "b", "i1": "i", "i2": "i", "code": "code"}[kind]
        yield m.group(kind), style
        pos = m.end()
    if pos < len(text):
        yield text[pos:], ""


# --- HTML ------------------------------------------------------------------------------

_CSS = """
body { font: 16px/1.6 -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 46em; margin: 2.5em auto; padding: 0 1.2em; color: #1f2328; background: #fff; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.4em 0 0.5em; }
p, ul, ol, blockquote, pre, table { margin: 0 0 1em; }
li.l1 { margin-left: 1.5em; } li.l2 { margin-left: 3em; }
blockquote { border-left: 4px solid #d0d7de; padding: 0 1em; color: #57606a; }
code, pre { font-family: ui-monospace, Consolas, "Courier New", monospace; background: #f6f8fa; }
pre { padding: 0.8em 1em; overflow-x: auto; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: 0.3em 0.7em; }
th { background: #f6f8fa; } hr { border: 0; border-top: 1px solid #d0d7de; }
""".strip()


def _html_inline(text: str) -> str:
    out = []
    for piece, style in inline_runs(text):
        piece = html.escape(piece)
        out.append(
            {"b": f"<strong>{piece}</strong>", "i": f"<em>{piece}</em>", "code": f"<code>{piece}</code>"}.get(
                style, piece
            )
        )
    return "".join(out)


def to_html(body: str, title: str | None = None) -> str:
    """A complete, self-contained HTML page; every piece of the text is escaped."""
    title = title or derive_title(body) or "Draft"
    parts: list[str] = []
    open_list: str | None = None
    for b in parse_blocks(body):
        tag = {"bullet": "ul", "number": "ol"}.get(b.kind)
        if open_list and tag != open_list:
            parts.append(f"</{open_list}>")
            open_list = None
        if tag and not open_list:
            parts.append(f"<{tag}>")
            open_list = tag
        if b.kind == "heading":
            parts.append(f"<h{b.level}>{_html_inline(b.text)}</h{b.level}>")
        elif b.kind == "para":
            parts.append("<p>" + "<br>\n".join(_html_inline(x) for x in b.text.split("\n")) + "</p>")
        elif tag:
            cls = f' class="l{b.level}"' if b.level else ""
            parts.append(f"<li{cls}>{_html_inline(b.text)}</li>")
        elif b.kind == "quote":
            parts.append(
                "<blockquote><p>" + "<br>\n".join(_html_inline(x) for x in b.text.split("\n")) + "</p></blockquote>"
            )
        elif b.kind == "code":
            parts.append(f"<pre><code>{html.escape(b.text)}</code></pre>")
        elif b.kind == "rule":
            parts.append("<hr>")
        elif b.kind == "table":
            head, *rest = b.rows
            rows = ["<tr>" + "".join(f"<th>{_html_inline(c)}</th>" for c in head) + "</tr>"]
            rows += ["<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in r) + "</tr>" for r in rest]
            parts.append("<table>\n" + "\n".join(rows) + "\n</table>")
    if open_list:
        parts.append(f"</{open_list}>")
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


# --- DOCX ------------------------------------------------------------------------------


def _docx_runs(paragraph: object, text: str) -> None:
    from docx.shared import Pt

    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break()  # type: ignore[attr-defined]
        for piece, style in inline_runs(line):
            run = paragraph.add_run(_XML_ILLEGAL_RE.sub("", piece))  # type: ignore[attr-defined]
            run.bold = style == "b" or None
            run.italic = style == "i" or None
            if style == "code":
                run.font.name = "Consolas"
                run.font.size = Pt(10)


def to_docx(body: str, title: str | None = None):  # -> docx.document.Document
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = docx.Document()
    doc.core_properties.title = _XML_ILLEGAL_RE.sub("", title or derive_title(body))
    for b in parse_blocks(body):
        if b.kind == "heading":
            _docx_runs(doc.add_heading("", level=b.level), b.text)
        elif b.kind in ("bullet", "number"):
            style = ("List Bullet" if b.kind == "bullet" else "List Number") + (f" {b.level + 1}" if b.level else "")
            _docx_runs(doc.add_paragraph(style=style), b.text)
        elif b.kind == "quote":
            _docx_runs(doc.add_paragraph(style="Quote"), b.text)
        elif b.kind == "code":
            p = doc.add_paragraph(style="No Spacing")
            for i, line in enumerate(b.text.split("\n")):
                if i:
                    p.add_run().add_break()
                run = p.add_run(_XML_ILLEGAL_RE.sub("", line))
                run.font.name = "Consolas"
        elif b.kind == "rule":
            p = doc.add_paragraph()
            border = OxmlElement("w:pBdr")
            bottom = OxmlElement("w:bottom")
            for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
                bottom.set(qn(k), v)
            border.append(bottom)
            p._p.get_or_add_pPr().append(border)
        elif b.kind == "table":
            table = doc.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(b.rows):
                for c, value in enumerate(row):
                    cell_p = table.cell(r, c).paragraphs[0]
                    _docx_runs(cell_p, value)
                    if r == 0:
                        for run in cell_p.runs:
                            run.bold = True
        else:
            _docx_runs(doc.add_paragraph(), b.text)
    return doc


_MONO_FONTS = ("consolas", "courier", "courier new", "menlo", "monaco", "source code pro", "dejavu sans mono")


def _is_mono(run: object) -> bool:
    name = run.font.name  # type: ignore[attr-defined]
    return bool(name) and name.lower() in _MONO_FONTS


def _docx_paragraph_text(paragraph: object) -> str:
    pieces: list[tuple[str, str]] = []
    for run in paragraph.runs:  # type: ignore[attr-defined]
        text = run.text
        if not text:
            continue
        style = "code" if _is_mono(run) else "b" if run.bold else "i" if run.italic else ""
        if pieces and pieces[-1][1] == style:  # Word splits runs freely; merge before marking
            pieces[-1] = (pieces[-1][0] + text, style)
        else:
            pieces.append((text, style))
    out = []
    for text, style in pieces:
        mark = {"b": "**", "i": "*", "code": "`"}.get(style, "")
        if mark and text.strip():
            lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.DOTALL).groups()  # type: ignore[union-attr]
            out.append(f"{lead}{mark}{core}{mark}{trail}")
        else:
            out.append(text)
    return "".join(out)


def _docx_block(paragraph: object) -> tuple[str, str]:
    """Markdown for one Word paragraph, and its list kind ('bullet', 'number' or ''): list items stay tight."""
    from docx.oxml.ns import qn

    runs = [r for r in paragraph.runs if r.text.strip()]  # type: ignore[attr-defined]
    if runs and all(_is_mono(r) for r in runs):
        return "```\n" + paragraph.text.strip("\n") + "\n```", ""  # type: ignore[attr-defined]
    text = _docx_paragraph_text(paragraph).strip("\n")
    if not text.strip():
        p_pr = paragraph._p.pPr  # type: ignore[attr-defined]
        if p_pr is not None and p_pr.find(qn("w:pBdr")) is not None:
            return "---", ""  # the horizontal rule to_docx draws
        return "", ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""  # type: ignore[attr-defined]
    level = int(m.group(1)) if (m := re.search(r"(\d+)$", style)) else 1
    if style == "Title":
        return "# " + text.replace("\n", " "), ""
    if style.startswith("Heading"):
        return "#" * min(max(level, 1), 6) + " " + text.replace("\n", " "), ""
    indent = "  " * (min(level, 3) - 1)
    if style.startswith("List Bullet"):
        return f"{indent}- {text}", "bullet"
    if style.startswith("List Number"):
        return f"{indent}1. {text}", "number"
    if paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:  # type: ignore[attr-defined]
        return f"- {text}", "bullet"  # a list Word numbered by direct formatting
    if "Quote" in style:
        return "\n".join("> " + line for line in text.split("\n")), ""
    return text, ""


def _docx_table(table: object) -> str:
    rows = []
    for row in table.rows:  # type: ignore[attr-defined]
        rows.append([" ".join(cell.text.split()).replace("|", "\\|") or " " for cell in row.cells])
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [" "] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def docx_to_text(path: Path) -> str:
    """A .docx file as Markdown-ish draft text: headings, lists, quotes, tables, bold/italic."""
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    out: list[str] = []
    prev_list = ""
    counters: dict[str, int] = {}  # numbered items per indent, so Word's 1, 2, 3 stays 1, 2, 3
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            text, list_kind = _docx_table(item), ""
        else:
            text, list_kind = _docx_block(item)
        if not text:
            continue
        if not list_kind:
            counters.clear()
        elif list_kind == "number":
            indent = text[: len(text) - len(text.lstrip())]
            counters[indent] = counters.get(indent, 0) + 1
            text = f"{indent}{counters[indent]}.{text.lstrip()[2:]}"
        if out:
            out.append("\n" if list_kind and prev_list else "\n\n")
        out.append(text)
        prev_list = list_kind
    return "".join(out) + ("\n" if out else "")


# --- export ----------------------------------------------------------------------------


def export_draft(draft: Draft | str, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """Write a draft (or text) as .md, .docx or .html, chosen by the file name."""
    path = Path(path)
    body = draft if isinstance(draft, str) else draft.body
    # A lone surrogate (half of a broken emoji pasted from elsewhere) cannot be encoded in
    # any file format; it becomes U+FFFD instead of failing the whole export.
    body = body.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if title is None and isinstance(draft, Draft):
        title = draft.title
    suffix = path.suffix.lower()
    if suffix in (".markdown", ".txt"):
        suffix = ".md"
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in EXPORT_SUFFIXES:
        raise DraftExportError(
            f"Deskmate can export drafts as Markdown (.md), Word (.docx) or HTML (.html), not {path.suffix or 'a file without an extension'}."
        )
    try:
        if not path.parent.is_dir():
            raise DraftExportError(f"The folder {path.parent} does not exist.")
        if suffix == ".md":
            text = body if body.endswith("\n") or not body else body + "\n"
            atomic_write(path, text)
        elif suffix == ".html":
            page = to_html(body, title)
            atomic_write(path, page)
        else:
            doc = to_docx(body, title)
            atomic_write(path, doc.save)
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise DraftExportError(
                f"The disk is full: {path} was not written. Free some space and export again."
            ) from None
        if isinstance(e, PermissionError):
            raise DraftExportError(
                f"Deskmate is not allowed to write {path} (is it open in another program?)."
            ) from None
        raise DraftExportError(f"Could not write {path}: {e.strerror or e}.") from None
    return path


# --- import ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ImportedText:
    title: str
    body: str
    path: Path


def _decode(data: bytes, path: Path) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                break
    head = data[:8192]
    if data.startswith(b"%PDF"):
        raise DraftImportError(f"{path.name} is a PDF, not a text file. Copy its text into a draft instead.")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DraftImportError(
            f"{path.name} is an Office or compressed file, not plain text. Give a Word file the .docx extension."
        )
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or (controls > 2 and controls * 20 > len(head)):
        raise DraftImportError(f"{path.name} looks like a binary file, not text; it cannot be imported.")
    # UTF-8 first; then GB18030, the usual encoding of Chinese text saved on Windows; then
    # Windows-1252 for older Western files (GB18030 rejects most of those: an accented
    # letter followed by a space or the end of the file is not a valid GB18030 pair).
    for codec in ("utf-8", "gb18030", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise DraftImportError(
        f"{path.name} is not in a text encoding Deskmate knows (UTF-8, UTF-16, GB18030, Windows-1252). "
        "Save it as UTF-8 and try again."
    )


def import_file(path: str | os.PathLike[str]) -> ImportedText:
    """Read a .txt, .md or .docx file as draft text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise DraftImportError(
            f"{path.name} is an old Word .doc file. Open it in Word or LibreOffice, save it as .docx, and import that."
        )
    if suffix not in IMPORT_SUFFIXES + (".markdown", ".text"):
        raise DraftImportError(
            f"Deskmate can import .txt, .md and .docx files, not {path.suffix or 'files without an extension'}."
        )
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise DraftImportError(
                f"{path.name} is {size // (1024 * 1024)} MB; drafts can be at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB."
            )
        if suffix == ".docx":
            body = _read_docx(path)
        else:
            body = _decode(path.read_bytes(), path).replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise DraftImportError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise DraftImportError(f"{path} is a folder, not a file.") from None
    except PermissionError:
        raise DraftImportError(f"Deskmate is not allowed to read {path}.") from None
    except OSError as e:
        raise DraftImportError(f"Could not read {path}: {e.strerror or e}.") from None
    title = derive_title(body) or path.stem
    return ImportedText(title=title, body=body, path=path)


def _read_docx(path: Path) -> str:
    from docx.opc.exceptions import PackageNotFoundError

    with path.open("rb") as f:
        magic = f.read(4)
    if magic == b"\xd0\xcf\x11\xe0":
        raise DraftImportError(
            f"{path.name} is an old Word .doc file renamed to .docx. Open it in Word or LibreOffice and save it as .docx."
        )
    if magic != b"PK\x03\x04":
        raise DraftImportError(f"{path.name} is not a Word document (.docx): it may be damaged or of another type.")
    try:
        return docx_to_text(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, EOFError) as e:
        raise DraftImportError(f"{path.name} is damaged or not a Word document (.docx): {e}.") from None
    except Exception as e:  # lxml's XMLSyntaxError and friends: still a damaged file
        if type(e).__module__.startswith(("lxml", "docx")):
            raise DraftImportError(f"{path.name} is damaged or not a Word document (.docx): {e}.") from None
        raise


def import_draft(store: DraftStore, path: str | os.PathLike[str], *, kind: str = "text") -> Draft:
    """Import a file as a new draft (its first version is marked 'import')."""
    imported = import_file(path)
    title = "" if derive_title(imported.body) else imported.title  # empty text: name it after the file
    return store.create(imported.body, title=title, kind=kind, source="import")
