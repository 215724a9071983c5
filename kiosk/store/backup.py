"""Backups of the claim database before a schema migration, and going back to one.

A newer kiosk version migrates the database when it first opens it; just before, the whole
database is copied with SQLite's online backup (consistent even with the WAL and other
readers) into `backups/` beside it, named after the revision it holds. Installing the older
version again then finds a schema it does not know; `township-kiosk backup restore` puts the
newest backup that version can read back in place, after the technician confirms. The newer
database is never deleted: it is set aside in `backups/` first, so the claims filed since the
backup can still be recovered from it.
"""

from __future__ import annotations

import calendar
import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.durable import FileLock, fsync_dir
from kiosk.store.errors import StoreError

log = logging.getLogger("kiosk.store")

BACKUP_DIR = "backups"
KEEP = 3  # pre-migration backups kept per database; set-aside newer databases are all kept
_NAME = re.compile(r"^(?P<db>.+)\.(?P<kind>pre|newer)-(?P<rev>[0-9A-Za-z_]+)\."
                   r"(?P<stamp>\d{8}T\d{6}Z)\.bak$")


class RestoreRefused(StoreError):
    """There is nothing to restore, or restoring now would be unsafe."""


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # "pre": taken before a migration; "newer": a database set aside by a restore
    revision: str
    made_at: float  # UTC seconds


def known_revisions() -> set[str]:
    """Schema revisions this version's migrations know (from the file names; no Alembic)."""
    from kiosk.store.schema import HEAD_REVISION, MIGRATIONS

    found = {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}
    return found | {HEAD_REVISION}


def backup_dir(db: Path) -> Path:
    return db.parent / BACKUP_DIR


def read_revision(db: Path) -> str | None:
    """The schema revision of the database file (None: none recorded)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' "
                           "AND name='alembic_version'").fetchone()
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has else None
        return None if row is None else str(row[0])
    finally:
        conn.close()


def _stamp(now: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))


def _copy(src: Path, dest: Path) -> None:
    """SQLite online backup of `src` into a new file `dest`, made durable, atomically named."""
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, dest)
    fsync_dir(dest.parent)


def list_backups(db: Path) -> list[Backup]:
    """Backups of `db`, newest first."""
    folder = backup_dir(db)
    found = []
    for p in folder.glob(f"{db.name}.*.bak") if folder.is_dir() else ():
        m = _NAME.match(p.name)
        if m and m["db"] == db.name:
            made = float(calendar.timegm(time.strptime(m["stamp"], "%Y%m%dT%H%M%SZ")))
            found.append(Backup(p, m["kind"], m["rev"], made))
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def backup_before_migration(db: Path, revision: str, target: str,
                            now: float | None = None) -> Path:
    """Copy `db` (at `revision`) into backups/ before it is migrated to `target`.

    Raises StoreError when the copy cannot be made: the migration must then not run.
    """
    folder = backup_dir(db)
    dest = folder / f"{db.name}.pre-{revision}.{_stamp(time.time() if now is None else now)}.bak"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        _copy(db, dest)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot back up {db} before migrating it from schema {revision} to "
                         f"{target} ({exc}); nothing was changed: free some disk space and "
                         "start again") from exc
    log.info("backed up the claim database (schema %s) to %s before migrating to %s",
             revision, dest, target)
    for old in [b for b in list_backups(db) if b.kind == "pre"][KEEP:]:
        old.path.unlink(missing_ok=True)
    return dest


def _uids(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        return {str(u): str(s) for u, s in conn.execute("SELECT uid, status FROM claims")}
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


@dataclass(frozen=True)
class RestorePlan:
    db: Path
    current: str | None
    backup: Backup
    lost: dict[str, str]  # uid -> status of claims in the current database, not in the backup

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.backup.made_at))
        lines = [f"The claim database {self.db} has schema {self.current!r}, written by a "
                 f"newer kiosk version. The backup taken on {when} (schema "
                 f"{self.backup.revision}) would be put back in its place."]
        if self.lost:
            waiting = sum(1 for s in self.lost.values()
                          if s in ("draft", "confirmed", "queued", "uploading"))
            lines.append(f"{len(self.lost)} claims filed since then are not in the backup "
                         f"({waiting} of them not yet delivered to the county). They stay in "
                         "the set-aside copy of the newer database in "
                         f"{backup_dir(self.db)}; installing the newer version again "
                         "brings them back.")
        else:
            lines.append("Every claim in the newer database is also in the backup.")
        return "\n".join(lines)


def plan_restore(db: Path) -> RestorePlan | None:
    """What `restore` would do, or None when the database's schema is one this version knows.

    RestoreRefused when the schema is unknown but no usable backup exists.
    """
    if not db.exists():
        return None
    current = read_revision(db)
    known = known_revisions()
    if current is None or current in known:
        return None
    usable = [b for b in list_backups(db) if b.kind == "pre" and b.revision in known]
    if not usable:
        raise RestoreRefused(
            f"{db} has schema {current!r}, which this version does not know, and there is no "
            f"backup in {backup_dir(db)} it can read: install the newer version again")
    return RestorePlan(db, current, usable[0], {
        uid: status for uid, status in _uids(db).items()
        if uid not in _uids(usable[0].path)})


def restore(plan: RestorePlan, now: float | None = None) -> Path:
    """Set the current database aside and put the backup in its place; returns the aside copy.

    Refused while the kiosk app runs (it holds the delivery lock beside the database).
    """
    db = plan.db
    lock = FileLock(db.with_name(db.name + ".delivery.lock"))
    if not lock.acquire():
        raise RestoreRefused("the kiosk app is using the claim database: stop it first "
                             "(systemctl stop township-kiosk)")
    try:
        stamp = _stamp(time.time() if now is None else now)
        aside = backup_dir(db) / f"{db.name}.newer-{plan.current}.{stamp}.bak"
        _copy(db, aside)  # includes what is still in the WAL
        tmp = db.with_name(db.name + ".restore")
        _copy(plan.backup.path, tmp)
        for suffix in ("-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, db)
        fsync_dir(db.parent)
    finally:
        lock.release()
    log.warning("restored the claim database %s from %s; the newer one is kept as %s",
                db, plan.backup.path, aside)
    return aside
