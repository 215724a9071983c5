"""Automatic claim audit and refund estimate. Qt-free.

The one entry point is `audit_claim`: the recognised documents (receipt JSON), who the claim
is for, the catalog and the county's policy in, findings and an estimate out, with the
catalog and policy versions they were made against. The rules are listed in `rules.RULES`
(`rule_book()` gives their plain-language explanations); the estimate's arithmetic is
described in `refund.py`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.audit.claim import KnownInvoices, build_view
from kiosk.audit.insured import BadIdNumber, Insured
from kiosk.audit.policy import Policy, PolicyError
from kiosk.audit.refund import Estimate, Step, UsedThisYear, estimate
from kiosk.audit.rules import RULES, Finding, Rule, rule_book, run_rules
from kiosk.catalog import Catalog, CatalogVersion
from kiosk.core.messages import Param

__all__ = [
    "RULES",
    "AuditResult",
    "BadIdNumber",
    "Estimate",
    "Finding",
    "Insured",
    "Policy",
    "PolicyError",
    "Rule",
    "Step",
    "UsedThisYear",
    "audit_claim",
    "rule_book",
]

# Findings that keep an invoice out of the estimate: the fund will not pay it at all.
EXCLUDING = frozenset({"duplicate_invoice", "duplicate_invoice_county", "outside_claim_window",
                       "hospital_in_insured_province"})


@dataclass(frozen=True)
class AuditResult:
    findings: tuple[Finding, ...]
    estimate: Estimate
    catalog_version: CatalogVersion
    policy_version: str
    items: tuple[dict[str, Any], ...]  # per item line: document, item, match

    @property
    def blocking(self) -> bool:
        """True when an error finding stands (the claim will not be paid as it is)."""
        return any(f.severity == "error" for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "findings": [f.as_json() for f in self.findings],
            "refund_estimate": self.estimate.as_json(),
            "catalog_version": self.catalog_version.id,
            "policy_version": self.policy_version,
            "items": list(self.items),
        }


def audit_claim(documents: Sequence[Mapping[str, Any]], insured: Insured, catalog: Catalog,
                policy: Policy, used_this_year: UsedThisYear | None = None,
                known_invoices: KnownInvoices | None = None, *,
                county_duplicates: Collection[str] = (), today: date | None = None
                ) -> AuditResult:
    """Audit one claim and estimate its refund.

    `known_invoices`: invoice keys (`kiosk.store.invoices.invoice_key`) held by other claims
    on this kiosk, as a set or a look-up function. `county_duplicates`: keys the county server
    reported as claimed already. `today` is the day the claim window is counted back from.
    """
    insured.resident.validate()
    today = today or date.today()
    view = build_view(documents, insured, catalog, policy, today, known_invoices,
                      county_duplicates)
    findings = run_rules(view)
    excluded: dict[int, Param] = {}
    for f in findings:
        if f.code in EXCLUDING and f.document is not None:
            excluded.setdefault(f.document, f.words)
    result = estimate(view, used_this_year or UsedThisYear(), excluded)
    items = tuple({"document": ln.doc, "item": ln.item, "name": ln.name,
                   "class": ln.insurance_class or None, **ln.match.as_json()}
                  for ln in view.lines)
    return AuditResult(findings=tuple(findings), estimate=result,
                       catalog_version=catalog.version, policy_version=policy.version,
                       items=items)
