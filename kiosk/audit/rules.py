"""The audit rules, one small class each, listed in `RULES`.

A county reviewer reads a rule from top to bottom: its code (what findings carry), severity
and `check`, which yields findings. Its title and explanation, in every language, are data:
`rule.<code>.title` and `rule.<code>.explanation` in resources/messages (kiosk.core.messages).
Severity:

- `error`: the claim will not be paid as it stands (a duplicate, out of time, care in the
  insured province, no invoice).
- `warning`: the reviewer has to look; the estimate may change.
- `info`: explains a number of the estimate (self-paid items, amounts settled already).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Literal

from kiosk.audit.claim import ClaimView, Invoice, Line, breached, excess_over_standard
from kiosk.audit.money import ZERO, parse_money, show
from kiosk.audit.regions import (
    hospital_province,
    province_name,
    province_of_code,
    province_of_name,
)
from kiosk.core.messages import catalogue, text
from kiosk.store.invoices import describe, invoice_key

Severity = Literal["error", "warning", "info"]

# The invoice fields the claim needs (their names: rule.missing_required.field.<key>) and the
# recognition's sum checks that count as inconsistent (rule.totals_inconsistent.check.<code>).
REQUIRED_FIELDS = ("invoice_number", "issue_date", "hospital", "total", "payer_name")
SUM_CHECKS = ("total_upper_mismatch", "items_sum_mismatch", "payments_sum_mismatch")


@dataclass(frozen=True)
class Finding:
    """One finding: `items` index the items of document `document` (None: the whole claim)."""

    code: str
    severity: Severity
    document: int | None
    items: tuple[int, ...]
    message: str
    message_en: str

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "severity": self.severity, "document": self.document,
                "items": list(self.items), "message": self.message,
                "message_en": self.message_en}


class Rule:
    code: ClassVar[str]
    severity: ClassVar[Severity]

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, document: int | None, items: list[int] | tuple[int, ...], message: str,
                message_en: str) -> Finding:
        return Finding(self.code, self.severity, document, tuple(items), message, message_en)

    @classmethod
    def title(cls, language: str = "zh_CN") -> str:
        return text(f"rule.{cls.code}.title", language)

    @classmethod
    def explanation(cls, language: str = "zh_CN") -> str:
        return text(f"rule.{cls.code}.explanation", language)

    @classmethod
    def describe(cls) -> dict[str, str]:
        """Code, severity, title and explanation in Chinese and English (the reviewer's
        screen and the claim's JSON keep these keys); the words are in resources/messages."""
        return {"code": cls.code, "severity": cls.severity, "title": cls.title(),
                "title_en": cls.title("en"), "explanation": cls.explanation(),
                "explanation_en": cls.explanation("en")}


def _hospital(inv: Invoice) -> str:
    return str(inv.data.get("hospital") or "医院未识别")


class NoInvoice(Rule):
    code = "no_invoice"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        if not claim.invoices:
            # "not scanned" would blame the resident when a scanned invoice was not recognised
            yield self.finding(None, [], "机器没有认出这次扫的哪一张是医院的收费票据（发票）。"
                               "请补扫发票，或者请协理员核对票据类型。",
                               "No page was recognised as a hospital invoice: scan the "
                               "invoice, or the assistant checks the document type.")


class MissingRequired(Rule):
    code = "missing_required"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            missing = [k for k in REQUIRED_FIELDS if not inv.data.get(k)
                       and not (k == "issue_date" and inv.data.get("visit_date"))]
            if missing:
                zh = "、".join(text(f"rule.missing_required.field.{k}") for k in missing)
                en = ", ".join(text(f"rule.missing_required.field.{k}", "en") for k in missing)
                # what the machine did not read, not what the paper lacks: most are printed
                yield self.finding(inv.doc, [],
                                   f"机器没有从{_hospital(inv)}的发票上读出：{zh}。"
                                   "请协理员对照纸质发票补录。",
                                   f"Not read from the invoice: {en}; the assistant types "
                                   "them in from the paper.")


class PayerNotResident(Rule):
    code = "payer_not_resident"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        name = re.sub(r"\s+", "", claim.insured.resident.name)
        id_number = claim.insured.resident.id_number
        for inv in claim.invoices:
            payer = re.sub(r"\s+", "", str(inv.data.get("payer_name") or ""))
            payer_id = str(inv.data.get("payer_id_number") or "").upper()
            if payer and name and payer != name:
                yield self.finding(inv.doc, [], f"发票交款人“{payer}”与参保人“{name}”不一致。",
                                   f"The payer {payer!r} is not the resident {name!r}.")
            elif payer_id and len(payer_id) == 18 and payer_id != id_number:
                yield self.finding(inv.doc, [], "发票上的身份证号与参保人不一致。",
                                   "The ID number on the invoice is not the resident's.")


class DuplicateInvoice(Rule):
    code = "duplicate_invoice"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        for inv in claim.invoices:
            key = invoice_key(inv.data)
            if key is None:
                continue
            if key in seen:
                yield self.finding(inv.doc, [],
                                   f"这次申请里{describe(key, 'zh')}出现了两次（第{seen[key] + 1}份"
                                   f"和第{inv.doc + 1}份），只算一次。",
                                   f"{describe(key)} appears twice in this claim "
                                   f"(documents {seen[key] + 1} and {inv.doc + 1}).")
                continue
            seen[key] = inv.doc
            if claim.is_known_invoice(key):
                yield self.finding(inv.doc, [], f"{describe(key, 'zh')}已经在本机的另一次申请中受理过。",
                                   f"{describe(key)} is already in another claim on this "
                                   "kiosk.")


class DuplicateInvoiceCounty(Rule):
    code = "duplicate_invoice_county"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            key = invoice_key(inv.data)
            if key is not None and key in claim.county_duplicates:
                yield self.finding(inv.doc, [], f"县医保记录显示{describe(key, 'zh')}已经报销或正在办理。",
                                   f"The county reports {describe(key)} as already claimed.")


class OutsideClaimWindow(Rule):
    code = "outside_claim_window"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        window = claim.policy.claim_window_days
        oldest = claim.today - timedelta(days=window)
        for inv in claim.invoices:
            day = inv.day
            if day is None:
                continue
            if day < oldest:
                yield self.finding(inv.doc, [],
                                   f"发票日期{day.isoformat()}已超过{window}天的报销时限"
                                   f"（最早可报{oldest.isoformat()}）。",
                                   f"Invoice date {day.isoformat()} is more than {window} days "
                                   f"ago (earliest allowed {oldest.isoformat()}).")
            elif day > claim.today:
                yield self.finding(inv.doc, [], f"发票日期{day.isoformat()}在今天之后，请核对。",
                                   f"Invoice date {day.isoformat()} is in the future.")


def insured_province(claim: ClaimView) -> tuple[str | None, str]:
    """(province code, how it was found) of the insured place."""
    if claim.insured.province_code:
        return claim.insured.province_code[:2], "insured"
    code = province_of_name(claim.insured.resident.insurance_place)
    if code:
        return code, "insurance_place"
    return province_of_code(claim.policy.region_code), "policy"


class HospitalInInsuredProvince(Rule):
    code = "hospital_in_insured_province"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        home, _ = insured_province(claim)
        for inv in claim.invoices:
            where, how = hospital_province(inv.data.get("invoice_code"),
                                           inv.data.get("hospital"))
            if home and where == home:
                basis = "票据代码" if how == "invoice_code" else "医院名称"
                yield self.finding(inv.doc, [],
                                   f"{_hospital(inv)}在参保地{province_name(home)}（据{basis}），"
                                   "不属于省外就医。",
                                   f"{_hospital(inv)} is in the insured province "
                                   f"({province_name(home)}, by the {how}).")


class HospitalPlaceUnknown(Rule):
    code = "hospital_place_unknown"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            where, _ = hospital_province(inv.data.get("invoice_code"), inv.data.get("hospital"))
            if where is None:
                yield self.finding(inv.doc, [], f"无法判断{_hospital(inv)}所在省份。",
                                   f"The province of {_hospital(inv)} is unknown.")


class TotalsInconsistent(Rule):
    code = "totals_inconsistent"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            codes = [c.get("code") for c in inv.data.get("checks") or []
                     if isinstance(c, dict)]
            found = [c for c in SUM_CHECKS if c in codes]
            if found:
                yield self.finding(inv.doc, [],
                                   f"{_hospital(inv)}的发票：" +
                                   "；".join(text(f"rule.{self.code}.check.{c}") for c in found)
                                   + "。",
                                   "; ".join(text(f"rule.{self.code}.check.{c}", "en")
                                             for c in found) + ".")


class SelfPaidItems(Rule):
    code = "items_self_paid"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            items = [ln for ln in lines if ln.insurance_class == "丙"]
            if items:
                total = sum((ln.amount for ln in items), ZERO)
                yield self.finding(doc, [ln.item for ln in items],
                                   f"{'、'.join(ln.name for ln in items)}属丙类或目录外，"
                                   f"共{show(total)}元自费。",
                                   f"{len(items)} class C item(s), {show(total)} yuan, "
                                   "self-paid.")


class NotInCatalog(Rule):
    code = "items_not_in_catalog"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            items = [ln for ln in lines if ln.match.kind == "none" and not ln.insurance_class]
            if items:
                yield self.finding(doc, [ln.item for ln in items],
                                   f"目录中找不到：{'、'.join(ln.name for ln in items)}。",
                                   f"{len(items)} item(s) not found in the catalog.")


class FuzzyMatches(Rule):
    code = "items_matched_loosely"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            items = [ln for ln in lines if ln.match.kind == "fuzzy" and ln.entry is not None]
            if items:
                pairs = "；".join(f"{ln.name}→{ln.entry.display}" for ln in items
                                 if ln.entry is not None)
                yield self.finding(doc, [ln.item for ln in items], f"近似对照：{pairs}。",
                                   f"{len(items)} item(s) matched by similarity.")


class MatchNotExact(Rule):
    code = "items_match_not_exact"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            for ln in lines:
                m = ln.match
                if m.kind not in ("fuzzy", "none") or not (m.reasons or m.candidates):
                    continue
                why = [_why(r) for r in m.reasons]
                names = "、".join(f"{c.display}（{c.insurance_class}）" for c in m.candidates)
                got = f"对照为{m.entry.display}；" if m.entry is not None else ""
                zh = f"{ln.name}：{'；'.join(w[0] for w in why)}。{got}" + (
                    f"候选：{names}。" if names else "")
                en = f"{ln.name}: {'; '.join(w[1] for w in why)}." + (
                    f" {len(m.candidates)} candidate(s)." if m.candidates else "")
                yield self.finding(doc, [ln.item], zh, en)


class PriceAboveStandard(Rule):
    code = "price_above_standard"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            for ln in lines:
                excess, standard = excess_over_standard(ln)
                if excess > 0 and standard is not None:
                    yield self.finding(
                        doc, [ln.item],
                        f"{ln.name}单价{show(ln.unit_price or ZERO)}元，高于支付标准"
                        f"{show(standard.price)}元/{standard.per}，超出{show(excess)}元自付。",
                        f"{ln.name}: unit price above the standard "
                        f"{show(standard.price)} per {standard.per}; {show(excess)} self-paid.")


class AgeRestricted(Rule):
    code = "age_restricted"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        yield from _restricted(self, claim, "age")


class SexRestricted(Rule):
    code = "sex_restricted"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        yield from _restricted(self, claim, "sex")


class SettledAtHospital(Rule):
    code = "settled_at_hospital"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            paid = parse_money(inv.data.get("fund_paid"))
            if paid is not None and paid > 0:
                yield self.finding(inv.doc, [], f"{_hospital(inv)}已由医保统筹支付{show(paid)}元，"
                                   "这部分不能再报。",
                                   f"The fund already paid {show(paid)} at the hospital.")


class NotReimbursable(Rule):
    code = "document_not_invoice"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for d, doc in enumerate(claim.documents):
            kind = doc.get("doc_type")
            if kind == "payment_slip":
                yield self.finding(d, [], "这是缴费凭条，不是发票，不能据此报销。",
                                   "A payment slip, not an invoice.")
            elif kind not in ("outpatient_invoice", "inpatient_invoice", "expense_list"):
                yield self.finding(d, [], "无法识别这份单据的类型。", "Unrecognised document.")


def _why(reason: str) -> tuple[str, str]:
    """(Chinese, English) of a catalog reason code; the bare code for one not in the catalogue."""
    code = f"rule.items_match_not_exact.why.{reason}"
    if code not in catalogue().codes():
        return reason, reason
    return text(code), text(code, "en")


def _by_doc(claim: ClaimView) -> Iterator[tuple[int, list[Line]]]:
    """Lines that count for the claim (an invoice's own or its expense list's), by document."""
    groups: dict[int, list[Line]] = {}
    for inv in claim.invoices:
        for ln in inv.lines:
            groups.setdefault(ln.doc, []).append(ln)
    yield from sorted(groups.items(), key=lambda kv: kv[0])


def _restricted(rule: Rule, claim: ClaimView, kind: str) -> Iterator[Finding]:
    days = {inv.doc: inv.day for inv in claim.invoices}
    for inv in claim.invoices:
        on = days.get(inv.doc) or claim.today
        for ln in inv.lines:
            for r in breached(ln, claim.insured, on):
                if r.rule != kind:
                    continue
                if kind == "sex":
                    who = "男性" if r.sex == "M" else "女性"
                    zh = f"{ln.name}限{who}使用，参保人性别不符，医保不予支付。"
                    en = f"{ln.name} is for {'men' if r.sex == 'M' else 'women'} only."
                else:
                    zh = f"{ln.name}限{r.target}使用，参保人年龄不符，医保不予支付。"
                    en = f"{ln.name} is restricted to {r.target} (age)."
                yield rule.finding(ln.doc, [ln.item], zh, en)
                break


RULES: tuple[Rule, ...] = (
    NoInvoice(),
    MissingRequired(),
    PayerNotResident(),
    DuplicateInvoice(),
    DuplicateInvoiceCounty(),
    OutsideClaimWindow(),
    HospitalInInsuredProvince(),
    HospitalPlaceUnknown(),
    TotalsInconsistent(),
    SelfPaidItems(),
    NotInCatalog(),
    FuzzyMatches(),
    MatchNotExact(),
    PriceAboveStandard(),
    AgeRestricted(),
    SexRestricted(),
    SettledAtHospital(),
    NotReimbursable(),
)


def rule_book() -> list[dict[str, str]]:
    """Every rule's code, severity, titles and explanations, for the reviewer's screen."""
    return [type(rule).describe() for rule in RULES]


def run_rules(claim: ClaimView, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    out: list[Finding] = []
    for rule in rules:
        out.extend(rule.check(claim))
    return out

