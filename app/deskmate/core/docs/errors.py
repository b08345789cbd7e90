"""Errors of the document library. Every message is written for the person who added the file."""

from __future__ import annotations


class DocsError(Exception):
    """Something in the document library went wrong; the message says what and what to do."""


class DocumentError(DocsError):
    """One file could not be read. The library records it against that file and goes on with the rest.

    ``kind`` is one word a program can branch on: not_this_format, encrypted, too_large,
    zip_bomb, not_text, no_text, damaged, too_much_text, timeout, out_of_memory, crashed,
    unreadable, missing_library.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class IndexBusyError(DocsError):
    """Another indexing run of this library is still going."""
