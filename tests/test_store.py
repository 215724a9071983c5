"""The claim store on real SQLite files in tmp_path: what it keeps, refuses, hides and purges."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.core.config import ConfigError, StoreSettings, load_settings
from kiosk.residents import Resident
from kiosk.store import (
    ClaimStore,
    DuplicateInvoice,
    InvalidClaim,
    InvalidTransition,
    KeyFileError,
    NewDocument,
    Status,
)
from kiosk.store.samples import sample_recognition, sample_resident

RESIDENT = Resident(name="欧阳秀英", id_number="11010519491231002x", insurance_place="四川省仪陇县",
                    phone="13912345678")


class Clock:
    """Time the test moves by hand (retention is measured in days)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[ClaimStore]:
    with ClaimStore(tmp_path, clock=clock) as s:
        yield s


def doc(seed: int, **changes: object) -> NewDocument:
    rec = sample_recognition(seed)
    rec.update(changes)
    return NewDocument(rec, image=f"image {seed} ".encode() + os.urandom(2048))


def image_files(home: Path) -> list[str]:
    """Images and temporary files (not the store's marker or the quarantine folder)."""
    return sorted(p.name for p in (home / "images").iterdir()
                  if p.name not in (".store-id", ".quarantine"))


def test_a_claim_round_trips_with_its_documents_images_and_history(store: ClaimStore) -> None:
    docs = [doc(1), doc(2), doc(3, doc_type="expense_list")]
    cid = store.create_claim(RESIDENT, docs, assistant="协理员 张")
    store.confirm(cid, actor="协理员 张")
    store.queue(cid, actor="协理员 张")

    claim = store.get_claim(cid)
    assert claim.status is Status.QUEUED
    assert claim.resident == RESIDENT
    assert claim.resident.id_number.endswith("X")
    assert claim.summary.assistant == "协理员 张"
    assert [d.recognition for d in claim.documents] == [d.recognition for d in docs]
    assert [store.image(d.image_sha256 or "") for d in claim.documents] == [d.image for d in docs]
    invoices_total = sum(float(d.recognition["total"]) for d in docs[:2])
    assert claim.summary.total == f"{invoices_total:.2f}"
    assert claim.findings == [] and claim.refund_estimate is None
    assert [(e.from_status, e.to_status) for e in claim.events] == [
        (None, Status.DRAFT), (Status.DRAFT, Status.CONFIRMED),
        (Status.CONFIRMED, Status.QUEUED)]
    assert [c.id for c in store.queue_list()] == [cid]


def test_an_invalid_id_number_is_refused_before_anything_is_written(
        store: ClaimStore, tmp_path: Path) -> None:
    bad = replace(RESIDENT, id_number="110105194912310021")  # wrong check digit
    with pytest.raises(InvalidClaim, match="not a valid resident ID-card number"):
        store.create_claim(bad, [doc(1)], assistant="a")
    with pytest.raises(InvalidClaim, match="at least one document"):
        store.create_claim(RESIDENT, [], assistant="a")
    assert store.list_claims() == []
    assert image_files(tmp_path) == []


def test_the_same_invoice_cannot_go_into_two_claims_and_the_message_names_the_holder(
        store: ClaimStore, tmp_path: Path) -> None:
    first = store.create_claim(RESIDENT, [doc(7)], assistant="a")
    before = image_files(tmp_path)
    again = doc(7)  # same code and number, different scan
    with pytest.raises(DuplicateInvoice, match=f"already in another claim: claim {first}") as ei:
        store.create_claim(sample_resident(2), [doc(8), again], assistant="b")
    assert ei.value.claim_id == first
    assert [c.id for c in store.list_claims()] == [first]
    assert image_files(tmp_path) == before  # the refused claim's images went with it
    with pytest.raises(DuplicateInvoice, match="already in this claim"):
        store.create_claim(RESIDENT, [doc(9), doc(9)], assistant="a")


