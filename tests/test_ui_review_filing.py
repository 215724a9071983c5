"""Filing a reviewed claim: the store gets the receipts as read, then each correction with
who made it, while the claim is a draft; a retry after a crash finishes instead of repeating."""

from __future__ import annotations

from pathlib import Path

from kiosk.audit import Policy
from kiosk.claims.desk import ClaimDesk, Receipt, resident_for
from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_id_number, sample_recognition

ASSISTANT = "0007 王芳"


def corrected_receipts() -> list[Receipt]:
    first = Receipt(b"\xff\xd8one", sample_recognition(101))
    first = first.corrected("total", "88.00", ASSISTANT).corrected("payer_name", "王秀兰",
                                                                   ASSISTANT)
    # her second receipt carries her name as printed (another name would stop the filing's
    # name: see test_ui_names.py)
    return [first, Receipt(b"\xff\xd8two", dict(sample_recognition(102), payer_name="王秀兰"))]


def test_a_receipt_keeps_what_was_read_and_shows_what_was_corrected():
    r = corrected_receipts()[0]
    assert r.recognition["total"] == sample_recognition(101)["total"]  # never changed
    assert r.current["total"] == "88.00"
    assert r.corrected_fields == {"total", "payer_name"}
    assert resident_for(sample_id_number(101), [r]).name == "王秀兰"


def test_filing_replays_the_corrections_onto_the_draft(tmp_path: Path):
    with ClaimStore(tmp_path) as store:
        desk = ClaimDesk(store, tmp_path, Policy.example_county)
        receipts = corrected_receipts()
        audit = desk.audit(sample_id_number(101), receipts)
        claim_id = desk.file_claim(sample_id_number(101), receipts, audit, assistant=ASSISTANT,
                                   uid="u-1")
        record = store.get_claim(claim_id)
        assert record.status is Status.QUEUED
        assert record.resident is not None and record.resident.name == "王秀兰"
        first, second = record.documents
        assert [(c["field"], c["old"], c["new"], c["by"]) for c in first.corrections] == [
            ("total", sample_recognition(101)["total"], "88.00", ASSISTANT),
            ("payer_name", sample_recognition(101)["payer_name"], "王秀兰", ASSISTANT)]
        assert second.corrections == []
        assert record.refund_estimate == audit["refund_estimate"]
        desk.close()


def test_a_retry_with_the_same_uid_finishes_without_correcting_twice(tmp_path: Path):
    with ClaimStore(tmp_path) as store:
        desk = ClaimDesk(store, tmp_path, Policy.example_county)
        receipts = corrected_receipts()
        number = sample_id_number(101)
        # the first attempt got as far as the draft and its first correction, then the
        # power went
        claim_id = store.create_claim(resident_for(number, receipts),
                                      [NewDocument(r.recognition, r.image) for r in receipts],
                                      assistant=ASSISTANT, uid="u-2")
        doc_id = store.get_claim(claim_id).documents[0].id
        store.correct_field(claim_id, doc_id, "total", "88.00", actor=ASSISTANT)
        again = desk.file_claim(number, receipts, None, assistant=ASSISTANT, uid="u-2")
        assert again == claim_id
        record = store.get_claim(claim_id)
        assert record.status is Status.QUEUED
        assert [c["field"] for c in record.documents[0].corrections] == ["total", "payer_name"]
        assert desk.file_claim(number, receipts, None, assistant=ASSISTANT, uid="u-2") == claim_id
        assert len(store.get_claim(claim_id).documents[0].corrections) == 2
        desk.close()
