"""Labels and amounts as OCR misreads them on pre-printed forms, cut into fields.

These are the shapes OCR returns for the rendered dot-matrix forms of tests/support/layouts.py
(a character lost inside a long label, an amount whose leading digit went into the label's
last character, a figure read without its decimal point); the rendered end-to-end cases are
in test_recognize_layouts.py.
"""

from __future__ import annotations

import pytest

from kiosk.recognition.fields import extract_fields, split_line
from kiosk.recognition.layout import Token
from kiosk.recognition.pipeline import build_document


def _tok(text: str, x: float, y: float) -> Token:
    return Token(text, x, y, x + 26 * len(text), y + 30, 0.97)


@pytest.mark.parametrize(("text", "field"), [
    ("医保统支付0.00", "fund_paid"),      # 筹 lost
    ("医保统筹支付", "fund_paid"),
    ("个人现金付 12.40", "cash_paid"),    # 支 lost
    ("个人账户支付.00", "account_paid"),
])
def test_long_label_with_one_character_lost_still_names_its_field(text: str,
                                                                    field: str) -> None:
    assert split_line(_tok(text, 0, 0))[0].field == field


@pytest.mark.parametrize("text", ["交款人:王五", "医保类型:职工", "医疗机构类型:综合医院"])
def test_exact_labels_are_not_taken_for_misread_payment_labels(text: str) -> None:
    assert all(p.field not in ("fund_paid", "cash_paid") for p in split_line(_tok(text, 0, 0)))


def test_amount_after_a_label_with_a_lost_character_is_read() -> None:
    found = extract_fields([_tok("医保统支付 0.00", 60, 500), _tok("个人现金支付", 600, 500),
                            _tok("855.28", 780, 505)])
    assert found["fund_paid"].value == 0
    assert str(found["cash_paid"].value) == "855.28"


def test_payment_read_larger_than_the_total_is_flagged_not_taken() -> None:
    """85528 for 855.28 (the point lost) where the fund's label was not read at all: the
    payments cannot be added up, but no payment can be more than the whole bill."""
    tokens = [_tok("浙江省医疗门诊收费票据", 400, 30), _tok("No 0012345678", 1200, 30),
              _tok("交款人:王五", 60, 150), _tok("合计(大写)捌佰伍拾伍元贰角捌分", 60, 400),
              _tok("(小写)¥", 1000, 400), _tok("855.28", 1150, 405),
              _tok("个人现金支付", 1000, 460), _tok("85528", 1170, 470)]
    doc = build_document(tokens, "form.png")
    assert doc["total"] == "855.28"
    assert doc["cash_paid"] == "85528.00"
    assert doc["confidence"]["cash_paid"] < 0.8
    assert "payment_over_total" in [c["code"] for c in doc["checks"]]


@pytest.mark.parametrize(("text", "field"), [
    ("个人理金支村：108.78", "cash_paid"),      # 现→理, 付→村
    ("个人理户支村：0.00", "account_paid"),     # 账→理, 付→村; 帐户 names the same field
    ("医保统筹基全支忖：3.00", "fund_paid"),
])
def test_long_label_with_two_characters_misread_names_its_field(text: str, field: str) -> None:
    assert split_line(_tok(text, 0, 0))[0].field == field


@pytest.mark.parametrize("text", [
    "个人现户支付：1.00",    # as near to 个人现金支付 as to 个人账户支付: not for us to choose
    "个理现金文村：1.00",    # its first two characters are not the label's
])
def test_a_misread_label_that_could_be_two_fields_names_none(text: str) -> None:
    assert all(p.field not in ("cash_paid", "account_paid") for p in split_line(_tok(text, 0, 0)))


def test_a_four_character_label_alone_in_its_box_with_one_character_misread() -> None:
    found = extract_fields([_tok("集据号码", 700, 200), _tok("0007006567", 800, 200)])
    assert found["invoice_number"].value == "0007006567"
    # a word one character from two labels of different fields is no label
    assert split_line(_tok("票据吗码", 0, 0))[0].label is None  # 号码 or 代码?
