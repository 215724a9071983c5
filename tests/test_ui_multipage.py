"""Several receipts in one claim: the page counter, going through them, retaking any one, and
multi-page PDFs read page by page from their text layer through the capture layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.kiosk_ui import FixedReader, button
from support.render import cjk_font_path, einvoice

from kiosk.core.config import OcrSettings
from kiosk.recognition.pipeline import Recognizer
from kiosk.store.samples import sample_id_number, sample_recognition

needs_pdf = pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font to render with")

LETTER = ["关于开展城乡居民医保参保缴费工作的通知",
          "各村（社区）：根据县医保局安排，现将有关事项通知如下。",
          "一、缴费时间为每年九月至十二月。二、请各村做好宣传。"]


class TextLayerReader(Recognizer):
    """The real recognizer without its OCR models: a PDF's text layer needs none."""

    def load(self) -> None:
        pass


def tap(qtbot, widget, name: str) -> None:
    b = button(widget, name)
    assert b.isVisible() and b.isEnabled(), f"{name} cannot be tapped"
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)


def to_capture(qtbot, w, seed: int) -> None:
    tap(qtbot, w.start, "fileClaim")
    for ch in sample_id_number(seed):
        tap(qtbot, w.resident_id, f"key_{ch}")
    tap(qtbot, w.resident_id, "confirmId")
    assert w.current_screen() == "capture"


def read_sample(qtbot, w) -> None:
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")


def write_pdf(path: Path, pages: list) -> Path:
    """Pages with a real text layer: a receipt seed (int) or lines of a letter (list)."""
    pytest.importorskip("reportlab", reason="reportlab (dev extra) writes the test PDF")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_file = cjk_font_path()
    assert font_file is not None
    if "kiosk-cjk" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("kiosk-cjk", font_file, subfontIndex=0))
    c = canvas.Canvas(str(path))
    k = 72 / 200
    for page in pages:
        if isinstance(page, int):
            img, receipt = einvoice(page)
            w, h = img.size
            c.setPageSize((w * k, h * k))
            for x, y, text, size in receipt.texts:
                c.setFont("kiosk-cjk", size * k)
                c.drawString(x * k, (h - y - size * 0.9) * k, text)
        else:
            c.setPageSize((595, 842))
            c.setFont("kiosk-cjk", 14)
            for i, line in enumerate(page):
                c.drawString(60, 760 - 30 * i, line)
        c.showPage()
    c.save()
    return path


def test_the_capture_screen_counts_the_receipts_and_any_one_can_be_retaken(make_kiosk, qtbot):
    recs = [sample_recognition(seed) for seed in (81, 82, 83, 84)]
    kiosk = make_kiosk(recognizer=lambda: FixedReader(*recs), sample_seed=81)
    w = kiosk.window
    to_capture(qtbot, w, 81)
    assert not w.capture.counter.isVisible()
    read_sample(qtbot, w)
    for n in (1, 2):
        tap(qtbot, w.review, "addReceipt")
        assert w.capture.counter.isVisible()
        assert w.capture.counter.text() == f"已有{n}张收据"
        read_sample(qtbot, w)
    review = w.review
    assert review.count.text() == "第3张，共3张"
    assert not button(review, "nextReceipt").isEnabled()
    tap(qtbot, review, "prevReceipt")
    assert review.count.text() == "第2张，共3张"
    assert review.fields["hospital"].value.text() == recs[1]["hospital"]
    tap(qtbot, review, "retake")  # the middle one was badly placed
    assert w.current_screen() == "capture"
    assert w.capture.counter.text() == "已有2张收据"
    assert [r.recognition["invoice_number"] for r in kiosk.flow.session.receipts] == [
        recs[0]["invoice_number"], recs[2]["invoice_number"]]
    read_sample(qtbot, w)
    assert review.count.text() == "第2张，共3张"  # back in its place, and shown
    assert review.fields["hospital"].value.text() == recs[3]["hospital"]
    tap(qtbot, review, "nextReceipt")
    assert review.count.text() == "第3张，共3张"
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, review, "confirmClaim")
    record = kiosk.store.get_claim(filed.args[0])
    assert [d.invoice_number for d in record.documents] == [
        recs[0]["invoice_number"], recs[3]["invoice_number"], recs[2]["invoice_number"]]
    tap(qtbot, w.done, "finish")
    assert w.capture.counter.isHidden()  # the next resident starts from none


