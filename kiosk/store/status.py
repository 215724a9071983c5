"""A claim's life cycle, written out as one explicit transition table.

draft → confirmed → queued → uploading → accepted (by the county) → in_review →
approved → paid, or returned with a reason. An upload that fails goes back to queued; a sync
worker that dies leaves rows in uploading, which start-up puts back to queued (the county
side is idempotent on the claim's uid, so sending twice is harmless, losing one is not).
A claim that was never sent can be cancelled; cancelling or a return frees its invoices for
a new claim.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    QUEUED = "queued"
    UPLOADING = "uploading"
    ACCEPTED = "accepted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETURNED = "returned"
    PAID = "paid"
    CANCELLED = "cancelled"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.CONFIRMED, Status.CANCELLED}),
    Status.CONFIRMED: frozenset({Status.QUEUED, Status.CANCELLED}),
    Status.QUEUED: frozenset({Status.UPLOADING, Status.CANCELLED}),
    Status.UPLOADING: frozenset({Status.QUEUED, Status.ACCEPTED}),
    Status.ACCEPTED: frozenset({Status.IN_REVIEW, Status.APPROVED, Status.RETURNED}),
    Status.IN_REVIEW: frozenset({Status.APPROVED, Status.RETURNED}),
    Status.APPROVED: frozenset({Status.PAID}),
    Status.RETURNED: frozenset(),
    Status.PAID: frozenset(),
    Status.CANCELLED: frozenset(),
}

# The county has the claim: its retention clock runs and the kiosk keeps only a summary.
AT_COUNTY = frozenset({Status.ACCEPTED, Status.IN_REVIEW, Status.APPROVED, Status.RETURNED,
                       Status.PAID})
# The claim no longer holds its invoices: they may go into a new claim.
RELEASES_INVOICES = frozenset({Status.CANCELLED, Status.RETURNED})
# The resident has agreed to it (the crash test checks such claims never fall back).
CONFIRMED_OR_LATER = frozenset(Status) - {Status.DRAFT, Status.CANCELLED}


def allowed(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]
