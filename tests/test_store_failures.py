"""A full disk, a read-only directory, a damaged file, a newer schema: a clear error, a safe state.

The full and read-only disks are real: small tmpfs mounts (needs root, or the test is
skipped saying so) and the immutable attribute, which root cannot write through either.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from kiosk.store import (
    ClaimStore,
    CorruptDatabase,
    DiskFull,
    NewDocument,
    ReadOnly,
    SchemaTooNew,
    Status,
    schema,
)
from kiosk.store.models import Base
from kiosk.store.samples import sample_recognition, sample_resident


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up for real ({done.stderr.strip()}); "
                    "run the tests as root to include this check")
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


def claim(store: ClaimStore, seed: int, image: bytes) -> int:
    return store.create_claim(sample_resident(seed), [NewDocument(sample_recognition(seed),
                                                                  image)], assistant="a")


def assert_intact(store: ClaimStore, expected: dict[int, bytes]) -> None:
    assert sorted(c.id for c in store.list_claims()) == sorted(expected)
    for cid, image in expected.items():
        (doc,) = store.get_claim(cid).documents
        assert store.image(doc.image_sha256 or "") == image
    assert not [p for p in (store.home / "images").iterdir() if p.name.startswith(".tmp-")]


def test_a_full_disk_refuses_the_claim_whole_and_recovers_when_space_is_freed(
        tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "2m") as home:
        store = ClaimStore(home)
        ballast = home / "ballast"  # what the technician will delete to make room
        ballast.write_bytes(b"\0" * 512 * 1024)
        try:
            saved: dict[int, bytes] = {}
            with pytest.raises(DiskFull, match="is full"):
                for seed in range(100):  # 2 MB cannot hold 100 images of 96 KB
                    image = os.urandom(96 * 1024)
                    saved[claim(store, seed, image)] = image
            assert 3 < len(saved) < 16
            assert_intact(store, saved)

            # Fill the rest; then a claim whose image is already stored fails in SQLite itself
            filler = home / "filler"
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)  # whatever is left
            try:
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * 4096)
            finally:
                os.close(fd)
            reuse = next(iter(saved.values()))
            big = sample_recognition(500)
            big["items"] = [dict(big["items"][0], name=f"项目{i}" * 20) for i in range(600)]
            with pytest.raises(DiskFull, match="full"):
                store.create_claim(sample_resident(500), [NewDocument(big, reuse)],
                                   assistant="a")
            assert_intact(store, saved)

            filler.unlink()
            ballast.unlink()
            cid = store.create_claim(sample_resident(501),
                                     [NewDocument(sample_recognition(501), reuse)], assistant="a")
            store.confirm(cid, actor="a")
            saved[cid] = reuse
        finally:
            store.close()
        with ClaimStore(home, orphan_grace_s=0) as again:
            assert_intact(again, saved)
            assert again.get_claim(cid).status is Status.CONFIRMED


def test_a_read_only_home_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as home:
        with ClaimStore(home) as store:
            image = os.urandom(1000)
            cid = claim(store, 1, image)
        done = _run("mount", "-o", "remount,ro", str(home))
        if done.returncode != 0:
            pytest.skip(f"cannot remount the tmpfs read-only: {done.stderr.strip()}")
        with pytest.raises(ReadOnly, match="cannot be written"):
            ClaimStore(home)
        assert _run("mount", "-o", "remount,rw", str(home)).returncode == 0
        with ClaimStore(home) as store:
            assert_intact(store, {cid: image})


def test_an_image_folder_that_cannot_be_written_refuses_the_claim_and_changes_nothing(
        tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        image = os.urandom(1000)
        first = claim(store, 1, image)
        images = tmp_path / "images"
        done = _run("chattr", "+i", str(images))
        if done.returncode != 0:
            pytest.skip(f"cannot make the image folder immutable: {done.stderr.strip()}")
        try:
            probe = images / "probe"
            try:
                probe.write_bytes(b"x")
            except OSError as exc:
                assert exc.errno in (errno.EPERM, errno.EACCES)
            else:
                probe.unlink()
                pytest.skip("this filesystem ignores the immutable attribute")
            with pytest.raises(ReadOnly, match="not writable"):
                claim(store, 2, os.urandom(1000))
            assert_intact(store, {first: image})
        finally:
            _run("chattr", "-i", str(images))
        second_image = os.urandom(1000)
        second = claim(store, 2, second_image)
        assert_intact(store, {first: image, second: second_image})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "claims.sqlite3"
    db.write_bytes(b"this is a photo, not a database\n" * 200)
    before = _digest(db)
    with pytest.raises(CorruptDatabase, match="damaged or not a claim database"):
        ClaimStore(tmp_path)
    assert _digest(db) == before
    assert not (tmp_path / "keys").exists()


def test_a_damaged_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        for seed in range(30):
            claim(store, seed, os.urandom(500))
    db = tmp_path / "claims.sqlite3"
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[page:] = bytes([0xA5]) * (len(data) - page)  # everything but the header page
    db.write_bytes(bytes(data))
    before = _digest(db)
    with pytest.raises(CorruptDatabase, match="restore the last backup"):
        ClaimStore(tmp_path)
    assert _digest(db) == before


def test_a_schema_newer_than_this_code_is_refused(tmp_path: Path) -> None:
    with ClaimStore(tmp_path):
        pass
    raw = sqlite3.connect(tmp_path / "claims.sqlite3")
    with raw:
        raw.execute("UPDATE alembic_version SET version_num = '0042_from_the_future'")
    raw.close()
    with pytest.raises(SchemaTooNew, match=r"'0042_from_the_future'.*newer version"):
        ClaimStore(tmp_path)


def test_the_database_upgrades_itself_and_the_migrations_match_the_models(
        tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(schema.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == schema.HEAD_REVISION

    with ClaimStore(tmp_path):
        pass
    engine = create_engine(f"sqlite:///{tmp_path / 'claims.sqlite3'}")
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn)
            assert ctx.get_current_revision() == schema.HEAD_REVISION
            assert compare_metadata(ctx, Base.metadata) == []
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            assert mode == "wal"
    finally:
        engine.dispose()
