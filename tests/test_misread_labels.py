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


@pytest.mark.parametrize("fund", [
    [_tok("医保统金402.66", 60, 450)],                       # the amount run into it
    [_tok("医保组", 60, 450), _tok("402.66", 150, 455)],      # beside it
    [_tok("医保统筹", 60, 450), _tok("402.66", 200, 462)],    # a little low
])
def test_fund_label_garbled_in_the_payments_row_takes_the_fund_flagged(
        fund: list[Token]) -> None:
    """Words starting 医保 that are no label, first in the row of the other payments."""
    row = [_tok("个人账户支付", 480, 450), _tok("0.00", 650, 452), _tok("个人现金支付", 900, 450),
           _tok("712.84", 1070, 452)]
    found = extract_fields(fund + row)
    assert str(found["fund_paid"].value) == "402.66"
    assert found["fund_paid"].source == "garbled"
    # the same words anywhere else, or the row without its other payments, are not the fund
    assert "fund_paid" not in extract_fields([*fund, _tok("性别:男", 480, 450)])
    moved = [Token(t.text, t.x0, t.y0 + 200, t.x1, t.y1 + 200, t.score) for t in fund]
    assert "fund_paid" not in extract_fields(moved + row)


def test_a_lone_amount_before_the_payments_is_the_fund_only_when_alone() -> None:
    row = [_tok("个人账户支付", 480, 450), _tok("0.00", 650, 452), _tok("个人现金支付", 900, 450),
           _tok("712.84", 1070, 452)]
    found = extract_fields([_tok("402.66", 200, 455), *row])
    assert str(found["fund_paid"].value) == "402.66"
    assert found["fund_paid"].source == "garbled"
    # a label before it owns it; two figures there are not for us to choose between
    assert extract_fields([_tok("个人自付", 40, 450), _tok("402.66", 200, 455), *row]).get(
        "fund_paid") is None
    assert "fund_paid" not in extract_fields([_tok("402.66", 100, 455), _tok("12.00", 300, 455),
                                             *row])


@pytest.mark.parametrize(("tokens", "serial"), [
    ([_tok("浙江省医疗机构门诊收费票据N0025594585", 400, 40)], "0025594585"),   # N0 glued
    ([_tok("浙江省医疗机构门诊收费票据N。0030781067", 400, 40)], "0030781067"),
    ([_tok("浙江省医疗门诊收费票据", 400, 40), _tok("0001089408", 700, 42)], "0001089408"),
])
def test_serial_after_the_title_is_read_and_flagged(tokens: list[Token], serial: str) -> None:
    found = extract_fields(tokens)
    assert found["invoice_number"].value == serial
    assert found["invoice_number"].score < 0.8


def test_digits_far_from_the_title_are_no_serial() -> None:
    found = extract_fields([_tok("浙江省医疗门诊收费票据", 400, 40), _tok("0001089408", 1400, 42),
                            _tok("5032751427", 700, 120)])
    assert "invoice_number" not in found
