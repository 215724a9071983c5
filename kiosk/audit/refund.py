"""The refund estimate: what the county's policy pays for the claim, step by step.

For each invoice, in the order scanned:

1. the invoice total (合计; the items' sum when no total was read);
2. minus what the fund never pays, in full: 丙类 items, items the catalog does not know,
   items the supervision rules restrict to another age or sex, and the part of a negotiated
   drug's price above its payment standard;
3. minus the 乙类 first self-pay share (乙类先行自付) of the 乙类 items;
4. = the eligible amount (进入统筹的金额).

Then for the claim: the year's deductible (起付线) not yet met is taken from the eligible
amounts, invoice by invoice; what remains is paid at the rate for the hospital's level and
the scheme, less the reduction for unregistered out-of-province care (未备案); the year's
fund payments so far count against the annual cap (封顶线); and what the fund already paid at
the hospital (统筹支付 on the invoice) is subtracted: only the remainder can be claimed.

Every product is rounded to the fen, half up. Category lines (西药费 …) and any part of a
total the items do not explain are counted as covered: the kiosk cannot see their classes,
and says so in the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kiosk.audit.claim import ClaimView, Invoice, Line, breached, excess_over_standard
from kiosk.audit.money import ZERO, fen, show
from kiosk.core.messages import SOURCE, Param, Text


@dataclass(frozen=True)
class UsedThisYear:
    """What the resident used of this year's cover before this claim.

    `deductible_met`: eligible expenses already counted toward the deductible (起付线累计).
    `fund_paid`: what the fund already paid this year (counts toward the annual cap).
    """

    deductible_met: Decimal = ZERO
    fund_paid: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("deductible_met", "fund_paid"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
            if value < 0:
                raise ValueError(f"{name} cannot be negative")


@dataclass(frozen=True)
class Step:
    """One number of the estimate and the rule that produced it; `words` says it in plain
    words (`estimate.step.<rule>` and its parameters, kiosk.core.messages)."""

    rule: str
    words: Text
    amount: Decimal | None = None
    document: int | None = None
    items: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """The words in the source language (Chinese: the county's console shows these)."""
        return self.words.render(SOURCE)

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule, "text": self.text, "words": self.words.as_json(),
                "amount": show(self.amount) if self.amount is not None else None,
                "document": self.document, "items": list(self.items)}


def _step(rule: str, amount: Decimal | None = None, document: int | None = None,
          items: tuple[int, ...] = (), /, case: str = "", **params: Param) -> Step:
    """A step whose words are `estimate.step.<case or rule>` with `params`."""
    return Step(rule, Text(f"estimate.step.{case or rule}", params), amount, document, items)


@dataclass(frozen=True)
class SelfPaid:
    """A part the resident pays herself, and why (`reason` is a step's rule code)."""

    reason: str
    amount: Decimal
    document: int
    items: tuple[int, ...]

    def as_json(self) -> dict[str, object]:
        return {"reason": self.reason, "amount": show(self.amount), "document": self.document,
                "items": list(self.items)}


@dataclass(frozen=True)
class Estimate:
    total: Decimal
    self_paid: Decimal  # paid in full by the resident (丙类, unknown, restricted, excess)
    class_b_self_pay: Decimal  # 乙类先行自付
    eligible: Decimal
    deductible: Decimal  # taken by the deductible in this claim
    fund_share: Decimal  # the fund's share before the cap
    fund_after_cap: Decimal
    settled_at_hospital: Decimal
    refund: Decimal
    policy_version: str
    example_policy: bool
    self_paid_parts: tuple[SelfPaid, ...] = ()
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, object]:
        return {
            "amount": show(self.refund),
            "policy_version": self.policy_version,
            "example_policy": self.example_policy,
            "total": show(self.total),
            "self_paid": show(self.self_paid),
            "class_b_self_pay": show(self.class_b_self_pay),
            "eligible": show(self.eligible),
            "deductible": show(self.deductible),
            "fund_share": show(self.fund_share),
            "fund_after_cap": show(self.fund_after_cap),
            "settled_at_hospital": show(self.settled_at_hospital),
            "refund": show(self.refund),
            "self_paid_parts": [p.as_json() for p in self.self_paid_parts],
            "steps": [s.as_json() for s in self.steps],
        }


@dataclass
class _InvoiceSums:
    inv: Invoice
    total: Decimal
    self_paid: Decimal
    class_b: Decimal
    class_b_self: Decimal
    eligible: Decimal
    parts: list[SelfPaid]