def test_back_from_retaking_reviews_the_receipts_left(make_kiosk, qtbot):
    recs = [sample_recognition(seed) for seed in (85, 86)]
    kiosk = make_kiosk(recognizer=lambda: FixedReader(*recs), sample_seed=85)
    w = kiosk.window
    to_capture(qtbot, w, 85)
    read_sample(qtbot, w)
    tap(qtbot, w.review, "addReceipt")
    read_sample(qtbot, w)
    tap(qtbot, w.review, "prevReceipt")
    tap(qtbot, w.review, "retake")
    assert w.capture.counter.text() == "已有1张收据"
    with qtbot.waitSignal(w.screen_changed, timeout=5000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "back")  # she changed her mind: that one stays out
    assert not w.review.count.isVisible()  # one receipt left: no "1 of 1"
    assert w.review.fields["hospital"].value.text() == recs[1]["hospital"]
    assert f"看病一共花了{recs[1]['total']}元" in w.review.refund.text()  # re-estimated


@needs_pdf
def test_every_receipt_page_of_a_pdf_becomes_a_receipt(make_kiosk, qtbot, tmp_path):
    pdf = write_pdf(tmp_path / "invoices.pdf", [91, LETTER, 92])
    kiosk = make_kiosk(recognizer=lambda: TextLayerReader(OcrSettings()))
    w = kiosk.window
    to_capture(qtbot, w, 91)
    with qtbot.waitSignal(w.screen_changed, timeout=30_000,
                          check_params_cb=lambda name: name == "review"):
        w.capture.file_chosen.emit(str(pdf))  # what the file dialog hands over
    receipts = kiosk.flow.session.receipts
    truth = [einvoice(91)[1], einvoice(92)[1]]
    assert [r.recognition["invoice_number"] for r in receipts] == [
        t.fields["invoice_number"] for t in truth]
    assert [r.page for r in receipts] == [1, 3]  # the letter on page 2 was skipped
    assert all(r.image == pdf.read_bytes() for r in receipts)
    assert all("page" not in r.recognition for r in receipts)  # the JSON contract has none
    review = w.review
    assert review.count.text() == "第1张，共2张"
    assert review.page_note.text() == "文件第1页"
    tap(qtbot, review, "nextReceipt")
    assert review.page_note.text() == "文件第3页"
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, review, "confirmClaim")
    docs = kiosk.store.get_claim(filed.args[0]).documents
    assert len(docs) == 2
    assert docs[0].image_sha256 == docs[1].image_sha256  # the PDF is stored once


@needs_pdf
def test_a_pdf_without_a_receipt_is_refused_in_plain_words(make_kiosk, qtbot, tmp_path):
    pdf = write_pdf(tmp_path / "letter.pdf", [LETTER, LETTER[::-1]])
    kiosk = make_kiosk(recognizer=lambda: TextLayerReader(OcrSettings()))
    w = kiosk.window
    to_capture(qtbot, w, 93)
    with qtbot.waitSignal(kiosk.ocr.rejected, timeout=30_000) as refused:
        w.capture.file_chosen.emit(str(pdf))
    assert refused.args[1] == "no_receipt_in_document"
    assert w.current_screen() == "capture"
    assert w.capture.problem.isVisible()
    assert w.capture.problem.text() == "这个文件里没有找到医院的收据或发票，请换一个文件"
    assert kiosk.flow.session.receipts == []
    assert button(w.capture, "importFile").isEnabled()  # she can pick another file
