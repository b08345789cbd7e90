"""The parser child process: reads one file at a time and sends its text back.

Started by :class:`deskmate.core.docs.parsing.DocumentParser` as
``python -m deskmate.core.docs.parse_worker --limits JSON``. It is the only process that
opens a user's documents with a parser library, under an address-space limit (RLIMIT_AS,
where the OS has it) so that a file built to exhaust memory ends in MemoryError here; the
parent adds a wall-clock timeout per file and kills this process when it is exceeded. One
file at a time, one thread: PDFium is not thread-safe, not even across documents.

Protocol: one JSON object per line. Requests on stdin::

    {"op": "parse", "id": "...", "path": "/abs/file.pdf", "format": "pdf"}

Events on the original stdout (anything a library prints goes to stderr, the log)::

    ready   {pid}
    parsed  {id, blocks: [[text, page, section], ...], pages, encoding}
    error   {id, kind, message}        kind: see DocumentError; after out_of_memory the process exits

The process exits when its stdin closes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

from deskmate.core.child_events import Events, take_over_stdout

from .errors import DocumentError
from .formats import ParseLimits
from .parsers import parse_file

EXIT_OUT_OF_MEMORY = 7


def limit_memory(limit_bytes: int) -> bool:
    """Cap this process's address space; False where the OS offers no such limit (Windows)."""
    try:
        import resource
    except ImportError:
        return False
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = limit_bytes if hard == resource.RLIM_INFINITY else min(limit_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        return True
    except (ValueError, OSError, AttributeError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskmate-parse-worker")
    parser.add_argument("--limits", default="{}", help="ParseLimits as JSON")
    args = parser.parse_args(argv)
    limits = ParseLimits(**json.loads(args.limits))
    events = Events(take_over_stdout())
    limit_memory(limits.memory_bytes)
    events.emit("ready", pid=os.getpid())
    for raw in sys.stdin:
        try:
            request = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(request, dict) or request.get("op") != "parse":
            continue
        rid = request.get("id")
        path = Path(str(request.get("path")))
        try:
            parsed = parse_file(path, str(request.get("format")), limits)
        except DocumentError as e:
            events.emit("error", id=rid, kind=e.kind, message=e.message)
            continue
        except MemoryError:
            parsed = None
            gc.collect()
            events.emit(
                "error", id=rid, kind="out_of_memory",
                message=f"{path.name} needs more memory to read than the {limits.memory_bytes >> 20} MB Deskmate "
                "allows one file: it may be built to exhaust memory, or simply too large.",
            )
            return EXIT_OUT_OF_MEMORY  # a fresh process gets the memory back for the next file
        events.emit("parsed", id=rid, blocks=[b.to_list() for b in parsed.blocks], pages=parsed.pages,
                    encoding=parsed.encoding)
        del parsed
    return 0


if __name__ == "__main__":
    sys.exit(main())
