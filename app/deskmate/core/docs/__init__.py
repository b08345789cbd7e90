"""Ask your documents: a library of files and folders, indexed for keyword and vector search.

Layers inside this package, top down: ``library`` (the service: collections, sources,
files, search) and ``indexer`` (one indexing run); ``parsing`` (the parent side of the
parser child), ``parse_worker`` + ``parsers`` (the child); ``chunking``, ``search``
(keyword leg, fusion), ``vectors`` (vector leg), ``db`` (the SQLite schema).

The names below are imported on first use, so that ``deskmate --help`` (whose command
list includes ``docs``) does not pay for numpy.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DocsError": "errors", "DocumentError": "errors", "IndexBusyError": "errors",
    "FORMATS": "formats", "ParseLimits": "formats",
    "IndexEvent": "indexer", "IndexRun": "indexer", "IndexSummary": "indexer",
    "CollectionInfo": "library", "FileInfo": "library", "Library": "library", "Passage": "library",
    "Retrieval": "library", "SourceInfo": "library",
    "DEFAULT_COLLECTION": "db",
    "Embedder": "vectors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
