"""The fiscal e-invoice QR code: decoded from real pixels, parsed, and checked against OCR."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.render import einvoice
from support.scenes import einvoice_page, on_plate

from kiosk.core.config import CameraSettings
from kiosk.scanner.camera import CameraSource
from kiosk.scanner.qr import cross_check_qr, decode_qr, parse_qr, read_qr


@pytest.fixture(scope="module")
def printed() -> tuple[str, dict]:
    """An e-invoice's own fields, as its QR code carries them and as OCR would return them."""
    _, receipt = einvoice(11)
    f = receipt.fields
    date = (f["issue_date"] or "").replace("-", "")
    qr = f"01,10,{f['invoice_code']},{f['invoice_number']},{f['total']},{date},{f['check_code']},9F3C"
    ocr = {"doc_type": "outpatient_invoice", **f, "checks": []}
    return qr, ocr


def test_decoded_from_a_photographed_invoice_and_parsed(printed: tuple[str, dict]) -> None:
    qr, ocr = printed
    frame = on_plate(einvoice_page(11, qr_text=qr), (1920, 1080), (0.2, 0.1, 0.8, 0.9))
    found = read_qr(frame)
    assert found is not None and found["raw"] == qr
    fields = found["fields"]
    assert fields["invoice_code"] == ocr["invoice_code"]
    assert fields["invoice_number"] == ocr["invoice_number"]
    assert fields["total"] == ocr["total"]
    assert fields["issue_date"] == ocr["issue_date"]
    assert fields["check_code"] == ocr["check_code"]
    assert cross_check_qr(fields, ocr) == []


def test_found_on_a_720p_camera_frame_too(printed: tuple[str, dict]) -> None:
    qr, _ = printed
    frame = on_plate(einvoice_page(11, qr_text=qr), (1280, 720), (0.2, 0.1, 0.8, 0.9))
    assert decode_qr(frame) == qr


def test_a_large_code_in_a_big_photo_is_found_on_a_smaller_copy() -> None:
    code = cv2.QRCodeEncoder.create().encode("01,10,1,2,3.00,20260101,abc123")
    big = cv2.resize(code, (2400, 2400), interpolation=cv2.INTER_NEAREST)
    img = cv2.cvtColor(cv2.copyMakeBorder(big, 300, 300, 300, 300, cv2.BORDER_CONSTANT,
                                          value=255), cv2.COLOR_GRAY2BGR)
    img = cv2.GaussianBlur(img, (0, 0), 6)
    assert decode_qr(img) == "01,10,1,2,3.00,20260101,abc123"


def test_no_code_no_fields() -> None:
    assert read_qr(np.full((600, 800, 3), 255, np.uint8)) is None


def test_a_misread_digit_is_an_error(printed: tuple[str, dict]) -> None:
    qr, ocr = printed
    misread = {**ocr, "invoice_number": "1" + ocr["invoice_number"][1:]
               if ocr["invoice_number"][0] != "1" else "2" + ocr["invoice_number"][1:],
               "total": "9999.99"}
    checks = cross_check_qr(parse_qr(qr), misread)
    assert {c["code"] for c in checks} == {"qr_mismatch"}
    assert all(c["severity"] == "error" for c in checks)
    assert len(checks) == 2
    assert any("票据号码" in c["message"] and "invoice number" in c["message"] for c in checks)
    assert any("9999.99" in c["message"] for c in checks)


def test_fields_ocr_missed_are_not_mismatches(printed: tuple[str, dict]) -> None:
    qr, ocr = printed
    assert cross_check_qr(parse_qr(qr), {**ocr, "total": None, "check_code": None}) == []


def test_equivalent_spellings_agree() -> None:
    qr = {"total": "120.50", "issue_date": "2026-03-05", "check_code": "12345678901234k7m2p9",
          "invoice_number": "00012345"}
    ocr = {"total": "120.5", "issue_date": "2026年03月05日", "check_code": "K7M2P9",
           "invoice_number": "12345"}
    assert cross_check_qr(qr, ocr) == []


def test_a_verification_link_is_parsed() -> None:
    fields = parse_qr("https://pjcy.example.gov.cn/check?billBatchCode=32060126&billNo=0061234567"
                      "&random=a1b2c3&total=56.70&billDate=20260402")
    assert fields == {"invoice_code": "32060126", "invoice_number": "0061234567",
                      "check_code": "a1b2c3", "total": "56.70", "issue_date": "2026-04-02"}


def test_a_camera_still_keeps_the_qr_code(tmp_path: Path, printed: tuple[str, dict]) -> None:
    qr, _ = printed
    frame = on_plate(einvoice_page(11, qr_text=qr), (1920, 1080), (0.2, 0.1, 0.8, 0.9))
    for i in range(6):
        assert cv2.imwrite(str(tmp_path / f"f{i:02d}.png"), frame)
    [cap] = CameraSource(CameraSettings(device=str(tmp_path / "f%02d.png"),
                                        still_frames=4)).captures()
    assert cap.qr is not None and cap.qr["raw"] == qr
