"""The audit rules, one small class each, listed in `RULES`.

A county reviewer reads a rule from top to bottom: its code (what findings carry), severity
and `check`, which yields findings. Its title and explanation, in every language, are data:
`rule.<code>.title` and `rule.<code>.explanation` in resources/messages (kiosk.core.messages);
so are its findings' words: a finding carries the code `finding.<code>.<case>` and the
parameters, and is rendered in the reader's language.
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
from kiosk.core.messages import SOURCE, Param, Text, catalogue, text
from kiosk.store.invoices import describe, invoice_key

Severity = Literal["error", "warning", "info"]

# The invoice fields the claim needs (their names: rule.missing_required.field.<key>) and the
# recognition's sum checks that count as inconsistent (rule.totals_inconsistent.check.<code>).
REQUIRED_FIELDS = ("invoice_number", "issue_date", "hospital", "total", "payer_name")
SUM_CHECKS = ("total_upper_mismatch", "items_sum_mismatch", "payments_sum_mismatch")


@dataclass(frozen=True)
class Finding:
    """One finding: `items` index the items of document `document` (None: the whole claim);
    `words` is what it says, as a catalogue code and parameters."""

    code: str
    severity: Severity
    document: int | None
    items: tuple[int, ...]
    words: Text

    @property
    def message(self) -> str:
        """The words in the source language (Chinese: the county's reviewers read these)."""
        return self.words.render(SOURCE)

    def as_json(self) -> dict[str, object]:
        """`message` for the county (Chinese), `words` for the kiosk's screens to render in
        the resident's language."""
        return {"code": self.code, "severity": self.severity, "document": self.document,
                "items": list(self.items), "message": self.message,
                "words": self.words.as_json()}


class Rule:
    code: ClassVar[str]
    severity: ClassVar[Severity]

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, document: int | None, items: list[int] | tuple[int, ...], case: str,
                **params: Param) -> Finding:
        """A finding whose words are `finding.<code>.<case>` with `params`."""
        return Finding(self.code, self.severity, document, tuple(items),
                       Text(f"finding.{self.code}.{case}", params))

    @classmethod
    def title(cls, language: str = "zh_CN") -> str:
        return text(f"rule.{cls.code}.title", language)

    @classmethod
    def explanation(cls, language: str = "zh_CN") -> str:
        return text(f"rule.{cls.code}.explanation", language)

    @classmethod
    def describe(cls) -> dict[str, str]:
        """Code, severity, title and explanation in the source language (`title`,
        `explanation`) and in every other shipped one (`title_<language>`, …); the
        words are in resources/messages, so a new language file adds its keys here."""
        others = [language for language in catalogue().languages if language != SOURCE]
        out = {"code": cls.code, "severity": cls.severity}
        for part, words in (("title", cls.title), ("explanation", cls.explanation)):
            out[part] = words(SOURCE)
            out.update({f"{part}_{language}": words(language) for language in others})
        return out


def _hospital(inv: Invoice) -> Param:
    return str(inv.data.get("hospital") or "") or Text("finding.hospital_not_read")


class NoInvoice(Rule):
    code = "no_invoice"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        if not claim.invoices:
            # "not scanned" would blame the resident when a scanned invoice was not recognised
            yield self.finding(None, [], "none")


class MissingRequired(Rule):
    code = "missing_required"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            missing = [k for k in REQUIRED_FIELDS if not inv.data.get(k)
                       and not (k == "issue_date" and inv.data.get("visit_date"))]
            if missing:
                # what the machine did not read, not what the paper lacks: most are printed
                yield self.finding(inv.doc, [], "missing", hospital=_hospital(inv),
                                   fields=[Text(f"rule.missing_required.field.{k}")
                                           for k in missing])


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
                yield self.finding(inv.doc, [], "name", payer=payer, name=name)
            elif payer_id and len(payer_id) == 18 and payer_id != id_number:
                yield self.finding(inv.doc, [], "id_number")


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
                yield self.finding(inv.doc, [], "twice", invoice=describe(key),
                                   first=seen[key] + 1, second=inv.doc + 1)
                continue
            seen[key] = inv.doc
            if claim.is_known_invoice(key):
                yield self.finding(inv.doc, [], "known", invoice=describe(key))