def test_without_an_invoice_code_hospital_number_date_and_total_identify_it(
        store: ClaimStore) -> None:
    a = doc(20, invoice_code=None)
    cid = store.create_claim(RESIDENT, [a], assistant="a")
    same = NewDocument(dict(a.recognition), b"another photo of it")
    with pytest.raises(DuplicateInvoice, match=rf"invoice No\. .* claim {cid}"):
        store.create_claim(RESIDENT, [same], assistant="a")
    other_day = NewDocument(dict(a.recognition, issue_date="2020-01-01"), b"x")
    store.create_claim(RESIDENT, [other_day], assistant="a")
    # an expense list repeats its invoice's number: it is not a second invoice
    listing = NewDocument(dict(a.recognition, doc_type="expense_list"), b"list")
    store.create_claim(RESIDENT, [listing], assistant="a")


def test_cancelling_or_a_return_frees_the_invoices_for_a_new_claim(store: ClaimStore) -> None:
    cid = store.create_claim(RESIDENT, [doc(30)], assistant="a")
    store.transition(cid, Status.CANCELLED, actor="a")
    second = store.create_claim(RESIDENT, [doc(30)], assistant="a")
    for st in (Status.CONFIRMED, Status.QUEUED, Status.UPLOADING, Status.ACCEPTED):
        store.transition(second, st, actor="a")
    with pytest.raises(DuplicateInvoice):
        store.create_claim(RESIDENT, [doc(30)], assistant="a")
    with pytest.raises(InvalidTransition, match="with a reason"):
        store.transition(second, Status.RETURNED, actor="county")
    store.transition(second, Status.RETURNED, actor="county", reason="缺少费用清单")
    assert store.get_claim(second).return_reason == "缺少费用清单"
    store.create_claim(RESIDENT, [doc(30)], assistant="a")


def test_a_retry_with_the_same_uid_returns_the_first_claim(store: ClaimStore) -> None:
    a = store.create_claim(RESIDENT, [doc(40)], assistant="a", uid="tap-1")
    b = store.create_claim(RESIDENT, [doc(40)], assistant="a", uid="tap-1")
    assert a == b
    assert len(store.list_claims()) == 1


def test_personal_data_at_rest_is_ciphertext_without_the_key(tmp_path: Path) -> None:
    rec = sample_recognition(50)
    rec["payer_name"] = RESIDENT.name
    marker = b"\xff\xd8\xff\xe0 a very recognisable JPEG header" + os.urandom(64)
    with ClaimStore(tmp_path) as store:
        cid = store.create_claim(RESIDENT, [NewDocument(rec, marker)], assistant="a")
        store.confirm(cid, actor="a")
        on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*")
                           if p.is_file() and "keys" not in p.parts)
        for secret in (RESIDENT.name, RESIDENT.id_number, RESIDENT.id_number[:17],
                       RESIDENT.phone):
            assert secret.encode() not in on_disk, secret
        assert b"recognisable JPEG" not in on_disk
        assert rec["invoice_number"].encode() in on_disk  # not personal: kept readable
        assert [c.id for c in store.find_by_id_number("11010519491231002x")] == [cid]
        assert store.find_by_id_number(sample_resident(1).id_number) == []
    key = tmp_path / "keys" / "store.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700

    # the database and images copied to another kiosk (with its own key) do not open
    other = tmp_path / "other"
    with ClaimStore(other):
        pass
    moved = StoreSettings(database=str(tmp_path / "claims.sqlite3"),
                          key_file=str(other / "keys" / "store.key"))
    with pytest.raises(KeyFileError, match="does not belong"):
        ClaimStore(tmp_path, moved)
    key.rename(tmp_path / "store.key.bak")
    with pytest.raises(KeyFileError, match="is missing"):
        ClaimStore(tmp_path)
    assert not key.exists()  # a missing key is never silently replaced by a new one


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    with ClaimStore(tmp_path):
        pass
    key = tmp_path / "keys" / "store.key"
    key.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        ClaimStore(tmp_path)


