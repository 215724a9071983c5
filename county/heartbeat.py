"""Kiosk heartbeats: each kiosk says, every few minutes, which software it runs, how many
claims wait in its queue (and since when), and how its last self-test went.

The county keeps only the latest heartbeat per kiosk (one row, replaced), for the console's
kiosks page. A heartbeat is authenticated like every other kiosk call; one that does not
fit the schema (unknown fields, a negative queue, a self-test without its checks, NUL
characters) is refused with 422 and changes nothing.
"""

import json
import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from county.auth import Authenticator, DeviceIdentity
from county.db import Database, KioskHeartbeat, utcnow
from county.errors import ApiError

log = logging.getLogger("county.heartbeat")

_TEXT = r"^[^\x00-\x1f\x7f]*$"


class SelfTestCheck(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=40, pattern=_TEXT, examples=["camera"])
    ok: bool
    detail: str = Field(default="", max_length=500)


class SelfTest(BaseModel):
    """The kiosk's last self-test (`kiosk selftest`, `<home>/selftest.json`)."""

    model_config = ConfigDict(extra="ignore")

    at: AwareDatetime = Field(description="when it ran")
    ok: bool
    checks: list[SelfTestCheck] = Field(min_length=1, max_length=50)


class HeartbeatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    software_version: str = Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$",
                                  examples=["0.1.0"])
    queue_length: int = Field(ge=0, le=1_000_000, description="claims waiting to be sent")
    oldest_queued_seconds: int | None = Field(default=None, ge=0, le=10 * 366 * 86400,
                                              description="age of the oldest of them")
    selftest: SelfTest | None = Field(default=None, description="none if it never ran")


class HeartbeatAck(BaseModel):
    received_at: datetime


def build_router(db: Database, auth: Authenticator) -> APIRouter:
    router = APIRouter(tags=["heartbeat"])

    @router.post(
        "/api/v1/heartbeat",
        response_model=HeartbeatAck,
        summary="Report this kiosk's software version, queue and last self-test",
        description="Send at most every few minutes. The county keeps the latest per kiosk "
                    "for its kiosks page. 422: the heartbeat does not fit; nothing stored.",
    )
    def heartbeat(beat: HeartbeatIn,
                  device: Annotated[DeviceIdentity, Depends(auth.require_device)]
                  ) -> HeartbeatAck:
        test = beat.selftest
        failures = None
        if test is not None:
            if any("\x00" in c.detail for c in test.checks):
                raise ApiError(422, "invalid_request", "text fields must not contain NUL "
                               "characters")
            failures = json.dumps([{"name": c.name, "detail": c.detail}
                                   for c in test.checks if not c.ok], ensure_ascii=False)
        now = utcnow()
        with db.write() as s:
            row = s.get(KioskHeartbeat, device.id) or KioskHeartbeat(device_id=device.id)
            row.received_at = now
            row.software_version = beat.software_version
            row.queue_length = beat.queue_length
            row.oldest_queued_seconds = beat.oldest_queued_seconds
            row.selftest_at = test.at if test else None
            row.selftest_ok = (test.ok and not any(not c.ok for c in test.checks)) \
                if test else None
            row.selftest_failures = failures
            s.add(row)
        log.info("heartbeat from %s: %s, %d queued", device.id, beat.software_version,
                 beat.queue_length)
        return HeartbeatAck(received_at=now)

    return router
