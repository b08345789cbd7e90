"""PDF pages from an exported HTML page, drawn by Qt (fonts from the system, Chinese included)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument


def write_pdf(page: str, path: Path) -> None:
    """Write ``page`` (a complete HTML page) to ``path`` as A4 pages; the file appears whole or not at all."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".pdf", dir=path.parent)
    os.close(fd)
    try:
        writer = QPdfWriter(tmp)
        writer.setResolution(96)  # the page's CSS sizes are in px: at the default 1200 dpi the text is specks
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
        writer.setTitle(path.stem)
        writer.setCreator("Deskmate")
        document = QTextDocument()
        document.setHtml(page)
        document.print_(writer)
        del writer  # the file is complete once the writer is gone
        if os.path.getsize(tmp) == 0:
            raise OSError(f"nothing was drawn into {path.name}")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
