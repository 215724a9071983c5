"""Device enrolment and the bearer credential every later kiosk request carries.

A technician runs `county enrol-code`, types the short code on the kiosk, and the kiosk trades
it (once, before it expires) for a device id and a random token. The server keeps only the
token's SHA-256: the token has 256 bits of entropy, so a fast hash is enough and a stolen
database does not let anyone speak as a kiosk. Revoking a device refuses its token at once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from county.db import Database, Device, EnrolCode, utcnow
from county.errors import ApiError, ErrorBody

log = logging.getLogger("county.auth")

#: Crockford-style alphabet without 0/O, 1/I/L and U: nothing a technician can misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
#: Failed enrolment attempts allowed per minute from one source address before it is answered
#: 429; with 30^8 possible codes this makes guessing a live code hopeless. Counting per address
#: means a flood of bad codes from one machine does not lock out the technician at another.
ENROL_FAILURES_PER_MINUTE = 20
#: ...and from all addresses together, so many machines guessing at once gain little.
ENROL_FAILURES_PER_MINUTE_ALL = 300
#: Source addresses whose failures are remembered at once (oldest forgotten first).
ENROL_ADDRESSES_TRACKED = 10_000
#: `last_seen_at` is written at most this often per device (each write takes the write lock).
LAST_SEEN_EVERY = timedelta(seconds=60)


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """Upper-case and drop the dash and any spaces the technician typed."""
    return "".join(ch for ch in code.upper() if ch not in "- \t")


def format_code(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def create_enrol_code(db: Database, ttl: timedelta,
                      now: datetime | None = None) -> tuple[str, datetime]:
    """Store a new one-time code and return it (formatted `ABCD-EFGH`) with its expiry.

    `now` exists so a test can make a code that has already expired without waiting.
    """
    now = now or utcnow()
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = now + ttl
    with db.write() as s:
        s.add(EnrolCode(code_hash=hash_secret(raw), created_at=now, expires_at=expires))
    log.info("enrolment code issued, expires %s", expires.isoformat())
    return format_code(raw), expires


@dataclass(frozen=True)
class EnrolledDevice:
    device_id: str
    name: str
    token: str
    enrolled_at: datetime


def enrol_device(db: Database, code: str, name: str) -> EnrolledDevice:
    """Spend `code` and create a device. The code is marked used by a conditional UPDATE, so
    two kiosks racing with the same code cannot both win."""
    raw = normalise_code(code)
    h = hash_secret(raw)
    now = utcnow()
    device_id = "dev-" + secrets.token_hex(4)
    token = secrets.token_urlsafe(32)
    with db.write() as s:
        result = s.execute(
            update(EnrolCode)
            .where(EnrolCode.code_hash == h, EnrolCode.used_at.is_(None),
                   EnrolCode.expires_at > now)
            .values(used_at=now, device_id=device_id)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            row = s.get(EnrolCode, h)
            if row is None:
                raise ApiError(403, "enrol_code_unknown", "no such enrolment code; check what "
                               "was typed or issue a new one with `county enrol-code`")
            if row.used_at is not None:
                raise ApiError(403, "enrol_code_used", "this enrolment code was already used; "
                               "issue a new one with `county enrol-code`")
            raise ApiError(403, "enrol_code_expired", "this enrolment code has expired; "
                           "issue a new one with `county enrol-code`")
        s.add(Device(id=device_id, name=name, token_hash=hash_secret(token), enrolled_at=now,
                     last_event_seq=0))
    log.info("device %s (%s) enrolled", device_id, name)
    return EnrolledDevice(device_id=device_id, name=name, token=token, enrolled_at=now)


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    name: str
    enrolled_at: datetime
    revoked_at: datetime | None
    last_seen_at: datetime | None


def list_devices(db: Database) -> list[DeviceInfo]:
    with db.read() as s:
        rows = s.scalars(select(Device).order_by(Device.enrolled_at)).all()
        return [DeviceInfo(d.id, d.name, d.enrolled_at, d.revoked_at, d.last_seen_at)
                for d in rows]


class UnknownDevice(LookupError):
    pass


def revoke_device(db: Database, device_id: str) -> bool:
    """Revoke a device; False when it was already revoked."""
    with db.write() as s:
        device = s.get(Device, device_id)
        if device is None:
            raise UnknownDevice(device_id)
        if device.revoked_at is not None:
            return False
        device.revoked_at = utcnow()
    log.warning("device %s revoked", device_id)
    return True


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is calling: what a route gets from `Authenticator.require_device`."""

    id: str
    name: str


