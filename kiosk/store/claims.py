"""The claim store: what the kiosk keeps of each claim, and every change made to it.

Writes run on the calling thread, one at a time (`@_writes` holds the store's writer lock
around each public write: the one writer connection is never shared), each in one
`BEGIN IMMEDIATE` transaction that either commits completely or not at all. The store owns
no thread: the UI's task manager, the sync worker and the console commands each bring their
own, so a UI write is one hop off the UI thread, not two. Reads run on the calling thread
through a separate, query-only connection pool. Images reach the disk before the row that
points at them commits.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Concatenate, NamedTuple, ParamSpec, TypeVar

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from kiosk.core.config import StoreSettings
from kiosk.core.durable import FileLock
from kiosk.residents import InvalidResident, Resident
from kiosk.store import identity, schema
from kiosk.store.crypto import Sealer, load_key
from kiosk.store.errors import (
    ClaimNotFound,
    DuplicateInvoice,
    InvalidClaim,
    InvalidTransition,
    KeyFileError,
    ReadOnly,
    StoreError,
)
from kiosk.store.images import (
    QUARANTINE_S,
    ImageDamaged,
    ImageMissing,
    ImageStore,
    SweepResult,
)
from kiosk.store.invoices import claim_total, describe, invoice_key
from kiosk.store.models import Claim, Document, Event, InvoiceKey, Meta
from kiosk.store.status import (
    RELEASES_INVOICES,
    TRANSITIONS,
    Status,
)

log = logging.getLogger("kiosk.store")

P = ParamSpec("P")
T = TypeVar("T")

SYSTEM = "system"
_NO_STORE = frozenset({"missing", "empty", "blank"})
_COUNTY_DATE = "county_date"
_CLOCK_SLACK_S = 300.0  # NTP steps and two processes' clocks: not a clock set back
# Final states the county decides; only they start the retention clock.
_FINAL = (Status.PAID, Status.RETURNED)
_KEY_CHECK = "key_check"
# Fields of the recognition JSON that the claim keeps readable after the purge.
_PLAIN_FIELDS = ("doc_type", "invoice_code", "invoice_number", "hospital", "issue_date", "total")


class ImageProblem(NamedTuple):
    """A document whose image is missing or does not open."""

    claim_id: int
    document: int  # 1-based, as people count
    sha256: str
    problem: str  # "missing", "damaged" or "unreadable"
    detail: str

    def describe(self) -> str:
        return (f"claim {self.claim_id}, document {self.document}: image "
                f"{self.sha256[:12]}… is {self.problem} ({self.detail})")


class NoDatabaseYet(StoreError):
    """Opening for reading only a kiosk that never had a claim database: nothing to read."""


@dataclass(frozen=True)
class NewDocument:
    """A scanned receipt to add to a claim: the recognition JSON and the original image."""

    recognition: Mapping[str, Any]
    image: bytes


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    """A claim as the queue and lists show it: no personal data, no decryption needed."""

    id: int
    uid: str
    status: Status
    assistant: str
    created_at: float
    updated_at: float
    document_count: int
    total: str | None
    insurance_place: str
    purged: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "uid": self.uid, "status": str(self.status),
                "assistant": self.assistant, "created_at": self.created_at,
                "updated_at": self.updated_at, "document_count": self.document_count,
                "total": self.total, "insurance_place": self.insurance_place,
                "purged": self.purged}


class QueueEntry(NamedTuple):
    """A claim waiting for upload, as the queue screen and the sync worker need it."""

    id: int
    uid: str
    created_at: float
    document_count: int
    total: str | None


@dataclass(frozen=True)
class StoredDocument:
    id: int
    position: int
    doc_type: str
    invoice_code: str | None
    invoice_number: str | None
    hospital: str | None
    issue_date: str | None
    total: str | None
    image_sha256: str | None  # None once purged
    image_size: int
    recognition: dict[str, Any] | None  # None once purged
    corrections: list[dict[str, Any]] | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "position": self.position, "doc_type": self.doc_type,
                "invoice_code": self.invoice_code, "invoice_number": self.invoice_number,
                "hospital": self.hospital, "issue_date": self.issue_date, "total": self.total,
                "image_sha256": self.image_sha256, "image_size": self.image_size,
                "recognition": self.recognition, "corrections": self.corrections}


@dataclass(frozen=True)
class ClaimEvent:
    id: int
    at: float
    actor: str
    action: str
    from_status: Status | None
    to_status: Status | None
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "actor": self.actor, "action": self.action,
                "from_status": self.from_status and str(self.from_status),
                "to_status": self.to_status and str(self.to_status), "detail": self.detail}


@dataclass(frozen=True)
class ClaimRecord:
    """One claim in full, personal fields decrypted (None after the retention purge)."""

    summary: ClaimSummary
    resident: Resident | None
    confirmed_at: float | None
    accepted_at: float | None
    purged_at: float | None
    findings: list[Any]
    refund_estimate: dict[str, Any] | None
    return_reason: str | None
    county_ref: str | None
    documents: list[StoredDocument] = field(default_factory=list)
    events: list[ClaimEvent] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def status(self) -> Status:
        return self.summary.status

    def to_json(self) -> dict[str, Any]:
        out = self.summary.to_json()
        out["resident"] = None if self.resident is None else {
            "name": self.resident.name, "id_number": self.resident.id_number,
            "insurance_place": self.resident.insurance_place, "phone": self.resident.phone}
        out.update({"confirmed_at": self.confirmed_at, "accepted_at": self.accepted_at,
                    "purged_at": self.purged_at, "findings": self.findings,
                    "refund_estimate": self.refund_estimate,
                    "return_reason": self.return_reason, "county_ref": self.county_ref,
                    "documents": [d.to_json() for d in self.documents],
                    "history": [e.to_json() for e in self.events]})
        return out


def _writes(method: Callable[Concatenate[ClaimStore, P], T],
            ) -> Callable[Concatenate[ClaimStore, P], T]:
    """A public write: one at a time on the writer connection, refused once closed."""

    @functools.wraps(method)
    def write(self: ClaimStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with self._writer:
            if self._closed:
                raise StoreError("the claim store is closed")
            return method(self, *args, **kwargs)

    return write


class ClaimStore:
    """Opens (creating or upgrading) the claim database below a kiosk's home directory.

    Start-up also puts claims a dead sync worker left in `uploading` back to `queued`, purges
    what the retention period says must go, and sweeps image files no row points at.
    """

    def __init__(self, home: Path, settings: StoreSettings | None = None, *,
                 clock: Callable[[], float] = time.time, orphan_grace_s: float = 3600.0,
                 read_only: bool = False) -> None:
        settings = settings or StoreSettings()
        self.home = Path(home)
        self.db_path = Path(settings.database) if settings.database else (
            self.home / "claims.sqlite3")
        self.key_path = Path(settings.key_file) if settings.key_file else (
            self.home / "keys" / "store.key")
        self.retention_days = settings.retention_days  # set_retention_days from the settings
        self._clock = clock
        self._writer = threading.RLock()  # held by the one write in progress (re-entrant:
        self._closed = False               # opening re-queues, purges and sweeps)
        self._wengine: Engine | None = None
        self._rengine: Engine | None = None
        self.read_only = read_only
        try:
            with self._writer:
                if read_only:
                    self._open_read_only(settings.busy_timeout_ms)
                else:
                    self._open(settings.busy_timeout_ms, orphan_grace_s)
        except BaseException:
            self.close()
            raise

    # --- the writer --------------------------------------------------------------------

    def close(self) -> None:
        """Close after the write in progress (if any) has committed or rolled back."""
        with self._writer:
            if self._closed:
                return
            self._closed = True
            for engine in (self._wengine, self._rengine):
                if engine is not None:
                    engine.dispose()

    def __enter__(self) -> ClaimStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _w(self) -> Engine:
        if self._wengine is None:
            raise ReadOnly(f"the claim database {self.db_path} was opened for reading only")
        return self._wengine

    @property
    def _r(self) -> Engine:
        assert self._rengine is not None
        return self._rengine

    def _open(self, busy_timeout_ms: int, orphan_grace_s: float) -> None:
        images_root = self.home / "images"
        if identity.database_state(self.db_path) in _NO_STORE:
            with identity.creation_lock(self.db_path):
                state = identity.database_state(self.db_path)
                if state in _NO_STORE:
                    found = identity.traces(self.key_path, images_root)
                    if found.any():
                        raise identity.refuse_lost(self.db_path, self.key_path, images_root,
                                                   state, found)
                self._open_database(busy_timeout_ms, images_root)
        else:
            self._open_database(busy_timeout_ms, images_root)
        probe = self.delivery_lock()
        if probe.acquire():  # no live sync worker: whatever is `uploading` was interrupted
            try:
                self.reset_in_flight()
            finally:
                probe.release()
        self.purge_expired()
        self.sweep_orphans(grace_s=orphan_grace_s)

    def _open_read_only(self, busy_timeout_ms: int) -> None:
        """Open for reading only: nothing is created, upgraded, re-queued, purged or swept,
        so listing works on a full disk (the file is read as immutable if SQLite cannot
        even create its shared-memory file and no write-ahead log is pending)."""
        images_root = self.home / "images"
        state = identity.database_state(self.db_path)
        if state in _NO_STORE:
            found = identity.traces(self.key_path, images_root)
            if found.any():
                raise identity.refuse_lost(self.db_path, self.key_path, images_root, state,
                                           found)
            raise NoDatabaseYet(f"there is no claim database {self.db_path} yet")
        what = f"cannot read the claim database {self.db_path}"
        with schema.translated(what, self.db_path):
            self._rengine = schema.make_engine(self.db_path, busy_timeout_ms=busy_timeout_ms,
                                               writer=False, uri_options="mode=ro")
            try:
                revision = schema.current_revision(self._r)
            except (sa_exc.DBAPIError, sqlite3.Error) as err:
                wal = self.db_path.with_name(self.db_path.name + "-wal")
                pending = wal.exists() and wal.stat().st_size > 0
                if pending or "I/O" not in str(err):
                    raise
                self._rengine.dispose()
                self._rengine = schema.make_engine(
                    self.db_path, busy_timeout_ms=busy_timeout_ms, writer=False,
                    uri_options="mode=ro&immutable=1")
                revision = schema.current_revision(self._r)
            if revision != schema.HEAD_REVISION:
                raise StoreError(
                    f"{self.db_path} must be upgraded (schema {revision!r}) before it can be "
                    "read; open it once with the kiosk app (it needs free disk space)")
            check = schema.read_meta(self._r, _KEY_CHECK)
            key = load_key(self.key_path, create=False)
            if key is None:
                raise KeyFileError(f"the key file {self.key_path} is missing; the personal "
                                   f"data in {self.db_path} cannot be read without it")
            self._sealer = Sealer(key)
            if check != self._sealer.mac("this is the claim store key", "key-check"):
                raise KeyFileError(f"the key file {self.key_path} does not belong to the "
                                   f"database {self.db_path}")
            self.images = ImageStore(images_root, self._sealer)
            self.store_id = schema.read_meta(self._r, identity.STORE_ID) or ""
            marker = identity.read_marker(images_root)
            if self.store_id and marker is not None and marker != self.store_id:
                raise identity.StoreMismatch(
                    f"the image folder {images_root} belongs to another claim database "
                    f"(store {marker}) than {self.db_path} (store {self.store_id})")

    def _open_database(self, busy_timeout_ms: int, images_root: Path) -> None:
        with schema.translated(f"cannot open the claim database {self.db_path}", self.db_path):
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self._wengine = schema.make_engine(self.db_path, busy_timeout_ms=busy_timeout_ms,
                                               writer=True)
            schema.check_integrity(self._w, self.db_path)
            schema.upgrade(self._w, self.db_path)
            self._rengine = schema.make_engine(self.db_path, busy_timeout_ms=busy_timeout_ms,
                                               writer=False)
            self._sealer = self._load_sealer()
            self.images = ImageStore(images_root, self._sealer)
            self.images.ensure_dir()
            self.store_id = self._bind_identity(images_root)

    def _bind_identity(self, images_root: Path) -> str:
        """The database's store_id, matched against the image folder's marker."""
        store_id = schema.read_meta(self._w, identity.STORE_ID)
        if store_id is None:  # a new store, or one made before stores had an identity
            with self._tx(durable=True, what="cannot record the store's identity") as s:
                if s.get(Meta, identity.STORE_ID) is None:
                    s.add(Meta(name=identity.STORE_ID, value=identity.new_store_id()))
            store_id = schema.read_meta(self._w, identity.STORE_ID)
            assert store_id is not None
        marker = identity.read_marker(images_root)
        if marker is None:
            identity.write_marker(images_root, store_id)
        elif marker != store_id:
            raise identity.StoreMismatch(
                f"the image folder {images_root} belongs to another claim database (store "
                f"{marker}) than {self.db_path} (store {store_id}): the database or the "
                "folder was replaced. Nothing was deleted; put back the database and image "
                "folder that belong together from the technician's backup")
        return store_id

    def _load_sealer(self) -> Sealer:
        check = schema.read_meta(self._w, _KEY_CHECK)
        key = load_key(self.key_path, create=check is None)
        if key is None:
            raise KeyFileError(
                f"the key file {self.key_path} is missing; the personal data in "
                f"{self.db_path} cannot be read without it (restore it from the technician's "
                "backup; only to start with no claims, move the database, the key file and "
                "the image folder aside together)")
        sealer = Sealer(key)
        expected = sealer.mac("this is the claim store key", "key-check")
        if check is None:
            with self._tx(durable=True) as s:
                if s.get(Meta, _KEY_CHECK) is None:
                    s.add(Meta(name=_KEY_CHECK, value=expected))
                    s.add(Meta(name="created_at", value=repr(self._clock())))
            check = schema.read_meta(self._w, _KEY_CHECK)
        if check != expected:
            raise KeyFileError(
                f"the key file {self.key_path} does not belong to the database {self.db_path}")
        return sealer

    @contextmanager
    def _tx(self, *, durable: bool, what: str = "cannot save the claim") -> Iterator[Session]:
        """One BEGIN IMMEDIATE transaction on the writer connection; FULL sync if durable."""
        engine = self._w.execution_options(kiosk_sync="FULL") if durable else self._w
        with schema.translated(what, self.db_path), Session(
                engine, expire_on_commit=False, autoflush=True) as s, s.begin():
            yield s

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with schema.translated("cannot read the claim database", self.db_path), Session(
                self._r) as s, s.begin():
            yield s

    # --- writing claims ---------------------------------------------------------------

    @_writes
    def create_claim(self, resident: Resident, documents: Sequence[NewDocument], *,
                     assistant: str, uid: str | None = None) -> int:
        """A new draft claim with its documents; returns its id.

        `uid` makes the call idempotent: a retry after a crash with the same uid returns the
        claim the first call created instead of creating a second one.
        """
        try:
            resident.validate()
        except InvalidResident as exc:
            raise InvalidClaim(str(exc)) from None
        if not documents:
            raise InvalidClaim("a claim needs at least one document")
        for doc in documents:
            _check_document(doc)
        if not assistant.strip():
            raise InvalidClaim("the assistant who helped must be named")
        assistant = assistant.strip()
        uid = uid or uuid.uuid4().hex
        existing = self._claim_id_by_uid(uid)
        if existing is not None:
            return existing
        shas = [self.images.put(d.image) for d in documents]
        now = self._clock()
        seal = self._sealer.seal_text
        try:
            with self._tx(durable=False) as s:
                again = s.scalar(select(Claim.id).where(Claim.uid == uid))
                if again is not None:  # another process won the race with the same uid
                    return again
                recs = [dict(d.recognition) for d in documents]
                claim = Claim(
                    uid=uid, status=Status.DRAFT, assistant=assistant, created_at=now,
                    updated_at=now, name_sealed=seal(resident.name, "claim.name"),
                    id_number_sealed=seal(resident.id_number, "claim.id_number"),
                    phone_sealed=seal(resident.phone, "claim.phone"),
                    id_number_mac=self._id_mac(resident.id_number),
                    insurance_place=resident.insurance_place, document_count=len(documents),
                    total=claim_total(recs), findings=[], refund_estimate=None)
                s.add(claim)
                s.flush()
                for pos, (doc, rec, sha) in enumerate(zip(documents, recs, shas, strict=True)):
                    self._add_document_row(s, claim, pos, rec, sha, len(doc.image))
                self._event(s, claim.id, assistant, "created", None, Status.DRAFT,
                            {"documents": len(documents)}, now)
                return claim.id
        except StoreError:
            self._forget_images(shas)
            raise

    def _add_document_row(self, s: Session, claim: Claim, pos: int, rec: dict[str, Any],
                          sha: str, size: int) -> Document:
        row = Document(claim_id=claim.id, position=pos, image_sha256=sha, image_size=size,
                       recognition_sealed=self._seal_json(rec, "document.recognition"),
                       corrections_sealed=self._seal_json([], "document.corrections"),
                       **_plain(rec))
        s.add(row)
        s.flush()
        self._claim_invoice(s, claim.id, row.id, rec)
        return row

    def _claim_invoice(self, s: Session, claim_id: int, document_id: int,
                       rec: Mapping[str, Any]) -> None:
        key = invoice_key(rec)
        if key is None:
            return
        holder = s.scalar(select(InvoiceKey.claim_id).where(InvoiceKey.key == key))
        if holder is not None:
            where = "this claim" if holder == claim_id else "another claim"
            invoice = describe(key)
            raise DuplicateInvoice(
                f"{invoice.render('en')} is already in {where}: claim {holder}",
                invoice=invoice, claim_id=holder)
        s.add(InvoiceKey(key=key, claim_id=claim_id, document_id=document_id))
        s.flush()

    def _forget_images(self, shas: Sequence[str]) -> None:
        """Remove just-written images that no row took (the refused claim's)."""
        try:
            with self._read() as s:
                used = set(s.scalars(select(Document.image_sha256)
                                     .where(Document.image_sha256.in_(shas))))
            for sha in set(shas) - used:
                self.images.remove(sha)
        except StoreError:
            log.warning("could not remove the images of a refused claim; the sweep will")

    @_writes
    def add_document(self, claim_id: int, document: NewDocument, *, actor: str) -> int:
        """Add a receipt to a draft claim; returns the document id."""
        _check_document(document)
        sha = self.images.put(document.image)
        try:
            with self._tx(durable=False) as s:
                claim = self._claim_for_update(s, claim_id)
                self._require_draft(claim, "add a document to")
                rec = dict(document.recognition)
                row = self._add_document_row(s, claim, claim.document_count, rec, sha,
                                             len(document.image))
                claim.document_count += 1
                claim.total = claim_total(self._recognitions(claim))
                now = self._clock()
                claim.updated_at = now
                self._event(s, claim.id, actor, "document_added", None, None,
                            {"document_id": row.id}, now)
                return row.id
        except StoreError:
            self._forget_images([sha])
            raise

    @_writes
    def correct_field(self, claim_id: int, document_id: int, name: str, value: Any, *,
                      actor: str) -> None:
        """Replace one field of a draft's recognition JSON, remembering who changed what."""
        with self._tx(durable=False) as s:
            claim = self._claim_for_update(s, claim_id)
            self._require_draft(claim, "correct")
            doc = s.get(Document, document_id)
            if doc is None or doc.claim_id != claim_id:
                raise ClaimNotFound(f"claim {claim_id} has no document {document_id}")
            assert doc.recognition_sealed is not None and doc.corrections_sealed is not None
            rec = self._open_json(doc.recognition_sealed, "document.recognition",
                                  f"the recognition of document {doc.position + 1} of claim "
                                  f"{claim_id}")
            corrections = self._open_json(doc.corrections_sealed, "document.corrections",
                                          f"the corrections of document {doc.position + 1} "
                                          f"of claim {claim_id}")
            now = self._clock()
            corrections.append({"field": name, "old": rec.get(name), "new": value,
                                "by": actor, "at": now})
            rec[name] = value
            s.execute(delete(InvoiceKey).where(InvoiceKey.document_id == doc.id))
            s.flush()
            self._claim_invoice(s, claim_id, doc.id, rec)
            doc.recognition_sealed = self._seal_json(rec, "document.recognition")
            doc.corrections_sealed = self._seal_json(corrections, "document.corrections")
            for key, val in _plain(rec).items():
                setattr(doc, key, val)
            s.flush()
            claim.total = claim_total(self._recognitions(claim))
            claim.updated_at = now
            # the values may be personal (a name); the log names the field only
            self._event(s, claim_id, actor, "corrected", None, None,
                        {"document_id": document_id, "field": name}, now)

    @_writes
    def set_audit(self, claim_id: int, findings: list[Any],
                  refund_estimate: dict[str, Any] | None, *, actor: str) -> None:
        """Store the audit's findings and refund estimate (filled by the audit issues)."""
        with self._tx(durable=False) as s:
            claim = self._claim_for_update(s, claim_id)
            now = self._clock()
            claim.findings = list(findings)
            claim.refund_estimate = refund_estimate
            claim.updated_at = now
            self._event(s, claim_id, actor, "audited", None, None,
                        {"findings": len(findings)}, now)

    # --- status -----------------------------------------------------------------------

    @_writes
    def transition(self, claim_id: int, target: Status | str, *, actor: str,
                   reason: str | None = None, county_ref: str | None = None,
                   expect: Status | str | None = None) -> Status:
        """Move a claim to `target` if the life cycle allows it; returns the old status.

        `expect` guards against acting on a stale view: the move happens only if the claim
        is still in that status (the UI passes what it showed).
        """
        target = Status(target)
        expected = None if expect is None else Status(expect)
        if target is Status.RETURNED and not (reason and reason.strip()):
            raise InvalidTransition("a claim can only be returned with a reason")
        with self._tx(durable=True, what=f"cannot move claim {claim_id} to {target}") as s:
            claim = self._claim_for_update(s, claim_id)
            return self._move(s, claim, target, actor, reason=reason, county_ref=county_ref,
                              expected=expected)

    def _move(self, s: Session, claim: Claim, target: Status, actor: str, *,
              reason: str | None = None, county_ref: str | None = None,
              expected: Status | None = None, detail: dict[str, Any] | None = None) -> Status:
        current = Status(claim.status)
        if expected is not None and current is not expected:
            raise InvalidTransition(
                f"claim {claim.id} is {current}, not {expected} any more")
        if target not in TRANSITIONS[current]:
            raise InvalidTransition(f"claim {claim.id} cannot go from {current} to {target}")
        now = self._clock()
        claim.status = target
        claim.updated_at = now
        info = dict(detail or {})
        if target is Status.CONFIRMED:
            claim.confirmed_at = now
        if target is Status.ACCEPTED:
            claim.accepted_at = now
            if county_ref:
                claim.county_ref = county_ref
                info["county_ref"] = county_ref
        if target is Status.RETURNED:
            claim.return_reason = reason
            info["reason"] = reason
        if target in RELEASES_INVOICES:
            s.execute(delete(InvoiceKey).where(InvoiceKey.claim_id == claim.id))
        self._event(s, claim.id, actor, "status", current, target, info, now)
        return current

    def confirm(self, claim_id: int, *, actor: str) -> None:
        self.transition(claim_id, Status.CONFIRMED, actor=actor)

    def queue(self, claim_id: int, *, actor: str) -> None:
        self.transition(claim_id, Status.QUEUED, actor=actor)

    @_writes
    def next_for_upload(self, *, actor: str = "sync") -> int | None:
        """Take the oldest queued claim for sending (queued → uploading); None if none."""
        with self._tx(durable=True, what="cannot take a claim for upload") as s:
            claim_id = s.scalar(select(Claim.id).where(Claim.status == Status.QUEUED)
                                .order_by(Claim.id).limit(1))
            if claim_id is None:
                return None
            self._move(s, self._claim_for_update(s, claim_id), Status.UPLOADING, actor)
            return claim_id

    @_writes
    def record_event(self, claim_id: int, action: str, detail: Mapping[str, Any], *,
                     actor: str) -> None:
        """Add a note to a claim's history without changing its status.

        The sync worker records here why the county refused a claim (the life cycle has no
        failed state: such a claim stays queued and the worker holds it back).
        """
        detail = dict(detail)
        with self._tx(durable=True, what=f"cannot note {action} on claim {claim_id}") as s:
            claim = self._claim_for_update(s, claim_id)
            now = self._clock()
            claim.updated_at = now
            self._event(s, claim_id, actor, action, None, None, detail, now)

    def claim_id_by_uid(self, uid: str) -> int | None:
        """The id of the claim with this uid (as stored), or None."""
        return self._claim_id_by_uid(uid)

    def delivery_lock(self) -> FileLock:
        """The lock the one sync worker delivering from this database holds while it runs.

        While it is held, claims in `uploading` are in flight and nobody else may touch them:
        opening the store (`kiosk claims list` beside the running app) leaves them alone.
        """
        return FileLock(self.db_path.with_name(self.db_path.name + ".delivery.lock"))

    @_writes
    def reset_in_flight(self) -> list[int]:
        """Put claims left in `uploading` by a dead sync worker back to `queued` (call it
        only while holding `delivery_lock()`)."""
        with self._tx(durable=True, what="cannot re-queue interrupted uploads") as s:
            ids = list(s.scalars(select(Claim.id).where(Claim.status == Status.UPLOADING)))
            for claim_id in ids:
                self._move(s, self._claim_for_update(s, claim_id), Status.QUEUED, SYSTEM,
                           detail={"why": "upload interrupted (restart)"})
        if ids:
            log.info("re-queued %d interrupted uploads: %s", len(ids), ids)
        return ids

    # --- retention and clean-up -------------------------------------------------------

    @_writes
    def note_county_time(self, county_now: float) -> None:
        """Remember the county server's clock (its last `Date`): deletion trusts only a local
        clock that is not more than a day ahead of it."""
        county_now = float(county_now)
        with self._tx(durable=False, what="cannot note the county's time") as s:
            row = s.get(Meta, _COUNTY_DATE)
            if row is None:
                s.add(Meta(name=_COUNTY_DATE, value=repr(county_now)))
            elif float(row.value) < county_now:
                row.value = repr(county_now)

    def clock_doubt(self, now: float | None = None, *, need_county: bool = False,
                    ) -> str | None:
        """Why the local clock must not decide a deletion now, or None if it may.

        It may not when it is earlier than the newest time in the store (it was set back,
        or lost its battery) or more than a day ahead of the county's last `Date`."""
        now = self._clock() if now is None else now
        with self._read() as s:
            row = s.get(Meta, _COUNTY_DATE)
            county = None if row is None else float(row.value)
            newest = max((x for x in (s.scalar(select(func.max(Claim.updated_at))),
                                      s.scalar(select(func.max(Event.at))), county)
                          if x is not None), default=None)
        if newest is not None and now < newest - _CLOCK_SLACK_S:
            return (f"the clock ({_iso(now)}) is earlier than the newest time in the store "
                    f"({_iso(newest)})")
        if county is None:
            return "the county's time is not known yet" if need_county else None
        if now > county + 86400:
            return (f"the clock ({_iso(now)}) is more than a day ahead of the county server's "
                    f"last time ({_iso(county)})")
        return None

    @_writes
    def set_retention_days(self, days: int) -> None:
        """The settings changed how long filed claims are kept: used from the next purge."""
        if days < 1:
            raise ValueError("retention_days must be at least 1")
        self.retention_days = days

    def purge_expired(self, *, now: float | None = None) -> list[int]:
        """Drop images and personal fields of claims the county closed long enough ago.

        Only county-confirmed final states count (paid, or returned), dated by the county's
        event, and only while the clock can be trusted (`clock_doubt`)."""
        now = self._clock() if now is None else now
        cutoff = now - self.retention_days * 86400
        with self._read() as s:
            due = s.scalar(select(func.count()).select_from(Event).join(
                Claim, Claim.id == Event.claim_id).where(*_closed_by_county(cutoff)))
        if not due:
            return []
        doubt = self.clock_doubt(now, need_county=True)
        if doubt:
            log.warning("retention purge skipped: %s", doubt)
            return []
        with self._tx(durable=True, what="cannot purge old claims") as s:
            ids = sorted(set(s.scalars(select(Claim.id).join(
                Event, Event.claim_id == Claim.id).where(*_closed_by_county(cutoff)))))
            shas: set[str] = set()
            for claim_id in ids:
                shas.update(x for x in s.scalars(select(Document.image_sha256)
                                                 .where(Document.claim_id == claim_id)) if x)
            if ids:
                s.execute(update(Claim).where(Claim.id.in_(ids)).values(
                    name_sealed=None, id_number_sealed=None, phone_sealed=None,
                    purged_at=now, updated_at=now))
                s.execute(update(Document).where(Document.claim_id.in_(ids)).values(
                    image_sha256=None, recognition_sealed=None, corrections_sealed=None))
                for claim_id in ids:
                    self._event(s, claim_id, SYSTEM, "purged", None, None,
                                {"retention_days": self.retention_days}, now)
            still = set(s.scalars(select(Document.image_sha256)
                                  .where(Document.image_sha256.in_(shas))))
        # rows no longer point at the files: now they can go (a crash here leaves orphans)
        for sha in shas - still:
            self.images.remove(sha)
        if ids:
            log.info("purged personal data of %d claims the county closed before the "
                     "retention limit", len(ids))
        return ids

    @_writes
    def sweep_orphans(self, *, grace_s: float = 3600.0) -> int:
        """Quarantine image files no claim points at, delete those quarantined long enough
        (if the clock can be trusted), remove stale temporary files; returns how many files
        were quarantined or removed."""
        result = self._sweep(grace_s)
        return result.quarantined + result.removed_temporary

    def _sweep(self, grace_s: float) -> SweepResult:
        with self._read() as s:
            referenced = {x for x in s.scalars(select(Document.image_sha256)
                                               .where(Document.image_sha256.is_not(None))) if x}
        back = self.images.restore(referenced)
        if back:
            log.warning("%d quarantined images are referenced again and were put back", back)
        now = self._clock()
        doubt = self.clock_doubt(now)
        result = self.images.sweep(referenced, grace_s=grace_s, now=now,
                                   may_delete=doubt is None)
        if result.quarantined:
            log.warning("moved %d image files no claim points at to %s (deleted after %d "
                        "days)", result.quarantined, self.images.quarantine_dir,
                        QUARANTINE_S // 86400)
        if result.kept and doubt:
            log.warning("quarantined images kept: %s", doubt)
        return result

    def quarantine(self) -> list[tuple[str, float]]:
        """(SHA-256, earliest deletion time) of the images waiting in the quarantine."""
        return [(sha, since + QUARANTINE_S) for sha, since in self.images.quarantined()]

    # --- reading ----------------------------------------------------------------------

    def list_claims(self, status: Status | str | None = None, *, limit: int | None = None,
                    ) -> list[ClaimSummary]:
        """Claims, newest first, optionally only those in one status. No decryption.

        Plain Core rows and positional unpacking: the queue screen lists thousands of claims
        and must stay well under 50 ms.
        """
        q = select(*_SUMMARY_COLUMNS).order_by(Claim.id.desc())
        if status is not None:
            q = q.where(Claim.status == str(Status(status)))
        if limit is not None:
            q = q.limit(limit)
        with schema.translated("cannot read the claim database", self.db_path), \
                self._r.connect() as conn:
            rows = conn.execute(q).all()
        return [_summary(row) for row in rows]

    def queue_list(self) -> list[QueueEntry]:
        """The upload queue in sending order (oldest first).

        Read from one covering index (ix_claims_queue) into plain tuples, so even a queue
        of ten thousand claims after weeks offline lists in well under 50 ms.
        """
        with schema.translated("cannot read the claim database", self.db_path), \
                self._r.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            rows = raw.execute(_QUEUE_SQL, (Status.QUEUED.value,)).fetchall()
        return list(map(QueueEntry._make, rows))

    def find_by_id_number(self, id_number: str) -> list[ClaimSummary]:
        """A resident's claims, found through the keyed HMAC of her ID number."""
        mac = self._id_mac(id_number.strip().upper())
        q = (select(*_SUMMARY_COLUMNS).where(Claim.id_number_mac == mac)
             .order_by(Claim.id.desc()))
        with schema.translated("cannot read the claim database", self.db_path), \
                self._r.connect() as conn:
            return [_summary(row) for row in conn.execute(q)]

    def get_claim(self, claim_id: int) -> ClaimRecord:
        with self._read() as s:
            claim = s.get(Claim, claim_id)
            if claim is None:
                raise ClaimNotFound(f"there is no claim {claim_id}")
            docs = list(s.scalars(select(Document).where(Document.claim_id == claim_id)
                                  .order_by(Document.position)))
            events = list(s.scalars(select(Event).where(Event.claim_id == claim_id)
                                    .order_by(Event.id)))
            return self._record(claim, docs, events)

    def image(self, sha: str) -> bytes:
        """The original bytes of a stored image (decrypted, checked against its SHA-256)."""
        return self.images.get(sha)

    def image_problems(self, claim_ids: Sequence[int] | None = None,
                       ) -> dict[int, list[ImageProblem]]:
        """Claims whose images are missing or do not open (decrypted and hash-checked, one
        by one: about 1 ms per 200 KB image); purged documents have none to check."""
        q = select(Document.claim_id, Document.position, Document.image_sha256).where(
            Document.image_sha256.is_not(None)).order_by(Document.claim_id,
                                                         Document.position)
        if claim_ids is not None:
            q = q.where(Document.claim_id.in_(list(claim_ids)))
        with self._read() as s:
            rows = s.execute(q).all()
        out: dict[int, list[ImageProblem]] = {}
        verdict: dict[str, tuple[str, str] | None] = {}
        for claim_id, position, sha in rows:
            if sha is None:
                continue
            if sha not in verdict:
                verdict[sha] = self._image_verdict(sha)
            found = verdict[sha]
            if found is not None:
                out.setdefault(claim_id, []).append(
                    ImageProblem(claim_id, position + 1, sha, found[0], found[1]))
        return out

    def _image_verdict(self, sha: str) -> tuple[str, str] | None:
        if not self.images.exists(sha):
            return "missing", f"image {sha[:12]}… is missing from {self.images.root}"
        try:
            self.images.get(sha)
        except ImageDamaged as exc:
            return "damaged", str(exc)
        except ImageMissing as exc:
            return "missing", str(exc)
        except StoreError as exc:
            return "unreadable", str(exc)
        return None

    def counts(self) -> dict[str, int]:
        with self._read() as s:
            rows = s.execute(select(Claim.status, func.count()).group_by(Claim.status)).all()
        return {str(st): int(n) for st, n in rows}

    # --- helpers ----------------------------------------------------------------------

    def _record(self, claim: Claim, docs: list[Document], events: list[Event]) -> ClaimRecord:
        resident = None
        if claim.name_sealed is not None and claim.id_number_sealed is not None:
            resident = Resident(
                name=self._sealer.open_text(claim.name_sealed, "claim.name",
                                            what=f"the resident's name in claim {claim.id}"),
                id_number=self._sealer.open_text(
                    claim.id_number_sealed, "claim.id_number",
                    what=f"the resident's ID number in claim {claim.id}"),
                insurance_place=claim.insurance_place,
                phone=(self._sealer.open_text(
                    claim.phone_sealed, "claim.phone",
                    what=f"the resident's phone number in claim {claim.id}")
                       if claim.phone_sealed is not None else ""))
        return ClaimRecord(
            summary=_summary([getattr(claim, c.key) for c in _SUMMARY_COLUMNS]),
            resident=resident, confirmed_at=claim.confirmed_at,
            accepted_at=claim.accepted_at, purged_at=claim.purged_at,
            findings=list(claim.findings or []), refund_estimate=claim.refund_estimate,
            return_reason=claim.return_reason, county_ref=claim.county_ref,
            documents=[StoredDocument(
                id=d.id, position=d.position, doc_type=d.doc_type,
                invoice_code=d.invoice_code, invoice_number=d.invoice_number,
                hospital=d.hospital, issue_date=d.issue_date, total=d.total,
                image_sha256=d.image_sha256, image_size=d.image_size,
                recognition=(None if d.recognition_sealed is None else
                             self._open_json(d.recognition_sealed, "document.recognition",
                                             f"the recognition of document {d.position + 1} "
                                             f"of claim {claim.id}")),
                corrections=(None if d.corrections_sealed is None else
                             self._open_json(d.corrections_sealed, "document.corrections",
                                             f"the corrections of document {d.position + 1} "
                                             f"of claim {claim.id}")),
            ) for d in docs],
            events=[ClaimEvent(id=e.id, at=e.at, actor=e.actor, action=e.action,
                               from_status=Status(e.from_status) if e.from_status else None,
                               to_status=Status(e.to_status) if e.to_status else None,
                               detail=dict(e.detail or {})) for e in events])

    def _claim_id_by_uid(self, uid: str) -> int | None:
        with self._read() as s:
            return s.scalar(select(Claim.id).where(Claim.uid == uid))

    def _claim_for_update(self, s: Session, claim_id: int) -> Claim:
        claim = s.get(Claim, claim_id)
        if claim is None:
            raise ClaimNotFound(f"there is no claim {claim_id}")
        return claim

    @staticmethod
    def _require_draft(claim: Claim, doing: str) -> None:
        if claim.status != Status.DRAFT:
            raise InvalidTransition(
                f"claim {claim.id} is {claim.status}: only a draft can be changed, cannot "
                f"{doing} it")

    def _recognitions(self, claim: Claim) -> list[dict[str, Any]]:
        return [_plain_back(d) for d in claim.documents]

    def _event(self, s: Session, claim_id: int, actor: str, action: str,
               from_status: Status | None, to_status: Status | None,
               detail: dict[str, Any], at: float) -> None:
        s.add(Event(claim_id=claim_id, at=at, actor=actor, action=action,
                    from_status=None if from_status is None else str(from_status),
                    to_status=None if to_status is None else str(to_status), detail=detail))

    def _id_mac(self, id_number: str) -> str:
        return self._sealer.mac(id_number, "id_number")

    def _seal_json(self, value: Any, purpose: str) -> bytes:
        return self._sealer.seal_text(json.dumps(value, ensure_ascii=False), purpose)

    def _open_json(self, sealed: bytes, purpose: str, what: str | None = None) -> Any:
        return json.loads(self._sealer.open_text(sealed, purpose, what=what))


def _closed_by_county(cutoff: float) -> tuple[Any, ...]:
    """Claims in a final state whose move there the county made before `cutoff`."""
    return (Claim.status.in_([str(x) for x in _FINAL]), Claim.purged_at.is_(None),
            Event.actor == "county", Event.to_status == Claim.status, Event.at <= cutoff)


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)) + " UTC"


