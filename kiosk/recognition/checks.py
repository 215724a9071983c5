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
from kiosk.recognition.text import (
    UPPER_CHARS,
    digits_in_front,
    fold,
    money_str,
    parse_upper_amount,
    to_upper_amount,
)

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


PAYMENTS = ("fund_paid", "other_paid", "account_paid", "cash_paid")


def upper_reads_as(text: str, value: Decimal) -> bool:
    """Whether a 大写 amount read with a few characters garbled can only be `value`.

    玖佰叁拾查元伍角删分 (壹 and 捌 misread as characters that are no 大写 digit) reads as
    931.58: every character that is a 大写 digit or unit is the one `value` prints in its
    place, at most a quarter of them are garbled, every 元/角/分 stands where it should and
    the run is whole (no 大写 character just before or after it).
    """
    s = fold(text)
    want = to_upper_amount(value)
    shapes = {want, want.removesuffix("整")} if want.endswith("整") else {want}
    for shape in shapes:
        n = len(shape)
        for i in range(len(s) - n + 1):
            window = s[i:i + n]
            if i > 0 and s[i - 1] in UPPER_CHARS:
                continue
            if i + n < len(s) and s[i + n] in UPPER_CHARS and s[i + n] not in "整正":
                continue
            garbled = 0
            for got, exp in zip(window, shape, strict=True):
                if got == exp:
                    continue
                if got in UPPER_CHARS or exp in "元角分整":
                    break
                garbled += 1
            else:
                if 0 < garbled <= n // 4:
                    return True
    return False


def reconcile(doc: dict[str, Any], conf: dict[str, float], items: Sequence[Item], *,
              upper_text: str | None = None, labelled: frozenset[str] = frozenset(),
              page_figures: Sequence[Decimal] = ()) -> Outcome:
    """Cross-check and, where the evidence pins a single reading, repair `doc` in place.

    `upper_text` is the line the 大写 amount was read from, as the engine read it (a garbled
    character there may still leave only one amount it can be); `labelled` names the fields
    whose label was found on the page, read or not (a payment whose label is printed and
    whose figure is lost is the balance of the others); `page_figures` are the amounts printed
    on the page (one of them may be a payment whose label was lost).
    """
    out = Outcome()
    total = Decimal(doc["total"]) if doc.get("total") else None
    upper = parse_upper_amount(doc.get("total_upper")) if doc.get("total_upper") else None
    items_sum = sum((it.amount for it in items), Decimal(0)) if items else None
    if total is not None:
        _balancing_figure(doc, conf, total, page_figures, out)
    pay_sum = _pay_sum(doc)

    # a 大写 amount matched with garbled characters vouches only for the ones it shows: on
    # its own it never makes a total sure
    guessed_upper = False
    figures = {c for c in (total, items_sum, pay_sum) if c is not None and c > 0}
    if upper_text and upper not in figures:
        fits = {c for c in figures if upper_reads_as(upper_text, c)}
        if len(fits) == 1:
            upper = fits.pop()
            guessed_upper = True
            out.add("total_upper_corrected", "warning",
                    f"大写 read as “{doc.get('total_upper') or ''}”; its readable characters "
                    f"spell {money_str(upper)} and nothing else")
            doc["total_upper"] = to_upper_amount(upper)
            conf["total_upper"] = 0.85

    if doc.get("total_upper") and upper is None:
        out.add("total_upper_unreadable", "warning",
                f"大写金额“{doc['total_upper']}”无法解析 (the upper-case amount does not parse)")
        conf["total_upper"] = min(conf.get("total_upper", 1.0), 0.5)

    printed = total is not None  # the 小写 figure as read, until something outvotes it
    others = {"大写": upper, "明细合计": items_sum, "支付合计": pay_sum}
    agree = [k for k, v in others.items() if v is not None and total is not None and v == total]

    if total is not None and not agree:
        # two independent sources that agree outvote the printed figure: a misread digit,
        # or a figure cut short under a stamp or a fold (36 for 365.06)
        votes = [v for v in others.values() if v is not None]
        for cand in votes:
            support = [k for k, v in others.items() if v == cand]
            if len(support) >= 2:
                how = ("one digit was misread" if _one_digit_apart(cand, total)
                       else "the figure was misread")
                out.add("total_corrected", "warning",
                        f"合计 read as {money_str(total)}; " + " and ".join(support)
                        + f" agree on {money_str(cand)}, so {how} and is corrected")
                doc["total"] = money_str(cand)
                total = cand
                conf["total"] = 0.85
                agree = support
                printed = False
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
        else:
            alone = [(k, v) for k, v in others.items() if v is not None]
            if len(alone) == 1:
                # one source only: offered for the person to check, never taken as sure
                k, cand = alone[0]
                doc["total"] = money_str(cand)
                total = cand
                conf["total"] = 0.6
                out.add("total_inferred", "warning",
                        f"合计 not readable; {k} gives {money_str(cand)}, please check")

    if total is not None and agree:
        pay_sum = _balance_payments(doc, conf, total, pay_sum, labelled, out)

    if total is not None:
        # sources that vouch for the total: the printed figure where it stood, and those
        # that agree with it, a guessed 大写 not among them
        sure = sum(1 for k in agree if not (k == "大写" and guessed_upper)) + int(printed)
        if agree and guessed_upper and sure < 2:
            conf["total"] = min(conf.get("total", 1.0), 0.75)
        elif agree:
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
            pay_sum = _repair_payment(doc, conf, total, pay_sum, out)
        if pay_sum is not None and pay_sum != total:
            out.add("payments_sum_mismatch", "error" if not agree else "warning",
                    f"fund + other + account + cash = {money_str(pay_sum)}, "
                    f"total is {money_str(total)}")
            # one of them is misread and the sum cannot say which: none is to be trusted
            for k in PAYMENTS:
                if k in conf:
                    conf[k] = min(conf[k], 0.6)
    if upper is not None and total is not None and upper == total:
        conf["total_upper"] = max(conf.get("total_upper", 0.0), 0.95)
    if total is not None:
        # no one part of the bill can be more than all of it (85528 read for 855.28 without
        # its point, where the other payments are missing and cannot be added up)
        for k in PAYMENTS:
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


