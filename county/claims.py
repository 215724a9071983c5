"""Claim upload, idempotent by the claim's UUID.

`PUT /api/v1/claims/{uuid}` answers 201 the first time, 200 with the same acknowledgement when
the identical claim is sent again (a kiosk that lost the first answer just re-sends), and 409
when different content arrives under a UUID already taken. "Identical" means the same
canonical JSON (keys sorted, no insignificant whitespace): key order does not matter.

A claim is accepted only when every image its documents reference is on the server; otherwise
the answer is 424 with the list of missing SHA-256s and nothing is stored, so a claim on the
server is always complete.
"""


import hashlib
import json
import logging
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from county import intake
from county.auth import Authenticator, DeviceIdentity
from county.db import Claim, ClaimImage, Database, utcnow
from county.errors import ApiError, ConflictBody, ErrorBody, MissingImagesBody
from county.feed import StatusName, record_event
from county.images import SHA256_PATTERN, ImageStore
from county.keys import CountyKey

log = logging.getLogger("county.claims")

MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
Money = Annotated[str, Field(pattern=MONEY_PATTERN, examples=["123.45"])]
IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", examples=["2024-05-17"])]


class Resident(BaseModel):
    """The insured resident the claim is for."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(pattern=r"^[0-9]{17}[0-9X]$", description="居民身份证号, final X "
                           "upper-case")
    insurance_no: str | None = Field(default=None, max_length=64, description="医保编号")
    phone: str | None = Field(default=None, max_length=32)


class Item(BaseModel):
    """A line item, as in the receipt JSON contract."""

    model_config = ConfigDict(extra="allow")

    name: str
    amount: Money
    code: str | None = None
    spec: str | None = None
    unit: str | None = None
    quantity: str | None = None
    unit_price: Money | None = None
    insurance_class: Literal["甲", "乙", "丙"] | None = None


class KioskCorrection(BaseModel):
    """A field the village assistant corrected on the kiosk before the claim was queued."""

    model_config = ConfigDict(extra="allow")

    field: str = Field(min_length=1, max_length=64, description="the receipt field, e.g. "
                       "`total` or `payer_name`")
    original: Any = Field(default=None, description="what the machine had read")
    corrected: Any = Field(default=None, description="what the assistant made of it")
    by: str | None = Field(default=None, max_length=100, description="who corrected it")
    at: datetime | None = Field(default=None, description="when")


_CORRECTIONS = TypeAdapter(list[KioskCorrection])


class Document(BaseModel):
    """One receipt as recognised (shared/spec/receipt-json.md) plus the image it came from.

    Fields of the contract not listed here are kept as sent."""

    model_config = ConfigDict(extra="allow")

    image_sha256: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the image file "
                              "uploaded with PUT /api/v1/images/{sha256}")
    doc_type: Literal["outpatient_invoice", "inpatient_invoice", "expense_list",
                      "payment_slip", "unknown"]
    invoice_code: str | None = None
    invoice_number: str | None = None
    issue_date: IsoDate | None = None
    visit_date: IsoDate | None = None
    hospital: str | None = None
    total: Money | None = None
    items: list[Item] = Field(default_factory=list)
    checks: list[dict[str, Any]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _corrections(self) -> "Document":
        """`corrections` (kiosks since heartbeat/corrections support) is checked but kept
        as sent, outside the declared fields, so claims without it hash as they always did."""
        sent = (self.model_extra or {}).get("corrections")
        if sent is not None:
            if isinstance(sent, list) and len(sent) > 500:
                raise ValueError("at most 500 corrections per document")
            try:
                _CORRECTIONS.validate_python(sent)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(x) for x in first["loc"])
                raise ValueError(f"corrections {where}: {first['msg']}") from None
        return self


class Finding(BaseModel):
    """One finding of the kiosk's audit rules."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(min_length=1, max_length=64)
    severity: Literal["error", "warning", "info"]
    message: str
    document: int | None = Field(default=None, ge=0, description="index into `documents`")


class RefundEstimate(BaseModel):
    """What the kiosk told the resident she may get back."""

    model_config = ConfigDict(extra="allow")

    amount: Money
    policy_version: int | str | None = Field(default=None, description="the policy it was "
                                             "computed with")


class ClaimIn(BaseModel):
    """A claim as the kiosk sends it."""

    model_config = ConfigDict(extra="forbid")

    uuid: UUID | None = Field(default=None, description="if present, must equal the URL's")
    created_at: datetime | None = Field(default=None, description="when the kiosk created it")
    assistant: str | None = Field(default=None, max_length=100,
                                  description="the village insurance assistant (协理员)")
    resident: Resident
    documents: list[Document] = Field(min_length=1, max_length=200)
    audit: list[Finding] = Field(default_factory=list)
    refund_estimate: RefundEstimate | None = None


class ClaimAck(BaseModel):
    """The server's receipt for a claim: identical every time the same claim is sent."""

    uuid: str
    server_id: int = Field(description="the number reviewers see in `county claims list`")
    content_sha256: str = Field(description="SHA-256 of the claim's canonical JSON")
    accepted_at: datetime