def test_uploads_a_dead_worker_left_in_flight_are_requeued_at_start_up(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        ids = [store.create_claim(sample_resident(i), [doc(60 + i)], assistant="a")
               for i in range(3)]
        for cid in ids:
            store.confirm(cid, actor="a")
            store.queue(cid, actor="a")
        assert store.next_for_upload() == ids[0]
        assert store.next_for_upload() == ids[1]
    with ClaimStore(tmp_path) as store:
        assert store.counts() == {"queued": 3}
        last = store.get_claim(ids[0]).events[-1]
        assert (last.actor, last.from_status, last.to_status) == (
            "system", Status.UPLOADING, Status.QUEUED)
        assert store.next_for_upload() == ids[0]  # oldest first, nothing lost or skipped


def test_retention_purges_images_and_personal_fields_after_the_county_closed_the_claim(
        tmp_path: Path, clock: Clock) -> None:
    settings = StoreSettings(retention_days=30)
    with ClaimStore(tmp_path, settings, clock=clock) as store:
        kept = store.create_claim(RESIDENT, [doc(70)], assistant="a")
        done = store.create_claim(RESIDENT, [doc(71), doc(72)], assistant="a")
        for cid in (kept, done):
            store.confirm(cid, actor="a")
            store.queue(cid, actor="a")
        store.transition(done, Status.UPLOADING, actor="sync")
        store.transition(done, Status.ACCEPTED, actor="sync", county_ref="NC-2026-001")
        store.transition(done, Status.APPROVED, actor="county")
        store.transition(done, Status.PAID, actor="county")
        store.note_county_time(clock.now)
        clock.now += 29 * 86400
        store.note_county_time(clock.now)
        assert store.purge_expired() == []
        clock.now += 2 * 86400
        store.note_county_time(clock.now)
        assert store.purge_expired() == [done]
        assert store.purge_expired() == []

        gone = store.get_claim(done)
        assert gone.resident is None and gone.summary.purged
        assert all(d.image_sha256 is None and d.recognition is None for d in gone.documents)
        # what remains answers "what happened to my claim"
        assert gone.status is Status.PAID and gone.county_ref == "NC-2026-001"
        assert [d.invoice_number for d in gone.documents] == [
            sample_recognition(71)["invoice_number"], sample_recognition(72)["invoice_number"]]
        assert gone.events[-1].action == "purged"
        assert [c.id for c in store.find_by_id_number(RESIDENT.id_number)] == [done, kept]
        assert store.get_claim(kept).resident == RESIDENT  # not closed: untouched
        assert len(image_files(tmp_path)) == 1
        store.transition(kept, Status.UPLOADING, actor="sync")
        store.transition(kept, Status.ACCEPTED, actor="sync")
        store.transition(kept, Status.RETURNED, actor="county", reason="发票不清楚")
    clock.now += 31 * 86400
    with ClaimStore(tmp_path, settings, clock=clock) as store:
        store.note_county_time(clock.now)
    with ClaimStore(tmp_path, settings, clock=clock) as store:  # start-up purges on its own
        assert store.get_claim(kept).resident is None
        assert image_files(tmp_path) == []


def test_orphaned_and_temporary_image_files_are_swept(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        cid = store.create_claim(RESIDENT, [doc(80)], assistant="a")
        kept = image_files(tmp_path)
    orphan = tmp_path / "images" / ("ab" * 32)
    orphan.write_bytes(b"left by a crash between rename and commit")
    (tmp_path / "images" / ".tmp-0123").write_bytes(b"half written")
    with ClaimStore(tmp_path, orphan_grace_s=3600) as store:
        assert len(image_files(tmp_path)) == 3  # too fresh: may belong to a commit in flight
        assert store.sweep_orphans(grace_s=0) == 2
        assert image_files(tmp_path) == kept
        assert store.get_claim(cid).documents[0].image_sha256 == kept[0]


def test_the_event_log_is_append_only_in_the_schema(store: ClaimStore, tmp_path: Path) -> None:
    cid = store.create_claim(RESIDENT, [doc(90)], assistant="a")
    raw = sqlite3.connect(tmp_path / "claims.sqlite3")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE events SET actor = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM events")
    finally:
        raw.close()
    assert [e.actor for e in store.get_claim(cid).events] == ["a"]


def test_corrections_remember_who_changed_what_and_keep_invoices_unique(
        store: ClaimStore) -> None:
    taken = store.create_claim(RESIDENT, [doc(100)], assistant="a")
    cid = store.create_claim(RESIDENT, [doc(101)], assistant="a")
    doc_id = store.get_claim(cid).documents[0].id
    store.correct_field(cid, doc_id, "total", "99.00", actor="协理员 王")
    claim = store.get_claim(cid)
    (fix,) = claim.documents[0].corrections or []
    assert (fix["field"], fix["new"], fix["by"]) == ("total", "99.00", "协理员 王")
    assert claim.documents[0].recognition is not None
    assert claim.documents[0].recognition["total"] == "99.00"
    assert claim.summary.total == "99.00"
    assert claim.events[-1].detail == {"document_id": doc_id, "field": "total"}

    store.correct_field(cid, doc_id, "invoice_code", sample_recognition(100)["invoice_code"],
                        actor="b")
    with pytest.raises(DuplicateInvoice, match=f"claim {taken}"):
        store.correct_field(cid, doc_id, "invoice_number",
                            sample_recognition(100)["invoice_number"], actor="b")
    assert len(store.get_claim(cid).documents[0].corrections or []) == 2  # refused: not kept
    store.confirm(cid, actor="a")
    with pytest.raises(InvalidTransition, match="only a draft"):
        store.correct_field(cid, doc_id, "total", "1.00", actor="b")
    with pytest.raises(InvalidTransition, match="only a draft"):
        store.add_document(cid, doc(102), actor="b")


def test_concurrent_writers_in_threads_and_a_second_store_lose_nothing(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    with ClaimStore(tmp_path) as one, ClaimStore(tmp_path) as two:
        def work(store: ClaimStore, base: int) -> None:
            try:
                for i in range(base, base + 15):
                    cid = store.create_claim(sample_resident(i), [doc(i)], assistant="a")
                    store.confirm(cid, actor="a")
            except BaseException as exc:  # reported below, not lost in the thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(s, 1000 + 100 * n))
                   for n, s in enumerate((one, two, one, two))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert one.counts() == {"confirmed": 60}
        assert len({c.uid for c in two.list_claims()}) == 60


def test_store_settings_come_from_kiosk_toml_and_are_validated(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.store.database == str(tmp_path / "claims.sqlite3")
    assert settings.store.key_file == str(tmp_path / "keys" / "store.key")
    (tmp_path / "kiosk.toml").write_text(
        '[store]\nretention_days = 14\nkey_file = "/media/usb/kiosk.key"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.store.retention_days == 14
    assert settings.store.key_file == "/media/usb/kiosk.key"
    (tmp_path / "kiosk.toml").write_text("[store]\nretention_days = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"store\.retention_days"):
        load_settings(tmp_path)
    (tmp_path / "kiosk.toml").write_text('[store]\nretention = "90"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key"):
        load_settings(tmp_path)


def test_the_queue_is_listed_oldest_first_from_its_covering_index(
        store: ClaimStore, tmp_path: Path) -> None:
    from kiosk.store.claims import _QUEUE_SQL

    ids = [store.create_claim(sample_resident(i), [doc(110 + i)], assistant="a")
           for i in range(3)]
    for cid in reversed(ids):
        store.confirm(cid, actor="a")
        store.queue(cid, actor="a")
    queue = store.queue_list()
    assert [q.id for q in queue] == ids
    assert queue[0].uid == store.get_claim(ids[0]).summary.uid
    assert queue[0].document_count == 1 and queue[0].total == sample_recognition(110)["total"]
    raw = sqlite3.connect(tmp_path / "claims.sqlite3")
    try:
        plan = raw.execute("EXPLAIN QUERY PLAN " + _QUEUE_SQL, ("queued",)).fetchall()
    finally:
        raw.close()
    assert "COVERING INDEX ix_claims_queue" in " ".join(str(step[-1]) for step in plan)
