"""What the review tells the resident is true (issue 15, items 1–5): every field that feeds
the estimate can be corrected and the estimate follows; one total for review, slip and queue;
a name never chosen silently; "not a receipt" is not "could not read"; the date row and the
ID hint point at what is printed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from support.kiosk_ui import FixedReader, button, keys, tap, to_review

from kiosk.claims.desk import PAYER_NAMES_DIFFER, UNNAMED, Receipt, resident_for
from kiosk.store.samples import sample_id_number, sample_recognition

ASSISTANT = "0007 王芳"



def add_page(qtbot, w) -> None:
    tap(qtbot, w.review, "addReceipt")
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")


def wait_estimate(qtbot, w) -> None:
    qtbot.waitUntil(lambda: not w.review._recalculating, timeout=5000)


def test_payments_and_the_invoice_number_are_corrected_and_the_sentence_follows(
        make_kiosk, qtbot):
    # the fund's and the resident's payments read the wrong way round
    rec = dict(sample_recognition(91), payer_name="王秀兰")
    rec.update(fund_paid=rec["total"], cash_paid="0.00", invoice_number=None)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=91)
    w = kiosk.window
    to_review(qtbot, kiosk, 91, signed_in=ASSISTANT)
    review, editor = w.review, w.review.editor
    assert f"医保付了{rec['total']}元" in review.refund.text()
    assert review.fields["invoice_number"].is_unsure()  # an invoice needs its number

    tap(qtbot, review, "edit_fund_paid")
    keys(qtbot, editor.money_pad, ["0"])
    tap(qtbot, editor, "editOk")  # 0.00 is what the paper says: accepted
    assert review.fields["fund_paid"].value.text() == "0.00 元"
    wait_estimate(qtbot, w)
    tap(qtbot, review, "edit_cash_paid")
    keys(qtbot, editor.money_pad, ["dot" if c == "." else c for c in rec["total"]])
    tap(qtbot, editor, "editOk")
    wait_estimate(qtbot, w)
    text = review.refund.text()
    assert "医保付了" not in text and f"看病一共花了{rec['total']}元" in text
    assert kiosk.flow.session.audit["refund_estimate"]["settled_at_hospital"] == "0.00"

    tap(qtbot, review, "edit_invoice_number")
    editor.line.setText(" 0012345678 ")
    tap(qtbot, editor, "editOk")
    assert kiosk.flow.session.receipts[0].current["invoice_number"] == "0012345678"
    wait_estimate(qtbot, w)
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, review, "confirmClaim")
    doc = kiosk.store.get_claim(filed.args[0]).documents[0]
    assert [c["field"] for c in doc.corrections] == ["fund_paid", "cash_paid",
                                                     "invoice_number"]


def test_the_kind_of_paper_is_corrected_and_counts_for_the_estimate(make_kiosk, qtbot):
    rec = dict(sample_recognition(92), doc_type="unknown")
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=92)
    w = kiosk.window
    to_review(qtbot, kiosk, 92, signed_in=ASSISTANT)
    assert any(f["code"] == "no_invoice" for f in kiosk.flow.session.audit["findings"])
    tap(qtbot, w.review, "edit_doc_type")
    tap(qtbot, w.review.editor, "choice_outpatient_invoice")
    wait_estimate(qtbot, w)
    assert not any(f["code"] == "no_invoice" for f in kiosk.flow.session.audit["findings"])
    assert w.review.fields["doc_type"].value.text() == "门诊收费票据"


def test_review_slip_and_queue_show_the_same_total_for_an_expense_list(make_kiosk, qtbot):
    rec = dict(sample_recognition(93, doc_type="expense_list"), total="167.99")
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=93)
    w = kiosk.window
    to_review(qtbot, kiosk, 93, signed_in=None)
    assert w.review.fields["total"].value.text() == "167.99 元"
    assert "看病一共花了167.99元" in w.review.refund.text()
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, w.review, "confirmClaim")
    assert w.done.slip is not None and w.done.slip.total == "167.99"
    queued = [e for e in kiosk.store.queue_list() if e.id == filed.args[0]]
    assert [e.total for e in queued] == ["167.99"]


def test_a_name_from_another_page_is_a_finding_not_the_claims_name(make_kiosk, qtbot):
    first = dict(sample_recognition(94), payer_name="王秀兰")
    other = dict(sample_recognition(95, doc_type="expense_list"), payer_name="项目规格")
    kiosk = make_kiosk(recognizer=lambda: FixedReader(first, other), sample_seed=94)
    w = kiosk.window
    to_review(qtbot, kiosk, 94, signed_in=ASSISTANT)
    assert not any(f["code"] == PAYER_NAMES_DIFFER for f in kiosk.flow.session.audit["findings"])
    add_page(qtbot, w)
    finding = kiosk.flow.session.audit["findings"][0]
    assert finding["code"] == PAYER_NAMES_DIFFER and finding["severity"] == "error"
    assert "王秀兰" in finding["message"] and "项目规格" in finding["message"]
    assert "姓名不一样" in w.review.warnings.text()
    assert "未识别姓名" not in w.review.warnings.text()  # one finding, not one per page
    assert resident_for("x", kiosk.flow.session.receipts).name == UNNAMED  # never picked
    assert resident_for("x", kiosk.flow.session.receipts[:1], given="李四").name == UNNAMED

    qtbot.mouseClick(w.review.fields["payer_name"], Qt.MouseButton.LeftButton)
    w.review.editor.line.setText("王秀兰")
    tap(qtbot, w.review.editor, "editOk")
    wait_estimate(qtbot, w)
    assert not any(f["code"] == PAYER_NAMES_DIFFER for f in kiosk.flow.session.audit["findings"])
    assert resident_for("x", kiosk.flow.session.receipts).name == "王秀兰"


def test_a_field_recognition_flagged_is_highlighted_whatever_its_score(make_kiosk, qtbot):
    rec = dict(sample_recognition(96), payer_name="项目规格",
               confidence={"payer_name": 0.93},
               checks=[{"code": "low_confidence", "severity": "warning",
                        "message": "please check: payer_name, hospital"}])
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=96)
    w = kiosk.window
    to_review(qtbot, kiosk, 96, signed_in=None)
    assert w.review.fields["payer_name"].is_unsure()
    assert w.review.fields["hospital"].is_unsure()
    assert not w.review.fields["total"].is_unsure()


def test_not_a_receipt_and_not_read_are_told_apart_and_block_submitting(make_kiosk, qtbot):
    screenshot = dict(sample_recognition(97), doc_type="unknown", items=[],
                      checks=[{"code": "not_a_receipt", "severity": "error",
                               "message": "这不是医疗收费票据或费用清单"}])
    for k in ("hospital", "issue_date", "total", "payer_name", "invoice_number",
              "invoice_code"):
        screenshot[k] = None
    unread = dict(screenshot, doc_type="outpatient_invoice", checks=[])
    kiosk = make_kiosk(recognizer=lambda: FixedReader(screenshot, unread), sample_seed=97)
    w = kiosk.window
    review = w.review
    to_review(qtbot, kiosk, 97, signed_in=None)
    assert review.problem.isVisible() and "认不出" in review.problem_title.text()
    not_receipt_text = review.problem_text.text()
    assert not review.confirm_btn.isEnabled() and review.blocked_note.isVisible()
    for name in ("problemRetake", "problemHelp", "problemSkip"):
        assert button(review, name).isVisible()
    add_page(qtbot, w)
    assert review.index == 1 and "没能读出" in review.problem_title.text()
    assert review.problem_text.text() != not_receipt_text
    assert not review.confirm_btn.isEnabled()
    tap(qtbot, review, "problemHelp")
    assert "协理员" in review.problem_text.text()

    with qtbot.waitSignal(w.screen_changed, timeout=10_000):
        tap(qtbot, review, "problemSkip")
    qtbot.waitUntil(lambda: len(review._receipts) == 1, timeout=5000)
    assert "认不出" in review.problem_title.text()
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "capture"):
        tap(qtbot, review, "problemSkip")
    assert kiosk.flow.session.receipts == []


def test_the_audit_says_what_was_not_read_instead_of_what_the_receipt_lacks(tmp_path):
    from kiosk.audit import Policy
    from kiosk.claims.desk import ClaimDesk
    from kiosk.store import ClaimStore

    rec = dict(sample_recognition(98), invoice_number=None)
    with ClaimStore(tmp_path) as store:
        desk = ClaimDesk(store, tmp_path, Policy.example_county)
        audit = desk.audit(sample_id_number(98), [Receipt(b"", rec)])
        desk.close()
    [missing] = [f for f in audit["findings"] if f["code"] == "missing_required"]
    assert "缺少" not in missing["message"] and "没有" in missing["message"]
    assert "票据号码" in missing["message"]


def test_the_date_row_shows_the_visit_date_when_no_issue_date_was_read(make_kiosk, qtbot):
    rec = dict(sample_recognition(99), issue_date=None, visit_date="2026-03-04")
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=99)
    w = kiosk.window
    to_review(qtbot, kiosk, 99, signed_in=None)
    assert w.review.fields["issue_date"].value.text() == "2026-03-04"
    assert not w.review.fields["issue_date"].is_unsure()


def test_the_id_hint_points_at_the_side_with_the_photo(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    assert "照片" in w.resident_id.hint.text() and "背面" not in w.resident_id.hint.text()
