"""A claim as the rules and the estimate see it: invoices, their item lines, each line matched
against the catalog once, and expense lists attached to the invoice they detail."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kiosk.audit.insured import Insured, age_in_months
from kiosk.audit.money import ZERO, fen, parse_decimal, parse_money
from kiosk.audit.policy import Policy
from kiosk.catalog import Catalog, CatalogEntry, Match, PaymentStandard, Restriction

INVOICE_TYPES = frozenset({"outpatient_invoice", "inpatient_invoice"})


@dataclass(frozen=True)
class Line:
    """One printed item line, matched. `doc`/`item` index the claim's documents and items."""

    doc: int
    item: int
    name: str
    amount: Decimal
    quantity: Decimal | None
    unit_price: Decimal | None
    spec: str | None
    unit: str | None
    printed_class: str | None
    match: Match
    restrictions: tuple[Restriction, ...] = ()

    @property
    def entry(self) -> CatalogEntry | None:
        return self.match.entry

    @property
    def is_category(self) -> bool:
        return self.match.kind == "category"

    @property
    def insurance_class(self) -> str:
        """甲/乙/丙 by the home catalog; the printed class only when the name matched nothing.

        The hospital prints its own province's classes; the insured place's catalog decides.
        Empty: unknown (a category line, or an unknown item with no printed class).
        """
        if self.entry is not None:
            return self.entry.insurance_class
        if self.printed_class in ("甲", "乙", "丙"):
            return self.printed_class
        return ""


@dataclass
class Invoice:
    """A reimbursable invoice and the lines that detail it (its own, or an expense list's)."""

    doc: int
    data: Mapping[str, Any]
    lines: list[Line] = field(default_factory=list)
    detail_docs: list[int] = field(default_factory=list)

    @property
    def total(self) -> Decimal | None:
        return parse_money(self.data.get("total"))

    def money(self, key: str) -> Decimal | None:
        return parse_money(self.data.get(key))

    @property
    def day(self) -> date | None:
        for key in ("issue_date", "visit_date"):
            value = self.data.get(key)
            if value:
                try:
                    return date.fromisoformat(str(value))
                except ValueError:
                    continue
        return None


KnownInvoices = Callable[[str], bool] | Collection[str]


@dataclass
class ClaimView:
    documents: Sequence[Mapping[str, Any]]
    insured: Insured
    catalog: Catalog
    policy: Policy
    today: date
    is_known_invoice: Callable[[str], bool]
    county_duplicates: frozenset[str]
    lines: list[Line]
    invoices: list[Invoice]


def _line(catalog: Catalog, doc: int, item: int, raw: Mapping[str, Any]) -> Line | None:
    name = str(raw.get("name") or "").strip()
    amount = parse_money(raw.get("amount"))
    if not name and amount is None:
        return None
    spec = raw.get("spec")
    code = raw.get("code")
    match = catalog.match(name, spec=str(spec) if spec else None,
                          code=str(code) if code else None)
    restrictions = () if match.kind == "category" else tuple(
        catalog.restrictions_for(name, str(code) if code else None, match.entry))
    return Line(doc=doc, item=item, name=name, amount=amount if amount is not None else
                Decimal("0.00"), quantity=parse_decimal(raw.get("quantity")),
                unit_price=parse_money(raw.get("unit_price")),
                spec=str(spec) if spec else None,
                unit=str(raw["unit"]).strip() if raw.get("unit") else None,
                printed_class=raw.get("insurance_class"),
                match=match, restrictions=restrictions)


def _same_visit(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.get("invoice_number") and a.get("invoice_number") == b.get("invoice_number"):
        return True
    day_a = a.get("visit_date") or a.get("issue_date")
    day_b = b.get("visit_date") or b.get("issue_date")
    return bool(a.get("hospital") and a.get("hospital") == b.get("hospital")
                and day_a and day_a == day_b)


def build_view(documents: Sequence[Mapping[str, Any]], insured: Insured, catalog: Catalog,
               policy: Policy, today: date, known_invoices: KnownInvoices | None,
               county_duplicates: Collection[str]) -> ClaimView:
    lines: list[Line] = []
    by_doc: dict[int, list[Line]] = {}
    for d, doc in enumerate(documents):
        for i, raw in enumerate(doc.get("items") or []):
            if isinstance(raw, Mapping):
                line = _line(catalog, d, i, raw)
                if line is not None:
                    lines.append(line)
                    by_doc.setdefault(d, []).append(line)
    invoices = [Invoice(d, doc) for d, doc in enumerate(documents)
                if doc.get("doc_type") in INVOICE_TYPES]
    lists = [d for d, doc in enumerate(documents) if doc.get("doc_type") == "expense_list"]
    for inv in invoices:
        own = by_doc.get(inv.doc, [])
        inv.lines = list(own)
        if own and not all(line.is_category for line in own):
            continue  # the invoice itemises itself
        details = [d for d in lists if _same_visit(inv.data, documents[d])]
        if not details and len(invoices) == 1:
            details = lists
        detail_lines = [line for d in details for line in by_doc.get(d, [])]
        if detail_lines:
            inv.lines = detail_lines
            inv.detail_docs = details
    is_known: Callable[[str], bool]
    if known_invoices is None:
        is_known = frozenset[str]().__contains__
    elif callable(known_invoices):
        is_known = known_invoices
    else:
        is_known = frozenset(known_invoices).__contains__
    return ClaimView(documents=documents, insured=insured, catalog=catalog, policy=policy,
                     today=today, is_known_invoice=is_known,
                     county_duplicates=frozenset(county_duplicates), lines=lines,
                     invoices=invoices)


def breached(line: Line, insured: Insured, on: date) -> list[Restriction]:
    """The line's age/sex restrictions the insured does not meet on the day of care."""
    out = []
    for r in line.restrictions:
        if r.rule == "sex" and r.sex and r.sex != insured.sex:
            out.append(r)
        elif r.rule == "age":
            months = age_in_months(insured.birth_date, on)
            if months < r.min_age_months or (r.max_age_months and months >= r.max_age_months):
                out.append(r)
    return out


def _standard_unit(per: str) -> str:
    return per.rsplit("/", 1)[-1] if "/" in per else ""


def excess_over_standard(line: Line) -> tuple[Decimal, PaymentStandard | None]:
    """(amount above the payment standard, the standard) for a negotiated drug's line.

    Compared only when the printed unit is the standard's unit (支, 片, 粒 …): a box price
    against a per-tablet standard says nothing. With several standards, the one whose
    strength the spec prints, else the highest (never a false alarm from a wrong pick).
    """
    entry = line.entry
    if entry is None or not entry.negotiated or line.unit_price is None:
        return ZERO, None
    standards = [s for s in entry.standards()
                 if line.unit and _standard_unit(s.per) == line.unit]
    if not standards:
        return ZERO, None
    spec = (line.spec or "").replace(" ", "").lower()
    chosen = next((s for s in standards
                   if spec and s.per.split("/")[0].lower() in spec), None)
    if chosen is None:
        chosen = max(standards, key=lambda s: s.price)
    if line.unit_price <= chosen.price:
        return ZERO, chosen
    quantity = line.quantity if line.quantity is not None else Decimal(1)
    excess = fen((line.unit_price - chosen.price) * quantity)
    return min(excess, line.amount) if line.amount > 0 else excess, chosen
