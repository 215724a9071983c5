"""Normalisation rules of the receipt JSON contract, and parsing of what OCR reads.

Money is `Decimal` until it is written out as a two-decimal string; a value that does not
parse cleanly is `None`, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

# The ID-card check lives with the resident; re-exported for the field extractors.
from kiosk.residents import id_check_digit as id_check_digit
from kiosk.residents import valid_id_number as valid_id_number

_STRIP = " \t:：,，.。;；、|丨!！'\"`·-_~—"

# Confusions the recogniser makes inside numbers.
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1",
                            "S": "5", "B": "8", "Z": "2", "，": ".", ",": ",", "。": "."})


def fold(text: str) -> str:
    """Full-width ASCII to half-width (NFKC), the contract's text folding."""
    return unicodedata.normalize("NFKC", text)


def clean_text(text: str | None) -> str | None:
    """Fold, remove spaces inside Chinese text, strip leading/trailing punctuation."""
    if text is None:
        return None
    s = fold(text)
    s = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", s)
    s = re.sub(r"\s+", " ", s).strip(_STRIP)
    # unbalanced brackets left over at the edges
    if s.endswith("(") or s.endswith("["):
        s = s[:-1].strip(_STRIP)
    if s.startswith(")") or s.startswith("]"):
        s = s[1:].strip(_STRIP)
    return s or None


def parse_money(text: str | None, *, need_decimals: bool = False) -> Decimal | None:
    """The single money amount in `text` (currency signs, 元 and separators allowed)."""
    if text is None:
        return None
    s = fold(text).replace("¥", "").replace("￥", "").replace("元", "")
    s = s.strip(_STRIP.replace("-", ""))
    if " " in s:
        return None
    s = s.replace("，", ".") if re.fullmatch(r"-?\d+，\d{2}", s) else s
    if not s:
        return None
    if need_decimals and not re.fullmatch(r"-?[\d,]*\d\.\d{2,4}", s):
        return None
    if not re.fullmatch(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,4})?", s):
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None
    return value


