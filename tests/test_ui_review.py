"""The review screen through the real widgets: an assistant's corrections with the keypads
and the catalog's pinyin search, kept in the store with her name; self-service sees but
cannot edit; the refund in one sentence with the calculation behind a button."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from support.kiosk_ui import FixedReader, button, keys, tap, to_review

from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.ui.screens.correct_search import CatalogSearch

ASSISTANT = "0007 王芳"



def wait_estimate(qtbot, w) -> None:
    """The audit after a correction runs in the background; confirm waits for it."""
    qtbot.waitUntil(lambda: w.review.confirm_btn.isEnabled(), timeout=5000)


def unsure_receipt(seed: int) -> dict:
    rec = sample_recognition(seed)
    rec["confidence"] = {"total": 0.41, "issue_date": 0.52, "hospital": 0.97,
                         "payer_name": 0.95}
    return rec


def test_an_assistant_corrects_an_unsure_total_and_date_and_the_store_keeps_both(
        make_kiosk, qtbot):
    rec = unsure_receipt(71)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=71)
    w = kiosk.window
    to_review(qtbot, kiosk, 71, signed_in=ASSISTANT)
    review, editor = w.review, w.review.editor
    assert review.fields["total"].is_unsure() and review.fields["issue_date"].is_unsure()
    first_two = {review._fields_lay.itemAt(i).widget().key for i in range(2)}
    assert first_two == {"total", "issue_date"}  # the unsure ones come first
    before = review.refund.text()
    assert f"看病一共花了{rec['total']}元" in before

    tap(qtbot, review, "edit_total")
    assert editor.isVisible() and editor.money_page.isVisible()
    keys(qtbot, editor.money_pad, ["4", "0", "0", "dot", "5"])
    assert editor.money_display.text() == "400.5 元"
    tap(qtbot, editor, "editOk")
    assert review.view.isVisible()
    assert review.fields["total"].value.text() == "400.50 元"
    assert not review.fields["total"].is_unsure()  # corrected: no longer highlighted
    wait_estimate(qtbot, w)
    assert "看病一共花了400.50元" in review.refund.text()
    assert kiosk.flow.session.audit["refund_estimate"]["total"] == "400.50"

    qtbot.mouseClick(review.fields["issue_date"], Qt.MouseButton.LeftButton)  # the whole row
    assert editor.date_page.isVisible()
    tomorrow = (date.today() + timedelta(days=1)).strftime("%Y%m%d")
    keys(qtbot, editor.date_pad, tomorrow)
    tap(qtbot, editor, "editOk")
    assert editor.problem.isVisible() and "不能晚于今天" in editor.problem.text()
    tap(qtbot, editor.date_pad, "key_clear")
    keys(qtbot, editor.date_pad, "20260231")  # no such day
    tap(qtbot, editor, "editOk")
    assert "没有这一天" in editor.problem.text()
    tap(qtbot, editor.date_pad, "key_clear")
    keys(qtbot, editor.date_pad, "2026030")
    assert editor.date_display.text() == "2026-03-0"
    keys(qtbot, editor.date_pad, "1")
    tap(qtbot, editor, "editOk")
    assert review.fields["issue_date"].value.text() == "2026-03-01"
    assert not review.unsure_note.isVisible()  # nothing left to check
    wait_estimate(qtbot, w)

    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, review, "confirmClaim")
    record = kiosk.store.get_claim(filed.args[0])
    doc = record.documents[0]
    assert [(c["field"], c["old"], c["new"], c["by"]) for c in doc.corrections] == [
        ("total", rec["total"], "400.50", ASSISTANT),
        ("issue_date", rec["issue_date"], "2026-03-01", ASSISTANT)]
    assert doc.total == "400.50" and doc.issue_date == "2026-03-01"
    assert doc.recognition["confidence"] == rec["confidence"]  # the rest as read
    corrected = [e for e in record.events if e.action == "corrected"]
    assert [e.actor for e in corrected] == [ASSISTANT, ASSISTANT]
    assert record.refund_estimate is not None and record.refund_estimate["total"] == "400.50"


def test_an_item_name_is_corrected_through_the_pinyin_pad_and_the_catalog(make_kiosk, qtbot):
    rec = sample_recognition(72)
    first = dict(rec["items"][0], name="莫西胶", amount="26.80", insurance_class=None, unit="盒")
    rec["items"] = [first, *rec["items"][1:]]
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=72)
    w = kiosk.window
    to_review(qtbot, kiosk, 72, signed_in=ASSISTANT)
    review, editor = w.review, w.review.editor
    items = review.item_buttons()
    assert items[0].text().startswith("莫西胶")
    assert items[0].property("unsure") is True  # not in the catalog: highlighted
    assert not items[1].property("unsure")

    qtbot.mouseClick(review.item_buttons()[0], Qt.MouseButton.LeftButton)
    tap(qtbot, editor, "itemName")
    assert editor.pinyin_page.isVisible()
    keys(qtbot, editor.letter_pad, "AMX")
    assert editor.query_display.text() == "AMX"
    qtbot.waitUntil(lambda: len(editor.result_buttons()) >= 2, timeout=5000)
    tap(qtbot, editor.letter_pad, "key_L")
    qtbot.waitUntil(lambda: editor.result_buttons()
                    and editor.result_buttons()[0].text().startswith("阿莫西林胶囊"),
                    timeout=5000)
    best = editor.result_buttons()[0]
    assert "口服常释剂型" in best.text() and "甲类" in best.text()
    qtbot.mouseClick(best, Qt.MouseButton.LeftButton)
    assert review.view.isVisible()
    assert review.item_buttons()[0].text().startswith("阿莫西林胶囊")
    wait_estimate(qtbot, w)
    assert not review.item_buttons()[0].property("unsure")

    # and its class, which the receipt did not print (the lines were drawn anew: by list)
    qtbot.mouseClick(review.item_buttons()[0], Qt.MouseButton.LeftButton)
    tap(qtbot, editor, "itemClass")
    tap(qtbot, editor, "class_jia")
    wait_estimate(qtbot, w)
    assert "甲类" in review.item_buttons()[0].text()

    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, review, "confirmClaim")
    doc = kiosk.store.get_claim(filed.args[0]).documents[0]
    assert [c["field"] for c in doc.corrections] == ["items", "items"]
    assert doc.corrections[0]["old"][0]["name"] == "莫西胶"
    assert doc.corrections[0]["new"][0]["name"] == "阿莫西林胶囊"
    assert doc.corrections[1]["new"][0]["insurance_class"] == "甲"
    assert {c["by"] for c in doc.corrections} == {ASSISTANT}
    assert doc.recognition["items"][0]["name"] == "阿莫西林胶囊"
    assert doc.recognition["items"][0]["amount"] == "26.80"


def test_the_hospital_is_typed_or_chosen_from_those_already_seen(make_kiosk, qtbot):
    rec = unsure_receipt(73)
    rec["hospital"] = None
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=73)
    earlier = sample_recognition(74)
    from kiosk.claims.desk import Receipt

    kiosk.desk.file_claim(sample_id_number(74), [Receipt(b"\xff\xd8earlier", earlier)], None,
                          assistant=ASSISTANT)
    w = kiosk.window
    to_review(qtbot, kiosk, 73, signed_in=ASSISTANT)
    review, editor = w.review, w.review.editor
    assert review.fields["hospital"].value.text() == "没有读到"
    tap(qtbot, review, "edit_hospital")
    assert editor.line.isVisible()
    tap(qtbot, editor, "editOk")
    assert "还没有输入" in editor.problem.text()
    assert button(editor, "suggest_0").text() == earlier["hospital"]
    tap(qtbot, editor, "editCancel")
    assert review.fields["hospital"].value.text() == "没有读到"
    tap(qtbot, review, "edit_hospital")
    ime = QInputMethodEvent()  # what a USB keyboard's pinyin IME hands the line edit
    ime.setCommitString(" 青山镇 卫生院 ")
    QApplication.sendEvent(editor.line, ime)
    tap(qtbot, editor, "editOk")
    assert review.fields["hospital"].value.text() == "青山镇卫生院"
    assert kiosk.flow.session.receipts[0].corrections[-1].actor == ASSISTANT
    wait_estimate(qtbot, w)


def test_in_self_service_the_unsure_fields_show_but_cannot_be_edited(make_kiosk, qtbot):
    rec = unsure_receipt(75)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=75)
    w = kiosk.window
    to_review(qtbot, kiosk, 75, signed_in=None)
    review = w.review
    assert review.fields["total"].is_unsure()
    for key in ("hospital", "issue_date", "total", "payer_name"):
        assert not button(review, f"edit_{key}").isVisible()
    assert review.item_buttons() and not any(b.isEnabled() for b in review.item_buttons())
    assert review.unsure_note.isVisible()
    assert "协理员或县医保局会帮您核对" in review.unsure_note.text()
    review._edit_field("total")  # even a stray call does not open an editor
    assert review.view.isVisible() and not review.editor.isVisible()
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, review, "confirmClaim")
    doc = kiosk.store.get_claim(filed.args[0]).documents[0]
    assert doc.corrections == []


def test_the_calculation_waits_behind_its_button(make_kiosk, qtbot):
    rec = sample_recognition(76)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=76)
    w = kiosk.window
    to_review(qtbot, kiosk, 76, signed_in=None)
    review = w.review
    assert review.refund.isVisible() and "医保能报大约" in review.refund.text()
    assert review.example_note.isVisible() and "以县医保局审核为准" in review.example_note.text()
    assert not review.steps.isVisible()
    assert button(review, "showSteps").text() == "看计算过程"
    tap(qtbot, review, "showSteps")
    assert review.steps.isVisible()
    assert review.steps.text().startswith("1. ")
    assert review.steps.text().count("\n") >= 1
    assert button(review, "showSteps").text() == "收起计算过程"
    tap(qtbot, review, "showSteps")
    assert not review.steps.isVisible()


def test_only_the_latest_letters_answer_reaches_the_screen(make_kiosk, qtbot):
    kiosk = make_kiosk()
    search = CatalogSearch(kiosk.tasks, kiosk.desk.search_catalog)
    answers: list[str] = []
    search.results.connect(lambda query, _entries: answers.append(query))
    with qtbot.waitSignal(search.results, timeout=5000,
                          check_params_cb=lambda query, _e: query == "amxl") as got:
        for query in ("a", "am", "amx", "amxl"):  # typed faster than the catalog answers
            search.search(query)
    assert answers == ["amxl"]
    assert got.args[1][0].name == "阿莫西林胶囊"


def test_a_receipt_the_hospital_settled_in_full_says_so_instead_of_zero_yuan(make_kiosk, qtbot):
    rec = sample_recognition(78)
    rec["fund_paid"], rec["cash_paid"] = rec["total"], "0.00"  # settled at the hospital
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=78)
    to_review(qtbot, kiosk, 78, signed_in=None)
    text = kiosk.window.review.refund.text()
    assert "没有可以再报的钱" in text and "0.00元" not in text
