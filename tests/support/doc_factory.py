"""Small real documents for the document-library tests, made on the spot (no binary fixtures).

Each writer produces a file its real parser opens: PDFs are hand-built PDF 1.4 with the
standard Helvetica font (ASCII text), Office files come from python-docx, openpyxl and
python-pptx. The hostile files are built the way such files occur in the wild.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from pathlib import Path


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: Sequence[str]) -> Path:
    """A PDF with one page per string (ASCII; lines split on newlines)."""
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [4 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        lines = text.split("\n")
        ops = ["BT", "/F1 11 Tf", "72 740 Td", "14 TL"]
        for line in lines:
            ops.append(f"({_pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {page_ids[i] + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def write_docx(path: Path, sections: Sequence[tuple[str, Sequence[str]]]) -> Path:
    """A Word document: (heading, paragraphs) per section."""
    import docx

    doc = docx.Document()
    for heading, paragraphs in sections:
        doc.add_heading(heading, level=1)
        for p in paragraphs:
            doc.add_paragraph(p)
    doc.save(str(path))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(str(path))
    return path


def write_pptx(path: Path, slides: Sequence[tuple[str, str]]) -> Path:
    """A presentation: (title, body) per slide."""
    import pptx

    deck = pptx.Presentation()
    layout = deck.slide_layouts[1]  # title and content
    for title, body in slides:
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    deck.save(str(path))
    return path


# --- hostile files -------------------------------------------------------------------------------


def write_broken_pdf(path: Path) -> Path:
    """A PDF header followed by garbage: what a download cut off and overwritten looks like."""
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(4000))
    return path


def write_binary_as(path: Path, size: int = 4096) -> Path:
    """Random bytes under a document's name (a renamed program or archive)."""
    path.write_bytes(os.urandom(size))
    return path


def write_zip_bomb_docx(path: Path, unpacked: int = 210 << 20) -> Path:
    """A .docx whose document.xml inflates from ~200 KB to ``unpacked`` bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"<w:t>" + b"A" * (1 << 20) + b"</w:t>"
            written = 0
            while written < unpacked:
                member.write(block)
                written += len(block)
    return path


def write_huge_text(path: Path, size: int = 500 << 20) -> Path:
    """A 500 MB 'text file' (sparse on disk: the size is real, the blocks are not written)."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def write_gbk_text(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("gbk"))
    return path
