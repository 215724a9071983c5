"""The resident's flow through the real widgets: start → ID → receipt → review → claim filed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from support.kiosk_ui import FixedReader, button

from kiosk.claims.desk import Receipt
from kiosk.residents import id_check_digit
from kiosk.store import Status
from kiosk.store.samples import sample_id_number, sample_recognition


def tap(qtbot, widget, name: str) -> None:
    qtbot.mouseClick(button(widget, name), Qt.MouseButton.LeftButton)


def type_id(qtbot, screen, number: str) -> None:
    for ch in number:
        tap(qtbot, screen, f"key_{ch}")


def wrong_check_digit(number: str) -> str:
    good = id_check_digit(number[:17])
    bad = next(c for c in "0123456789" if c != good)
    return number[:17] + bad


def test_id_entry_refuses_a_bad_check_digit_and_takes_a_good_one(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    assert w.current_screen() == "resident_id"
    number = sample_id_number(3)
    type_id(qtbot, w.resident_id, wrong_check_digit(number))
    tap(qtbot, w.resident_id, "confirmId")
    assert w.current_screen() == "resident_id"
    assert w.resident_id.error.isVisible()
    assert "不对" in w.resident_id.error.text()
    tap(qtbot, w.resident_id, "key_back")
    assert not w.resident_id.error.isVisible()
    type_id(qtbot, w.resident_id, number[17])
    with qtbot.waitSignal(w.screen_changed, timeout=2000) as sig:
        tap(qtbot, w.resident_id, "confirmId")
    assert sig.args == ["capture"]
    assert kiosk.flow.session.id_number == number


def test_too_short_an_id_says_how_many_digits(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    type_id(qtbot, w.resident_id, "3201")
    tap(qtbot, w.resident_id, "confirmId")
    assert "4" in w.resident_id.error.text()
    QTest.keyClick(w.resident_id, Qt.Key.Key_Escape)


def test_a_receipt_is_read_reviewed_and_filed_in_the_store(make_kiosk, qtbot):
    kiosk = make_kiosk(ocr=True, sample_seed=21)
    w = kiosk.window
    number = sample_id_number(21)
    tap(qtbot, w.start, "fileClaim")
    type_id(qtbot, w.resident_id, number)
    tap(qtbot, w.resident_id, "confirmId")
    assert w.current_screen() == "capture"
    with qtbot.waitSignal(w.screen_changed, timeout=60_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")
    fields = w.review.fields
    assert fields["hospital"].value.text().endswith("医院")
    assert "元" in fields["total"].value.text()
    assert w.review.refund.text()  # an estimate or "not computable", never blank
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, w.review, "confirmClaim")
    claim_id = filed.args[0]
    assert w.current_screen() == "done"
    assert w.done.number.text() == f"{claim_id:06d}"
    record = kiosk.store.get_claim(claim_id)
    assert record.status is Status.QUEUED
    assert record.resident is not None and record.resident.id_number == number
    assert len(record.documents) == 1
    assert record.refund_estimate is not None
    assert kiosk.flow.session.receipts == []  # nothing of hers left in memory after filing
    tap(qtbot, w.done, "finish")
    assert w.current_screen() == "start"


def test_check_my_claims_lists_them_by_id_number(make_kiosk, qtbot):
    kiosk = make_kiosk()
    number = sample_id_number(5)
    rec = sample_recognition(5)
    kiosk.desk.file_claim(number, [Receipt(b"\xff\xd8fake-jpeg", rec)], None,
                          assistant="test")
    w = kiosk.window
    tap(qtbot, w.start, "checkStatus")
    type_id(qtbot, w.resident_id, number)
    with qtbot.waitSignal(w.screen_changed, timeout=5000,
                          check_params_cb=lambda name: name == "status"):
        tap(qtbot, w.resident_id, "confirmId")
    assert w.status.list.count() == 1
    assert "等待联网发送" in w.status.list.item(0).text()
    tap(qtbot, w.status, "finish")
    assert w.status.list.count() == 0


def test_several_receipts_go_into_one_claim_and_retake_drops_the_last(make_kiosk, qtbot):
    recs = [sample_recognition(seed) for seed in (61, 62, 63, 64)]
    kiosk = make_kiosk(recognizer=lambda: FixedReader(*recs), sample_seed=61)
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    type_id(qtbot, w.resident_id, sample_id_number(61))
    tap(qtbot, w.resident_id, "confirmId")

    def read_one() -> None:
        with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                              check_params_cb=lambda name: name == "review"):
            tap(qtbot, w.capture, "useSample")

    read_one()  # recs[0]
    assert not w.review.count.isVisible()
    tap(qtbot, w.review, "addReceipt")
    read_one()  # recs[1]
    assert w.review.count.text() == "第2张，共2张"
    tap(qtbot, w.review, "retake")  # badly placed: it goes, and is taken again
    read_one()  # recs[2]
    assert w.review.count.text() == "第2张，共2张"
    tap(qtbot, w.review, "addReceipt")
    read_one()  # recs[3]
    assert w.review.count.text() == "第3张，共3张"
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, w.review, "confirmClaim")
    record = kiosk.store.get_claim(filed.args[0])
    assert [d.invoice_number for d in record.documents] == [
        recs[0]["invoice_number"], recs[2]["invoice_number"], recs[3]["invoice_number"]]