_bearer = HTTPBearer(auto_error=False, scheme_name="DeviceToken",
                     description="The token from `POST /api/v1/enrol`, as "
                                 "`Authorization: Bearer <token>`.")


class _FailureWindow:
    """Counts failures over the last minute (in memory: one server process per county)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] > 60.0:
            self._times.popleft()

    def blocked(self) -> bool:
        with self._lock:
            self._trim(time.monotonic())
            return len(self._times) >= self.limit

    def record(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._trim(now)
            self._times.append(now)


class Authenticator:
    """Resolves bearer tokens to devices; its `require_device` is the routes' dependency."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def require_device(
        self,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> DeviceIdentity:
        challenge = {"WWW-Authenticate": "Bearer"}
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "unauthorized", "send the device token as "
                           "`Authorization: Bearer <token>`", headers=challenge)
        h = hash_secret(credentials.credentials)
        with self.db.read() as s:
            device = s.scalars(select(Device).where(Device.token_hash == h)).first()
            if device is None:
                raise ApiError(401, "unknown_credential", "this device token is not known "
                               "here; enrol the kiosk again", headers=challenge)
            if device.revoked_at is not None:
                raise ApiError(403, "device_revoked", "this device was revoked by the county; "
                               "ask the county for a new enrolment code")
            identity = DeviceIdentity(device.id, device.name)
            last_seen = device.last_seen_at
        now = utcnow()
        if last_seen is None or now - last_seen > LAST_SEEN_EVERY:
            with self.db.write() as s:
                s.execute(update(Device).where(Device.id == identity.id)
                          .values(last_seen_at=now))
        return identity


class EnrolRequest(BaseModel):
    code: str = Field(min_length=1, max_length=32, description="the one-time code printed by "
                      "`county enrol-code`; dashes, spaces and case do not matter",
                      examples=["K7QX-M3PA"])
    device_name: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$",
                             description="a name the county "
                             "staff will recognise, e.g. the township",
                             examples=["城关镇便民服务中心 kiosk 1"])


class EnrolResponse(BaseModel):
    device_id: str = Field(description="the device's id, as `county devices list` shows it")
    device_name: str
    token: str = Field(description="the bearer token for every later request; shown once, "
                                   "keep it secret")
    enrolled_at: datetime


class _PerAddress:
    """A failure window per source address, plus one for all of them."""

    def __init__(self) -> None:
        self._all = _FailureWindow(ENROL_FAILURES_PER_MINUTE_ALL)
        self._by_address: OrderedDict[str, _FailureWindow] = OrderedDict()
        self._lock = threading.Lock()

    def _window(self, address: str) -> _FailureWindow:
        with self._lock:
            window = self._by_address.pop(address, None) or _FailureWindow(
                ENROL_FAILURES_PER_MINUTE)
            self._by_address[address] = window
            while len(self._by_address) > ENROL_ADDRESSES_TRACKED:
                self._by_address.popitem(last=False)
            return window

    def blocked(self, address: str) -> bool:
        return self._all.blocked() or self._window(address).blocked()

    def record(self, address: str) -> None:
        self._all.record()
        self._window(address).record()


def build_router(db: Database) -> APIRouter:
    router = APIRouter(tags=["enrolment"])
    failures = _PerAddress()

    @router.post(
        "/api/v1/enrol", response_model=EnrolResponse, status_code=201,
        summary="Trade a one-time enrolment code for a device credential",
        description="Needs no credential. The code is single-use and expires; the answer "
                    "carries the token only this once.",
        responses={403: {"model": ErrorBody, "description": "code unknown, used or expired"},
                   429: {"model": ErrorBody, "description": "too many failed attempts"}},
    )
    def enrol(req: EnrolRequest, request: Request) -> EnrolResponse:
        address = request.client.host if request.client else "?"
        if failures.blocked(address):
            raise ApiError(429, "too_many_attempts", "too many wrong enrolment codes in the "
                           "last minute; wait a minute and try again",
                           headers={"Retry-After": "60"})
        try:
            dev = enrol_device(db, req.code, req.device_name.strip() or req.device_name)
        except ApiError:
            failures.record(address)
            raise
        return EnrolResponse(device_id=dev.device_id, device_name=dev.name, token=dev.token,
                             enrolled_at=dev.enrolled_at)

    return router
