"""The claim counter: what the screens ask of the store, catalog and audit. Qt-free.

Every method runs on the UI's single database thread (`TaskManager.run_in_background`): the
catalog's SQLite connection is opened on first use there and stays on that thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kiosk.audit import Insured, Policy, audit_claim
from kiosk.catalog import Catalog
from kiosk.catalog.model import CatalogEntry
from kiosk.residents import Resident
from kiosk.store import ClaimStore, ClaimSummary, NewDocument, Status

log = logging.getLogger("kiosk.ui")

UNNAMED = "（未识别姓名）"


@dataclass(frozen=True)
class Correction:
    """One field changed by hand on the review screen, and who changed it.

    `field` is a key of the receipt JSON (`hospital`, `issue_date`, `total`, `payer_name`,
    `items`); `value` is already normalised as the receipt-json contract wants it.
    """

    field: str
    value: Any
    actor: str


@dataclass(frozen=True)
class Receipt:
    """One captured page: what recognition read from it and what people corrected since.

    `recognition` is the engine's answer and is never changed: the store keeps it as the
    original and replays `corrections` onto it. `page` is the page of a multi-page document
    it came from (None for a photo); the receipt JSON contract has no key for it.
    """

    image: bytes
    recognition: dict[str, Any]
    page: int | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def current(self) -> dict[str, Any]:
        """The receipt JSON with every correction applied (what the audit reads)."""
        doc = dict(self.recognition)
        for c in self.corrections:
            doc[c.field] = c.value
        return doc

    @property
    def corrected_fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.corrections)

    def corrected(self, name: str, value: Any, actor: str) -> Receipt:
        """A copy with one more correction (a value equal to the current one is kept too:
        the assistant confirmed it)."""
        return replace(self, corrections=(*self.corrections, Correction(name, value, actor)))


def resident_for(id_number: str, receipts: Sequence[Receipt]) -> Resident:
    """The resident: her ID number as typed, her name as printed on the receipt.

    The kiosk does not ask elderly residents to type a name; the assistant corrects it on
    the review screen when the receipt does not show it.
    """
    name = next((r.current.get("payer_name") for r in receipts
                 if r.current.get("payer_name")), None)
    return Resident(name=name or UNNAMED, id_number=id_number)


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

    def audit(self, id_number: str, receipts: Sequence[Receipt]) -> dict[str, Any]:
        """Findings and the refund estimate for the receipts so far (as JSON)."""
        insured = Insured(resident_for(id_number, receipts))
        result = audit_claim([r.current for r in receipts], insured, self.catalog(),
                             self._policy_loader())
        return result.as_json()

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

    def claims_and_reasons(self, id_number: str,
                           ) -> tuple[list[ClaimSummary], dict[int, str]]:
        """A resident's claims and, for those the county returned, its reason (checking
        my claims shows why and what to do). Appended by assistant mode's helper."""
        claims = self.claims_for(id_number)
        reasons = {c.id: self.store.get_claim(c.id).return_reason or ""
                   for c in claims if c.status == "returned"}
        return claims, reasons
