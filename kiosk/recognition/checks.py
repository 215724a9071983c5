"""Arithmetic cross-checks that turn a misread digit into a flagged (or repaired) field.

The sources for the total are independent: the printed figure (小写), the upper-case amount
(大写), the sum of the items and the sum of the payments. Where two of them agree against a
third, the odd one is the misread; where nothing corroborates the total, it is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kiosk.recognition.table import Item
from kiosk.recognition.text import money_str, parse_upper_amount

CONFIDENT = 0.8  # below this a field counts as flagged for the reviewer

REQUIRED = {
    "outpatient_invoice": ("invoice_number", "issue_date", "payer_name", "hospital", "total"),
    "inpatient_invoice": ("invoice_number", "issue_date", "payer_name", "hospital", "total"),
    "expense_list": ("payer_name", "hospital", "total"),
    "payment_slip": ("hospital", "total"),
}


@dataclass
class Outcome:
    checks: list[dict[str, str]] = field(default_factory=list)

    def add(self, code: str, severity: str, message: str) -> None:
        self.checks.append({"code": code, "severity": severity, "message": message})


def _one_digit_apart(a: Decimal, b: Decimal) -> bool:
    sa, sb = money_str(a) or "", money_str(b) or ""
    if len(sa) != len(sb):
        return False
    return sum(x != y for x, y in zip(sa, sb, strict=False)) == 1


def reconcile(doc: dict[str, Any], conf: dict[str, float], items: Sequence[Item]) -> Outcome:
    """Cross-check and, where the evidence pins a single reading, repair `doc` in place."""
    out = Outcome()
    total = Decimal(doc["total"]) if doc.get("total") else None
    upper = parse_upper_amount(doc.get("total_upper")) if doc.get("total_upper") else None
    items_sum = sum((it.amount for it in items), Decimal(0)) if items else None
    pays = [doc.get(k) for k in ("fund_paid", "other_paid", "account_paid", "cash_paid")]
    pay_sum = None
    if doc.get("cash_paid") is not None and doc.get("fund_paid") is not None:
        pay_sum = sum((Decimal(p) for p in pays if p is not None), Decimal(0))

    if doc.get("total_upper") and upper is None:
        out.add("total_upper_unreadable", "warning",
                f"大写金额“{doc['total_upper']}”无法解析 (the upper-case amount does not parse)")
        conf["total_upper"] = min(conf.get("total_upper", 1.0), 0.5)

    others = {"大写": upper, "明细合计": items_sum, "支付合计": pay_sum}
    agree = [k for k, v in others.items() if v is not None and total is not None and v == total]

    if total is not None and not agree:
        # can two independent sources outvote the printed figure by one misread digit?
        votes = [v for v in others.values() if v is not None]
        for cand in votes:
            support = sum(1 for v in votes if v == cand)
            if support >= 2 and _one_digit_apart(cand, total):
                out.add("total_corrected", "warning",
                        f"合计 read as {money_str(total)}; 大写, items and payments agree on "
                        f"{money_str(cand)}, so one digit was misread and is corrected")
                doc["total"] = money_str(cand)
                total = cand
                conf["total"] = 0.85
                agree = [k for k, v in others.items() if v == total]
                break
    elif total is None:
        votes = [v for v in others.values() if v is not None]
        for cand in votes:
            if sum(1 for v in votes if v == cand) >= 2:
                doc["total"] = money_str(cand)
                total = cand
                conf["total"] = 0.85
                agree = [k for k, v in others.items() if v == total]
                out.add("total_recovered", "warning",
                        f"合计 not readable; taken as {money_str(cand)} where "
                        + " and ".join(agree) + " agree")
                break

    if total is not None:
        if agree:
            conf["total"] = max(conf.get("total", 0.0), 0.95)
        else:
            conf["total"] = min(conf.get("total", 1.0), 0.6)
        if upper is not None and upper != total:
            out.add("total_upper_mismatch", "error",
                    f"大写 {money_str(upper)} ≠ 小写 {money_str(total)}")
        if items_sum is not None and items_sum != total:
            _repair_item(items, total, items_sum, out)
            items_sum = sum((it.amount for it in items), Decimal(0))
            if items_sum != total:
                out.add("items_sum_mismatch", "error" if not agree else "warning",
                        f"items add up to {money_str(items_sum)}, total is {money_str(total)}")
        if pay_sum is not None and pay_sum != total and agree:
            pay_sum = _repair_lost_point(doc, conf, total, pay_sum, out)
        if pay_sum is not None and pay_sum != total:
            out.add("payments_sum_mismatch", "error" if not agree else "warning",
                    f"fund + other + account + cash = {money_str(pay_sum)}, "
                    f"total is {money_str(total)}")
            # one of them is misread and the sum cannot say which: none is to be trusted
            for k in ("fund_paid", "other_paid", "account_paid", "cash_paid"):
                if k in conf:
                    conf[k] = min(conf[k], 0.6)
    if upper is not None and total is not None and upper == total:
        conf["total_upper"] = max(conf.get("total_upper", 0.0), 0.95)
    if total is not None:
        # no one part of the bill can be more than all of it (85528 read for 855.28 without
        # its point, where the other payments are missing and cannot be added up)
        for k in ("fund_paid", "other_paid", "account_paid", "cash_paid"):
            if doc.get(k) is not None and Decimal(doc[k]) > total:
                out.add("payment_over_total", "error",
                        f"{k} {doc[k]} is more than the total {money_str(total)}")
                conf[k] = min(conf.get(k, 1.0), 0.5)

    needed = REQUIRED.get(doc.get("doc_type") or "", ())
    missing = [k for k in needed if doc.get(k) is None]
    if missing:
        out.add("missing_required", "warning", "not readable or not printed: " + ", ".join(missing))
    unsure = sorted(k for k, v in conf.items() if v < CONFIDENT and doc.get(k) is not None)
    if unsure:
        out.add("low_confidence", "warning", "please check: " + ", ".join(unsure))
    return out


def _repair_lost_point(doc: dict[str, Any], conf: dict[str, float], total: Decimal,
                       pay_sum: Decimal, out: Outcome) -> Decimal:
    """A payment read without its decimal point (85528 for 855.28), when that alone makes
    the payments add up to a total that another source confirms."""
    fixes = []
    for k in ("fund_paid", "other_paid", "account_paid", "cash_paid"):
        v = Decimal(doc[k]) if doc.get(k) is not None else None
        if v is None or v < 100 or v != v.to_integral_value():
            continue
        want = v / 100
        if pay_sum - v + want == total:
            fixes.append((k, v, want))
    if len(fixes) != 1:
        return pay_sum
    k, v, want = fixes[0]
    doc[k] = money_str(want)
    conf[k] = min(conf.get(k, 1.0), 0.85)
    out.add("payment_corrected", "warning",
            f"{k} read as {money_str(v)} without its decimal point; {money_str(want)} makes "
            f"the payments add up to the total")
    return pay_sum - v + want


def _repair_item(items: Sequence[Item], total: Decimal, items_sum: Decimal, out: Outcome) -> None:
    """Fix one item amount when quantity × unit price or a single digit explains the gap."""
    gap = total - items_sum
    fixes = []
    for it in items:
        want = it.amount + gap
        if want <= 0:
            continue
        by_price = None
        if it.unit_price is not None and it.quantity is not None:
            by_price = (it.unit_price * Decimal(it.quantity)).quantize(Decimal("0.01"))
        if by_price == want or (_one_digit_apart(it.amount, want) and by_price in (None, want)):
            fixes.append((it, want))
    if len(fixes) == 1:
        it, want = fixes[0]
        out.add("item_amount_corrected", "warning",
                f"{it.name}: amount read as {money_str(it.amount)}, corrected to "
                f"{money_str(want)} so the items match the total")
        it.amount = want
