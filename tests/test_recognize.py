"""The whole recognition path on rendered receipts: real pixels, the real OCR models.

Each receipt is rendered by tests/support/render.py from a seed, so the expected values are
what was printed, not what a previous run produced.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import cv2
import pytest
from PIL import Image
from support.render import cjk_font_path, einvoice, expense_list, save, save_pdf, thermal_slip

from kiosk.core.config import OcrSettings
from kiosk.recognition.pipeline import Recognizer
from kiosk.recognition.preprocess import ImageRejected

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font to render receipts with "
                       "(packaging/setup.sh installs fonts-wqy-microhei)"),
]

SPEC_KEYS = ["image", "doc_type", "invoice_code", "invoice_number", "check_code", "issue_date",
             "payer_name", "payer_id_number", "hospital", "visit_date", "outpatient_no",
             "serial_no", "insurance_type", "items", "total", "total_upper", "fund_paid",
             "other_paid", "account_paid", "cash_paid", "self_pay_class", "self_pay_full",
             "checks", "confidence", "ocr_ms", "total_ms"]
ITEM_KEYS = ["name", "code", "spec", "unit", "quantity", "unit_price", "amount",
             "insurance_class"]


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    rec = Recognizer(OcrSettings(threads=2))
    rec.load()
    return rec


def _money(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


@pytest.mark.parametrize("seed", [1, 2])
def test_einvoice_is_read_field_by_field(recognizer: Recognizer, tmp_path: Path,
                                         seed: int) -> None:
    img, truth = einvoice(seed)
    path = save(img, tmp_path / f"inv{seed}.jpg")
    doc = recognizer.recognize_file(path)
    assert list(doc) == SPEC_KEYS
    assert doc["doc_type"] == truth.doc_type
    for key in ("invoice_code", "invoice_number", "issue_date", "payer_name", "hospital",
                "insurance_type", "serial_no", "total_upper"):
        assert doc[key] == truth.fields[key], key
    for key in ("total", "fund_paid", "cash_paid", "other_paid", "account_paid"):
        assert _money(doc[key]) == _money(truth.fields[key]), key
    got = [(i["name"], i["amount"]) for i in doc["items"]]
    assert got == [(i["name"], i["amount"]) for i in truth.items]
    assert all(list(i) == ITEM_KEYS for i in doc["items"])
    assert not [c for c in doc["checks"] if c["severity"] == "error"]
    assert doc["confidence"]["total"] >= 0.8
    assert doc["ocr_ms"] > 0 and doc["total_ms"] >= doc["ocr_ms"]


def test_expense_list_with_its_own_column_order(recognizer: Recognizer, tmp_path: Path) -> None:
    img, truth = expense_list(7, ("spec", "name", "unit", "qty", "price", "amount", "cls"))
    doc = recognizer.recognize_file(save(img, tmp_path / "list.png"))
    assert doc["doc_type"] == "expense_list"
    assert doc["hospital"] == truth.fields["hospital"]
    assert doc["payer_name"] == truth.fields["payer_name"]
    assert doc["visit_date"] == truth.fields["visit_date"]
    assert _money(doc["total"]) == _money(truth.fields["total"])
    got = [(i["name"], i["amount"], i["quantity"], i["unit_price"], i["insurance_class"])
           for i in doc["items"]]
    want = [(i["name"], i["amount"], i["quantity"], i["unit_price"], i["insurance_class"])
            for i in truth.items]
    assert got == want


def test_upside_down_receipt_is_read_the_right_way_round(recognizer: Recognizer,
                                                        tmp_path: Path) -> None:
    img, truth = einvoice(3)
    doc = recognizer.recognize_file(save(img.rotate(180, expand=True), tmp_path / "flip.png"))
    assert doc["invoice_number"] == truth.fields["invoice_number"]
    assert [i["name"] for i in doc["items"]] == [i["name"] for i in truth.items]


@pytest.mark.parametrize(
    ("payload", "code"),
    [(b"", "unreadable"), (b"\xff\xd8\xff\xe0 this is not really a jpeg", "unreadable"),
     (os.urandom(4096), "unreadable")],
)
def test_unusable_bytes_are_refused_with_a_reason(recognizer: Recognizer, payload: bytes,
                                                  code: str) -> None:
    with pytest.raises(ImageRejected) as info:
        recognizer.recognize_bytes(payload, "x.jpg")
    assert info.value.code == code
    assert info.value.message  # plain words for the screen


def _kiosk(*args: str, home: Path, env_extra: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_HOME": str(home), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, env=env, timeout=300, check=False)


def test_cli_prints_json_lines_and_refuses_bad_files(tmp_path: Path) -> None:
    good = [save(einvoice(s)[0], tmp_path / f"r{s}.png") for s in (4, 5)]
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    proc = _kiosk("recognize", "--json", str(good[0]), str(empty), str(good[1]),
                  home=tmp_path / "home")
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [d["image"] for d in lines] == [str(good[0]), str(good[1])]
    assert all(list(d) == SPEC_KEYS for d in lines)
    assert "empty.jpg" in proc.stderr  # refused with its reason, nothing printed for it

    ok = _kiosk("recognize", str(good[0]), home=tmp_path / "home")
    assert ok.returncode == 0, ok.stderr
    assert "outpatient_invoice" in ok.stdout


def test_recognition_opens_no_network_connection(tmp_path: Path) -> None:
    """An audit hook in a fresh interpreter fails the run on any socket use."""
    path = save(einvoice(6)[0], tmp_path / "net.png")
    script = textwrap.dedent(f"""
        import sys
        def guard(event, args):
            if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                         "socket.bind", "urllib.Request"):
                raise RuntimeError("network use during recognition: " + event)
        sys.addaudithook(guard)
        from kiosk.core.config import OcrSettings
        from kiosk.recognition.pipeline import Recognizer
        rec = Recognizer(OcrSettings(threads=1))
        rec.load()
        doc = rec.recognize_file({str(path)!r})
        print(doc["invoice_number"])
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == einvoice(6)[1].fields["invoice_number"]


