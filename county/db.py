"""Tables and the engine: devices, enrolment codes, images, claims, status events, catalog
versions and policies.

The schema is made and upgraded by Alembic (`county/migrations/`) when the server or a command
starts (`Database.upgrade`); a database from before Alembic is brought up from its tables as
they are. Every timestamp is stored as UTC and handed back timezone-aware, whatever the
database. Residents' personal fields are `Sealed`: AES-GCM under the county key, opened only
in this process (see county/keys.py).

SQLite runs in WAL mode with a busy timeout; write transactions start with `BEGIN IMMEDIATE`
so two writers queue on the lock instead of one of them failing half-way through. PostgreSQL
runs at READ COMMITTED; the state changes use conditional UPDATEs and row locks (see
`claims.py`, `feed.py`, `auth.py`), which are correct on both.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    event,
)
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from county.keys import CountyKey

if TYPE_CHECKING:
    from county.config import CountyConfig

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


class Sealed(TypeDecorator[str]):
    """Text sealed with the county key (AES-GCM, bound to `purpose`, the column's name).

    The key comes from the engine's dialect, where `Database` puts it: every read and write
    through that engine seals and opens, and an engine without the key refuses both rather
    than store a personal field in clear."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _key(dialect).seal(value, self.purpose)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _key(dialect).open(value, self.purpose)


def _key(dialect: Dialect) -> CountyKey:
    key = getattr(dialect, "county_key", None)
    if key is None:
        raise RuntimeError("personal fields need the county key: open the database with "
                           "Database(url, key)")
    return key


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
    #: The claim's canonical JSON, sealed (names, ID numbers, phones, what was treated).
    body: Mapped[str] = mapped_column(Sealed("claims.body"))
    resident_name: Mapped[str] = mapped_column(Sealed("claims.resident_name"))
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
    resident_name: Mapped[str] = mapped_column(Sealed("claim_facts.resident_name"))
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


class ClaimNameGram(Base):
    """The blind index of residents' names: one row per keyed hash of a character or a pair
    of adjacent characters of the claim's name (`CountyKey.name_grams`). A search for part of
    a name looks up the hashes of its pairs; what matches is checked against the opened name.
    Someone holding the database without the key sees which claims share a gram, not what
    the gram is."""

    __tablename__ = "claim_name_grams"

    gram: Mapped[str] = mapped_column(String(16), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True,
                                          index=True)


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
    #: Sealed: a corrected field may be a name or an ID number, a returned line what was
    #: treated, and the reviewer's note may quote either.
    original: Mapped[str | None] = mapped_column(Sealed("decisions.original"), nullable=True)
    value: Mapped[str | None] = mapped_column(Sealed("decisions.value"), nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(Sealed("decisions.note"), nullable=True)
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
    #: Sealed: it may hold what a reviewer searched for (part of a name).
    detail: Mapped[str | None] = mapped_column(Sealed("audit_log.detail"), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)


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


class KioskHeartbeat(Base):
    """The latest heartbeat of a kiosk (`POST /api/v1/heartbeat`): one row per kiosk,
    replaced by each new one."""

    __tablename__ = "kiosk_heartbeats"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    software_version: Mapped[str] = mapped_column(String(64))
    queue_length: Mapped[int] = mapped_column(Integer)
    oldest_queued_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    selftest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    selftest_ok: Mapped[bool | None] = mapped_column(nullable=True)
    #: JSON list of {"name", "detail"} of the checks that failed.
    selftest_failures: Mapped[str | None] = mapped_column(Text, nullable=True)


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest migration; a database at it is not handed to Alembic at all.
HEAD_REVISION = "0003"


class SchemaTooNew(RuntimeError):
    """The database was upgraded by a newer county version than this one."""


class Database:
    """The engine plus two ways in: `read()` for queries and `write()` for state changes.

    `key` seals and opens the personal fields (`Sealed` columns) of everything read and
    written through this engine."""

    def __init__(self, url: str, key: CountyKey) -> None:
        self.url = url
        self.key = key
        self.engine = _make_engine(url)
        self.engine.dialect.county_key = key  # type: ignore[attr-defined]
        self._writer = self.engine.execution_options(county_write=True)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @classmethod
    def open(cls, config: CountyConfig) -> Database:
        """The database of `config`, with the key file of its data directory."""
        config.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(config.db_url, CountyKey.load_or_create(config.data_dir))

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def upgrade(self) -> str:
        """Bring the schema to HEAD_REVISION with Alembic (a database made before Alembic is
        taken up from its tables as they are); returns the revision it started from.

        Two processes starting at once upgrade one after the other: SQLite's write lock
        (BEGIN IMMEDIATE) or a PostgreSQL advisory lock holds the second until the first
        has committed, and Alembic then finds nothing left to do."""
        before = self.revision()
        if before == HEAD_REVISION:
            return before
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from alembic.util.exc import CommandError

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        if before is not None:
            try:
                ScriptDirectory.from_config(cfg).get_revision(before)
            except CommandError:
                raise SchemaTooNew(f"the county database is at schema revision {before!r}, "
                                   "which this version does not know (it knows up to "
                                   f"{HEAD_REVISION!r}): it was upgraded by a newer "
                                   "version; run that one") from None
        cfg.attributes["key"] = self.key
        log.info("upgrading the county database from %s to %s", before or "before Alembic",
                 HEAD_REVISION)
        with self._writer.connect() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7241130013)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        if before is None or before < "0002":
            self._rewrite_files()
        return before or "base"

    def _rewrite_files(self) -> None:
        """After personal fields were sealed in place, rewrite the tables so no page keeps
        the plain text the rows had (SQLite: VACUUM and an emptied WAL; PostgreSQL: VACUUM
        FULL of the tables that held it)."""
        tables = ("claims", "claim_facts", "decisions", "audit_log")
        if self.dialect == "sqlite":
            raw = self.engine.raw_connection()  # outside any BEGIN, which VACUUM refuses
            try:
                raw.execute("VACUUM")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if self.dialect == "postgresql":
                for table in tables:
                    conn.exec_driver_sql(f"VACUUM FULL {table}")

    def create_schema(self) -> None:
        """The schema at its newest revision (kept for callers of the create_all days)."""
        self.upgrade()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success; on SQLite it holds the write lock from the
        start (BEGIN IMMEDIATE), so read-then-write sequences never meet a stale snapshot."""
        with self._write_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite file 0600 (SQLite gives its -wal and -shm files the same mode) and
    tighten one an older version left readable by others."""
    path = make_url(url).database
    if not path or path == ":memory:":
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path + suffix, 0o600)


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _rec: ConnectionPoolEntry) -> None:
            # We issue BEGIN ourselves (below); the sqlite3 module's own guessing is off.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            # Deleted and overwritten content is zeroed, not left in free pages: a purge
            # or a sealing really removes the plain text from the file.
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("county_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