def _check_document(doc: NewDocument) -> None:
    if not doc.image:
        raise InvalidClaim("a document's image is empty")
    if not isinstance(doc.recognition, Mapping) or "doc_type" not in doc.recognition:
        raise InvalidClaim("a document needs its recognition JSON (with doc_type)")


def _plain(rec: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: (None if rec.get(k) is None else str(rec.get(k))) for k in _PLAIN_FIELDS}
    out["doc_type"] = out["doc_type"] or "unknown"
    return out


def _plain_back(doc: Document) -> dict[str, Any]:
    return {k: getattr(doc, k) for k in _PLAIN_FIELDS}


_SUMMARY_COLUMNS = (Claim.id, Claim.uid, Claim.status, Claim.assistant, Claim.created_at,
                    Claim.updated_at, Claim.document_count, Claim.total, Claim.insurance_place,
                    Claim.purged_at)
_STATUS = {s.value: s for s in Status}
# Hand-written so it stays exactly what ix_claims_queue covers (checked by a test).
_QUEUE_SQL = ("SELECT id, uid, created_at, document_count, total FROM claims "
              "WHERE status = ? ORDER BY id")


def _summary(row: Sequence[Any]) -> ClaimSummary:
    cid, uid, status, assistant, created, updated, count, total, place, purged = row
    return ClaimSummary(cid, uid, _STATUS[status], assistant, created, updated, count, total,
                        place, purged is not None)
