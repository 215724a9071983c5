"""The receipt families of ../shared/spec/receipt-layouts.md, rendered and read end to end.

Each page is drawn by tests/support/layouts.py from a seed and handed over the way real
scans come (RGBA or greyscale PNG, grey scanner bed, low contrast, turned); the expected
values are what was printed. The real OCR models read them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

import cv2
import numpy as np
import pytest
from support import imagegen
from support.einvoice_styles import provincial_einvoice
from support.layouts import (
    discharge_summary,
    dotmatrix_form,
    lab_report,
    national_einvoice,
    scanned,
    settlement_sheet,
)
from support.render import cjk_font_path, handwritten, thermal_slip

from kiosk.core.config import OcrSettings
from kiosk.recognition.classify import classify
from kiosk.recognition.engines import OcrEngine, TextLine
from kiosk.recognition.fields import extract_fields
from kiosk.recognition.layout import Token, tokens_from_lines
from kiosk.recognition.overprint import reread_cut_labels, reread_hospital
from kiosk.recognition.pipeline import Recognizer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font to render receipts with "
                       "(packaging/setup.sh installs fonts-wqy-microhei)"),
]


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    rec = Recognizer(OcrSettings(threads=2))
    rec.load()
    return rec


def _items(doc: dict[str, object]) -> set[tuple[str, str]]:
    return {(it["name"], it["amount"]) for it in doc["items"]}  # type: ignore[attr-defined, index]


@pytest.mark.parametrize(("seed", "stay", "capture"), [
    (1, "outpatient", {}),
    (2, "outpatient", {"mode": "RGBA", "bed": 200, "contrast": 0.7}),
    (3, "inpatient", {"mode": "RGBA", "bed": 205}),
    (4, "inpatient", {"mode": "L", "turn": 90, "bed": 210}),
])
def test_national_einvoice_with_a_seal_over_its_title_is_read_as_a_receipt(
        recognizer: Recognizer, seed: int, stay: str, capture: dict[str, object]) -> None:
    img, truth = national_einvoice(seed, stay)
    doc = recognizer.recognize_bytes(scanned(img, **capture), f"{stay}{seed}.png")  # type: ignore[arg-type]
    assert doc["doc_type"] == truth.doc_type
    assert doc["total"] == truth.fields["total"]
    for key in ("invoice_code", "invoice_number", "issue_date", "payer_name", "fund_paid",
                "cash_paid"):
        assert doc[key] == truth.fields[key], key
    assert _items(doc) == {(it["name"], it["amount"]) for it in truth.items}
    assert not [c for c in doc["checks"] if c["severity"] == "error"]


def test_hospital_under_its_seal_is_right_or_flagged(recognizer: Recognizer) -> None:
    """The 收费专用章 lies over the name: a name read whole is kept, a fragment is flagged."""
    for seed in (5, 6):
        img, truth = national_einvoice(seed, "outpatient")
        doc = recognizer.recognize_bytes(scanned(img), f"seal{seed}.png")
        if doc["hospital"] != truth.fields["hospital"]:
            assert doc["hospital"] is None or doc["confidence"]["hospital"] < 0.8, doc["hospital"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dot_matrix_form_printed_out_of_register(recognizer: Recognizer, seed: int) -> None:
    img, truth = dotmatrix_form(seed)
    doc = recognizer.recognize_bytes(scanned(img, bed=215), f"form{seed}.png")
    assert doc["doc_type"] == "outpatient_invoice"
    for key in ("invoice_number", "issue_date", "payer_name", "total", "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_amounts_printed_over_their_labels_are_read_whole(recognizer: Recognizer,
                                                          seed: int) -> None:
    """The printer put each amount on the last character of its red or blue label: the
    digits under the label are read again without the form's ink, none lost."""
    img, truth = dotmatrix_form(seed, overprint=True)
    doc = recognizer.recognize_bytes(scanned(img, bed=210), f"over{seed}.png")
    assert doc["doc_type"] == "outpatient_invoice"
    for key in ("total", "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key
    assert not [c for c in doc["checks"] if c["code"] == "payments_sum_mismatch"]


def test_settlement_sheet_is_an_inpatient_bill_with_its_payments(recognizer: Recognizer) -> None:
    img, truth = settlement_sheet(7)
    doc = recognizer.recognize_bytes(scanned(img, mode="L", faint=0.35), "settle.png")
    assert doc["doc_type"] == "inpatient_invoice"
    for key in ("payer_name", "hospital", "total", "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key
    assert _items(doc) == {(it["name"], it["amount"]) for it in truth.items}
    assert sum(Decimal(a) for _, a in _items(doc)) == Decimal(truth.fields["total"] or "0")


@pytest.mark.parametrize("page", [discharge_summary, lab_report])
def test_pages_that_are_not_receipts_are_named_unknown(recognizer: Recognizer, page) -> None:  # type: ignore[no-untyped-def]
    img, _ = page(3)
    doc = recognizer.recognize_bytes(scanned(img, mode="RGBA", bed=200), "other.png")
    assert doc["doc_type"] == "unknown"
    assert doc["total"] is None and doc["items"] == []
    assert [c["code"] for c in doc["checks"]] == ["not_a_receipt"]


@pytest.mark.parametrize(("seed", "stay", "turn"), [
    (60, "outpatient", 90), (61, "inpatient", 270), (62, "outpatient", 270), (63, "inpatient", 90),
])
def test_head_of_an_einvoice_with_its_amounts_out_of_the_picture_is_a_receipt(
        recognizer: Recognizer, seed: int, stay: str, turn: int) -> None:
    """Only the seal-covered title and the 票据代码/号码/校验码 block were captured.

    Nothing on the page adds up to a bill, but it is a receipt to complete (its missing
    fields named), not a page to refuse.
    """
    img, truth = national_einvoice(seed, stay)
    head = img.crop((0, 0, img.width, img.height // 4))
    doc = recognizer.recognize_bytes(scanned(head, bed=200, turn=turn), f"head{seed}.png")
    assert doc["doc_type"] == truth.doc_type
    assert doc["invoice_code"] == truth.fields["invoice_code"]
    assert "not_a_receipt" not in [c["code"] for c in doc["checks"]]
    assert doc["total"] is None


def _line(text: str, x: float, y: float) -> Token:
    return Token(text, x, y, x + 26 * len(text), y + 26, 0.95)


@pytest.mark.parametrize("title", ["上海市医疗住院收费募据", "医…收费票据", "贵州省医疗门", ""])
def test_garbled_title_is_decided_by_the_fields_on_the_page(title: str) -> None:
    """What OCR reads of a title under the 财政部监制 seal, and the labels around it."""
    lines = [_line(title, 300, 40)] if title else []
    lines += [_line("票据代码:520601", 1100, 120), _line("票据号码:0012345678", 1100, 160),
              _line("校验码:a3f9c", 1100, 200), _line("开票日期:2023-05-18", 1100, 240),
              _line("金额合计(大写)叁拾伍元整", 60, 600), _line("(小写)35.00", 1200, 600),
              _line("医保统筹基金支付:20.00", 60, 660), _line("个人现金支付:15.00", 600, 660)]
    stay = "住院" in title
    if stay:
        lines.append(_line("住院时间:20230102-20230119", 1100, 700))
    found = extract_fields(lines)
    assert classify(lines, found) == ("inpatient_invoice" if stay else "outpatient_invoice")


@pytest.mark.parametrize("title", ["出院记录", "检验报告单", "增值税电子普通发票", "处方笺"])
def test_non_receipt_title_wins_over_amounts_on_the_page(title: str) -> None:
    """A VAT invoice or a prescription prints amounts too; its title names it."""
    lines = [_line(title, 400, 40), _line("发票代码:044001900111", 1100, 120),
             _line("合计:35.00", 60, 600), _line("个人现金支付:35.00", 600, 660)]
    assert classify(lines, extract_fields(lines)) == "unknown"


def test_head_of_a_vat_invoice_under_a_garbled_title_is_not_a_receipt() -> None:
    """The identifiers alone make a receipt only on a fiscal 票据; a VAT invoice prints 发票."""
    lines = [_line("增值…普通发", 400, 40), _line("发票代码:044001900111", 1100, 120),
             _line("发票号码:12345678", 1100, 160), _line("校验码:a3f9c", 1100, 200)]
    assert classify(lines, extract_fields(lines)) == "unknown"


@pytest.mark.parametrize(("title", "kind"), [("四川省医疗诊收费票据(电子)", "outpatient_invoice"),
                                             ("上海市医疗住院收票据", "inpatient_invoice")])
def test_title_with_a_character_lost_under_the_seal_still_names_the_type(title: str,
                                                                         kind: str) -> None:
    assert classify([_line(title, 300, 40), _line("交款人:张三", 60, 200)], {}) == kind


def test_a_lone_amount_is_not_enough_to_make_a_receipt() -> None:
    lines = [_line("门诊病人须知", 400, 40), _line("合计:35.00", 60, 600)]
    assert classify(lines, extract_fields(lines)) == "unknown"


@pytest.mark.parametrize("turn", [90, 270])
def test_faint_thermal_slip_turned_sideways_is_read(recognizer: Recognizer, turn: int) -> None:
    img, truth = thermal_slip(11)
    doc = recognizer.recognize_bytes(scanned(img, turn=turn, faint=0.45, bed=190), "slip.png")
    assert doc["doc_type"] == "payment_slip"
    for key in ("payer_name", "outpatient_no", "total"):
        assert doc[key] == truth.fields[key], key


@pytest.mark.parametrize("seed", [40, 41])
def test_form_with_pre_printed_categories_reads_only_the_charged_ones(
        recognizer: Recognizer, seed: int) -> None:
    """Every fee category is printed on the form; only those with an amount are items."""
    img, truth = dotmatrix_form(seed, category_grid=True)
    doc = recognizer.recognize_bytes(scanned(img, bed=215), f"grid{seed}.png")
    read = {(it["name"], Decimal(it["amount"])) for it in doc["items"]}  # type: ignore[attr-defined]
    assert read == {(it["name"], Decimal(it["amount"] or "0")) for it in truth.items}


def test_hospital_printed_over_its_seal_ring_is_read_whole_or_flagged(
        recognizer: Recognizer) -> None:
    """The 收费专用章's red ring crosses the first characters of the printed name (OCR made
    第六人民医院 of 上海市第六人民医院, or lost the line) and reaches up to the payment labels:
    the name read again without the red is whole; a name still not read whole is flagged,
    and no payment label or ring word is ever taken for the hospital."""
    right = 0
    for seed in (51, 52, 53, 54):
        img, truth = dotmatrix_form(seed, seal=True)
        doc = recognizer.recognize_bytes(scanned(img, bed=215), f"sealed{seed}.png")
        assert doc["doc_type"] == "outpatient_invoice"
        for key in ("total", "fund_paid", "cash_paid"):
            assert doc[key] == truth.fields[key], (seed, key)
        if doc["hospital"] == truth.fields["hospital"]:
            right += 1
        else:
            assert doc["hospital"] is None or doc["confidence"]["hospital"] < 0.8, doc["hospital"]
    # one of the four loses the label's whole line to the detector: its row is found again
    # by the 收款人 box at its other end
    assert right == 4


@pytest.mark.parametrize("seed", [55, 56])
def test_pass_dropped_under_the_labels_and_a_seal_over_the_name(recognizer: Recognizer,
                                                                 seed: int) -> None:
    """Every value printed most of a line low, the form's rules through the figures, and the
    seal over the hospital's name: each amount is still its own label's."""
    img, truth = dotmatrix_form(seed, seal=True, drop=True)
    doc = recognizer.recognize_bytes(scanned(img, bed=215), f"dropped{seed}.png")
    for key in ("invoice_number", "issue_date", "payer_name", "hospital", "total", "fund_paid",
                "cash_paid"):
        assert doc[key] == truth.fields[key], key


@pytest.mark.parametrize("seed", [60, 61, 62, 67, 69, 84])
def test_date_printed_into_the_forms_year_month_day_boxes(recognizer: Recognizer,
                                                          seed: int) -> None:
    """The form pre-prints 年 月 日 and the printer puts only the digits, out of register:
    above the characters, beside them or over them, where the reader loses a digit into
    the form's 年 (`201年`). The date is read whole, from the digits alone if need be."""
    img, truth = dotmatrix_form(seed, date_boxes=True)
    doc = recognizer.recognize_bytes(scanned(img, bed=215), f"boxes{seed}.png")
    assert doc["doc_type"] == "outpatient_invoice"
    assert doc["issue_date"] == truth.fields["issue_date"]
    for key in ("invoice_number", "total"):
        assert doc[key] == truth.fields[key], key


@pytest.mark.parametrize(("seed", "drop"), [(102, False), (114, False), (100, True),
                                          (103, True)])
def test_fund_beside_a_label_lost_under_the_seal_is_read_and_flagged(
        recognizer: Recognizer, seed: int, drop: bool) -> None:
    """A worn ribbon's grey figures and the 收费专用章 stamped over 医保统筹支付: the label is
    read garbled (医保统筹, 医保多技支) or not at all. The payments row still says which box
    is the fund's; its amount is read, and flagged since no label stands behind it."""
    img, truth = dotmatrix_form(seed, worn=True, seal_on_payments=True, drop=drop)
    doc = recognizer.recognize_bytes(scanned(img, bed=215), f"worn{seed}.png")
    for key in ("total", "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key
    assert doc["confidence"]["fund_paid"] < 0.8


def test_fund_under_the_seal_is_right_or_flagged(recognizer: Recognizer) -> None:
    """Whatever the seal and the ribbon leave of the fund's box, an amount read there is the
    printed one or it is flagged for the person; never a wrong figure taken as read."""
    for seed in range(104, 110):
        img, truth = dotmatrix_form(seed, worn=True, seal_on_payments=True, drop=seed % 2 == 0)
        doc = recognizer.recognize_bytes(scanned(img, bed=215), f"worn{seed}.png")
        if doc["fund_paid"] != truth.fields["fund_paid"]:
            assert doc["fund_paid"] is None or doc["confidence"]["fund_paid"] < 0.8, seed


@pytest.mark.parametrize("seed", [120, 121, 122, 127])
def test_serial_printed_close_after_the_title(recognizer: Recognizer, seed: int) -> None:
    """The red `No` printed small right after the title's last character: the reader glues
    it to the title and to the digits (…票据N0025594585, …票据N。0030781067). The serial is
    read whole: the 0 that N0 swallowed is given back, never a nine-digit number."""
    img, truth = dotmatrix_form(seed, serial_by_title=True)
    doc = recognizer.recognize_bytes(scanned(img, bed=215), f"serial{seed}.png")
    assert doc["invoice_number"] == truth.fields["invoice_number"]
    for key in ("issue_date", "total"):
        assert doc[key] == truth.fields[key], key


class _Counting:
    """The real engine, counting how often it is asked to read."""

    def __init__(self, engine: OcrEngine) -> None:
        self.engine, self.reads = engine, 0

    def read(self, image: np.ndarray) -> Sequence[TextLine]:
        self.reads += 1
        return self.engine.read(image)


def test_no_second_read_of_the_hospital_where_no_seal_lies_on_it(recognizer: Recognizer) -> None:
    """The reread costs an OCR pass: a form whose name no seal touches gets none."""
    img, truth = dotmatrix_form(57)
    page = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    tokens = tokens_from_lines(recognizer.engine.read(page), page.shape[1], page.shape[0])
    found = extract_fields(tokens)
    counting = _Counting(recognizer.engine)
    assert reread_hospital(page, tokens, found, counting) is None  # type: ignore[arg-type]
    assert counting.reads == 0
    assert found["hospital"].value == truth.fields["hospital"]
    sealed, _ = dotmatrix_form(57, seal=True)
    page = cv2.cvtColor(np.asarray(sealed), cv2.COLOR_RGB2BGR)
    tokens = tokens_from_lines(recognizer.engine.read(page), page.shape[1], page.shape[0])
    again = reread_hospital(page, tokens, extract_fields(tokens), counting)  # type: ignore[arg-type]
    assert 1 <= counting.reads <= 2
    assert again is None or again.value == truth.fields["hospital"]


@pytest.mark.parametrize("seed", [0, 2, 5])
def test_a_name_wrapped_onto_a_second_line_of_a_slip_is_read_whole(
        recognizer: Recognizer, seed: int) -> None:
    img, truth = thermal_slip(seed, long_name=True)
    doc = recognizer.recognize_bytes(scanned(img, bed=200), f"slip{seed}.png")
    assert doc["doc_type"] == "payment_slip"
    assert doc["hospital"] == truth.fields["hospital"]
    assert doc["total"] == truth.fields["total"]


@pytest.mark.parametrize(("seed", "stay"), [(60, "outpatient"), (62, "inpatient")])
def test_ballpoint_marks_on_an_einvoice_change_none_of_its_fields(
        recognizer: Recognizer, seed: int, stay: str) -> None:
    """A note in the margin, a ring, a tick and a signature from the assistant's desk."""
    img, truth = national_einvoice(seed, stay)
    doc = recognizer.recognize_bytes(scanned(handwritten(img, seed), bed=200), "marked.png")
    assert doc["doc_type"] == truth.doc_type
    for key in ("invoice_number", "issue_date", "payer_name", "hospital", "total",
                "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key


@pytest.mark.parametrize(("style", "stay", "seed"), [
    ("row", "outpatient", 1), ("row", "inpatient", 2),
    ("column", "outpatient", 2), ("column", "inpatient", 1)])
def test_other_provinces_arrangements_of_the_einvoice_are_read(
        recognizer: Recognizer, style: str, stay: str, seed: int) -> None:
    """Identifiers in a row or stacked, one item table or two, payments in the 其他信息
    block or in a column of their own with each figure under its label."""
    img, truth = provincial_einvoice(seed, style, stay)
    doc = recognizer.recognize_bytes(scanned(img, bed=200), f"{style}{seed}.png")
    assert doc["doc_type"] == truth.doc_type
    for key in ("invoice_number", "issue_date", "payer_name", "hospital", "total",
                "fund_paid", "account_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key

def _read_page(recognizer: Recognizer, img: object) -> tuple[np.ndarray, list[Token]]:
    page = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    return page, tokens_from_lines(recognizer.engine.read(page), page.shape[1], page.shape[0])


def _cut(label: Token, value: Token | None, text: str) -> Token:
    """What the detector made of a label and its value when it left the label's first two
    characters out of its box (人：史鹏 for 交款人：史鹏 on a form's background pattern)."""
    x0 = label.x0 + (label.x1 - label.x0) * 0.5
    right = value if value is not None else label
    return Token(text, x0, min(label.y0, right.y0), right.x1, max(label.y1, right.y1),
                 label.score)


def test_a_label_cut_short_by_the_detector_is_read_whole_again(recognizer: Recognizer) -> None:
    """The detector cannot be made to drop characters on a rendered page, so the first
    reading's line is cut as it was on a real form (人：史鹏); the page and the second
    reading are real. The payer is taken only because the crop reads 交款人 whole, with the
    same name; the same cut on the 收款人 box gives no payer."""
    img, truth = dotmatrix_form(7)
    page, tokens = _read_page(recognizer, img)
    name = truth.fields["payer_name"] or ""
    label = next(t for t in tokens if t.text.startswith("交款人"))
    value = None if name in label.text else next(t for t in tokens if name in t.text)
    cut = [t for t in tokens if t not in (label, value)] + [_cut(label, value, f"人:{name}")]
    found = extract_fields(cut)
    assert "payer_name" not in found
    again = reread_cut_labels(page, cut, found, recognizer.engine)
    assert again["payer_name"].value == name
    cashier = next(t for t in tokens if t.text.startswith("收款人"))
    cut = [t for t in tokens if t not in (label, value, cashier)] + [
        _cut(cashier, None, f"人:{name}")]
    assert "payer_name" not in reread_cut_labels(page, cut, extract_fields(cut),
                                                 recognizer.engine)


@pytest.mark.parametrize(("style", "seed"), [("row", 3), ("column", 4)])
def test_a_payment_under_the_payees_seal_is_read_or_balanced_and_flagged(
        recognizer: Recognizer, style: str, seed: int) -> None:
    """The 收费专用章 stamped high, over the red 医保统筹基金支付 label (in the 其他信息
    block over 个人现金支付 under it too): the black figures are left, their labels not.
    Each payment is read, or is the figure on the page that balances the others; the
    fund's is flagged either way."""
    img, truth = provincial_einvoice(seed, style, seal_on_fund=True)
    page = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    photo, _ = imagegen.photograph(page, (2250, 3000), seed=seed)
    doc = recognizer.recognize_image(photo, f"{style}{seed}.jpg")
    for key in ("total", "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key
    assert doc["confidence"]["fund_paid"] < 0.8


@pytest.mark.parametrize("seed", [4, 14])
def test_a_worn_form_photographed_far_off_in_dim_light_is_read_not_refused(
        recognizer: Recognizer, seed: int) -> None:
    """A worn ribbon's grey print, dim yellow light, the page under half the frame's width:
    in the working copy the print is too faint and too small to count as lines of text,
    and the page used to be refused as no document."""
    img, truth = dotmatrix_form(seed, worn=True)
    page = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    photo, _ = imagegen.phone_photo(page, "hard", random.Random(seed))
    doc = recognizer.recognize_bytes(photo, f"worn{seed}.jpg")
    assert doc["doc_type"] == "outpatient_invoice"
    for key in ("invoice_number", "total", "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key


@pytest.mark.parametrize("seed", [48, 58])
def test_a_date_in_a_worn_forms_boxes_photographed_in_dim_light_is_read(
        recognizer: Recognizer, seed: int) -> None:
    """Under a dim lamp the worn ribbon's digits in the 年 月 日 boxes are a grey hardly
    darker than the grey paper, and the detector passed over them; the page is read with
    its paper brought to white."""
    img, truth = dotmatrix_form(seed, worn=True, date_boxes=True)
    page = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    photo, capture = imagegen.phone_photo(page, "hard", random.Random(seed))
    assert capture["exposure"] < 0.7
    doc = recognizer.recognize_bytes(photo, f"dim{seed}.jpg")
    for key in ("invoice_number", "issue_date", "payer_name", "hospital", "total",
                "fund_paid", "cash_paid"):
        assert doc[key] == truth.fields[key], key
