"""The county schema as `create_all` made it on main at commit 82e56cb, frozen: the tests of
county/migrations build a database with it, fill it with plain rows, and upgrade it.

A copy of that commit's county/db.py models (nothing else); do not change it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    inspect,
)
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

log = logging.getLogger("county.db")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC and aware in Python (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Device(Base):
    """An enrolled kiosk. Only the SHA-256 of its bearer token is kept."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Sequence number of this device's latest status event: the feed cursor. Bumping it with
    #: an UPDATE locks the row, so events of one device commit in cursor order.
    last_event_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class EnrolCode(Base):
    """A one-time enrolment code, kept as a hash; `used_at` set once, by a conditional UPDATE."""

    __tablename__ = "enrol_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    device_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Image(Base):
    """A receipt image whose bytes were hashed on arrival and stored under their SHA-256."""

    __tablename__ = "images"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    device_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Claim(Base):
    """An accepted claim. It exists only once all its images were here; the body is the
    canonical JSON the kiosk sent, and `content_sha256` is what idempotency compares."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    content_sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    resident_name: Mapped[str] = mapped_column(String(200))
    refund_estimate: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_claims_status", "status"),)


class ClaimImage(Base):
    """Which images a claim references (for the reviewers' view and future garbage collection)."""

    __tablename__ = "claim_images"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("images.sha256"), primary_key=True)


class StatusEvent(Base):
    """One step of a claim's life, as the kiosk that sent the claim will read it."""

    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The county user who made this change (None for the kiosk's own delivery).
    reviewer: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (UniqueConstraint("device_id", "seq", name="uq_status_events_device_seq"),)


class ClaimFacts(Base):
    """What the console filters and searches on, worked out once when a claim arrives, and the
    review's own state (who did 初审, the approved amount, the payment reference)."""

    __tablename__ = "claim_facts"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    #: Copies of the claim's status (kept by `feed.record_event`, the one place a status
    #: changes), kiosk, arrival and name: the queue filters, orders and counts on this narrow
    #: table alone and touches the wide `claims` rows only for the page it shows.
    status: Mapped[str] = mapped_column(String(20))
    device_id: Mapped[str] = mapped_column(String(32))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resident_name: Mapped[str] = mapped_column(String(200))
    #: Keyed HMAC of the resident's ID number: equal numbers match, the number is not here.
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: The kiosk's refund estimate in fen, for amount filters.
    estimate_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    #: Worst finding severity: 0 none, 1 info, 2 warning, 3 error (kiosk's and the server's).
    severity: Mapped[int] = mapped_column(Integer, default=0)
    low_confidence: Mapped[bool] = mapped_column(default=False)
    first_reviewer: Mapped[str | None] = mapped_column(String(64), nullable=True)
    second_reviewer: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    payment_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_claim_facts_queue", "status", "accepted_at", "claim_id"),
                      Index("ix_claim_facts_order", "accepted_at", "claim_id"),
                      Index("ix_claim_facts_device", "device_id", "accepted_at"))


class ClaimInvoice(Base):
    """Each invoice code + number a claim's documents carry, for duplicate checks and search."""

    __tablename__ = "claim_invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    invoice_code: Mapped[str] = mapped_column(String(64), default="")
    invoice_number: Mapped[str] = mapped_column(String(64), index=True)


class ServerFinding(Base):
    """A finding the county itself made on arrival (e.g. the same invoice in another claim)."""

    __tablename__ = "server_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    other_claim_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Decision(Base):
    """A reviewer's act on a claim: a review, a line returned, a correction, a payment. The
    claim body is never changed; corrections keep the original beside the new value."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    #: first_review, second_review, line_returned, correction, paid
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: For lines and corrections: "d0.i2" (document 0, item 2) or "d0.total".
    target: Mapped[str | None] = mapped_column(String(40), nullable=True)
    original: Mapped[str | None] = mapped_column(Text, nullable=True)
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """A county office account. The password is kept only as an argon2id hash."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is kept."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """One view of personal data or one action, by whom and when. Append-only: triggers
    refuse UPDATE and DELETE on SQLite and PostgreSQL."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    claim_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)


_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
    ],
}


class CatalogVersion(Base):
    """A published catalog file; `id` orders versions by publication, whatever their names."""

    __tablename__ = "catalog_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Policy(Base):
    """A published reimbursement policy (canonical JSON); the newest row is in force."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)



def create_schema(url: str) -> Engine:
    """What main's `Database.create_schema` did, on a new engine for `url`."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("status_events")}
        assert "reviewer" in columns
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_images_device_id "
                             "ON images (device_id)")
        for statement in _APPEND_ONLY.get(engine.dialect.name, []):
            conn.exec_driver_sql(statement)
    return engine
