"""The printed slip: a real filed claim's slip as PDF, read back (text layer) and scanned (QR)."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from support.kiosk_ui import FixedReader, button

from kiosk.core.config import PrinterSettings
from kiosk.residents import mask_id, mask_name
from kiosk.residents.evoucher import read_payload
from kiosk.scanner.qr import decode_qr
from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.ui.slip import SlipData, print_slip, qr_image, slip_name, sweep_slips


def tap(qtbot, widget, name: str) -> None:
    qtbot.mouseClick(button(widget, name), Qt.MouseButton.LeftButton)


def read_pdf(path: Path) -> tuple[str, str | None, float]:
    """(text layer, decoded QR text, page width in mm) of a one-page PDF."""
    doc = pdfium.PdfDocument(str(path))
    try:
        assert len(doc) == 1
        page = doc[0]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        image = page.render(scale=300 / 72).to_numpy()
        width_mm = page.get_size()[0] / 72 * 25.4
        textpage.close()
        page.close()
    finally:
        doc.close()
    return text, decode_qr(image[:, :, :3].copy()), width_mm


def file_a_claim(kiosk, qtbot, seed: int) -> int:
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    for ch in sample_id_number(seed):
        tap(qtbot, w.resident_id, f"key_{ch}")
    tap(qtbot, w.resident_id, "confirmId")
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")
    filed: list[int] = []
    kiosk.claims.claim_filed.connect(filed.append)
    with qtbot.waitSignal(w.done.slip_done, timeout=20_000):
        tap(qtbot, w.review, "confirmClaim")
    assert len(filed) == 1
    return filed[0]


def test_the_slip_of_a_filed_claim_shows_its_number_and_its_qr_finds_it(make_kiosk, qtbot):
    rec = dict(sample_recognition(31), payer_name="王秀芳")
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=31)
    printer = kiosk.printer
    assert printer is not None
    printer.settings = replace(printer.settings, name="pdf", width_mm=58)
    claim_id = file_a_claim(kiosk, qtbot, 31)
    done = kiosk.window.done
    result = done._last
    assert result is not None and result.ok and result.where == "pdf" and not result.fallback
    assert result.path == kiosk.store.home / "slips" / f"{claim_id:06d}.pdf"
    assert done.slip_message.isVisible() and "报销单号" in done.slip_message.text()
    assert not done.reprint_btn.isVisible()  # nothing to print again on a machine without one

    text, qr, width_mm = read_pdf(result.path)
    number = sample_id_number(31)
    assert f"{claim_id:06d}" in text
    assert "王*芳" in text and mask_id(number) in text
    assert number not in text and "王秀芳" not in text  # nothing of hers in the clear
    assert "估算" in text  # the refund is marked as an estimate
    assert abs(width_mm - 58) < 0.5
    uid = kiosk.store.get_claim(claim_id).summary.uid
    assert qr == f"KIOSK-CLAIM:{uid}"
    assert read_payload(qr).kind == "claim" and read_payload(qr).value == uid
    # going home forgets the slip
    tap(qtbot, done, "finish")
    assert done.slip is None and not done.slip_message.isVisible()


def test_no_printer_falls_back_to_pdf_and_says_so(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk(recognizer=lambda: FixedReader(sample_recognition(32)), sample_seed=32)
    printer = kiosk.printer
    assert printer is not None
    printer.settings = replace(printer.settings, name="no-such-printer-here")
    said: list[str] = []
    kiosk.voice.spoken.connect(lambda key, how: said.append(key))
    claim_id = file_a_claim(kiosk, qtbot, 32)
    assert said[-2:] == ["screen.done", "slip.failed"]
    result = kiosk.window.done._last
    assert result is not None and result.fallback and result.where == "pdf"
    assert result.path is not None and result.path.exists()
    assert "没有找到打印机" in kiosk.window.done.slip_message.text()
    assert f"{claim_id:06d}" in read_pdf(result.path)[0]


def test_a_failed_slip_says_so_and_prints_again_on_the_big_button(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk(recognizer=lambda: FixedReader(sample_recognition(33)), sample_seed=33)
    done = kiosk.window.done
    printer = done.printer
    assert printer is not None
    printer.settings = replace(printer.settings, name="pdf")
    home, printer.home = printer.home, tmp_path / "not-a-folder"
    printer.home.write_text("a file where the slips folder should be")
    file_a_claim(kiosk, qtbot, 33)
    assert done._last is not None and not done._last.ok
    assert "没有打印出来" in done.slip_message.text()
    assert done.reprint_btn.isVisible() and done.reprint_btn.isEnabled()
    printer.home = home
    with qtbot.waitSignal(done.slip_done, timeout=10_000) as sig:
        tap(qtbot, done, "reprintSlip")
    assert sig.args[0].ok and sig.args[0].path.exists()


def test_printing_switched_off_prints_nothing(make_kiosk, qtbot):
    kiosk = make_kiosk(recognizer=lambda: FixedReader(sample_recognition(34)), sample_seed=34)
    done = kiosk.window.done
    assert done.printer is not None
    done.printer.settings = replace(done.printer.settings, enabled=False)
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    for ch in sample_id_number(34):
        tap(qtbot, w.resident_id, f"key_{ch}")
    tap(qtbot, w.resident_id, "confirmId")
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000):
        tap(qtbot, w.review, "confirmClaim")
    assert not done.reprint_btn.isVisible()
    assert not (kiosk.store.home / "slips").exists()
    # no slip in her hand: the status code on the screen instead (issue 15, item 15)
    assert done.qr.isVisible() and "协理员" in done.slip_message.text()


def test_an_80mm_slip_is_painted_quickly_and_masks_what_it_must(qapp, tmp_path):
    slip = SlipData(claim_id=7, uid="0" * 32, name_masked=mask_name("欧阳秀兰"),
                    id_masked=mask_id("11010519491231002X"), receipts=3, total="812.50",
                    refund=None, example_policy=False, filed_at=time.time())
    result = print_slip(slip, PrinterSettings(name="pdf", width_mm=80), tmp_path)
    assert result.ok and result.paint_ms < 1000
    text, qr, width_mm = read_pdf(result.path)
    assert abs(width_mm - 80) < 0.5
    assert "000007" in text and "欧**兰" in text and "110***********002X" in text
    assert "812.50" in text and "审核" in text  # no estimate: the county decides
    assert qr == "KIOSK-CLAIM:" + "0" * 32
    assert (slip_name("王芳"), slip_name("（未识别姓名）"), slip_name("李")) == ("王*", "", "李")


def test_without_an_estimate_the_slip_totals_the_receipts_as_corrected() -> None:
    from kiosk.claims.desk import Receipt

    a = Receipt(b"", dict(sample_recognition(35), total="10.00", payer_name="张三丰"))
    b = Receipt(b"", dict(sample_recognition(36), total="99.99", payer_name="张三丰")
                ).corrected("total", "20.50", "assistant-1")  # the same resident's pages
    number = sample_id_number(35)
    slip = SlipData.for_claim(12, "ab" * 16, number, [a, b], None, filed_at=0.0)
    assert (slip.total, slip.refund, slip.receipts) == ("30.50", None, 2)
    assert slip.name_masked == "张*丰" and slip.id_masked == mask_id(number)
    assert slip.payload == "KIOSK-CLAIM:" + "ab" * 16 and slip.number == "000012"


def test_slip_pdfs_older_than_the_retention_are_swept_at_start(tmp_path: Path) -> None:
    slips = tmp_path / "slips"
    slips.mkdir()
    old, recent = slips / "000001.pdf", slips / "000002.pdf"
    for path in (old, recent):
        path.write_bytes(b"%PDF-1.4 slip")
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    assert sweep_slips(tmp_path, keep_days=30) == 1
    assert not old.exists() and recent.exists()


def test_without_a_printer_the_status_qr_is_on_the_screen_and_finds_the_claim(make_kiosk,
                                                                             qtbot):
    kiosk = make_kiosk(recognizer=lambda: FixedReader(sample_recognition(37)), sample_seed=37)
    done = kiosk.window.done
    assert done.printer is not None
    done.printer.settings = replace(done.printer.settings, name="no-such-printer-here")
    claim_id = file_a_claim(kiosk, qtbot, 37)
    assert done.qr.isVisible()
    pixmap = done.qr.pixmap()
    assert pixmap.width() >= 300  # large: photographed from arm's length
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, :image.width() * 3].reshape(
        image.height(), image.width(), 3)
    payload = f"KIOSK-CLAIM:{kiosk.store.get_claim(claim_id).summary.uid}"
    assert image == qr_image(payload, 340).convertToFormat(QImage.Format.Format_RGB888)
    # OpenCV's detector misses about 1 in 40 crisp synthetic codes at one size (a phone's
    # camera sees a blurred one): a half-size copy is tried too
    half = pixels[::2, ::2].copy()
    assert payload in (decode_qr(pixels.copy()), decode_qr(half))
    text = done.slip_message.text()
    assert "二维码" in text and "协理员" in text and "记下" in text
    tap(qtbot, done, "finish")
    assert not done.qr.isVisible() and done.qr.pixmap().isNull()
