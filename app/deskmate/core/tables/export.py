"""Write a Table as CSV, TSV, Markdown, HTML, XLSX or DOCX, and as a clipboard payload."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from ..fs import atomic_write
from .model import Table, parse_date, parse_number

# XML (inside XLSX and DOCX) cannot hold these at all; they only come from glitches.
_XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHEET_TITLE_BAD_RE = re.compile(r"[\\/?*\[\]:]")
_CURRENCY = "$€£¥￥"

SUFFIXES = (".csv", ".xlsx", ".md", ".docx", ".html", ".tsv")


class ExportError(ValueError):
    """The table cannot be written to the chosen file."""


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL_RE.sub("", text)


# --- text formats ---------------------------------------------------------


def to_csv(table: Table, delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return buf.getvalue()


def to_tsv(table: Table) -> str:
    """Tab-separated text as spreadsheets copy it. Tabs and line breaks inside a
    cell become spaces, because a plain-text paste has no way to quote them."""

    def flat(s: str) -> str:
        return " ".join(s.replace("\t", " ").split("\n"))

    return "".join("\t".join(flat(c) for c in row) + "\n" for row in [table.header, *table.rows])


def to_markdown(table: Table, with_title: bool = True) -> str:
    # Only pipes need escaping inside a cell; "\\|" is how GFM spells a literal pipe.
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", "<br>") or " "

    align = ["---:" if c.type == "number" else "---" for c in table.columns]
    lines = [
        "| " + " | ".join(esc(n) for n in table.header) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(esc(c) for c in row) + " |" for row in table.rows),
    ]
    head = f"## {table.title}\n\n" if with_title and table.title else ""
    return head + "\n".join(lines) + "\n"


def to_html(table: Table, full_document: bool = True) -> str:
    """An HTML table; a whole page for a file, or just the <table> for the clipboard."""

    def cell(tag: str, text: str, right: bool) -> str:
        style = ' style="text-align:right"' if right else ""
        return f"<{tag}{style}>{html.escape(text).replace(chr(10), '<br>')}</{tag}>"

    numeric = [c.type == "number" for c in table.columns]
    parts = ["<table>"]
    if full_document and table.title:
        parts.append(f"<caption>{html.escape(table.title)}</caption>")
    parts.append("<thead><tr>" + "".join(cell("th", n, r) for n, r in zip(table.header, numeric)) + "</tr></thead>")
    parts.append("<tbody>")
    for row in table.rows:
        parts.append("<tr>" + "".join(cell("td", v, r) for v, r in zip(row, numeric)) + "</tr>")
    parts.append("</tbody></table>")
    body = "\n".join(parts)
    if not full_document:
        return body
    title = html.escape(table.title or "Table")
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n"
        "<style>table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px 8px}"
        "th{background:#eee}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def clipboard_payload(table: Table) -> tuple[str, str]:
    """(html, tsv) to put on the clipboard together.

    Word processors take the HTML and make a real table; spreadsheets take
    either and fill cells; plain-text targets get the TSV.
    """
    return to_html(table, full_document=False), to_tsv(table)


# --- office formats -------------------------------------------------------


def _number_format(text: str) -> str:
    """An Excel format that shows the number as the cell text did ("$1,200.50" -> "$"#,##0.00)."""
    s = text.strip().lstrip("+-−").strip()
    prefix = ""
    if s and s[0] in _CURRENCY:
        prefix = f'"{s[0]}"'
    core = "#,##0" if "," in s else "0"
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    if decimals:
        core += "." + "0" * decimals
    fmt = prefix + core
    return "General" if fmt == "0" else fmt


def _display_width(text: str) -> int:
    """Columns a text needs; Chinese characters are twice as wide as Latin ones."""

    def width(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)

    return max((width(line) for line in text.split("\n")), default=0)


def write_xlsx(table: Table, path: str | os.PathLike[str]) -> None:
    """Numbers and dates become real spreadsheet values (formatted as shown); everything else stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    title = _SHEET_TITLE_BAD_RE.sub(" ", _xml_safe(table.title)).strip()[:31]
    ws.title = title or "Table"
    for c, name in enumerate(table.header, start=1):
        cell = ws.cell(row=1, column=c, value=_xml_safe(name))
        cell.data_type = "s"
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=2):
        for c, (text, column) in enumerate(zip(row, table.columns), start=1):
            cell = ws.cell(row=r, column=c)
            number = parse_number(text) if column.type == "number" else None
            date = parse_date(text) if column.type == "date" else None
            if number is not None:
                cell.value = number
                cell.number_format = _number_format(text)
            elif date is not None:
                cell.value = date
                cell.number_format = "yyyy-mm-dd"
            elif text:
                cell.value = _xml_safe(text)
                # Text starting with "=" must never turn into a formula.
                cell.data_type = "s"
                if "\n" in text:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c, column in enumerate(table.columns, start=1):
        widest = max([_display_width(column.name), *(_display_width(v) for v in table.column_values(c - 1))])
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = min(max(widest + 2, 8), 60)
    ws.freeze_panes = "A2"
    _replace(path, wb.save)


def write_docx(table: Table, path: str | os.PathLike[str]) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    if table.title:
        doc.add_heading(_xml_safe(table.title), level=1)
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    for c, column in enumerate(table.columns):
        para = grid.cell(0, c).paragraphs[0]
        para.add_run(_xml_safe(column.name)).bold = True
    for r, row in enumerate(table.rows, start=1):
        for c, (text, column) in enumerate(zip(row, table.columns)):
            para = grid.cell(r, c).paragraphs[0]
            para.add_run(_xml_safe(text))
            if column.type == "number":
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _replace(path, doc.save)


def _replace(path: str | os.PathLike[str], save: Callable[[io.BytesIO], object]) -> None:
    """The document is built in memory, then replaces the file in one step: a full disk leaves the old file."""
    buffer = io.BytesIO()
    save(buffer)
    atomic_write(path, buffer.getvalue())


# --- by file name ---------------------------------------------------------


def export(table: Table, path: str | os.PathLike[str]) -> Path:
    """Write the table in the format its file name asks for; returns the path written."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in SUFFIXES:
        got = f"“{p.suffix}”" if p.suffix else "no extension"
        raise ExportError(
            f"Cannot save a table as {p.name!r} ({got}). Use a file name ending in "
            + ", ".join(SUFFIXES[:-1])
            + f" or {SUFFIXES[-1]}."
        )
    if not table.columns:
        raise ExportError("The table has no columns, so there is nothing to save.")
    if suffix == ".xlsx":
        write_xlsx(table, p)
    elif suffix == ".docx":
        write_docx(table, p)
    else:
        text = {".csv": to_csv, ".tsv": to_tsv, ".md": to_markdown, ".html": to_html}[suffix](table)
        # The byte-order mark is what makes Excel read a UTF-8 CSV (and Chinese) correctly.
        encoding = "utf-8-sig" if suffix == ".csv" else "utf-8"
        atomic_write(p, text, encoding=encoding)
    return p
