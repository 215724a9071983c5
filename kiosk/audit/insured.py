"""Who the claim is for, as the audit needs it: age and sex from the ID-card number, scheme,
insured province and whether out-of-province care was registered (备案)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.residents import Resident, valid_id_number


class BadIdNumber(ValueError):
    """An ID-card number whose birth date or check digit is wrong."""


def birth_date(id_number: str) -> date:
    """GB 11643: characters 7-14 are the birth date YYYYMMDD."""
    if not valid_id_number(id_number):
        raise BadIdNumber(f"{id_number!r} is not a valid resident ID-card number")
    s = id_number[6:14]
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        raise BadIdNumber(f"{id_number!r} holds no valid birth date ({s})") from None


def sex(id_number: str) -> str:
    """GB 11643: the 17th character (sequence code) is odd for men, even for women."""
    if not valid_id_number(id_number):
        raise BadIdNumber(f"{id_number!r} is not a valid resident ID-card number")
    return "M" if int(id_number[16]) % 2 else "F"


def age_in_months(born: date, on: date) -> int:
    """Whole months of age on a day (a birthday in the month counts once it is reached)."""
    months = (on.year - born.year) * 12 + on.month - born.month
    if on.day < born.day:
        months -= 1
    return months


def age_in_years(born: date, on: date) -> int:
    return age_in_months(born, on) // 12


SCHEMES = ("resident", "employee")


@dataclass(frozen=True)
class Insured:
    """The resident plus what the audit and the estimate need to know about her cover.

    `scheme`: `resident` (城乡居民基本医疗保险) or `employee` (职工基本医疗保险).
    `province_code`: two digits of the insured place; empty means the county's own (policy).
    `registered`: out-of-province care registered (异地就医备案) before the visit.
    """

    resident: Resident
    scheme: str = "resident"
    province_code: str = ""
    registered: bool = False

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme {self.scheme!r} is not one of {', '.join(SCHEMES)}")

    @property
    def birth_date(self) -> date:
        return birth_date(self.resident.id_number)

    @property
    def sex(self) -> str:
        return sex(self.resident.id_number)
