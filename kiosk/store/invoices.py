"""What makes two receipts the same invoice, for duplicate protection.

An invoice is identified by its code and number; receipts without a code (some hospitals'
own paper) by hospital, number, date and total together. Expense lists and payment slips
accompany an invoice and repeat its number, so only invoices carry a key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.core.messages import Text

INVOICE_TYPES = frozenset({"outpatient_invoice", "inpatient_invoice"})


def _s(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def invoice_key(doc: Mapping[str, Any]) -> str | None:
    """The duplicate-protection key of a recognised document, or None when it has none."""
    if doc.get("doc_type") not in INVOICE_TYPES:
        return None
    number = _s(doc.get("invoice_number"))
    if number is None:
        return None
    code = _s(doc.get("invoice_code"))
    if code is not None:
        return f"code\x1f{code}\x1f{number}"
    hospital = _s(doc.get("hospital"))
    day = _s(doc.get("issue_date")) or _s(doc.get("visit_date"))
    total = _s(doc.get("total"))
    if hospital and day and total:
        return f"hosp\x1f{hospital}\x1f{number}\x1f{day}\x1f{total}"
    return None


def describe(key: str) -> Text:
    """A key as a person would name the invoice: a catalogue text (kiosk.core.messages),
    rendered in whatever language its reader chose."""
    parts = key.split("\x1f")
    if parts[0] == "code":
        return Text("invoice.by_code", {"code": parts[1], "number": parts[2]})
    return Text("invoice.by_receipt", {"hospital": parts[1], "number": parts[2],
                                       "date": parts[3], "total": parts[4]})


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _doc_amount(doc: Mapping[str, Any]) -> Decimal | None:
    """A paper's total as printed, else what its items add up to (None: nothing to add)."""
    total = _amount(doc.get("total"))
    if total is not None:
        return total
    amounts = [_amount(it.get("amount")) for it in doc.get("items") or []
               if isinstance(it, Mapping)]
    known = [a for a in amounts if a is not None]
    return sum(known, Decimal(0)) if known else None


def claim_total(docs: Sequence[Mapping[str, Any]]) -> str | None:
    """What a claim's papers add up to, as a money string: the one amount that the review,
    the slip, the upload queue and the refund sentence all show.

    The invoices' totals (an invoice whose total was not read: its items' sum). A claim
    without any invoice amount (an expense list on its own, a paper whose kind was not read
    but whose total an assistant typed in) counts its other papers, payment slips only when
    nothing else shows an amount (they repeat an invoice's or a list's sum). None when no
    paper shows an amount at all.
    """
    groups: tuple[Callable[[Mapping[str, Any]], bool], ...] = (
        lambda d: d.get("doc_type") in INVOICE_TYPES,
        lambda d: d.get("doc_type") not in INVOICE_TYPES | {"payment_slip"},
        lambda d: d.get("doc_type") == "payment_slip",
    )
    for belongs in groups:
        amounts = [a for a in (_doc_amount(d) for d in docs if belongs(d)) if a is not None]
        if amounts:
            return str(sum(amounts, Decimal(0)).quantize(Decimal("0.01")))
    return None
