"""What the capture screen's file import hands to recognition: pictures and PDF e-invoices."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from support.render import cjk_font_path, einvoice, save_pdf

from kiosk.core.config import OcrSettings
from kiosk.recognition.pipeline import Recognizer
from kiosk.scanner.messages import CaptureError
from kiosk.ui.tasks import read_document

pytestmark = pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font to render with")


def test_a_pdf_e_invoice_is_read_from_its_text_layer(tmp_path: Path) -> None:
    pytest.importorskip("reportlab", reason="reportlab (dev extra) writes the test PDF")
    img, truth = einvoice(12)
    data = save_pdf(img, truth, tmp_path / "e.pdf").read_bytes()
    # the text layer needs no OCR engine: the recognizer is never loaded here
    doc = read_document(Recognizer(OcrSettings()), data, "e.pdf")
    assert doc["ocr_ms"] == 0
    assert doc["invoice_number"] == truth.fields["invoice_number"]
    assert Decimal(doc["total"]) == Decimal(truth.fields["total"] or "0")


def test_a_broken_pdf_is_refused_in_plain_words() -> None:
    with pytest.raises(CaptureError) as info:
        read_document(Recognizer(OcrSettings()), b"%PDF-1.7\n garbage", "broken.pdf")
    assert info.value.message