def money_str(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(value.quantize(Decimal("0.01")))


def digits_in_front(old: Decimal, new: Decimal) -> bool:
    """`new` is `old` with digits added in front only, every digit of `old` kept in order
    (118.53 for 18.53: digits lost into the label before the figure)."""
    a, b = money_str(old) or "", money_str(new) or ""
    return len(b) > len(a) and b.endswith(a)


def quantity_str(text: str | None) -> str | None:
    """A quantity as a decimal string without trailing zeros ("2", "1.5")."""
    if text is None:
        return None
    s = fold(text).strip(_STRIP)
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", s):
        return None
    v = Decimal(s)
    out = format(v.normalize(), "f")
    return out


_DATE_RES = [
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"),
    re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    # a form's 年 lost under the digits printed over it (201807月27日): 月 and 日 still say
    # which digits are the month and which the day
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
]


def parse_date(text: str | None) -> str | None:
    """The first plausible date in `text` as ISO YYYY-MM-DD."""
    if text is None:
        return None
    s = fold(text)
    for rx in _DATE_RES:
        for m in rx.finditer(s):
            try:
                d = date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
            return d.isoformat()
    return None


def boxed_date(text: str | None) -> str | None:
    """A date printed as three groups of digits, `2017 05 03`: a form's 年 月 日 boxes with
    the form's characters gone (read without the form's ink, or lost by the reader). The
    groups must be apart, year first: 20170503 or 2017-05-03 are for `parse_date`."""
    if text is None:
        return None
    m = re.fullmatch(r"\s*((?:19|20)\d{2})\s+(\d{1,2})\s+(\d{1,2})\s*", fold(text))
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


# --- Chinese upper-case amounts (大写金额) -------------------------------------------------

_UPPER_DIGITS = {"零": 0, "〇": 0, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "参": 3, "肆": 4,
                 "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9}
_UPPER_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_UPPER_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
# characters the recogniser puts where an upper-case digit was printed
_UPPER_CONFUSIONS = str.maketrans({"染": "柒", "柴": "柒", "参": "叁", "玫": "玖"})
UPPER_CHARS = (set(_UPPER_DIGITS) | set(_UPPER_UNITS) | set(_UPPER_BIG) | set("元圆角分整正")
               | {"染", "柴", "玫"})


def upper_amount_text(text: str | None) -> str | None:
    """The run of 大写 characters in `text` (e.g. from "合计(大写)：壹佰元整 ¥100.00")."""
    if text is None:
        return None
    s = fold(text)
    runs = re.findall(r"[" + "".join(sorted(UPPER_CHARS)) + r"]+", s)
    runs = [r for r in runs if any(c in _UPPER_DIGITS for c in r) and any(c in "元圆角分" for c in r)]
    if not runs:
        return None
    return max(runs, key=len).translate(_UPPER_CONFUSIONS)


def parse_upper_amount(text: str | None) -> Decimal | None:
    """壹佰贰拾叁元肆角伍分 → Decimal('123.45'); None when the characters do not form an amount."""
    s = upper_amount_text(text)
    if not s:
        return None
    s = s.replace("圆", "元").rstrip("整正")
    if "元" in s:
        yuan_part, _, frac = s.partition("元")
    elif "角" in s or "分" in s:
        yuan_part, frac = "", s
    else:
        return None
    yuan = _parse_upper_integer(yuan_part) if yuan_part else 0
    if yuan is None:
        return None
    jiao = fen = 0
    m = re.fullmatch(r"零?(?:(?P<j>[零〇壹贰貳叁參参肆伍陆陸柒捌玖])角)?零?(?:(?P<f>[零〇壹贰貳叁參参肆伍陆陸柒捌玖])分)?", frac)
    if m is None:
        return None
    if m["j"]:
        jiao = _UPPER_DIGITS[m["j"]]
    if m["f"]:
        fen = _UPPER_DIGITS[m["f"]]
    return Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100


def _parse_upper_integer(s: str) -> int | None:
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 10**9
    for ch in s:
        if ch in _UPPER_DIGITS:
            if digit is not None and digit != 0 and _UPPER_DIGITS[ch] != 0:
                return None  # two digits in a row without a unit
            digit = _UPPER_DIGITS[ch]
        elif ch in _UPPER_UNITS:
            unit = _UPPER_UNITS[ch]
            if unit >= last_unit:
                return None
            last_unit = unit
            section += (digit if digit is not None else 1) * unit
            digit = None
        elif ch in _UPPER_BIG:
            section += digit or 0
            total += section * _UPPER_BIG[ch]
            section = 0
            digit = None
            last_unit = 10**9
        else:
            return None
    section += digit or 0
    return total + section


def to_upper_amount(value: Decimal) -> str:
    """Decimal('123.45') → 壹佰贰拾叁元肆角伍分 (for tests and for printing)."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    cents = int((value * 100).quantize(Decimal("1")))
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)

    def four(n: int) -> str:
        out = ""
        zero = False
        for unit, div in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
            d = n // div % 10
            if d:
                if zero and out:
                    out += "零"
                out += digits[d] + unit
                zero = False
            else:
                zero = True
        return out

    parts = ""
    if yuan:
        hi, lo = divmod(yuan, 10_000)
        if hi:
            parts += four(hi) + "万"
            if lo and lo < 1000:
                parts += "零"
        parts += four(lo)
        parts += "元"
    if not jiao and not fen:
        return (parts or "零元") + "整"
    if jiao:
        parts += digits[jiao] + "角"
    elif yuan:
        parts += "零"
    if fen:
        parts += digits[fen] + "分"
    return parts


# --- identifiers ----------------------------------------------------------------------------

def identifier(text: str | None) -> str | None:
    """An identifier as printed: ASCII letters and digits only, leading zeros kept."""
    if text is None:
        return None
    s = fold(text).strip(_STRIP)
    s = re.sub(r"\s+", "", s)
    if not s or not re.fullmatch(r"[0-9A-Za-z]+", s):
        return None
    return s


def digits_fixed(text: str) -> str:
    """Apply letter→digit confusions inside a token that should be numeric."""
    return fold(text).translate(_DIGIT_FIX)
