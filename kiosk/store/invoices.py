"""What makes two receipts the same invoice, for duplicate protection.

An invoice is identified by its code and number; receipts without a code (some hospitals'
own paper) by hospital, number, date and total together. Expense lists and payment slips
accompany an invoice and repeat its number, so only invoices carry a key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

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


def describe(key: str, language: str = "en") -> str:
    """A key as a person would name the invoice, in English or (`zh`) Chinese."""
    parts = key.split("\x1f")
    if language == "zh":
        if parts[0] == "code":
            return f"发票（代码{parts[1]}，号码{parts[2]}）"
        return f"{parts[1]}{parts[3]}的收据（号码{parts[2]}，金额{parts[4]}元）"
    if parts[0] == "code":
        return f"invoice {parts[1]} No. {parts[2]}"
    return f"invoice No. {parts[2]} of {parts[1]} dated {parts[3]} (total {parts[4]})"


def claim_total(docs: Sequence[Mapping[str, Any]]) -> str | None:
    """Sum of the invoices' totals as a money string; None when no invoice shows one."""
    total = Decimal(0)
    seen = False
    for doc in docs:
        if doc.get("doc_type") not in INVOICE_TYPES or doc.get("total") is None:
            continue
        try:
            total += Decimal(str(doc["total"]))
        except InvalidOperation:
            continue
        seen = True
    return str(total.quantize(Decimal("0.01"))) if seen else None