# Why part of an invoice is self-paid, in the estimate's order; the words are
# estimate.self_paid.<reason> in kiosk.core.messages, said by the step estimate.step.self_paid.
_REASONS = ("class_c", "not_in_catalog", "restricted", "over_standard")


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _invoice_sums(claim: ClaimView, inv: Invoice, steps: list[Step]) -> _InvoiceSums:
    policy = claim.policy
    on = inv.day or claim.today
    lines_total = sum((ln.amount for ln in inv.lines), ZERO)
    total = inv.total if inv.total is not None else lines_total
    where: Param = (str(inv.data.get("hospital") or "")
                    or Text("estimate.document", {"n": inv.doc + 1}))
    steps.append(_step("invoice_total", total, inv.doc,
                       case="invoice_total" if inv.total is not None else "invoice_total_summed",
                       where=where, total=show(total)))
    buckets: dict[str, list[tuple[Line, Decimal]]] = {k: [] for k in _REASONS}
    class_b: list[tuple[Line, Decimal]] = []
    unclassified = ZERO
    for ln in inv.lines:
        if ln.is_category:
            unclassified += ln.amount
            continue
        if breached(ln, claim.insured, on):
            buckets["restricted"].append((ln, ln.amount))
            continue
        cls = ln.insurance_class
        if cls == "丙":
            buckets["class_c"].append((ln, ln.amount))
            continue
        if not cls:
            buckets["not_in_catalog"].append((ln, ln.amount))
            continue
        excess, _ = excess_over_standard(ln)
        if excess > 0:
            buckets["over_standard"].append((ln, excess))
        if cls == "乙":
            class_b.append((ln, ln.amount - excess))
    parts: list[SelfPaid] = []
    self_paid = ZERO
    for reason, found in buckets.items():
        if not found:
            continue
        amount = sum((a for _, a in found), ZERO)
        self_paid += amount
        items = tuple(ln.item for ln, _ in found)
        doc = found[0][0].doc
        parts.append(SelfPaid(reason, amount, doc, items))
        steps.append(_step(reason, amount, doc, items, case="self_paid",
                           reason=Text(f"estimate.self_paid.{reason}"),
                           names=[ln.name for ln, _ in found], amount=show(amount)))
    if unclassified > 0:
        steps.append(_step("unclassified", unclassified, inv.doc, amount=show(unclassified)))
    unexplained = total - lines_total
    if inv.lines and unexplained > 0:
        steps.append(_step("unitemised", unexplained, inv.doc, amount=show(unexplained)))
    self_paid = min(self_paid, total)
    b_amount = sum((a for _, a in class_b), ZERO)
    share = policy.class_b_self_share
    b_self = fen(b_amount * share)
    if b_amount > 0:
        steps.append(_step("class_b_self_pay", b_self, inv.doc,
                           tuple(ln.item for ln, _ in class_b), amount=show(b_amount),
                           share=_pct(share), self_pay=show(b_self)))
    eligible = max(ZERO, total - self_paid - b_self)
    steps.append(_step("eligible", eligible, inv.doc, total=show(total),
                       self_paid=show(self_paid), class_b=show(b_self), eligible=show(eligible)))
    return _InvoiceSums(inv, total, self_paid, b_amount, b_self, eligible, parts)


def estimate(claim: ClaimView, used: UsedThisYear,
             excluded: dict[int, Param] | None = None) -> Estimate:
    """The estimate for the claim's invoices; `excluded` maps an invoice's document index to
    the reason it is left out (an audit error's words: duplicate, out of time, in the
    province)."""
    excluded = excluded or {}
    policy = claim.policy
    scheme = policy.scheme(claim.insured.scheme)
    steps: list[Step] = []
    if policy.example:
        steps.append(_step("example_policy"))
    for doc, why in sorted(excluded.items()):
        steps.append(_step("excluded", None, doc, n=doc + 1, why=why))
    sums = [_invoice_sums(claim, inv, steps) for inv in claim.invoices
            if inv.doc not in excluded]

    left = max(ZERO, scheme.deductible - used.deductible_met)
    steps.append(_step("deductible", left, scheme=scheme.name,
                       deductible=show(scheme.deductible), met=show(used.deductible_met),
                       left=show(left)))
    deductible_taken = ZERO
    fund_share = ZERO
    reduction = ZERO if claim.insured.registered else policy.unregistered_rate_reduction
    for s in sums:
        taken = min(s.eligible, left)
        left -= taken
        deductible_taken += taken
        base = s.eligible - taken
        level, why = policy.hospital_level(s.inv.data.get("hospital"))
        rate = max(ZERO, scheme.rates[level] - reduction)
        fund = fen(base * rate)
        fund_share += fund
        steps.append(_step("fund_share", fund, s.inv.doc,
                           case="fund_share_unregistered" if reduction else "fund_share",
                           taken=show(taken), base=show(base),
                           level_name=Text(f"estimate.level.{level}"), why=why,
                           full_rate=_pct(scheme.rates[level]), reduction=_pct(reduction),
                           rate=_pct(rate), fund=show(fund)))

    cap_left = max(ZERO, scheme.annual_cap - used.fund_paid)
    after_cap = min(fund_share, cap_left)
    steps.append(_step("annual_cap", after_cap, cap=show(scheme.annual_cap),
                       used=show(used.fund_paid), left=show(cap_left), fund=show(after_cap)))
    settled = ZERO
    for s in sums:
        paid = s.inv.money("fund_paid")
        if paid is not None and paid > 0:
            settled += paid
    refund = max(ZERO, after_cap - settled)
    if settled > 0:
        steps.append(_step("settled_at_hospital", refund, settled=show(settled),
                           fund=show(after_cap), refund=show(refund)))
    steps.append(_step("refund", refund, refund=show(refund)))
    return Estimate(
        total=sum((s.total for s in sums), ZERO),
        self_paid=sum((s.self_paid for s in sums), ZERO),
        class_b_self_pay=sum((s.class_b_self for s in sums), ZERO),
        eligible=sum((s.eligible for s in sums), ZERO),
        deductible=deductible_taken, fund_share=fund_share, fund_after_cap=after_cap,
        settled_at_hospital=settled, refund=refund, policy_version=policy.version,
        example_policy=policy.example,
        self_paid_parts=tuple(p for s in sums for p in s.parts), steps=tuple(steps))
