"""What a hand correction may be: the keypads' text turned into the receipt JSON's form."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.ui.screens.correct_values import (
    PROBLEMS,
    check_date,
    check_money,
    check_text,
    money_keys,
    show_date_digits,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(("typed", "expected"), [
    ("20261122", ("2026-11-22", "")),
    ("20260229", (None, "date_invalid")),  # 2026 is no leap year
    ("20241231", ("2024-12-31", "")),
    ("20261123", (None, "date_future")),
    ("19991231", (None, "date_old")),
    ("2026112", (None, "date_short")),
    ("", (None, "empty")),
])
def test_dates_are_whole_real_days_not_in_the_future(typed, expected):
    assert check_date(typed, TODAY) == expected


def test_a_date_shows_its_dashes_while_it_is_typed():
    assert [show_date_digits("20260612"[:n]) for n in (3, 5, 7, 8)] == [
        "202", "2026-0", "2026-06-1", "2026-06-12"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("400.5", ("400.50", "")),
    ("12", ("12.00", "")),
    ("0.05", ("0.05", "")),
    ("3.", ("3.00", "")),
    ("1.234", (None, "money_decimals")),
    ("0", (None, "money_zero")),
    ("1000000", (None, "money_large")),
    ("1.2.3", (None, "money_invalid")),
    ("", (None, "empty")),
])
def test_amounts_have_two_decimals_as_the_contract_wants(typed, expected):
    assert check_money(typed) == expected


def test_the_money_keypad_takes_one_point_and_no_leading_zero():
    text = ""
    for key in "0.5.":
        text = money_keys(text, key)
    assert text == "0.5"
    assert money_keys("0", "7") == "7"
    assert money_keys("", ".") == "0."


def test_text_is_cleaned_like_recognition_output():
    assert check_text(" 青山镇 卫生院 ") == ("青山镇卫生院", "")
    assert check_text("   ") == (None, "empty")
    assert check_text("院" * 61) == (None, "text_long")


def test_every_problem_has_both_languages():
    from kiosk.core.messages import text

    assert all(text(f"correction.{code}") and text(f"correction.{code}", "en")
               for code in PROBLEMS)


def test_stored_findings_show_in_the_language_in_force_and_old_records_as_stored():
    from PySide6.QtCore import QLocale

    from kiosk.core.messages import Text
    from kiosk.ui.i18n import stored_text

    words = Text("finding.items_not_in_catalog.items", {"names": ["某药", "某针"]})
    finding = {"code": "items_not_in_catalog", "message": words.render(),
               "words": words.as_json()}
    before = QLocale()
    try:
        QLocale.setDefault(QLocale("en"))
        assert stored_text(finding, "message") == "2 item(s) not found in the catalog."
        # a record filed before the catalogue has no words: its Chinese, as it was stored
        assert stored_text({"message": "目录中找不到：某药。"}, "message") == "目录中找不到：某药。"
        # a code this version does not know (a newer record): its stored Chinese too
        stale = {"message": "新的说法", "words": {"code": "finding.no_such.case", "params": {}}}
        assert stored_text(stale, "message") == "新的说法"
        QLocale.setDefault(QLocale("zh_CN"))
        assert stored_text(finding, "message") == "目录中找不到：某药、某针。"
    finally:
        QLocale.setDefault(before)
