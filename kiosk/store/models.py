"""The claim store's tables (SQLAlchemy 2.x declarative models).

Personal data is only ever stored sealed (`*_sealed` columns, see crypto.py); what stays
readable is what answers "what happened to my claim" once those columns are purged: the
status history, the hospital, invoice numbers, dates and totals.

The schema itself is created and changed only by the Alembic migrations in `migrations/`;
a test checks that these models and the migrations agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # SQLAlchemy 2.1 would map float to Double; the migrations say Float (both are REAL)
    type_annotation_map = {float: Float}  # noqa: RUF012


class Meta(Base):
    """Facts about this database: the key check value, when it was created."""

    __tablename__ = "store_meta"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        # the queue is listed from this index alone (no table look-ups): see queue_list()
        Index("ix_claims_queue", "status", "id", "uid", "created_at", "document_count", "total"),
        {"sqlite_autoincrement": True},  # ids are never reused
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # idempotency key, also at county
    status: Mapped[str] = mapped_column(String(16))
    assistant: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[float]
    updated_at: Mapped[float]
    confirmed_at: Mapped[float | None]
    accepted_at: Mapped[float | None] = mapped_column(index=True)
    purged_at: Mapped[float | None]
    # resident: sealed with AES-GCM; the ID number also as a keyed HMAC for look-ups
    name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_mac: Mapped[str] = mapped_column(String(64), index=True)
    insurance_place: Mapped[str] = mapped_column(String(128), default="")
    # kept plain so listing the queue needs no join and no decryption
    document_count: Mapped[int] = mapped_column(default=0)
    total: Mapped[str | None] = mapped_column(String(24))
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    refund_estimate: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    return_reason: Mapped[str | None] = mapped_column(Text)
    county_ref: Mapped[str | None] = mapped_column(String(64))

    documents: Mapped[list[Document]] = relationship(
        back_populates="claim", order_by="Document.position")


class Document(Base):
    """One scanned receipt: its recognition JSON (sealed), its image, corrections (sealed)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    position: Mapped[int]
    doc_type: Mapped[str] = mapped_column(String(32))
    invoice_code: Mapped[str | None] = mapped_column(String(32))
    invoice_number: Mapped[str | None] = mapped_column(String(32))
    hospital: Mapped[str | None] = mapped_column(String(128))
    issue_date: Mapped[str | None] = mapped_column(String(10))
    total: Mapped[str | None] = mapped_column(String(24))
    image_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    image_size: Mapped[int]
    recognition_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    corrections_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    claim: Mapped[Claim] = relationship(back_populates="documents")


class InvoiceKey(Base):
    """One row per invoice held by a live claim; the primary key makes duplicates impossible."""

    __tablename__ = "invoice_keys"

    key: Mapped[str] = mapped_column(String(256), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))


class Event(Base):
    """The append-only log: who did what to which claim, when. Triggers refuse edits."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_claim_id_id", "claim_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    at: Mapped[float]
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
