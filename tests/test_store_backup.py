"""The claim database copied before a migration, and put back when an older version returns."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.durable import FileLock
from kiosk.store import ClaimStore, SchemaTooNew
from kiosk.store.backup import (
    RestoreRefused,
    backup_before_migration,
    list_backups,
    plan_restore,
    read_revision,
    restore,
)
from kiosk.store.claims import NewDocument
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.store.schema import HEAD_REVISION

NEWER = "9999"


def _file_claim(store: ClaimStore, seed: int) -> int:
    rec = sample_recognition(seed)
    claim = store.create_claim(sample_resident(seed), [
        NewDocument(rec, image=f"image {seed} ".encode() + os.urandom(512))], assistant="self")
    store.confirm(claim, actor="test")
    store.queue(claim, actor="test")
    return claim


def _migrate_like_a_newer_version(db: Path, seed: int) -> None:
    """What a newer kiosk does: a backup, a migration (here only the revision moves on), and
    claims filed afterwards."""
    backup_before_migration(db, HEAD_REVISION, NEWER)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = ?", (NEWER,))
    conn.commit()
    conn.close()
    # a claim filed by the newer version: copied from an existing row with a new uid
    conn = sqlite3.connect(db)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(claims)") if r[1] != "id"]
    sel = ", ".join(f"'newer-{seed}'" if c == "uid" else c for c in cols)
    conn.execute(f"INSERT INTO claims ({', '.join(cols)}) SELECT {sel} FROM claims LIMIT 1")
    conn.commit()
    conn.close()


def test_a_backup_is_a_complete_readable_copy_including_what_is_still_in_the_wal(
        tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        _file_claim(store, 1)
        # the store is still open: the last commit may be only in claims.sqlite3-wal
        dest = backup_before_migration(store.db_path, HEAD_REVISION, NEWER)
    assert dest.parent == tmp_path / "backups"
    assert oct(dest.stat().st_mode & 0o777) == "0o600"
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*), min(status) FROM claims").fetchone() == (1, "queued")
    conn.close()
    [b] = list_backups(tmp_path / "claims.sqlite3")
    assert (b.kind, b.revision, b.path) == ("pre", HEAD_REVISION, dest)


def test_only_the_newest_three_pre_migration_backups_are_kept(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        db = store.db_path
    for i in range(5):
        backup_before_migration(db, HEAD_REVISION, NEWER, now=1_800_000_000.0 + i * 86400)
    stamps = [b.made_at for b in list_backups(db)]
    assert stamps == [1_800_000_000.0 + i * 86400 for i in (4, 3, 2)]


def test_an_older_version_restores_the_backup_and_keeps_the_newer_database_aside(
        tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        kept = _file_claim(store, 1)
        db = store.db_path
    _migrate_like_a_newer_version(db, 2)
    with pytest.raises(SchemaTooNew):
        ClaimStore(tmp_path)

    plan = plan_restore(db)
    assert plan is not None
    assert plan.current == NEWER and plan.backup.revision == HEAD_REVISION
    assert plan.lost == {"newer-2": "queued"}
    assert "1 claims filed since then" in plan.describe()
    aside = restore(plan)

    assert read_revision(db) == HEAD_REVISION
    assert read_revision(aside) == NEWER  # nothing the newer version wrote is lost
    with ClaimStore(tmp_path) as store:
        assert [c.id for c in store.list_claims("queued")] == [kept]
    assert plan_restore(db) is None


def test_restoring_is_refused_while_the_app_holds_the_database(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        _file_claim(store, 1)
        db = store.db_path
    _migrate_like_a_newer_version(db, 2)
    plan = plan_restore(db)
    assert plan is not None
    app = FileLock(db.with_name(db.name + ".delivery.lock"))
    assert app.acquire()
    try:
        with pytest.raises(RestoreRefused, match="stop it first"):
            restore(plan)
    finally:
        app.release()
    assert read_revision(db) == NEWER  # untouched


def test_an_unknown_schema_without_a_backup_says_so(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        db = store.db_path
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = ?", (NEWER,))
    conn.commit()
    conn.close()
    with pytest.raises(RestoreRefused, match="install the newer version again"):
        plan_restore(db)


def _kiosk(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "--home", str(home), *args],
                          input=stdin, capture_output=True, text=True, timeout=60, check=False)


def test_the_restore_command_asks_before_it_changes_anything(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        _file_claim(store, 1)
        db = store.db_path
    _migrate_like_a_newer_version(db, 2)

    status = _kiosk(tmp_path, "backup", "status")
    assert status.returncode == 4 and "backup restore" in status.stdout
    no = _kiosk(tmp_path, "backup", "restore", stdin="no\n")
    assert no.returncode == 1 and "nothing was changed" in no.stdout
    assert read_revision(db) == NEWER
    yes = _kiosk(tmp_path, "backup", "restore", stdin="yes\n")
    assert yes.returncode == 0, yes.stdout + yes.stderr
    assert read_revision(db) == HEAD_REVISION
    assert _kiosk(tmp_path, "backup", "status").returncode == 0
    listed = _kiosk(tmp_path, "backup", "list").stdout
    assert "before a migration" in listed and "set aside by a restore" in listed
