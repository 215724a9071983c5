"""The resident a claim is for, and the GB 11643 check on her ID-card number.

Plain domain code: recognition uses the check digit to judge what OCR read, the claim store
to refuse a mistyped number before anything is written. evoucher.py (beside this file): what
a QR code shown at the resident screen means.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11]


def valid_id_number(s: str) -> bool:
    """GB 11643 resident ID: 17 ASCII digits and a check digit (0-9 or X).

    Only ASCII: a full-width １ or an Arabic-Indic digit is a `\\d` to Python but not to the
    county, which refuses it. `Resident` folds full-width input to ASCII before this check.
    """
    s = s.upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s):
        return False
    return id_check_digit(s[:17]) == s[17]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


class InvalidResident(ValueError):
    """A resident's details that cannot go into a claim (message says which and why)."""


@dataclass(frozen=True)
class Resident:
    """Who a claim is for. `id_number` is kept upper-cased (a final `x` becomes `X`), and it
    and the phone are folded to ASCII (NFKC: full-width １２３ from an input method → 123)."""

    name: str
    id_number: str
    insurance_place: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.name.strip())
        object.__setattr__(self, "id_number", _ascii(self.id_number).strip().upper())
        object.__setattr__(self, "insurance_place", self.insurance_place.strip())
        object.__setattr__(self, "phone", _ascii(self.phone).strip())

    def validate(self) -> None:
        if not self.name:
            raise InvalidResident("the resident's name is empty")
        if not valid_id_number(self.id_number):
            raise InvalidResident(
                f"{self.id_number!r} is not a valid resident ID-card number "
                "(18 characters, the last one a GB 11643 check digit)")
        if self.phone and not re.fullmatch(r"\+?[0-9 -]{5,20}", self.phone):
            raise InvalidResident(f"{self.phone!r} is not a phone number")


def mask_name(name: str) -> str:
    """王小芳 → 王*芳, 王芳 → 王*: the first and last character stay, so she knows it is hers;
    a placeholder such as （未识别姓名） stays as it is."""
    name = name.strip()
    if len(name) < 2 or name.startswith("（"):
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(number: str) -> str:
    """The first 3 and last 4 characters of an ID-card number, the rest starred."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
