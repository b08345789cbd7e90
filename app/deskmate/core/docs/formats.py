"""Which files the library reads, and the limits a single file must stay within.

The limits keep one hostile or accidental file (a 500 MB log renamed .txt, a zip bomb
dressed as .docx) from taking the machine's memory or the indexer's time; each one ends
as a plain per-file error and the rest of the library goes on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

# suffix -> format name the parser knows
FORMATS: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".pptx": "pptx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}

# What a person calls each format in a message.
FORMAT_NAMES: dict[str, str] = {
    "pdf": "PDF",
    "docx": "Word document",
    "xlsx": "Excel workbook",
    "pptx": "PowerPoint presentation",
    "markdown": "Markdown file",
    "text": "text file",
    "html": "web page",
}

_PLAIN = ("text", "markdown", "html")
MB = 1 << 20


def format_of(path: Path | str) -> str | None:
    """The format name for ``path`` by its suffix, or None when the library does not read it."""
    return FORMATS.get(Path(path).suffix.lower())


@dataclasses.dataclass(frozen=True)
class ParseLimits:
    """Per-file limits. The defaults fit real office files with a wide margin."""

    # Plain text is read whole into memory: a bigger "text" file is a log or a dump, not a document.
    max_plain_bytes: int = 50 * MB
    max_binary_bytes: int = 500 * MB  # PDF and Office files (pictures make them large)
    # Office files are zip archives; their XML parts are read whole by the parsers.
    max_unpacked_bytes: int = 1024 * MB  # all members together
    max_part_bytes: int = 200 * MB  # one XML member
    max_chars: int = 20_000_000  # extracted text of one file (~10,000 pages)
    memory_bytes: int = 2048 * MB  # address-space limit of the parser process (where the OS has one)
    timeout_base: float = 60.0  # seconds per file, plus timeout_per_mb for every MB of file
    timeout_per_mb: float = 2.0
    timeout_max: float = 900.0

    def max_bytes(self, fmt: str) -> int:
        return self.max_plain_bytes if fmt in _PLAIN else self.max_binary_bytes

    def timeout(self, size: int) -> float:
        return min(self.timeout_max, self.timeout_base + self.timeout_per_mb * size / MB)

    def to_dict(self) -> dict[str, float | int]:
        return dataclasses.asdict(self)


def human_size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
