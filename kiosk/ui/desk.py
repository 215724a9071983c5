"""The claim counter: what the screens ask of the store, catalog and audit. Qt-free.

Every method runs on the UI's single database thread (`TaskManager.run_in_background`): the
catalog's SQLite connection is opened on first use there and stays on that thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.audit import Insured, Policy, audit_claim
from kiosk.catalog import Catalog
from kiosk.residents import Resident
from kiosk.store import ClaimStore, ClaimSummary, NewDocument

log = logging.getLogger("kiosk.ui")

UNNAMED = "（未识别姓名）"


@dataclass(frozen=True)
class Receipt:
    """One captured page and what recognition read from it."""

    image: bytes
    recognition: dict[str, Any]


def resident_for(id_number: str, receipts: Sequence[Receipt]) -> Resident:
    """The resident: her ID number as typed, her name as printed on the receipt.

    The kiosk does not ask elderly residents to type a name; the assistant corrects it on
    the review screen when the receipt does not show it.
    """
    name = next((r.recognition.get("payer_name") for r in receipts
                 if r.recognition.get("payer_name")), None)
    return Resident(name=name or UNNAMED, id_number=id_number)


class ClaimDesk:
    def __init__(self, store: ClaimStore, catalog_path: Path,
                 policy_loader: Callable[[], Policy]) -> None:
        self.store = store
        self._catalog_path = catalog_path
        self._policy_loader = policy_loader
        self._catalog: Catalog | None = None

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.open(self._catalog_path)
        return self._catalog

    def audit(self, id_number: str, receipts: Sequence[Receipt]) -> dict[str, Any]:
        """Findings and the refund estimate for the receipts so far (as JSON)."""
        insured = Insured(resident_for(id_number, receipts))
        result = audit_claim([r.recognition for r in receipts], insured, self.catalog(),
                             self._policy_loader())
        return result.as_json()

    def file_claim(self, id_number: str, receipts: Sequence[Receipt],
                   audit: Mapping[str, Any] | None, *, assistant: str,
                   uid: str | None = None) -> int:
        """Create the claim, store its audit, confirm it and queue it for upload."""
        resident = resident_for(id_number, receipts)
        claim_id = self.store.create_claim(
            resident, [NewDocument(r.recognition, r.image) for r in receipts],
            assistant=assistant, uid=uid or uuid.uuid4().hex)
        if audit is not None:
            self.store.set_audit(claim_id, list(audit.get("findings", [])),
                                 audit.get("refund_estimate"), actor=assistant)
        self.store.confirm(claim_id, actor=assistant)
        self.store.queue(claim_id, actor=assistant)
        log.info("claim %d filed with %d receipts", claim_id, len(receipts))
        return claim_id

    def claims_for(self, id_number: str) -> list[ClaimSummary]:
        return self.store.find_by_id_number(id_number)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None