class DuplicateInvoiceCounty(Rule):
    code = "duplicate_invoice_county"
    severity = "error"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            key = invoice_key(inv.data)
            if key is not None and key in claim.county_duplicates:
                yield self.finding(inv.doc, [], "claimed", invoice=describe(key))


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
                yield self.finding(inv.doc, [], "too_old", date=day.isoformat(),
                                   days=window, earliest=oldest.isoformat())
            elif day > claim.today:
                yield self.finding(inv.doc, [], "future", date=day.isoformat())


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
                basis = how if how == "invoice_code" else "hospital_name"
                yield self.finding(inv.doc, [], "home", hospital=_hospital(inv),
                                   province=province_name(home),
                                   basis=Text(f"finding.{self.code}.basis.{basis}"))


class HospitalPlaceUnknown(Rule):
    code = "hospital_place_unknown"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            where, _ = hospital_province(inv.data.get("invoice_code"), inv.data.get("hospital"))
            if where is None:
                yield self.finding(inv.doc, [], "unknown", hospital=_hospital(inv))


class TotalsInconsistent(Rule):
    code = "totals_inconsistent"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for inv in claim.invoices:
            codes = [c.get("code") for c in inv.data.get("checks") or []
                     if isinstance(c, dict)]
            found = [c for c in SUM_CHECKS if c in codes]
            if found:
                yield self.finding(inv.doc, [], "sums", hospital=_hospital(inv),
                                   checks=[Text(f"rule.{self.code}.check.{c}") for c in found])


class SelfPaidItems(Rule):
    code = "items_self_paid"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            items = [ln for ln in lines if ln.insurance_class == "丙"]
            if items:
                total = sum((ln.amount for ln in items), ZERO)
                yield self.finding(doc, [ln.item for ln in items], "items",
                                   names=[ln.name for ln in items], total=show(total))


class NotInCatalog(Rule):
    code = "items_not_in_catalog"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            items = [ln for ln in lines if ln.match.kind == "none" and not ln.insurance_class]
            if items:
                yield self.finding(doc, [ln.item for ln in items], "items",
                                   names=[ln.name for ln in items])


class FuzzyMatches(Rule):
    code = "items_matched_loosely"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            items = [ln for ln in lines if ln.match.kind == "fuzzy" and ln.entry is not None]
            if items:
                pairs: list[Param] = [Text(f"finding.{self.code}.pair",
                                           {"name": ln.name, "entry": ln.entry.display})
                                      for ln in items if ln.entry is not None]
                yield self.finding(doc, [ln.item for ln in items], "items", pairs=pairs)


class MatchNotExact(Rule):
    code = "items_match_not_exact"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            for ln in lines:
                m = ln.match
                if m.kind not in ("fuzzy", "none") or not (m.reasons or m.candidates):
                    continue
                case = f"finding.{self.code}"
                names: list[Param] = [Text(f"{case}.candidate", {"name": c.display,
                                                                  "cls": c.insurance_class})
                                      for c in m.candidates]
                yield self.finding(
                    doc, [ln.item], "item", name=ln.name, why=[_why(r) for r in m.reasons],
                    mapped=(Text(f"{case}.mapped", {"entry": m.entry.display})
                            if m.entry is not None else ""),
                    candidates=Text(f"{case}.candidates", {"names": names}) if names else "")


class PriceAboveStandard(Rule):
    code = "price_above_standard"
    severity = "warning"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for doc, lines in _by_doc(claim):
            for ln in lines:
                excess, standard = excess_over_standard(ln)
                if excess > 0 and standard is not None:
                    yield self.finding(doc, [ln.item], "over", name=ln.name,
                                       price=show(ln.unit_price or ZERO),
                                       standard=show(standard.price), per=standard.per,
                                       excess=show(excess))


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
                yield self.finding(inv.doc, [], "paid", hospital=_hospital(inv), paid=show(paid))


class NotReimbursable(Rule):
    code = "document_not_invoice"
    severity = "info"

    def check(self, claim: ClaimView) -> Iterator[Finding]:
        for d, doc in enumerate(claim.documents):
            kind = doc.get("doc_type")
            if kind == "payment_slip":
                yield self.finding(d, [], "payment_slip")
            elif kind not in ("outpatient_invoice", "inpatient_invoice", "expense_list"):
                yield self.finding(d, [], "unknown")


def _why(reason: str) -> Param:
    """The words of a catalog reason code; the bare code for one not in the catalogue."""
    code = f"rule.items_match_not_exact.why.{reason}"
    return Text(code) if code in catalogue().codes() else reason


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
                    who = Text(f"finding.{rule.code}.{'men' if r.sex == 'M' else 'women'}")
                    yield rule.finding(ln.doc, [ln.item], "only", name=ln.name, who=who)
                else:
                    yield rule.finding(ln.doc, [ln.item], "only", name=ln.name,
                                       target=r.target)
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

