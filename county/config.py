"""Where the county server keeps its state, and which database it talks to.

One data directory holds the images, published catalog files and (by default) the SQLite
database, so a county office backs up a single folder. PostgreSQL is chosen by a database URL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

DB_NAME = "county.db"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data` wins, then `COUNTY_DATA`, then the platform's per-user data directory."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("COUNTY_DATA")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir("township-county", appauthor=False))


@dataclass(frozen=True)
class CountyConfig:
    """Everything the app factory and the commands need to reach the county's state."""

    data_dir: Path
    db_url: str
    #: Largest receipt image accepted, in bytes (phone photos and 300 dpi scans stay far below).
    max_image_bytes: int = 25 * 1024 * 1024
    #: Largest claim JSON accepted, in bytes.
    max_claim_bytes: int = 4 * 1024 * 1024
    #: How long a fresh enrolment code stays usable.
    enrol_code_ttl: timedelta = timedelta(minutes=30)
    #: Most status events one feed page returns.
    feed_page_size: int = 500
    #: Most bytes of images one kiosk may keep on the server (claims' and not-yet-claimed);
    #: beyond it uploads are answered 507 and the kiosk retries later.
    device_quota_bytes: int = 5 * 1024**3
    #: A console session ends after this long without a request...
    session_idle: timedelta = timedelta(minutes=30)
    #: ...and after this long in any case (one working day).
    session_longest: timedelta = timedelta(hours=10)

    @classmethod
    def build(cls, data_dir: str | os.PathLike[str] | None = None,
              db_url: str | None = None) -> CountyConfig:
        """Resolve the data directory and default the database to SQLite inside it."""
        data = resolve_data_dir(data_dir)
        url = db_url or os.environ.get("COUNTY_DB") or f"sqlite:///{data / DB_NAME}"
        return cls(data_dir=data, db_url=url)

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def catalog_dir(self) -> Path:
        return self.data_dir / "catalog"
