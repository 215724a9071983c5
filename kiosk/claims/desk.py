"""The claim counter: what the screens ask of the store, catalog and audit. Qt-free.

Every method runs on the UI's single database thread (`kiosk.ui.operations`): the catalog's
SQLite connection is opened on first use there and stays on that thread.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.audit import Insured, Policy, audit_claim
from kiosk.catalog import Catalog
from kiosk.catalog.model import CatalogEntry
from kiosk.claims.receipts import Correction, Receipt
from kiosk.core.messages import Param, Text
from kiosk.residents import Resident
from kiosk.store import ClaimStore, ClaimSummary, NewDocument, Status
from kiosk.store.invoices import claim_total

log = logging.getLogger("kiosk.claims")

__all__ = ["ClaimAmounts", "ClaimDesk", "Correction", "Receipt", "name_finding",
           "payer_names", "resident_for"]

UNNAMED = "（未识别姓名）"
PAYER_NAMES_DIFFER = "payer_names_differ"


def payer_names(receipts: Sequence[Receipt]) -> dict[str, list[int]]:
    """Each payer name on the pages (spaces ignored), with the pages (0-based) showing it."""
    names: dict[str, list[int]] = {}
    for i, r in enumerate(receipts):
        name = re.sub(r"\s+", "", str(r.current.get("payer_name") or ""))
        if name:
            names.setdefault(name, []).append(i)
    return names


def resident_for(id_number: str, receipts: Sequence[Receipt], given: str = "") -> Resident:
    """The resident: her ID number as typed, her name as printed on the receipts.

    The kiosk does not ask elderly residents to type a name; the assistant corrects it on
    the review screen when the receipt does not show it. A name is never chosen among
    several: when the pages disagree, or disagree with a name `given` at the start (an ID
    card's), the claim stays unnamed until the assistant resolves it (`name_finding`).
    """
    names = set(payer_names(receipts))
    given = re.sub(r"\s+", "", given)
    if given:
        names.add(given)
    name = next(iter(names)) if len(names) == 1 else None
    return Resident(name=name or UNNAMED, id_number=id_number)


def name_finding(receipts: Sequence[Receipt], given: str = "") -> dict[str, Any] | None:
    """The audit finding for payer names that differ between pages or from the given name:
    an error the assistant resolves by correcting the name, never one picked silently."""
    names = payer_names(receipts)
    given = re.sub(r"\s+", "", given)
    if len(names) <= 1 and (not given or not names or given in names):
        return None
    parts: list[Param] = [Text("finding.payer_names_differ.page",
                               {"name": name, "pages": [p + 1 for p in pages]})
                          for name, pages in names.items()]
    if given:
        parts.insert(0, Text("finding.payer_names_differ.given", {"name": given}))
    words = Text("finding.payer_names_differ.names", {"parts": parts})
    return {"code": PAYER_NAMES_DIFFER, "severity": "error", "document": None, "items": [],
            "message": words.render(), "words": words.as_json()}


@dataclass(frozen=True)
class ClaimAmounts:
    """A claim's money as every screen and the slip show it (money strings or None).

    `total` is `kiosk.store.claim_total` of the receipts as corrected (the same number the
    store keeps for the upload queue); the rest comes from the refund estimate.
    """

    total: str | None
    settled: str | None
    refund: str | None
    example_policy: bool

    @classmethod
    def of(cls, receipts: Sequence[Receipt],
           audit: Mapping[str, Any] | None) -> ClaimAmounts:
        estimate = (audit or {}).get("refund_estimate") or {}
        settled = estimate.get("settled_at_hospital")
        refund = estimate.get("refund")
        return cls(total=claim_total([r.current for r in receipts]),
                   settled=str(settled) if settled is not None else None,
                   refund=str(refund) if refund is not None else None,
                   example_policy=bool(estimate.get("example_policy")))


class ClaimDesk:
    def __init__(self, store: ClaimStore, catalog_path: Path,
                 policy_loader: Callable[[], Policy]) -> None:
        self.store = store
        self._catalog_path = catalog_path
        self._policy_loader = policy_loader
        self._catalog: Catalog | None = None
        self._hospitals: list[str] | None = None  # hospitals_seen, until the next filing

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.open(self._catalog_path)
        return self._catalog

    def audit(self, id_number: str, receipts: Sequence[Receipt],
              given_name: str = "") -> dict[str, Any]:
        """Findings and the refund estimate for the receipts so far (as JSON), with names
        that differ between pages as a finding of its own (first: it blocks the name)."""
        insured = Insured(resident_for(id_number, receipts, given_name))
        result = audit_claim([r.current for r in receipts], insured, self.catalog(),
                             self._policy_loader()).as_json()
        names = name_finding(receipts, given_name)
        if names is not None:  # it says it all: no "payer ≠ （未识别姓名）" line per invoice
            rest = [f for f in result.get("findings", [])
                    if f.get("code") != "payer_not_resident"]
            result["findings"] = [names, *rest]
        return result

    def file_claim(self, id_number: str, receipts: Sequence[Receipt],
                   audit: Mapping[str, Any] | None, *, assistant: str,
                   uid: str | None = None) -> int:
        """Create the claim, replay the corrections, store its audit, confirm and queue it.

        The draft is created with what recognition read; each correction is then applied
        through the store (which keeps the old value and who changed it) while it is still a
        draft. With the same `uid` a retry after a crash continues where the first call
        stopped instead of correcting twice.
        """
        uid = uid or uuid.uuid4().hex
        self._hospitals = None
        resident = resident_for(id_number, receipts)
        claim_id = self.store.create_claim(
            resident, [NewDocument(r.recognition, r.image) for r in receipts],
            assistant=assistant, uid=uid)
        record = self.store.get_claim(claim_id)
        if record.status is Status.DRAFT:
            for doc, receipt in zip(record.documents, receipts, strict=True):
                done = len(doc.corrections or [])
                for c in receipt.corrections[done:]:
                    self.store.correct_field(claim_id, doc.id, c.field, c.value, actor=c.actor)
            if audit is not None:
                self.store.set_audit(claim_id, list(audit.get("findings", [])),
                                     audit.get("refund_estimate"), actor=assistant)
            self.store.confirm(claim_id, actor=assistant)
        if record.status in (Status.DRAFT, Status.CONFIRMED):
            self.store.queue(claim_id, actor=assistant)
        log.info("claim %d filed with %d receipts, %d corrections", claim_id, len(receipts),
                 sum(len(r.corrections) for r in receipts))
        return claim_id

    def claims_for(self, id_number: str) -> list[ClaimSummary]:
        return self.store.find_by_id_number(id_number)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def search_catalog(self, query: str, limit: int) -> list[CatalogEntry]:
        """Catalog entries for the letters typed on the pinyin pad, best first."""
        return self.catalog().search_pinyin(query, limit=limit)

    def hospitals_seen(self, limit: int = 6, claims: int = 20) -> list[str]:
        """The hospitals on this kiosk's latest claims, most frequent first (offered as
        buttons when an assistant corrects a hospital's name). Read once, then kept until
        a claim is filed here."""
        if self._hospitals is None:
            seen: dict[str, int] = {}
            for summary in self.store.list_claims(limit=claims):
                for doc in self.store.get_claim(summary.id).documents:
                    if doc.hospital:
                        seen[doc.hospital] = seen.get(doc.hospital, 0) + 1
            self._hospitals = sorted(seen, key=lambda h: -seen[h])
        return self._hospitals[:limit]

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def claim_hospitals(self, claims: Sequence[ClaimSummary]) -> dict[int, str]:
        """Each claim's hospitals as "check my claims" names them ("A、B"), by claim id."""
        out: dict[int, str] = {}
        for c in claims:
            names = [d.hospital for d in self.store.get_claim(c.id).documents if d.hospital]
            out[c.id] = "、".join(dict.fromkeys(names))
        return out

    def claim_for_slip(self, uid: str) -> tuple[list[ClaimSummary], dict[int, str]]:
        """The claim a slip's QR code names (its uid), with the county's reason if returned;
        nothing for a code that names no claim here."""
        claim_id = self.store.claim_id_by_uid(uid)
        if claim_id is None:
            return [], {}
        record = self.store.get_claim(claim_id)
        reasons = ({claim_id: record.return_reason or ""} if record.status == Status.RETURNED
                   else {})
        return [record.summary], reasons

    def claims_and_reasons(self, id_number: str,
                           ) -> tuple[list[ClaimSummary], dict[int, str]]:
        """A resident's claims and, for those the county returned, its reason (checking
        my claims shows why and what to do). Appended by assistant mode's helper."""
        claims = self.claims_for(id_number)
        reasons = {c.id: self.store.get_claim(c.id).return_reason or ""
                   for c in claims if c.status == "returned"}
        return claims, reasons
