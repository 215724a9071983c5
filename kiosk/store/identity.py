"""The store knows it existed: a claim database is never silently recreated.

A store is three things that belong together: the database, the key file and the image
folder. On first creation the database gets a random `store_id` (in `store_meta`) and the
image folder a marker file naming it (`images/.store-id`); the key file is bound to the
database by the existing key check. Before a database is opened, `preflight` decides:

- the database exists and has its identity: open it (and check the marker agrees);
- the database is missing, empty (0 bytes) or has no identity, and nothing else of a store is
  there: a brand-new kiosk, create it;
- the database is missing, empty or has no identity, but the key file, the marker or
  encrypted images are there: the database was lost or replaced. Refuse with `StoreLost`,
  touch nothing: the technician restores the backup (or moves all three aside on purpose).

Creation runs under a blocking lock (`<db>.create.lock`) so two processes starting on a fresh
home at once do not take each other's half-made store for a lost one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.durable import write_durably
from kiosk.store.errors import StoreError
from kiosk.store.fsutil import os_error

MARKER = ".store-id"
STORE_ID = "store_id"
_SHA_RE = re.compile(r"[0-9a-f]{64}")


class StoreLost(StoreError):
    """The database is missing, empty or replaced while the rest of its store is still there."""


class StoreMismatch(StoreError):
    """The image folder belongs to another claim database than the one opened."""


@dataclass(frozen=True)
class Traces:
    """What is left of a store besides its database."""

    key: bool
    marker: str | None
    images: int

    def any(self) -> bool:
        """A key file alone is no proof: a first start killed before the database recorded
        its key leaves just that, and the key check adopts it. The marker is written only
        once the database holds the key check, and images only after that."""
        return self.marker is not None or self.images > 0


def new_store_id() -> str:
    return secrets.token_hex(16)


def read_marker(images: Path) -> str | None:
    try:
        raw = json.loads((images / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return "unreadable"
    value = raw.get(STORE_ID) if isinstance(raw, dict) else None
    return str(value) if value else "unreadable"


def write_marker(images: Path, store_id: str) -> None:
    body = json.dumps({STORE_ID: store_id,
                       "note": "this folder's encrypted images belong to the claim database "
                               "with this store_id; keep them together"}).encode()
    try:
        write_durably(images / MARKER, body, images / f".tmp-marker-{secrets.token_hex(4)}")
    except OSError as exc:
        raise os_error(exc, f"cannot write the store marker in {images}") from exc


def count_images(images: Path) -> int:
    """Encrypted images in the folder and in its quarantine."""
    n = 0
    for folder in (images, images / ".quarantine"):
        try:
            n += sum(1 for e in os.scandir(folder) if _SHA_RE.fullmatch(e.name))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            n += 1  # cannot look: assume there is something to protect
    return n


def traces(key_path: Path, images: Path) -> Traces:
    return Traces(key=key_path.exists(), marker=read_marker(images), images=count_images(images))


def database_state(db_path: Path) -> str:
    """'missing', 'empty' (0 bytes), 'blank' (a database without a store identity), 'ok', or
    'unknown' (cannot be read here: the normal open reports why)."""
    try:
        size = db_path.stat().st_size
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unknown"
    if size == 0:
        return "empty"
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return "unknown"
    try:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table' "
                           "AND name='store_meta'").fetchone()
        if not row or not row[0]:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return "blank" if tables is not None else "unknown"
        has = conn.execute("SELECT count(*) FROM store_meta WHERE name='key_check'").fetchone()
        return "ok" if has and has[0] else "blank"
    except sqlite3.Error:
        return "unknown"
    finally:
        conn.close()


def refuse_lost(db_path: Path, key_path: Path, images: Path, state: str, found: Traces,
                ) -> StoreLost:
    what = {"missing": "is missing", "empty": "is empty (0 bytes)",
            "blank": "holds no claim store (it was replaced or recreated)"}[state]
    left = []
    if found.key:
        left.append(f"its key file {key_path}")
    if found.images:
        left.append(f"{found.images} encrypted images in {images}")
    elif found.marker is not None:
        left.append(f"the image folder {images}")
    return StoreLost(
        f"the claim database {db_path} {what}, but the rest of this kiosk's claim store is "
        f"still there ({', '.join(left)}). Nothing was created or deleted. Restore "
        f"{db_path.name} from the technician's backup into {db_path.parent} and start again; "
        f"only to really start with no claims, move {key_path} and {images} aside together "
        "with the database")


@contextlib.contextmanager
def creation_lock(db_path: Path) -> Iterator[None]:
    """A blocking exclusive lock for creating the store (released when done or on death)."""
    path = db_path.with_name(db_path.name + ".create.lock")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise os_error(exc, f"cannot create the claim database in {db_path.parent}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
