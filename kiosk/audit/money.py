"""Money as `Decimal` yuan with two places (fen). Floats never enter: a float is refused."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def fen(value: Decimal) -> Decimal:
    """Round to the fen, half up (0.005 → 0.01), the way payments are settled."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_money(value: object) -> Decimal | None:
    """A money string of the recognition JSON (`"12.30"`) as Decimal; None when absent/garbled."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass the string from the receipt JSON")
    if isinstance(value, Decimal | int):
        return fen(Decimal(value))
    text = str(value).strip().replace(",", "").replace("¥", "").replace("￥", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return fen(amount)


def parse_decimal(value: object) -> Decimal | None:
    """A quantity or rate as Decimal (no rounding); None when absent or garbled."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        raise TypeError("decimals must not be floats; pass a string")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def show(amount: Decimal) -> str:
    """`Decimal('12.3')` → `"12.30"` (the JSON money form)."""
    return str(fen(amount))
