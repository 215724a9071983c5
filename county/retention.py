"""Keeping residents' data no longer than needed: a purge after payment, and a sweep of images
no claim uses.

A paid claim older than the retention period keeps its amounts, statuses, decisions and
audit trail (the office's accounts need them) but loses the resident's name, ID number and
phone and its receipt images. Its content hash stays, so a kiosk that re-sends it still gets
its acknowledgement. Images uploaded for a claim that never arrived are swept after a grace
period (a kiosk uploads images first, then the claim).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update

from county.db import Claim, ClaimFacts, ClaimImage, ClaimNameGram, Database, Image, utcnow
from county.images import ImageStore

log = logging.getLogger("county.retention")

PURGED = "（已清除 purged）"


@dataclass(frozen=True)
class PurgeResult:
    claims: int
    images: int


def purge_paid(db: Database, store: ImageStore, older_than: timedelta,
               now: datetime | None = None) -> PurgeResult:
    """Clear personal data of claims paid more than `older_than` ago, and their images."""
    cutoff = (now or utcnow()) - older_than
    with db.write() as s:
        # a purged claim's ID hash is cleared (its sealed name cannot be compared in SQL)
        claims = s.scalars(select(Claim).join(ClaimFacts, ClaimFacts.claim_id == Claim.id)
                           .where(Claim.status == "paid", Claim.updated_at < cutoff,
                                  ClaimFacts.id_hash != "")).all()
        for claim in claims:
            body = json.loads(claim.body)
            body["resident"] = {"name": PURGED, "id_number": None, "phone": None}
            for doc in body.get("documents", []):
                for key in ("payer_name", "payer_id_number"):
                    if key in doc:
                        doc[key] = None
                for fix in doc.get("corrections") or []:
                    if isinstance(fix, dict) and fix.get("field") in ("payer_name",
                                                                      "payer_id_number"):
                        fix["original"] = fix["corrected"] = None
            claim.body = json.dumps(body, ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":"))
            claim.resident_name = PURGED
            s.execute(update(ClaimFacts).where(ClaimFacts.claim_id == claim.id)
                      .values(resident_name=PURGED, id_hash=""))
            s.execute(delete(ClaimNameGram).where(ClaimNameGram.claim_id == claim.id))
        ids = [c.id for c in claims]
        shas = set(s.scalars(select(ClaimImage.sha256).where(ClaimImage.claim_id.in_(ids))))
        s.execute(delete(ClaimImage).where(ClaimImage.claim_id.in_(ids)))
        # only the images no other claim still uses
        gone = [h for h in shas if not s.scalar(select(exists().where(ClaimImage.sha256 == h)))]
        if gone:
            s.execute(delete(Image).where(Image.sha256.in_(gone)))
    for sha in gone:
        store.path(sha).unlink(missing_ok=True)
    images = len(gone)
    if ids:
        log.info("purged personal data of %d paid claim(s), %d image(s)", len(ids), images)
    return PurgeResult(len(ids), images)


def sweep_images(db: Database, store: ImageStore, grace: timedelta,
                 now: datetime | None = None) -> int:
    """Delete images no claim references that were stored more than `grace` ago."""
    cutoff = (now or utcnow()) - grace
    with db.write() as s:
        unused = s.scalars(select(Image.sha256).where(
            Image.stored_at <= cutoff,
            ~exists().where(ClaimImage.sha256 == Image.sha256))).all()
        if unused:
            s.execute(delete(Image).where(Image.sha256.in_(unused)))
    for sha in unused:
        store.path(sha).unlink(missing_ok=True)
    return len(unused)
