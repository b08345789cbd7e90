"""Text out of PDF, Word, Excel, PowerPoint, Markdown, HTML and plain-text files.

These functions run inside the parser child process (``parse_worker``), never in the app:
a library bug or a hostile file can crash or exhaust only that process. Each returns
:class:`Parsed` — blocks of text with the page (PDF page, slide) or heading (Word,
Markdown, HTML, sheet name) they come from — or raises :class:`DocumentError` with one
plain sentence about that file.

Heavy imports (pypdfium2, python-docx, openpyxl, python-pptx, charset-normalizer) happen
inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import codecs
import dataclasses
import html.parser
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import DocumentError
from .formats import FORMAT_NAMES, ParseLimits, human_size


@dataclasses.dataclass(frozen=True)
class Block:
    text: str
    page: int | None = None  # 1-based PDF page or slide number
    section: str | None = None  # the heading (or sheet name) the text sits under

    def to_list(self) -> list[Any]:
        return [self.text, self.page, self.section]

    @classmethod
    def from_list(cls, item: list[Any]) -> Block:
        text, page, section = item
        return cls(str(text), None if page is None else int(page), None if section is None else str(section))


@dataclasses.dataclass(frozen=True)
class Parsed:
    blocks: list[Block]
    pages: int | None = None  # PDF pages or slides; None for formats without pages
    encoding: str | None = None  # plain text: the encoding it was read in

    @property
    def chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)


_SPACES = re.compile(r"[ \t\u00a0\u3000\f\v]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MANY_BLANKS = re.compile(r"\n{3,}")
_LEADERS = re.compile(r"(?:[ \t]*\.){5,}[ \t]*")  # ". . . . . 74" in tables of contents


def clean(text: str) -> str:
    """One space between words, at most one blank line between paragraphs, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LEADERS.sub(" … ", _CONTROL.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_BLANKS.sub("\n\n", "\n".join(lines)).strip()


class _Collector:
    """Gathers blocks and stops a file whose text outgrows the limit."""

    def __init__(self, name: str, limits: ParseLimits) -> None:
        self.name = name
        self.limits = limits
        self.blocks: list[Block] = []
        self.chars = 0

    def add(self, text: str, page: int | None = None, section: str | None = None) -> None:
        text = clean(text)
        if not text:
            return
        self.chars += len(text)
        if self.chars > self.limits.max_chars:
            raise self.too_much()
        self.blocks.append(Block(text, page, section))

    def too_much(self) -> DocumentError:
        return DocumentError(
            "too_much_text",
            f"{self.name} holds more than {self.limits.max_chars:,} characters of text; Deskmate indexes "
            "files up to that size. Split it into smaller files.",
        )


# --- checks before a parser library sees the file ------------------------------------------------


def _head(path: Path, n: int = 2048) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def _check_pdf_signature(path: Path) -> None:
    if b"%PDF-" not in _head(path, 1024):
        raise DocumentError(
            "not_this_format",
            f"{path.name} is not a PDF file, although its name ends in .pdf: it may be another kind of file "
            "that was renamed. Open it to check, or remove it from the library.",
        )


def _check_zip(path: Path, fmt: str, limits: ParseLimits, main_part: str) -> None:
    """Office files are zip archives: refuse fakes and zip bombs before a parser unpacks anything."""
    kind = FORMAT_NAMES[fmt]
    if _head(path, 4) != b"PK\x03\x04":
        old = {"docx": ".doc", "xlsx": ".xls", "pptx": ".ppt"}[fmt]
        raise DocumentError(
            "not_this_format",
            f"{path.name} is not a {kind} in the current format: it may be an old {old} file or another kind "
            f"of file that was renamed. Save it again as {path.suffix} from its program.",
        )
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise DocumentError("damaged", f"{path.name} is damaged ({e}); it cannot be opened as a {kind}.") from None
    total = sum(i.file_size for i in infos)
    biggest = max(infos, key=lambda i: i.file_size, default=None)
    xml_big = biggest is not None and biggest.filename.endswith(".xml") and biggest.file_size > limits.max_part_bytes
    if total > limits.max_unpacked_bytes or xml_big:
        raise DocumentError(
            "zip_bomb",
            f"{path.name} would unpack to {human_size(total)} from {human_size(path.stat().st_size)}: it looks "
            f"like a zip bomb (a file built to fill the memory), not a real {kind}, so Deskmate did not open it.",
        )
    if main_part not in {i.filename for i in infos}:
        raise DocumentError("damaged", f"{path.name} is damaged or not a {kind}: its {main_part} part is missing.")


# --- PDF -------------------------------------------------------------------------------------------


def parse_pdf(path: Path, limits: ParseLimits) -> Parsed:
    _check_pdf_signature(path)
    import pypdfium2 as pdfium  # PDFium is not thread-safe: this process runs one file at a time

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        text = str(e).lower()
        if "password" in text:
            raise DocumentError(
                "encrypted",
                f"{path.name} is protected by a password, so its text cannot be read. Save a copy without the "
                "password and add that instead.",
            ) from None
        raise DocumentError("damaged", f"{path.name} is a damaged PDF: PDFium could not open it ({e}).") from None
    out = _Collector(path.name, limits)
    texts: list[str] = []
    total = 0
    try:
        pages = len(pdf)
        for i in range(pages):
            page = pdf[i]
            try:
                textpage = page.get_textpage()
                try:
                    texts.append(clean(textpage.get_text_range()))
                finally:
                    textpage.close()
            except pdfium.PdfiumError as e:
                raise DocumentError("damaged", f"Page {i + 1} of {path.name} is damaged ({e}).") from None
            finally:
                page.close()
            total += len(texts[-1])
            if total > limits.max_chars:
                raise out.too_much()
    finally:
        pdf.close()
    for i, text in enumerate(strip_running_lines(texts)):
        out.add(text, page=i + 1)
    if not out.blocks and pages:
        raise DocumentError(
            "no_text",
            f"{path.name} has {pages} page(s) but no text layer: it is probably scanned pictures of pages. "
            "Deskmate does not read text in pictures (OCR); use a PDF with real text.",
        )
    return Parsed(out.blocks, pages=pages)


_DIGITS = re.compile(r"\d+")


def strip_running_lines(pages: list[str]) -> list[str]:
    """Pages without their running header and footer ("Debian Reference 152 / 233").

    A first or last line that recurs, numbers aside, on at least a third of the pages is
    printed furniture: it would start every passage with the same words and pull unrelated
    pages into keyword matches.
    """
    if len(pages) < 3:
        return pages
    counts: dict[str, int] = {}
    for text in pages:
        lines = text.split("\n")
        for line in {lines[0], lines[-1]}:
            key = _DIGITS.sub("#", line)
            counts[key] = counts.get(key, 0) + 1
    running = {k for k, n in counts.items() if n >= max(3, len(pages) // 3) and k.strip()}
    if not running:
        return pages
    out = []
    for text in pages:
        lines = text.split("\n")
        while len(lines) > 1 and _DIGITS.sub("#", lines[0]) in running:  # never the page's only line
            lines.pop(0)
        while len(lines) > 1 and _DIGITS.sub("#", lines[-1]) in running:
            lines.pop()
        out.append("\n".join(lines))
    return out


# --- Word --------------------------------------------------------------------------------------------


def _heading_level(style_name: str) -> int | None:
    name = style_name.lower()
    if name == "title":
        return 0
    m = re.match(r"(heading|标题)\s*(\d)", name)
    return int(m.group(2)) if m else None


def parse_docx(path: Path, limits: ParseLimits) -> Parsed:
    _check_zip(path, "docx", limits, "word/document.xml")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors... for broken parts
        raise DocumentError("damaged", f"{path.name} is a damaged Word document ({_short(e)}).") from None
    out = _Collector(path.name, limits)
    section: str | None = None
    lines: list[str] = []

    def flush() -> None:
        out.add("\n".join(lines), section=section)
        lines.clear()

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            lines.extend(_table_lines(_docx_rows(item)))
            continue
        text = item.text.strip()
        if not text:
            lines.append("")
            continue
        level = _heading_level(item.style.name if item.style is not None else "")
        if level is not None:
            flush()  # DOCX has no pages: a passage is cited by the heading it sits under
            section = text
        lines.append(text)
    flush()
    return Parsed(out.blocks)


def _docx_rows(table: Any) -> Iterator[list[str]]:
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:  # a merged cell repeats itself in every column it spans
                cells.append(text)
        yield cells


def _table_lines(rows: Iterator[list[str]] | list[list[str]]) -> list[str]:
    return [" | ".join(cells) for cells in rows if any(cells)]


# --- Excel --------------------------------------------------------------------------------------------


def parse_xlsx(path: Path, limits: ParseLimits) -> Parsed:
    _check_zip(path, "xlsx", limits, "xl/workbook.xml")
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as e:
        raise DocumentError("damaged", f"{path.name} is a damaged Excel workbook ({_short(e)}).") from None
    out = _Collector(path.name, limits)
    try:
        for sheet in book.worksheets:
            rows: list[list[str]] = []
            size = 0
            for values in sheet.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    rows.append(cells)
                    size += sum(len(c) for c in cells)
                if size > 200_000:  # a passage per few thousand cells keeps the blocks small
                    out.add("\n".join(_table_lines(rows)), section=sheet.title)
                    rows, size = [], 0
            out.add("\n".join(_table_lines(rows)), section=sheet.title)
    finally:
        book.close()
    return Parsed(out.blocks)


# --- PowerPoint ---------------------------------------------------------------------------------------


def parse_pptx(path: Path, limits: ParseLimits) -> Parsed:
    _check_zip(path, "pptx", limits, "ppt/presentation.xml")
    import pptx

    try:
        deck = pptx.Presentation(str(path))
    except Exception as e:
        raise DocumentError("damaged", f"{path.name} is a damaged PowerPoint presentation ({_short(e)}).") from None
    out = _Collector(path.name, limits)
    n = 0
    for n, slide in enumerate(deck.slides, 1):
        title = None
        if slide.shapes.title is not None and slide.shapes.title.has_text_frame:
            title = " ".join(slide.shapes.title.text_frame.text.split()) or None
        parts = [text for shape in slide.shapes for text in _shape_texts(shape)]
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            parts.append(slide.notes_slide.notes_text_frame.text)
        out.add("\n\n".join(parts), page=n, section=title)
    return Parsed(out.blocks, pages=n)


def _shape_texts(shape: Any) -> Iterator[str]:
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        yield shape.text_frame.text
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = ([" ".join(c.text.split()) for c in row.cells] for row in shape.table.rows)
        yield "\n".join(_table_lines(rows))
    for child in getattr(shape, "shapes", ()):  # group shapes
        yield from _shape_texts(child)


# --- plain text, Markdown, HTML -----------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


_PREFERRED = ("utf_8", "gb18030", "gbk", "big5", "cp1252", "latin_1", "cp932", "cp949")


def decode_text(data: bytes, name: str, hint: str | None = None) -> tuple[str, str]:
    """Bytes of a text file -> (text, encoding). UTF-8 first, then a declared ``hint``, then detection.

    Chinese text files are often GBK (read as GB18030, its superset); charset-normalizer tells
    them apart from Big5, Shift-JIS and the Latin code pages.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if hint:
        try:
            return data.decode(hint), hint
        except (UnicodeDecodeError, LookupError):
            pass
    not_text = DocumentError(
        "not_text",
        f"{name} does not read as text in any common encoding (UTF-8, GBK, Big5, Latin...): it may be a "
        "binary file with a text name. Open it to check, or save it again as UTF-8 text.",
    )
    if data.count(b"\x00") > len(data) // 100:  # UTF-16 without a byte-order mark, or binary data
        raise not_text
    import charset_normalizer

    results = list(charset_normalizer.from_bytes(data[: 4 * 1024 * 1024]))
    if not results:
        raise not_text
    best = results[0]
    # Short texts fit several encodings equally well (GBK bytes also read as Korean cp949):
    # among those tied with the best, take the one a Chinese or English user most likely wrote.
    tied = [r for r in results if r.chaos <= best.chaos + 0.01 and r.coherence >= best.coherence - 0.01]
    encoding = min(tied, key=lambda r: _PREFERRED.index(r.encoding) if r.encoding in _PREFERRED else 99).encoding
    if encoding in ("gbk", "gb2312"):
        encoding = "gb18030"
    text = data.decode(encoding, errors="replace")
    if text.count("\ufffd") > len(text) // 200:
        raise not_text
    return text, encoding


def _read_plain(path: Path, limits: ParseLimits) -> bytes:
    size = path.stat().st_size
    if size > limits.max_plain_bytes:  # checked by the parent too; a file can grow in between
        raise too_large(path, "text", size, limits)
    with open(path, "rb") as f:
        return f.read(size + 1)  # read(n) reserves n bytes up front: never ask for more than the file


def parse_text(path: Path, limits: ParseLimits) -> Parsed:
    text, encoding = decode_text(_read_plain(path, limits), path.name)
    out = _Collector(path.name, limits)
    out.add(text)
    return Parsed(out.blocks, encoding=encoding)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_UNDERLINE = re.compile(r"^(=+|-+)\s*$")


def parse_markdown(path: Path, limits: ParseLimits) -> Parsed:
    text, encoding = decode_text(_read_plain(path, limits), path.name)
    out = _Collector(path.name, limits)
    section: str | None = None
    lines: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        m = None if fenced else _MD_HEADING.match(line)
        if m is None and not fenced and lines and lines[-1].strip() and _MD_UNDERLINE.match(line):
            heading = lines.pop()  # Setext heading: the line above the === or ---
            out.add("\n".join(lines), section=section)
            lines = [heading]
            section = heading.strip()
            continue
        if m is not None:
            out.add("\n".join(lines), section=section)
            section = m.group(2).strip()
            lines = [section]
            continue
        lines.append(line)
    out.add("\n".join(lines), section=section)
    return Parsed(out.blocks, encoding=encoding)


_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "section", "article",
               "header", "footer", "blockquote", "pre", "hr", "figure", "figcaption", "caption", "nav", "aside",
               "main", "form", "address", "title"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


class _HTMLText(html.parser.HTMLParser):
    def __init__(self, add: Callable[[str, str | None], None]) -> None:
        super().__init__(convert_charrefs=True)
        self._add = add
        self._skip = 0
        self._pre = 0
        self._cells = 0  # cells so far in this table row
        self._heading: list[str] | None = None
        self._section: str | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _HEADINGS:
            self._flush()
            self._heading = []
        elif tag == "tr":
            self._cells = 0
        elif tag in ("td", "th"):
            if self._cells:
                self._parts.append(" | ")
            self._cells += 1
        elif tag == "pre":
            self._pre += 1
            self._parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._cells = 0
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _HEADINGS and self._heading is not None:
            heading = " ".join("".join(self._heading).split())
            self._heading = None
            if heading:
                self._section = heading
                self._parts.append(heading + "\n")
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
            self._parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._cells = 0
            self._parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._heading is not None:
            self._heading.append(data)
            return
        self._parts.append(data if self._pre else " ".join(data.split("\n")))

    def _flush(self) -> None:
        self._add("".join(self._parts), self._section)
        self._parts = []

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(path: Path, limits: ParseLimits) -> Parsed:
    data = _read_plain(path, limits)
    m = _META_CHARSET.search(data[:4096])
    hint = m.group(1).decode("ascii").lower() if m else None
    text, encoding = decode_text(data, path.name, hint)
    out = _Collector(path.name, limits)
    parser = _HTMLText(lambda t, s: out.add(t, section=s))
    parser.feed(text)
    parser.close()
    return Parsed(out.blocks, encoding=encoding)


# --- dispatch ------------------------------------------------------------------------------------------

PARSERS: dict[str, Callable[[Path, ParseLimits], Parsed]] = {
    "pdf": parse_pdf,
    "docx": parse_docx,
    "xlsx": parse_xlsx,
    "pptx": parse_pptx,
    "markdown": parse_markdown,
    "text": parse_text,
    "html": parse_html,
}


def too_large(path: Path, fmt: str, size: int, limits: ParseLimits) -> DocumentError:
    limit = limits.max_bytes(fmt)
    return DocumentError(
        "too_large",
        f"{path.name} is {human_size(size)}; Deskmate indexes a {FORMAT_NAMES[fmt]} of up to {human_size(limit)}. "
        "A text file this big is usually a log or a data dump; split it if it really is a document.",
    )


def parse_file(path: Path, fmt: str, limits: ParseLimits) -> Parsed:
    try:
        return PARSERS[fmt](path, limits)
    except DocumentError:
        raise
    except MemoryError:
        raise
    except ImportError as e:
        raise DocumentError(
            "missing_library",
            f"Deskmate cannot read {FORMAT_NAMES[fmt]}s: the {e.name or 'parser'} library is missing. Reinstall "
            "Deskmate.",
        ) from None
    except OSError as e:
        raise DocumentError("unreadable", f"{path.name} could not be read: {e.strerror or e}.") from None
    except Exception as e:  # a parser library's own error on a broken file
        raise DocumentError(
            "damaged", f"{path.name} could not be read as a {FORMAT_NAMES[fmt]}: {_short(e)}."
        ) from None


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."
