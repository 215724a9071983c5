"""What a hand correction may be: typed text turned into the receipt JSON's form, or refused.

Qt-free, so the rules are tested without a screen. Each `check_*` returns `(value, problem)`:
the value normalised as /work/shared/spec/receipt-json.md wants it (money `"123.40"`, dates
ISO, text cleaned) and an empty problem, or None and a problem code the editor shows in plain
words (`PROBLEMS`, worded in the message catalogue's `correction` section).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from kiosk.recognition.text import clean_text

EARLIEST = date(2000, 1, 1)
MAX_AMOUNT = Decimal("1000000")
MAX_TEXT = 60

# Every problem code a check may return; the editor shows its words, `correction.<code>` in
# the message catalogue (resources/messages), under the typed value.
PROBLEMS: tuple[str, ...] = (
    "empty",
    "date_short",
    "date_invalid",
    "date_future",
    "date_old",
    "money_invalid",
    "money_decimals",
    "money_zero",
    "money_large",
    "text_long",
    "code_invalid",
)


def date_digits(text: str) -> str:
    """The digits typed so far, at most 8 (the keypad has no dashes)."""
    return "".join(ch for ch in text if ch.isdigit())[:8]


def show_date_digits(digits: str) -> str:
    """`20260612` as `2026-06-12` while it is typed (`2026-0` after five digits)."""
    parts = [digits[:4], digits[4:6], digits[6:8]]
    return "-".join(p for p in parts if p)


def check_date(text: str, today: date | None = None) -> tuple[str | None, str]:
    digits = date_digits(text)
    if not digits:
        return None, "empty"
    if len(digits) < 8:
        return None, "date_short"
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None, "date_invalid"
    if day > (today or date.today()):
        return None, "date_future"
    if day < EARLIEST:
        return None, "date_old"
    return day.isoformat(), ""


def check_money(text: str, *, zero_ok: bool = False) -> tuple[str | None, str]:
    """An amount; `zero_ok` for a payment line (医保统筹支付 0.00 is printed and meaningful)."""
    s = text.strip()
    if not s:
        return None, "empty"
    if s.count(".") > 1 or not s.replace(".", "").isdigit():
        return None, "money_invalid"
    if "." in s and len(s.split(".")[1]) > 2:
        return None, "money_decimals"
    try:
        value = Decimal(s if not s.endswith(".") else s[:-1] or "0")
    except InvalidOperation:
        return None, "money_invalid"
    if value < 0 or (value == 0 and not zero_ok):
        return None, "money_zero"
    if value >= MAX_AMOUNT:
        return None, "money_large"
    return f"{value:.2f}", ""


def check_text(text: str) -> tuple[str | None, str]:
    value = clean_text(text)
    if not value:
        return None, "empty"
    if len(value) > MAX_TEXT:
        return None, "text_long"
    return value, ""


def money_keys(current: str, key: str) -> str:
    """The amount after one key of the keypad ("." at most once, leading zeros dropped)."""
    if key == "." and "." in current:
        return current
    if key == "." and not current:
        return "0."
    if current == "0" and key != ".":
        return key
    if len(current) >= 10:
        return current
    return current + key


def check_code(text: str) -> tuple[str | None, str]:
    """An invoice number or code: digits and Latin letters as printed, leading zeros kept."""
    value = (clean_text(text) or "").replace(" ", "").upper()
    if not value:
        return None, "empty"
    if len(value) > 30:
        return None, "text_long"
    if not value.isascii() or not value.isalnum():
        return None, "code_invalid"
    return value, ""
