"""The store knows it existed: a lost, emptied or replaced database is refused, and images
are never deleted on the word of a database that does not know them, nor on a wrong clock.

Real SQLite files and real encrypted images in tmp_path; the CLI runs in-process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk_cli
from kiosk.core.config import StoreSettings
from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.identity import StoreLost, StoreMismatch
from kiosk.store.images import QUARANTINE_S
from kiosk.store.samples import sample_recognition, sample_resident


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def fill(home: Path, count: int, **kwargs: object) -> list[int]:
    with ClaimStore(home, **kwargs) as store:  # type: ignore[arg-type]
        return [store.create_claim(sample_resident(seed), [NewDocument(
            sample_recognition(seed), b"\xff\xd8\xff" + os.urandom(3000))], assistant="a")
            for seed in range(count)]


def images(home: Path) -> dict[str, str]:
    """Every encrypted image file (also in the quarantine) → SHA-256 of its bytes."""
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (home / "images").rglob("*") if p.is_file() and len(p.name) == 64}


@pytest.mark.parametrize("how", ["emptied", "deleted"])
def test_a_lost_database_is_refused_by_the_cli_and_no_image_is_deleted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    fill(tmp_path, 6)
    before = images(tmp_path)
    assert len(before) == 6
    db = tmp_path / "claims.sqlite3"
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        extra.unlink(missing_ok=True)
    if how == "emptied":
        db.write_bytes(b"")
    else:
        db.unlink()
    for _ in range(2):  # and again: the first refusal must not have created anything
        capsys.readouterr()
        assert kiosk_cli(["--home", str(tmp_path), "claims", "list"]) == 4
        err = capsys.readouterr().err
        assert ("is empty" if how == "emptied" else "is missing") in err
        assert "6 encrypted images" in err and "Restore claims.sqlite3" in err
        assert images(tmp_path) == before
        assert db.exists() == (how == "emptied")
        if how == "emptied":
            assert db.stat().st_size == 0


def test_a_database_from_another_store_is_refused_and_the_images_stay(tmp_path: Path) -> None:
    home, other = tmp_path / "home", tmp_path / "other"
    fill(home, 3)
    fill(other, 1)
    before = images(home)
    shutil.copy(other / "claims.sqlite3", home / "claims.sqlite3")
    for suffix in ("-wal", "-shm"):
        (home / f"claims.sqlite3{suffix}").unlink(missing_ok=True)
    # with its own key it opens (the key check passes) but the image folder is not its own
    settings = StoreSettings(key_file=str(other / "keys" / "store.key"))
    with pytest.raises(StoreMismatch, match="belongs to another claim database"):
        ClaimStore(home, settings, orphan_grace_s=0)
    assert images(home) == before


def test_a_database_that_is_blank_sqlite_is_refused(tmp_path: Path) -> None:
    import sqlite3

    fill(tmp_path, 2)
    db = tmp_path / "claims.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"claims.sqlite3{suffix}").unlink(missing_ok=True)
    sqlite3.connect(db).close()  # some tool "repaired" it by making a new, empty file
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreLost, match="holds no claim store"):
        ClaimStore(tmp_path)


def test_a_brand_new_home_still_creates_its_store(tmp_path: Path) -> None:
    (tmp_path / "claims.sqlite3").write_bytes(b"")  # an installer's placeholder
    assert fill(tmp_path, 1) == [1]
    marker = tmp_path / "images" / ".store-id"
    assert marker.exists()
    with ClaimStore(tmp_path) as store:
        assert store.store_id in marker.read_text()


def test_orphans_are_quarantined_then_deleted_after_the_grace_period(tmp_path: Path) -> None:
    clock = Clock()
    (cid,) = fill(tmp_path, 1, clock=clock)
    orphan = tmp_path / "images" / ("ab" * 32)
    orphan.write_bytes(b"left by a crash between rename and commit")
    with ClaimStore(tmp_path, clock=clock, orphan_grace_s=0) as store:
        assert not orphan.exists()
        ((sha, delete_after),) = store.quarantine()
        assert sha == "ab" * 32 and delete_after == clock.now + QUARANTINE_S
        assert store.image(store.get_claim(cid).documents[0].image_sha256 or "")
    clock.now += QUARANTINE_S - 60
    with ClaimStore(tmp_path, clock=clock, orphan_grace_s=0) as store:
        assert len(store.quarantine()) == 1  # still visible, still there
    clock.now += 120
    with ClaimStore(tmp_path, clock=clock, orphan_grace_s=0) as store:
        assert store.quarantine() == []
        assert len(images(tmp_path)) == 1


def test_a_quarantined_image_comes_back_when_a_restored_database_points_at_it(
        tmp_path: Path) -> None:
    (cid,) = fill(tmp_path, 1)
    with ClaimStore(tmp_path) as store:
        sha = store.get_claim(cid).documents[0].image_sha256
        assert sha is not None
    # a technician's mistake: the image moved into the quarantine by hand (as a sweep of a
    # database that had lost that row would have done)
    q = tmp_path / "images" / ".quarantine"
    q.mkdir()
    (tmp_path / "images" / sha).rename(q / sha)
    with ClaimStore(tmp_path) as store:
        assert store.quarantine() == []
        assert len(store.image(sha)) == 3003


def _closed_claims(home: Path, clock: Clock) -> tuple[list[int], list[int]]:
    """Ten claims the county only accepted, ten it paid; the county's time noted."""
    with ClaimStore(home, StoreSettings(retention_days=90), clock=clock) as store:
        accepted, paid = [], []
        for seed in range(20):
            cid = store.create_claim(sample_resident(seed), [NewDocument(
                sample_recognition(seed), os.urandom(500))], assistant="a")
            for target in (Status.CONFIRMED, Status.QUEUED, Status.UPLOADING, Status.ACCEPTED):
                store.transition(cid, target, actor="sync")
            if seed % 2:
                store.transition(cid, Status.APPROVED, actor="county")
                store.transition(cid, Status.PAID, actor="county")
                paid.append(cid)
            else:
                accepted.append(cid)
        store.note_county_time(clock.now)
    return accepted, paid


