"""Normalisation rules of the receipt contract and the parsing of OCR'd values."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.recognition.text import (
    boxed_date,
    clean_text,
    id_check_digit,
    money_str,
    parse_date,
    parse_money,
    parse_upper_amount,
    quantity_str,
    to_upper_amount,
    valid_id_number,
)


@given(st.integers(min_value=1, max_value=99_999_999_99))
def test_upper_amount_round_trips(cents: int) -> None:
    value = Decimal(cents) / 100
    assert parse_upper_amount(to_upper_amount(value)) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("壹佰肆拾玖元壹角捌分", "149.18"),
        ("肆拾柒元整", "47"),
        ("壹仟零柒拾捌元肆角玖分", "1078.49"),
        ("拾元零伍分", "10.05"),
        ("合计(大写)：叁佰叁拾叁元整 (小写)¥333.00", "333"),
        ("壹万零伍元", "10005"),
    ],
)
def test_upper_amounts_as_printed(text: str, value: str) -> None:
    assert parse_upper_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "元整", "佰佰元", "壹贰元", "收款单位", "拾佰元"])
def test_upper_amount_nonsense_is_none(text: str) -> None:
    assert parse_upper_amount(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("¥1,281.47", "1281.47"), ("47.00", "47.00"), ("￥ 0.5", "0.50"), ("-12.30元", "-12.30")],
)
def test_money(text: str, value: str) -> None:
    assert money_str(parse_money(text)) == value


@pytest.mark.parametrize("text", ["12.3.4", "abc", "", "1 2"])
def test_money_refuses_garbage(text: str) -> None:
    assert parse_money(text) is None


def test_money_can_demand_decimals() -> None:
    assert parse_money("64", need_decimals=True) is None
    assert parse_money("64.71", need_decimals=True) == Decimal("64.71")


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2025-10-21", "2025-10-21"), ("20251021", "2025-10-21"), ("2026年1月5日", "2026-01-05"),
     ("2025/02/08 14:50", "2025-02-08"), ("2025-13-01", None), ("751419624", None),
     ("201807月27日", "2018-07-27"), ("2018 7月27日", "2018-07-27"), ("201807月", None)],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2017 05 03", "2017-05-03"), ("2019 1 8", "2019-01-08"), ("20170503", None),
     ("2017 13 03", None), ("201 1 06", None), ("2017 05", None), ("0001 08 94", None)],
)
def test_dates_in_three_boxes(text: str, iso: str | None) -> None:
    assert boxed_date(text) == iso


def test_quantities_drop_trailing_zeros() -> None:
    assert quantity_str("1.00") == "1"
    assert quantity_str("1.50") == "1.5"
    assert quantity_str("75") == "75"
    assert quantity_str("x") is None


def test_text_folding() -> None:
    assert clean_text("（小写）") == "(小写)"
    assert clean_text(" 浙江 省 中医院： ") == "浙江省中医院"
    assert clean_text("ＡＢＣ１２３") == "ABC123"
    assert clean_text("：") is None


def test_id_check_digit() -> None:
    assert valid_id_number("330206195411169547")
    assert not valid_id_number("330206195411169548")
    assert id_check_digit("11010519491231002") == "X"
    assert valid_id_number("11010519491231002x")
