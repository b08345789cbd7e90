"""Drafts storage: SQLite (WAL) with versions, full-text search, autosave and file import/export.

Qt-free; safe to use from the GUI thread and worker threads alike.
"""

from .autosave import Autosaver, RecoveredDraft, recover
from .db import CorruptDatabaseError, Database, DiskFullError, DraftNotFoundError, StoreError
from .drafts import KINDS, Draft, DraftStore, DraftSummary, SearchHit, Version, VersionInfo
from .io import DraftExportError, DraftImportError, export_draft, import_draft, import_file

__all__ = [
    "KINDS",
    "Autosaver",
    "CorruptDatabaseError",
    "Database",
    "DiskFullError",
    "Draft",
    "DraftExportError",
    "DraftImportError",
    "DraftNotFoundError",
    "DraftStore",
    "DraftSummary",
    "RecoveredDraft",
    "SearchHit",
    "StoreError",
    "Version",
    "VersionInfo",
    "export_draft",
    "import_draft",
    "import_file",
    "recover",
]