def _pay_sum(doc: dict[str, Any]) -> Decimal | None:
    if doc.get("cash_paid") is None or doc.get("fund_paid") is None:
        return None
    return sum((Decimal(doc[k]) for k in PAYMENTS if doc.get(k) is not None), Decimal(0))


def _balance_payments(doc: dict[str, Any], conf: dict[str, float], total: Decimal,
                      pay_sum: Decimal | None, labelled: frozenset[str], out: Outcome
                      ) -> Decimal | None:
    """The one payment whose label is printed but whose figure is lost is what the total
    leaves after the others (a confirmed total, every other labelled payment read)."""
    lost = [k for k in PAYMENTS if k in labelled and doc.get(k) is None]
    if len(lost) != 1:
        return pay_sum
    known = sum((Decimal(doc[k]) for k in PAYMENTS if doc.get(k) is not None), Decimal(0))
    rest = total - known
    if rest < 0 or not any(doc.get(k) is not None for k in PAYMENTS):
        return pay_sum
    k = lost[0]
    _derived(doc, conf, k, rest, out, "payment_inferred",
             f"{k} not readable; the total {money_str(total)} less the other payments "
             f"leaves {money_str(rest)}, please check")
    return _pay_sum(doc)


def _derived(doc: dict[str, Any], conf: dict[str, float], k: str, value: Decimal,
             out: Outcome, code: str, message: str) -> None:
    """A payment worked out from the others, not read: the person sees it as unsure."""
    doc[k] = money_str(value)
    conf[k] = 0.75
    out.add(code, "warning", message)


def _balancing_figure(doc: dict[str, Any], conf: dict[str, float], total: Decimal,
                      figures: Sequence[Decimal], out: Outcome) -> None:
    """The fund's or the cash payment's figure whose label was lost (a seal over the red
    医保统筹基金支付, the label garbled past reading): a figure printed on the page that is
    exactly what the total leaves after the payments read.

    That a figure on the page equals that difference by chance, to the fen, is next to
    impossible, so the match vouches for the total and the payments read as well. Where the
    difference is the total itself (nothing else was paid) the total's own figure would
    match: no evidence, nothing taken. Derived, so flagged for the person.
    """
    missing = [k for k in ("fund_paid", "cash_paid") if doc.get(k) is None]
    known = [Decimal(doc[k]) for k in PAYMENTS if doc.get(k) is not None]
    if len(missing) != 1 or not known:
        return
    rest = total - sum(known, Decimal(0))
    if rest <= 0 or rest == total or rest not in figures:
        return
    k = missing[0]
    _derived(doc, conf, k, rest, out, "payment_from_figure",
             f"{k}: its label not readable; the figure {money_str(rest)} on the page is what "
             f"the total {money_str(total)} leaves after the other payments, please check")


def _lost_point(v: Decimal, balance: Decimal) -> bool:
    """85528 for 855.28: read without its decimal point."""
    return v >= 100 and v == v.to_integral_value() and v / 100 == balance


def _lost_decimals(v: Decimal, balance: Decimal) -> bool:
    """现金支付199 for 199.38: its 角分 lost in a fold or under a stamp, its yuan kept (0.00 is
    printed as such)."""
    return v > 0 and v == v.to_integral_value() and balance > v and int(balance) == v


def _lost_lead(v: Decimal, balance: Decimal) -> bool:
    """医保统筹支付18.53 for 118.53: the first digits printed over the label's last
    character (a dot-matrix pass out of register) and lost with it, the rest kept."""
    return v > 0 and digits_in_front(v, balance)


def _one_digit_off(v: Decimal, balance: Decimal) -> bool:
    """800.05 for 300.05: a dot-matrix 3 with a broken stroke (0.00 is rarely misread)."""
    return v != 0 and balance >= 0 and _one_digit_apart(v, balance)


# how a payment can be misread, what it says, how sure the repair leaves it: a lost point
# moves no digit; decimals or a digit taken from the balance are the balance's, not read,
# and a misread digit in another payment would move them
_PAYMENT_MISREADS = (
    (_lost_point, "without its decimal point", 0.85),
    (_lost_decimals, "without its decimals", 0.75),
    (_lost_lead, "without its first digits", 0.75),
    (_one_digit_off, "one digit off", 0.75),
)


def _repair_payment(doc: dict[str, Any], conf: dict[str, float], total: Decimal,
                    pay_sum: Decimal, out: Outcome) -> Decimal:
    """One payment misread in one of the ways above, when that alone, in one payment only,
    makes the payments add up to a total another source confirms."""
    for explains, how, sure in _PAYMENT_MISREADS:
        fixes = []
        for k in PAYMENTS:
            v = Decimal(doc[k]) if doc.get(k) is not None else None
            balance = None if v is None else total - (pay_sum - v)
            if v is not None and balance is not None and explains(v, balance):
                fixes.append((k, v, balance))
        if len(fixes) != 1:
            continue
        k, v, want = fixes[0]
        doc[k] = money_str(want)
        conf[k] = min(conf.get(k, 1.0), sure)
        out.add("payment_corrected", "warning",
                f"{k} read as {money_str(v)} {how}; {money_str(want)} makes the payments "
                f"add up to the total")
        return pay_sum - v + want
    return pay_sum


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
