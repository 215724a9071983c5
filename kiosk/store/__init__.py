"""The local SQLite claim store and its upload queue. Qt-free.

`ClaimStore` (claims.py) is the one entry point: it opens or creates `<home>/claims.sqlite3`,
upgrades its schema (migrations/), keeps images as encrypted files under `<home>/images/`
(images.py) with the key outside the database (crypto.py), and enforces the claim life cycle
(status.py). Failures a person can act on are the classes in errors.py.
"""

from kiosk.store.claims import (
    ClaimEvent,
    ClaimRecord,
    ClaimStore,
    ClaimSummary,
    NewDocument,
    QueueEntry,
    StoredDocument,
)
from kiosk.store.errors import (
    ClaimNotFound,
    CorruptDatabase,
    DiskFull,
    DuplicateInvoice,
    InvalidClaim,
    InvalidTransition,
    KeyFileError,
    ReadOnly,
    SchemaTooNew,
    StoreError,
)
from kiosk.store.status import TRANSITIONS, Status

__all__ = [
    "TRANSITIONS",
    "ClaimEvent",
    "ClaimNotFound",
    "ClaimRecord",
    "ClaimStore",
    "ClaimSummary",
    "CorruptDatabase",
    "DiskFull",
    "DuplicateInvoice",
    "InvalidClaim",
    "InvalidTransition",
    "KeyFileError",
    "NewDocument",
    "QueueEntry",
    "ReadOnly",
    "SchemaTooNew",
    "Status",
    "StoreError",
    "StoredDocument",
]
