"""Failures of the claim store that a person can act on, each its own class.

The UI shows these as a friendly screen (disk full: call the technician to free space; a
duplicate invoice: which claim already has it); anything else is a bug and goes to the log.
After any of them the store is in a safe state: the operation did not happen at all.
"""

from __future__ import annotations

from kiosk.core.messages import Text


class StoreError(Exception):
    """A known failure of the claim store; `str(exc)` is a sentence for a technician."""


class DiskFull(StoreError):
    """The disk holding the database or the images has no space left."""


class ReadOnly(StoreError):
    """The kiosk's home directory, database or image folder cannot be written."""


class CorruptDatabase(StoreError):
    """The database file is damaged or not a database; it is left untouched for recovery."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the kiosk software."""


class KeyFileError(StoreError):
    """The encryption key file is missing, wrong for this database, or not owner-only."""


class DuplicateInvoice(StoreError):
    """An invoice that is already part of another claim (or twice in this one)."""

    def __init__(self, message: str, *, invoice: Text, claim_id: int) -> None:
        super().__init__(message)
        self.invoice = invoice
        self.claim_id = claim_id


class InvalidTransition(StoreError):
    """A status change the claim's life cycle does not allow (e.g. paid → draft)."""


class ClaimNotFound(StoreError):
    """No claim with that id."""


class InvalidClaim(StoreError):
    """Claim content the store refuses: a bad ID number, no documents, an empty image."""
