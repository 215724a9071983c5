"""Opening the SQLite file: connection pragmas, error mapping, and self-upgrading schema.

Every connection runs in WAL mode with a busy timeout and foreign keys on. SQLite's own
transaction handling is used directly (the driver's implicit BEGIN is switched off) so that
a write transaction is always `BEGIN IMMEDIATE`: it takes the write lock up front instead of
failing half-way when another writer got there first. `synchronous` is chosen per
transaction (FULL for commits that confirm or move a claim) because SQLite refuses to change
it inside one.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text

from kiosk.store.errors import (
    CorruptDatabase,
    DiskFull,
    ReadOnly,
    SchemaTooNew,
    StoreError,
)

log = logging.getLogger("kiosk.store")

# The newest migration this code knows; tests check it against migrations/versions.
HEAD_REVISION = "0001"
MIGRATIONS = Path(__file__).with_name("migrations")

_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_IOERR = 3, 5, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def make_engine(path: Path, *, busy_timeout_ms: int, writer: bool,
                uri_options: str | None = None) -> Engine:
    """An engine for the claim database; the writer's transactions begin IMMEDIATE.

    `uri_options` opens the file through an SQLite URI (e.g. `mode=ro` for a reader that
    must not create anything on a full disk)."""
    url = f"sqlite:///{path}" if uri_options is None else (
        f"sqlite:///file:{path}?{uri_options}&uri=true")
    engine = create_engine(
        url,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False,
                      "isolation_level": None},
        pool_size=1 if writer else 4,
        max_overflow=0 if writer else 8,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        if not writer:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        opts = conn.get_execution_options()
        if writer:
            conn.exec_driver_sql(f"PRAGMA synchronous={opts.get('kiosk_sync', 'NORMAL')}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def translated(what: str, path: Path) -> Iterator[None]:
    """Turn SQLite and OS failures into the store's specific, plain-worded errors."""
    try:
        yield
    except StoreError:
        raise
    except (exc.DBAPIError, sqlite3.Error) as err:
        raise classify(err, what, path) from err
    except OSError as err:
        from kiosk.store.fsutil import os_error

        raise os_error(err, what) from err


def classify(err: Exception, what: str, path: Path) -> StoreError:
    orig = getattr(err, "orig", err)
    code = getattr(orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    detail = str(orig)
    if primary == _SQLITE_FULL:
        return DiskFull(f"{what}: the disk holding {path} is full")
    if primary in (_SQLITE_READONLY, _SQLITE_PERM):
        return ReadOnly(f"{what}: {path} cannot be written ({detail})")
    if primary == _SQLITE_CANTOPEN:
        if not os.access(path.parent, os.W_OK):
            return ReadOnly(f"{what}: the folder {path.parent} cannot be written")
        return StoreError(f"{what}: cannot open {path} ({detail})")
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return CorruptDatabase(
            f"{what}: {path} is damaged or not a claim database ({detail}); it was left "
            "as it is: copy it off for recovery and restore the last backup")
    if primary == _SQLITE_BUSY:
        return StoreError(f"{what}: {path} stayed locked by another program ({detail})")
    if primary == _SQLITE_IOERR:
        if "full" in detail.lower():
            return DiskFull(f"{what}: the disk holding {path} is full")
        return StoreError(f"{what}: input/output error on {path} ({detail})")
    return StoreError(f"{what}: {detail}")


def check_integrity(engine: Engine, path: Path) -> None:
    """Switch on WAL and refuse a damaged file before anything is written to it."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        mode = raw.execute("PRAGMA journal_mode=WAL").fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            raise ReadOnly(f"{path}: cannot switch the database to WAL mode (got {mode})")
        rows = raw.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            problems = "; ".join(str(r[0]) for r in rows[:3])
            raise CorruptDatabase(
                f"{path} failed its integrity check ({problems}); it was left as it is: copy "
                "it off for recovery and restore the last backup")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        has = raw.execute("SELECT 1 FROM sqlite_master WHERE type='table' "
                          "AND name='alembic_version'").fetchone()
        if not has:
            return None
        row = raw.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])


def upgrade(engine: Engine, path: Path) -> str:
    """Bring the schema to HEAD_REVISION; refuse a revision this code does not know.

    The common case (already at head) does not import Alembic at all, which keeps start-up
    fast; migrating runs Alembic programmatically on the writer's connection.
    """
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return revision
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    if revision is not None:
        try:
            script.get_revision(revision)
        except CommandError:
            raise SchemaTooNew(
                f"{path} has schema revision {revision!r}, which this version of the kiosk "
                f"software does not know (it knows up to {HEAD_REVISION!r}); it was written "
                "by a newer version: install that version again instead of this one") from None
    if revision is not None:  # a database with claims: copied before it is changed
        from kiosk.store.backup import backup_before_migration

        backup_before_migration(path, revision, HEAD_REVISION)
    log.info("upgrading the claim database %s from %s to %s", path, revision, HEAD_REVISION)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
    return HEAD_REVISION


def read_meta(engine: Engine, name: str) -> str | None:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT value FROM store_meta WHERE name = :n"),
                           {"n": name}).fetchone()
        return None if row is None else str(row[0])
