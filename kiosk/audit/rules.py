"""The audit rules, one small class each, listed in `RULES`.

A county reviewer reads a rule from top to bottom: its code (what findings carry), severity,
title and explanation in Chinese and English, then `check`, which yields findings. Severity:

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
from kiosk.store.invoices import describe, invoice_key

Severity = Literal["error", "warning", "info"]


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
    title: ClassVar[str]
    title_en: ClassVar[str]
    explanation: ClassVar[str]
    explanation_en: ClassVar[str]

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, document: int | None, items: list[int] | tuple[int, ...], message: str,
                message_en: str) -> Finding:
        return Finding(self.code, self.severity, document, tuple(items), message, message_en)

    @classmethod
    def describe(cls) -> dict[str, str]:
        return {"code": cls.code, "severity": cls.severity, "title": cls.title,
                "title_en": cls.title_en, "explanation": cls.explanation,
                "explanation_en": cls.explanation_en}


def _hospital(inv: Invoice) -> str:
    return str(inv.data.get("hospital") or "医院未识别")


class NoInvoice(Rule):
    code = "no_invoice"
    severity = "error"
    title = "没有可报销的发票"
    title_en = "No reimbursable invoice"
    explanation = ("报销凭的是医院开具的收费票据。费用清单、缴费凭条只能作为附件，"
                   "单独不能报销。")
    explanation_en = ("Reimbursement needs the hospital's invoice. Expense lists and payment "
                      "slips only support an invoice; on their own they cannot be claimed.")

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
    title = "发票上的必要信息没有读出"
    title_en = "Required fields not read from the invoice"
    explanation = ("票据号码、开票日期、医院名称、合计金额和交款人是审核必需的。"
                   "没有识别出来的，需要协理员对照纸质发票补录。")
    explanation_en = ("The invoice number, date, hospital, total and payer are needed for "
                      "review. Fields not read must be typed in from the paper invoice.")
    FIELDS: ClassVar[dict[str, tuple[str, str]]] = {
        "invoice_number": ("票据号码", "invoice number"),
        "issue_date": ("开票日期", "issue date"),
        "hospital": ("医院名称", "hospital"),
        "total": ("合计金额", "total"),
        "payer_name": ("交款人", "payer"),
    }

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            missing = [k for k in self.FIELDS if not inv.data.get(k)
                       and not (k == "issue_date" and inv.data.get("visit_date"))]
            if missing:
                zh = "、".join(self.FIELDS[k][0] for k in missing)
                en = ", ".join(self.FIELDS[k][1] for k in missing)
                # what the machine did not read, not what the paper lacks: most are printed
                yield self.finding(inv.doc, [],
                                   f"机器没有从{_hospital(inv)}的发票上读出：{zh}。"
                                   "请协理员对照纸质发票补录。",
                                   f"Not read from the invoice: {en}; the assistant types "
                                   "them in from the paper.")


class PayerNotResident(Rule):
    code = "payer_not_resident"
    severity = "warning"
    title = "交款人不是本人"
    title_en = "Payer is not the resident"
    explanation = ("发票上的交款人（患者）应当是申请报销的参保人本人。"
                   "名字不一致时，审核人员会核实是否为识别错误或他人发票。")
    explanation_en = ("The payer (patient) on the invoice should be the insured resident. "
                      "When the names differ the reviewer checks for a misreading or "
                      "someone else's invoice.")

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
    title = "重复报销（本机）"
    title_en = "Duplicate invoice (this kiosk)"
    explanation = ("同一张发票只能报销一次。本机已经受理过这张发票，"
                   "或者这次申请里同一张发票扫了两次。")
    explanation_en = ("An invoice can be claimed once. This kiosk already took this invoice "
                      "in another claim, or it was scanned twice in this one.")

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
    title = "重复报销（县医保已受理）"
    title_en = "Duplicate invoice (county records)"
    explanation = ("县医保系统里已经有这张发票的报销记录（例如在别的乡镇或窗口办过）。"
                   "上传后由县服务器告知。")
    explanation_en = ("The county already has a claim with this invoice (made at another "
                      "kiosk or counter). Reported by the county server after upload.")

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            key = invoice_key(inv.data)
            if key is not None and key in claim.county_duplicates:
                yield self.finding(inv.doc, [], f"县医保记录显示{describe(key, 'zh')}已经报销或正在办理。",
                                   f"The county reports {describe(key)} as already claimed.")


class OutsideClaimWindow(Rule):
    code = "outside_claim_window"
    severity = "error"
    title = "超过报销时限"
    title_en = "Invoice outside the claim window"
    explanation = ("发票日期距今超过县里规定的报销时限（例如一年）的，不予报销；"
                   "日期在今天之后的，多半是识别错误，请核对。")
    explanation_en = ("Invoices older than the county's claim window (e.g. one year) are not "
                      "paid; a date after today is most likely misread and must be checked.")

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
    title = "就诊医院在参保省内"
    title_en = "Hospital in the insured province"
    explanation = ("本窗口办理的是省外异地就医的手工报销。在参保省内看病的费用，"
                   "应在医院直接结算或按省内规定办理。")
    explanation_en = ("This kiosk handles claims for care outside the insured province. "
                      "Care inside the province is settled at the hospital or under the "
                      "province's own rules.")

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
    title = "无法判断医院所在省份"
    title_en = "Hospital's province unknown"
    explanation = "票据代码和医院名称都看不出医院在哪个省，审核人员会核实是否属于省外就医。"
    explanation_en = ("Neither the invoice code nor the hospital's name tells its province; "
                      "the reviewer confirms the care was out of province.")

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            where, _ = hospital_province(inv.data.get("invoice_code"), inv.data.get("hospital"))
            if where is None:
                yield self.finding(inv.doc, [], f"无法判断{_hospital(inv)}所在省份。",
                                   f"The province of {_hospital(inv)} is unknown.")


class TotalsInconsistent(Rule):
    code = "totals_inconsistent"
    severity = "warning"
    title = "金额对不上"
    title_en = "Totals and payments inconsistent"
    explanation = ("发票大写与小写金额、明细之和与合计、各项支付之和与合计应当一致。"
                   "不一致多半是识别错误，请对照纸质发票核对金额。")
    explanation_en = ("The amount in words and in figures, the items and the total, and the "
                      "payments and the total must agree. A mismatch is usually a misreading: "
                      "check the amounts against the paper.")
    CHECKS: ClassVar[dict[str, tuple[str, str]]] = {
        "total_upper_mismatch": ("大写金额与小写合计不一致", "amount in words ≠ total"),
        "items_sum_mismatch": ("明细金额之和与合计不一致", "items do not add up to the total"),
        "payments_sum_mismatch": ("各项支付之和与合计不一致", "payments do not add up to the total"),
    }

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            codes = [c.get("code") for c in inv.data.get("checks") or []
                     if isinstance(c, dict)]
            found = [c for c in self.CHECKS if c in codes]
            if found:
                yield self.finding(inv.doc, [],
                                   f"{_hospital(inv)}的发票：" +
                                   "；".join(self.CHECKS[c][0] for c in found) + "。",
                                   "; ".join(self.CHECKS[c][1] for c in found) + ".")


class SelfPaidItems(Rule):
    code = "items_self_paid"
    severity = "info"
    title = "丙类（目录外）项目自费"
    title_en = "Class C (outside the catalog) items are self-paid"
    explanation = ("医保目录里的丙类项目，以及保健品等目录外的东西，医保不报销，"
                   "由个人全额负担。")
    explanation_en = ("Class C items and things outside the insurance catalog (health "
                      "supplements and the like) are not covered; the resident pays them.")

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
    title = "目录中找不到的项目"
    title_en = "Items not found in the catalog"
    explanation = ("这些项目名称在医保目录中找不到（可能是识别错误，也可能确实是目录外）。"
                   "估算时先按自费计算；协理员可用拼音首字母查找并改正。")
    explanation_en = ("These names match nothing in the catalog (a misreading, or really "
                      "outside it). The estimate counts them as self-paid; the assistant can "
                      "correct them with the pinyin search.")

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
    title = "近似匹配的项目"
    title_en = "Items matched by similarity"
    explanation = ("这些项目名称与目录不完全一致，是按相似度对上的，请协理员确认对照是否正确。")
    explanation_en = ("These names differ from the catalog and were matched by similarity; "
                      "the assistant should confirm the match.")

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
    title = "与目录不完全一致的项目"
    title_en = "Items that do not agree with the catalog exactly"
    explanation = ("印的名称、盐基或剂型与目录条目不完全一致（例如目录里没有印的剂型），"
                   "或者印的是中药饮片、目录中没有的项目，或者相近的名称是另一种药而没有采用。"
                   "协理员对照候选确认或改正。")
    explanation_en = ("The printed name, salt or dosage form does not agree with the catalog "
                      "entry (the printed form is not listed, say), or the line is a decoction "
                      "piece or item the catalog lacks, or the close names are other drugs and "
                      "were not taken. The assistant confirms or corrects it from the "
                      "candidates.")
    # Why, per reason code of `kiosk.catalog.REASONS`: (zh, en).
    WHY: ClassVar[dict[str, tuple[str, str]]] = {
        "form_differs": ("目录里有此药，但没有印的剂型", "listed, but not in the printed form"),
        "form_not_printed": ("没有印剂型，目录里此药有几种剂型", "no form printed; listed in several"),
        "salt_differs": ("印的盐基（酯）与目录不同", "the printed salt or ester differs"),
        "similar_name": ("按相似名称对照", "matched by a similar name"),
        "brand_only": ("只印了商品名，按商品名对照通用名", "only a brand is printed"),
        "ambiguous": ("有两种不同的药同样相近，未采用", "two different drugs are as close: refused"),
        "ingredient_differs": ("相近的目录名称是另一种成分，未采用",
                               "the close listed name is another compound: refused"),
        "name_and_form_differ": ("相近名称的目录条目也没有印的剂型，未采用",
                                 "the close name is not listed in the printed form: refused"),
        "herb_not_in_drug_catalog": ("中药饮片，不在药品目录中", "a decoction piece, not in the drug catalog"),
        "service_not_listed": ("目录中没有此诊疗项目或耗材", "a service or consumable not listed"),
    }

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            for ln in lines:
                m = ln.match
                if m.kind not in ("fuzzy", "none") or not (m.reasons or m.candidates):
                    continue
                why = [self.WHY.get(r, (r, r)) for r in m.reasons]
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
    title = "单价超过医保支付标准"
    title_en = "Price above the payment standard"
    explanation = ("国家谈判（协议）药品有医保支付标准。医院收费高于标准的部分医保不付，"
                   "由个人负担。")
    explanation_en = ("Negotiated drugs have a national payment standard. What the hospital "
                      "charged above it is not covered and is paid by the resident.")

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
    title = "限定年龄的药品或项目"
    title_en = "Age-restricted drug or service"
    explanation = ("国家医保基金监管规则库规定，有些药品和诊疗项目只限特定年龄"
                   "（例如儿童、新生儿）使用。参保人年龄不符的，医保不予支付。")
    explanation_en = ("The national fund-supervision rule library limits some drugs and "
                      "services to certain ages (children, newborns). For a resident outside "
                      "that age they are not covered.")

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        yield from _restricted(self, claim, "age")


class SexRestricted(Rule):
    code = "sex_restricted"
    severity = "warning"
    title = "限定性别的药品或项目"
    title_en = "Sex-restricted drug or service"
    explanation = ("国家医保基金监管规则库规定，有些药品和诊疗项目只限男性或女性使用。"
                   "参保人性别（由身份证号判断）不符的，医保不予支付。")
    explanation_en = ("The national fund-supervision rule library limits some drugs and "
                      "services to one sex. When the resident's sex (from the ID number) "
                      "differs they are not covered.")

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        yield from _restricted(self, claim, "sex")


class SettledAtHospital(Rule):
    code = "settled_at_hospital"
    severity = "info"
    title = "医院已按医保结算"
    title_en = "Already settled by insurance at the hospital"
    explanation = ("发票上有医保统筹基金支付，说明看病时已经直接结算过。"
                   "这里只能报销按本县政策应付、但统筹尚未支付的差额。")
    explanation_en = ("The invoice shows a fund payment: the visit was settled with insurance "
                      "at the hospital. Only what the county's policy pays beyond that can "
                      "still be claimed.")

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
    title = "不是报销凭证的单据"
    title_en = "Document that is not an invoice"
    explanation = ("缴费凭条和无法识别的单据不能作为报销凭证，只作参考；"
                   "费用清单用来核对发票明细。")
    explanation_en = ("Payment slips and unrecognised papers are not reimbursement vouchers; "
                      "expense lists only detail an invoice.")

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for d, doc in enumerate(claim.documents):
            kind = doc.get("doc_type")
            if kind == "payment_slip":
                yield self.finding(d, [], "这是缴费凭条，不是发票，不能据此报销。",
                                   "A payment slip, not an invoice.")
            elif kind not in ("outpatient_invoice", "inpatient_invoice", "expense_list"):
                yield self.finding(d, [], "无法识别这份单据的类型。", "Unrecognised document.")


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

