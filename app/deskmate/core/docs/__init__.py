"""Ask your documents: a library of files and folders, indexed for keyword and vector search.

Layers inside this package, top down: ``library`` (the service: collections, sources,
files, search) and ``indexer`` (one indexing run); ``parsing`` (the parent side of the
parser child), ``parse_worker`` + ``parsers`` (the child); ``chunking``, ``search``
(keyword leg, fusion), ``vectors`` (vector leg), ``db`` (the SQLite schema).
"""

from .errors import DocsError, DocumentError, IndexBusyError
from .formats import FORMATS, ParseLimits
from .indexer import IndexEvent, IndexRun, IndexSummary
from .library import (
    DEFAULT_COLLECTION,
    CollectionInfo,
    FileInfo,
    Library,
    Passage,
    Retrieval,
    SourceInfo,
)
from .vectors import Embedder

__all__ = [
    "DEFAULT_COLLECTION",
    "FORMATS",
    "CollectionInfo",
    "DocsError",
    "DocumentError",
    "Embedder",
    "FileInfo",
    "IndexBusyError",
    "IndexEvent",
    "IndexRun",
    "IndexSummary",
    "Library",
    "ParseLimits",
    "Passage",
    "Retrieval",
    "SourceInfo",
]
