"""The append-only record of who saw which resident's data and who did what, and when.

Rows are only ever inserted (the database refuses UPDATE and DELETE on the table, see
`county.db`). Auditors read it in the console and export it as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from county.db import AuditEntry, Database, utcnow


def record(s: Session, user: str, action: str, claim_id: int | None = None,
           detail: str | None = None, address: str | None = None) -> None:
    s.add(AuditEntry(at=utcnow(), user_name=user, action=action, claim_id=claim_id,
                     detail=detail, address=address))


def log(db: Database, user: str, action: str, claim_id: int | None = None,
        detail: str | None = None, address: str | None = None) -> None:
    with db.write() as s:
        record(s, user, action, claim_id, detail, address)


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    user: str
    action: str
    claim_id: int | None
    detail: str | None
    address: str | None


def entries(db: Database, *, user: str | None = None, claim_id: int | None = None,
            offset: int = 0, limit: int | None = 100) -> tuple[list[Entry], int]:
    """Newest first, with the count of all matching entries."""
    q = select(AuditEntry)
    if user:
        q = q.where(AuditEntry.user_name == user)
    if claim_id is not None:
        q = q.where(AuditEntry.claim_id == claim_id)
    with db.read() as s:
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        q = q.order_by(AuditEntry.id.desc()).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        rows = [Entry(e.id, e.at, e.user_name, e.action, e.claim_id, e.detail, e.address)
                for e in s.scalars(q)]
    return rows, total


def export_csv(rows: list[Entry]) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "at_utc", "user", "action", "claim", "detail", "address"])
    for e in reversed(rows):
        w.writerow([e.id, e.at.isoformat(), e.user, e.action, e.claim_id or "",
                    e.detail or "", e.address or ""])
    yield buf.getvalue()