class ClaimState(BaseModel):
    uuid: str
    status: StatusName
    reason: str | None
    accepted_at: datetime
    updated_at: datetime
    content_sha256: str


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def canonical_json(claim: ClaimIn) -> str:
    data = claim.model_dump(mode="json", exclude={"uuid"})
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _ack(c: Claim) -> ClaimAck:
    return ClaimAck(uuid=c.uuid, server_id=c.id, content_sha256=c.content_sha256,
                    accepted_at=c.accepted_at)


def _without_corrections(body: str) -> str:
    """The claim as a kiosk from before corrections were sent would have sent it."""
    data = json.loads(body)
    for doc in data.get("documents", []):
        doc.pop("corrections", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _compare(existing: Claim, device_id: str, digest: str, body: str) -> ClaimAck:
    """The answer for a UUID already on the server: the same ack, or a 409.

    A kiosk updated between sending a claim and hearing the answer re-sends it with its
    corrections added; that is still the same claim."""
    if existing.device_id != device_id:
        raise ApiError(409, "uuid_taken", "another device already sent a claim with this "
                       "UUID; generate a new one")
    if existing.content_sha256 != digest and '"corrections":' in body and hashlib.sha256(
            _without_corrections(body).encode("utf-8")).hexdigest() == existing.content_sha256:
        return _ack(existing)
    if existing.content_sha256 != digest:
        raise ApiError(409, "claim_conflict", "a different claim was already accepted under "
                       "this UUID; a changed claim needs a new UUID",
                       content_sha256=existing.content_sha256)
    return _ack(existing)


def build_router(db: Database, store: ImageStore, auth: Authenticator,
                 key: CountyKey) -> APIRouter:
    router = APIRouter(tags=["claims"])
    Caller = Annotated[DeviceIdentity, Depends(auth.require_device)]
    ClaimId = Annotated[UUID, Path(description="the claim's UUID, chosen by the kiosk")]

    @router.put(
        "/api/v1/claims/{claim_uuid}",
        response_model=ClaimAck,
        status_code=201,
        summary="Upload a claim (idempotent by UUID)",
        description="201: accepted now. 200: this exact claim was already accepted (same "
                    "acknowledgement). 409: different content under this UUID. 424: images "
                    "missing; upload them and send the claim again.",
        responses={200: {"model": ClaimAck, "description": "already accepted, same content"},
                   409: {"model": ConflictBody, "description": "UUID taken by other content"},
                   424: {"model": MissingImagesBody, "description": "images still missing"}},
    )
    def put_claim(claim_uuid: ClaimId, claim: ClaimIn, device: Caller,
                  response: Response) -> ClaimAck:
        uuid = str(claim_uuid)
        if claim.uuid is not None and claim.uuid != claim_uuid:
            raise ApiError(422, "uuid_mismatch", "the body's uuid differs from the URL's")
        if _has_nul(claim.model_dump(mode="json")):
            # PostgreSQL text cannot hold NUL, and no receipt prints one.
            raise ApiError(422, "invalid_request", "text fields must not contain NUL "
                           "characters")
        body = canonical_json(claim)
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()

        with db.read() as s:
            existing = s.scalars(select(Claim).where(Claim.uuid == uuid)).first()
            if existing is not None:
                response.status_code = 200
                return _compare(existing, device.id, digest, body)

        intake.validate(json.loads(body))
        wanted = {d.image_sha256 for d in claim.documents}
        missing = store.missing(wanted)
        if missing:
            raise ApiError(424, "images_missing", f"{len(missing)} image(s) must be uploaded "
                           "before this claim can be accepted", missing=missing)

        now = utcnow()
        amount = claim.refund_estimate.amount if claim.refund_estimate else None
        try:
            with db.write() as s:
                row = Claim(uuid=uuid, device_id=device.id, content_sha256=digest, body=body,
                            resident_name=claim.resident.name, refund_estimate=amount,
                            status="accepted", reason=None, accepted_at=now, updated_at=now)
                s.add(row)
                s.flush()
                intake.record_arrival(s, row, key)
                s.add_all(ClaimImage(claim_id=row.id, sha256=h) for h in sorted(wanted))
                record_event(s, row, "accepted", None, now)
                ack = _ack(row)
        except IntegrityError:
            # The same UUID was inserted concurrently (two deliveries racing): answer as if
            # this request had come second.
            with db.read() as s:
                existing = s.scalars(select(Claim).where(Claim.uuid == uuid)).first()
                if existing is None:
                    raise
                response.status_code = 200
                return _compare(existing, device.id, digest, body)
        log.info("claim %s accepted from %s (%d documents)", uuid, device.id,
                 len(claim.documents))
        return ack

    @router.get(
        "/api/v1/claims/{claim_uuid}",
        response_model=ClaimState,
        summary="Where one of this device's claims stands",
        responses={404: {"model": ErrorBody, "description": "no such claim from this device"}},
    )
    def get_claim(claim_uuid: ClaimId, device: Caller) -> ClaimState:
        with db.read() as s:
            c = s.scalars(select(Claim).where(Claim.uuid == str(claim_uuid),
                                              Claim.device_id == device.id)).first()
            if c is None:
                raise ApiError(404, "claim_not_found", "this device sent no claim with "
                               "this UUID")
            return ClaimState(uuid=c.uuid, status=c.status,  # type: ignore[arg-type]
                              reason=c.reason, accepted_at=c.accepted_at,
                              updated_at=c.updated_at, content_sha256=c.content_sha256)

    return router
