"""Errors raised while reading a file. Each carries a Dutch message for end users.

They are mapped once to HTTP status codes (assistant/api) and CLI messages.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class: `message` is Dutch and safe to show to an end user."""

    http_status = 422

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnsupportedFormat(IngestError):
    http_status = 415


class EmptyDocument(IngestError):
    http_status = 422


class NeedsOCR(EmptyDocument):
    """A PDF whose pages have no text layer (a scan)."""


class UnreadableDocument(IngestError):
    """Corrupt, truncated, encrypted or otherwise unreadable file."""

    http_status = 422


class DocumentTooLarge(IngestError):
    http_status = 413
