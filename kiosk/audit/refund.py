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
from kiosk.audit.policy import LEVEL_NAMES
from kiosk.core.messages import text


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
    """One number of the estimate and the rule that produced it, in plain words."""

    rule: str
    text: str
    text_en: str
    amount: Decimal | None = None
    document: int | None = None
    items: tuple[int, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule, "text": self.text, "text_en": self.text_en,
                "amount": show(self.amount) if self.amount is not None else None,
                "document": self.document, "items": list(self.items)}


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
# estimate.self_paid.<reason> in kiosk.core.messages.
_REASONS = ("class_c", "not_in_catalog", "restricted", "over_standard")


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _invoice_sums(claim: ClaimView, inv: Invoice, steps: list[Step]) -> _InvoiceSums:
    policy = claim.policy
    on = inv.day or claim.today
    lines_total = sum((ln.amount for ln in inv.lines), ZERO)
    total = inv.total if inv.total is not None else lines_total
    where = str(inv.data.get("hospital") or f"第{inv.doc + 1}份单据")
    steps.append(Step("invoice_total",
                      f"{where}发票合计{show(total)}元" +
                      ("" if inv.total is not None else "（未识别到合计，按明细相加）") + "。",
                      f"Invoice total {show(total)}.", total, inv.doc))
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
        names = "、".join(ln.name for ln, _ in found)
        zh = text(f"estimate.self_paid.{reason}")
        en = text(f"estimate.self_paid.{reason}", "en")
        steps.append(Step(reason, f"{zh}：{names}，共{show(amount)}元。",
                          f"{en}: {len(found)} item(s), {show(amount)}.", amount, doc, items))
    if unclassified > 0:
        steps.append(Step("unclassified",
                          f"收费类别（如西药费、检查费）共{show(unclassified)}元没有明细，"
                          "暂按可报销估算，以县医保审核为准。",
                          f"Category lines without details, {show(unclassified)}, counted as "
                          "covered pending review.", unclassified, inv.doc))
    unexplained = total - lines_total
    if inv.lines and unexplained > 0:
        steps.append(Step("unitemised",
                          f"合计比明细多{show(unexplained)}元，这部分暂按可报销估算。",
                          f"The total exceeds the items by {show(unexplained)}; counted as "
                          "covered pending review.", unexplained, inv.doc))
    self_paid = min(self_paid, total)
    b_amount = sum((a for _, a in class_b), ZERO)
    share = policy.class_b_self_share
    b_self = fen(b_amount * share)
    if b_amount > 0:
        steps.append(Step("class_b_self_pay",
                          f"乙类项目{show(b_amount)}元先由个人自付{_pct(share)}："
                          f"{show(b_amount)} × {_pct(share)} = {show(b_self)}元。",
                          f"Class B items {show(b_amount)}: {_pct(share)} first self-pay = "
                          f"{show(b_self)}.", b_self, inv.doc,
                          tuple(ln.item for ln, _ in class_b)))
    eligible = max(ZERO, total - self_paid - b_self)
    steps.append(Step("eligible",
                      f"进入报销的金额：{show(total)} − {show(self_paid)}（自费） − "
                      f"{show(b_self)}（乙类自付） = {show(eligible)}元。",
                      f"Eligible: {show(total)} − {show(self_paid)} − {show(b_self)} = "
                      f"{show(eligible)}.", eligible, inv.doc))
    return _InvoiceSums(inv, total, self_paid, b_amount, b_self, eligible, parts)


def estimate(claim: ClaimView, used: UsedThisYear,
             excluded: dict[int, str] | None = None) -> Estimate:
    """The estimate for the claim's invoices; `excluded` maps an invoice's document index to
    the reason it is left out (an audit error: duplicate, out of time, in the province)."""
    excluded = excluded or {}
    policy = claim.policy
    scheme = policy.scheme(claim.insured.scheme)
    steps: list[Step] = []
    if policy.example:
        steps.append(Step("example_policy", "注意：使用的是示例县的参数，金额仅作演示。",
                          "Note: the example county's policy is in use; amounts are for "
                          "demonstration only."))
    for doc, why in sorted(excluded.items()):
        steps.append(Step("excluded", f"第{doc + 1}份单据不计入估算：{why}",
                          f"Document {doc + 1} is left out of the estimate: {why}",
                          None, doc))
    sums = [_invoice_sums(claim, inv, steps) for inv in claim.invoices
            if inv.doc not in excluded]

    left = max(ZERO, scheme.deductible - used.deductible_met)
    steps.append(Step("deductible",
                      f"{scheme.name}年度起付线{show(scheme.deductible)}元，本年已累计"
                      f"{show(used.deductible_met)}元，还需自付{show(left)}元。",
                      f"Deductible {show(scheme.deductible)} a year; {show(used.deductible_met)} "
                      f"met; {show(left)} left.", left))
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
        rate_text = _pct(scheme.rates[level])
        if reduction:
            rate_text = (f"{rate_text}，未办理异地就医备案降低{_pct(reduction)}，"
                         f"按{_pct(rate)}")
        steps.append(Step("fund_share",
                          f"扣除起付线{show(taken)}元后{show(base)}元，{LEVEL_NAMES[level]}医院"
                          f"（{why}）报销比例{rate_text}：{show(base)} × {_pct(rate)} = "
                          f"{show(fund)}元。",
                          f"After {show(taken)} deductible, {show(base)} × {_pct(rate)} "
                          f"({level} hospital{', unregistered' if reduction else ''}) = "
                          f"{show(fund)}.", fund, s.inv.doc))

    cap_left = max(ZERO, scheme.annual_cap - used.fund_paid)
    after_cap = min(fund_share, cap_left)
    steps.append(Step("annual_cap",
                      f"年度封顶线{show(scheme.annual_cap)}元，本年已支付{show(used.fund_paid)}元，"
                      f"还可支付{show(cap_left)}元；本次统筹应付{show(after_cap)}元。",
                      f"Annual cap {show(scheme.annual_cap)}, {show(used.fund_paid)} used, "
                      f"{show(cap_left)} left: the fund's share is {show(after_cap)}.",
                      after_cap))
    settled = ZERO
    for s in sums:
        paid = s.inv.money("fund_paid")
        if paid is not None and paid > 0:
            settled += paid
    refund = max(ZERO, after_cap - settled)
    if settled > 0:
        steps.append(Step("settled_at_hospital",
                          f"医院已由统筹基金支付{show(settled)}元，只能报销差额："
                          f"{show(after_cap)} − {show(settled)} = {show(refund)}元。",
                          f"The fund already paid {show(settled)} at the hospital: "
                          f"{show(after_cap)} − {show(settled)} = {show(refund)}.", refund))
    steps.append(Step("refund", f"预计可报销{show(refund)}元（以县医保审核为准）。",
                      f"Estimated refund {show(refund)} (subject to the county's review).",
                      refund))
    return Estimate(
        total=sum((s.total for s in sums), ZERO),
        self_paid=sum((s.self_paid for s in sums), ZERO),
        class_b_self_pay=sum((s.class_b_self for s in sums), ZERO),
        eligible=sum((s.eligible for s in sums), ZERO),
        deductible=deductible_taken, fund_share=fund_share, fund_after_cap=after_cap,
        settled_at_hospital=settled, refund=refund, policy_version=policy.version,
        example_policy=policy.example,
        self_paid_parts=tuple(p for s in sums for p in s.parts), steps=tuple(steps))