def _personal(home: Path, clock: Clock) -> dict[int, bool]:
    with ClaimStore(home, StoreSettings(retention_days=90), clock=clock) as store:
        return {c.id: store.get_claim(c.id).resident is not None for c in store.list_claims()}


def test_a_clock_91_days_ahead_purges_nothing(tmp_path: Path) -> None:
    clock = Clock()
    _closed_claims(tmp_path, clock)
    clock.now += 91 * 86400  # the clock jumped; the county was last heard 91 days "ago"
    assert all(_personal(tmp_path, clock).values())
    assert len(images(tmp_path)) == 20


def test_only_county_closed_claims_are_purged_when_the_clock_agrees(tmp_path: Path) -> None:
    clock = Clock()
    accepted, paid = _closed_claims(tmp_path, clock)
    clock.now += 91 * 86400
    with ClaimStore(tmp_path, clock=clock) as store:
        store.note_county_time(clock.now - 3600)  # the county's Date, an hour behind
    kept = _personal(tmp_path, clock)
    assert [c for c in accepted if not kept[c]] == []  # accepted only: never purged
    assert [c for c in paid if kept[c]] == []
    assert len(images(tmp_path)) == 10


def test_a_clock_set_back_purges_nothing(tmp_path: Path) -> None:
    clock = Clock()
    _closed_claims(tmp_path, clock)
    clock.now += 91 * 86400
    with ClaimStore(tmp_path, clock=clock) as store:  # something happens at the later time
        store.note_county_time(clock.now)
        assert store.clock_doubt() is None
        clock.now -= 86400 * 2  # then the clock goes back two days (a flat RTC battery)
        assert "earlier than the newest time" in (store.clock_doubt() or "")
        assert store.purge_expired() == []