def test_thermal_payment_slip_is_proof_of_payment_not_an_invoice(recognizer: Recognizer,
                                                                 tmp_path: Path) -> None:
    img, truth = thermal_slip(11)
    doc = recognizer.recognize_file(save(img, tmp_path / "slip.jpg"))
    assert doc["doc_type"] == "payment_slip"
    for key in ("hospital", "payer_name", "outpatient_no", "serial_no"):
        assert doc[key] == truth.fields[key], key
    assert _money(doc["total"]) == _money(truth.fields["total"])
    assert doc["items"] == []
    assert doc["invoice_number"] is None  # nothing invented: a slip has none


def test_pdf_einvoice_is_read_from_its_text_layer_without_ocr(tmp_path: Path) -> None:
    """A hospital's PDF e-invoice carries its text: the CLI reads that, not the pixels."""
    pytest.importorskip("reportlab", reason="reportlab (dev extra) writes the test PDF")
    pytest.importorskip("pypdfium2", reason="pypdfium2 renders PDFs")
    img, truth = einvoice(8)
    pdf = save_pdf(img, truth, tmp_path / "e-invoice.pdf")
    proc = _kiosk("recognize", "--json", str(pdf), home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    (doc,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert doc["image"] == str(pdf)
    assert doc["ocr_ms"] == 0  # the text layer, not OCR
    for key in ("invoice_code", "invoice_number", "issue_date", "payer_name", "hospital",
                "serial_no", "total_upper"):
        assert doc[key] == truth.fields[key], key
    assert _money(doc["total"]) == _money(truth.fields["total"])
    assert [(i["name"], i["amount"]) for i in doc["items"]] == [
        (i["name"], i["amount"]) for i in truth.items]


def _with_qr(img: Image.Image, text: str) -> Image.Image:
    code = cv2.QRCodeEncoder.create().encode(text)
    code = cv2.resize(code, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST)
    out = img.copy()
    out.paste(Image.fromarray(code).convert("RGB"), (40, 20))
    return out


def test_cli_cross_checks_the_fiscal_qr_code_with_the_printed_figures(tmp_path: Path) -> None:
    img, truth = einvoice(9)
    f = truth.fields
    date = (f["issue_date"] or "").replace("-", "")
    agree = save(_with_qr(img, f"01,10,{f['invoice_code']},{f['invoice_number']},{f['total']},"
                               f"{date},{f['check_code']}"), tmp_path / "agree.png")
    wrong_total = Decimal(f["total"] or 0) + 10
    differ = save(_with_qr(img, f"01,10,{f['invoice_code']},{f['invoice_number']},"
                                f"{wrong_total:.2f},{date},{f['check_code']}"),
                  tmp_path / "differ.png")
    proc = _kiosk("recognize", "--json", str(agree), str(differ), home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    ok, bad = [json.loads(x) for x in proc.stdout.splitlines()]
    assert "qr_mismatch" not in {c["code"] for c in ok["checks"]}
    mismatches = [c for c in bad["checks"] if c["code"] == "qr_mismatch"]
    assert len(mismatches) == 1 and mismatches[0]["severity"] == "error"


def test_a_stack_on_two_workers_keeps_input_order_and_carries_refusals(tmp_path: Path) -> None:
    from kiosk.recognition.batch import StackRecognizer

    paths = []
    totals = []
    for seed in (3, 4):
        img, truth = einvoice(seed)
        paths.append(save(img, tmp_path / f"r{seed}.jpg"))
        totals.append(truth.fields["total"])
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a picture at all")
    order = [paths[0], junk, paths[1]]
    stack = StackRecognizer(OcrSettings(), workers=2)
    results = list(stack.run(order))
    assert [name for name, _ in results] == [str(p) for p in order]
    first, refused, last = (r for _, r in results)
    assert isinstance(refused, ImageRejected)
    assert isinstance(first, dict) and isinstance(last, dict)
    assert [first["total"], last["total"]] == totals
