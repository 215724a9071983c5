"""The status feed each kiosk pulls to tell a resident where her claim stands.

Every status change of a claim appends an event numbered in its device's own sequence
(1, 2, 3, ...). The kiosk keeps the number of the last event it has seen and asks for what
came after it. Numbers are taken by an UPDATE on the device's row, which holds a row lock to
the end of the transaction, so a later number is never visible before an earlier one (on
PostgreSQL as on SQLite) and a cursor can never skip an event.
"""


from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from county.auth import Authenticator, DeviceIdentity
from county.db import Claim, ClaimFacts, Database, Device, StatusEvent
from county.errors import ApiError, ErrorBody

StatusName = Literal["accepted", "first_review", "second_review", "approved", "returned", "paid"]


def record_event(s: Session, claim: Claim, status: str, reason: str | None,
                 at: datetime, reviewer: str | None = None) -> int:
    """Append a status event for `claim` inside the caller's transaction; returns its cursor."""
    seq: int = s.execute(
        update(Device).where(Device.id == claim.device_id)
        .values(last_event_seq=Device.last_event_seq + 1)
        .returning(Device.last_event_seq)
    ).scalar_one()
    s.add(StatusEvent(device_id=claim.device_id, seq=seq, claim_id=claim.id, status=status,
                      reason=reason, at=at, reviewer=reviewer))
    s.execute(update(ClaimFacts).where(ClaimFacts.claim_id == claim.id).values(status=status))
    return seq


class StatusEventOut(BaseModel):
    cursor: int = Field(description="this event's number in the device's sequence")
    claim_uuid: str
    status: StatusName
    reason: str | None = Field(description="why the claim was returned (only for `returned`)")
    at: datetime = Field(description="when the status changed (UTC)")


class StatusPage(BaseModel):
    events: list[StatusEventOut] = Field(description="oldest first")
    next_cursor: int = Field(description="send this as `cursor` next time")
    more: bool = Field(description="true when more events are waiting: ask again at once")


def build_router(db: Database, auth: Authenticator, page_size: int) -> APIRouter:
    router = APIRouter(tags=["status"])

    @router.get(
        "/api/v1/status",
        response_model=StatusPage,
        summary="Status changes of this device's claims after a cursor",
        description="Start with `cursor=0`; keep the returned `next_cursor` (only after the "
                    "events are stored locally). Only the calling device's claims appear.",
        responses={409: {"model": ErrorBody,
                         "description": "`cursor_ahead`: the cursor is beyond anything this "
                                        "server issued (restored from a backup?); start over "
                                        "from 0"}},
    )
    def status_feed(
        device: Annotated[DeviceIdentity, Depends(auth.require_device)],
        cursor: Annotated[int, Query(ge=0, le=2**62, description="last event number already seen")] = 0,
        limit: Annotated[int, Query(ge=1, le=page_size, description="most events to return")]
        = page_size,
    ) -> StatusPage:
        with db.read() as s:
            latest = s.scalar(select(Device.last_event_seq).where(Device.id == device.id)) or 0
            if cursor > latest:
                raise ApiError(409, "cursor_ahead", f"cursor {cursor} is beyond the latest "
                               f"event {latest}; start over from 0", latest_cursor=latest)
            rows = s.execute(
                select(StatusEvent, Claim.uuid)
                .join(Claim, Claim.id == StatusEvent.claim_id)
                .where(StatusEvent.device_id == device.id, StatusEvent.seq > cursor)
                .order_by(StatusEvent.seq)
                .limit(limit + 1)
            ).all()
        more = len(rows) > limit
        events = [StatusEventOut(cursor=ev.seq, claim_uuid=uuid, status=ev.status,  # type: ignore[arg-type]
                                 reason=ev.reason, at=ev.at) for ev, uuid in rows[:limit]]
        return StatusPage(events=events, next_cursor=events[-1].cursor if events else cursor,
                          more=more)

    return router
