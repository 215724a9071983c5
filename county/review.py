"""Where a claim may go next, and the shell's read-only views of claims.

    accepted ──> first_review (初审) ──> second_review (复审) ──> approved ──> paid
        └───────────────┴──────────────────────┴──> returned (with a reason)

`returned` and `paid` are final: a returned claim is corrected and sent again by the kiosk as
a new claim. Each move is a conditional UPDATE on the status it was read with, so two
reviewers acting on the same claim at once cannot both succeed. Who may make which move is
county.decisions' business (roles, four eyes); both the console and `county claims review`
go through it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from county.db import Claim, Database, Device, utcnow
from county.feed import record_event

log = logging.getLogger("county.review")

STATUSES = ("accepted", "first_review", "second_review", "approved", "returned", "paid")

TRANSITIONS: dict[str, frozenset[str]] = {
    "accepted": frozenset({"first_review", "returned"}),
    "first_review": frozenset({"second_review", "returned"}),
    "second_review": frozenset({"approved", "returned"}),
    "approved": frozenset({"paid"}),
    "returned": frozenset(),
    "paid": frozenset(),
}


class ReviewError(ValueError):
    """A move the reviewer asked for that is not allowed; the message says why."""


class UnknownClaim(LookupError):
    pass


def check_transition(current: str, target: str, reason: str | None) -> None:
    if target not in TRANSITIONS:
        raise ReviewError(f"unknown status {target!r}; one of {', '.join(STATUSES)}")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is final)"
        raise ReviewError(f"a claim in {current} cannot go to {target}; it can go to {allowed}")
    if target == "returned" and not (reason and reason.strip()):
        raise ReviewError("returning a claim needs --reason, which the resident will be shown")
    if target != "returned" and reason:
        raise ReviewError("a reason is kept only when a claim is returned")


@dataclass(frozen=True)
class ClaimSummary:
    id: int
    uuid: str
    device_id: str
    device_name: str
    resident_name: str
    documents: int
    refund_estimate: str | None
    status: str
    reason: str | None
    accepted_at: datetime
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "uuid": self.uuid, "device_id": self.device_id,
                "device_name": self.device_name, "resident_name": self.resident_name,
                "documents": self.documents, "refund_estimate": self.refund_estimate,
                "status": self.status, "reason": self.reason,
                "accepted_at": self.accepted_at.isoformat(),
                "updated_at": self.updated_at.isoformat()}


def _find(s: Session, ref: str) -> Claim | None:
    if ref.isdigit():
        return s.get(Claim, int(ref))
    return s.scalars(select(Claim).where(Claim.uuid == ref.lower())).first()


def list_claims(db: Database, status: str | None = None) -> list[ClaimSummary]:
    with db.read() as s:
        q = select(Claim, Device.name).join(Device, Device.id == Claim.device_id)
        if status:
            q = q.where(Claim.status == status)
        rows = s.execute(q.order_by(Claim.id)).all()
        return [ClaimSummary(c.id, c.uuid, c.device_id, name, c.resident_name,
                             len(json.loads(c.body).get("documents", [])), c.refund_estimate,
                             c.status, c.reason, c.accepted_at, c.updated_at)
                for c, name in rows]


def show_claim(db: Database, ref: str) -> dict[str, Any]:
    """The claim as the kiosk sent it, with its server-side status."""
    with db.read() as s:
        claim = _find(s, ref)
        if claim is None:
            raise UnknownClaim(ref)
        return {"id": claim.id, "uuid": claim.uuid, "device_id": claim.device_id,
                "status": claim.status, "reason": claim.reason,
                "accepted_at": claim.accepted_at.isoformat(),
                "content_sha256": claim.content_sha256, "claim": json.loads(claim.body)}


def find_claim_id(db: Database, ref: str) -> int:
    """The server id of claim `ref` (server id or UUID); UnknownClaim if there is none."""
    with db.read() as s:
        claim = _find(s, ref)
        if claim is None:
            raise UnknownClaim(ref)
        return claim.id


def review_claim(db: Database, ref: str, target: str, reason: str | None = None,
                 reviewer: str = "shell") -> str:
    """Move claim `ref` (server id or UUID) to `target`; returns the status it came from.

    The bare state machine, for tests that need a claim in a given state. No command or route
    calls it: county users decide through county.decisions (the console, and `county claims
    review --user`), where roles and the four-eyes rule hold."""
    reason = reason.strip() if reason else None
    with db.write() as s:
        claim = _find(s, ref)
        if claim is None:
            raise UnknownClaim(ref)
        current = claim.status
        check_transition(current, target, reason)
        now = utcnow()
        moved = s.execute(
            update(Claim).where(Claim.id == claim.id, Claim.status == current)
            .values(status=target, reason=reason, updated_at=now)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise ReviewError(f"claim {claim.id} changed status while this was decided; "
                              "look again")
        record_event(s, claim, target, reason, now, reviewer=reviewer)
    log.info("claim %s: %s -> %s", ref, current, target)
    return current
