"""Exports for the office: approved claims for payment (CSV or XLSX) and one day's decisions.

XLSX is written with openpyxl (already a dependency for the catalog), in write-only mode so a
month of claims does not sit in memory as cell objects. Text cells that a spreadsheet would
run as a formula (`=`, `+`, `-`, `@` first) are prefixed with `'`: names come from kiosks.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from county.db import Claim, ClaimFacts, Database, Decision, Device

PAYMENT_COLUMNS = ["claim", "uuid", "resident", "id_number", "phone", "kiosk", "received_utc",
                   "approved_amount", "first_reviewer", "second_reviewer", "decided_utc"]
DECISION_COLUMNS = ["at_utc", "claim", "reviewer", "kind", "outcome", "target", "original",
                    "value", "reason", "note"]


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def approved_for_payment(db: Database) -> list[list[Any]]:
    with db.read() as s:
        rows = s.execute(select(Claim, ClaimFacts, Device.name)
                         .join(ClaimFacts, ClaimFacts.claim_id == Claim.id)
                         .join(Device, Device.id == Claim.device_id)
                         .where(Claim.status == "approved").order_by(Claim.id)).all()
    out = []
    for claim, facts, kiosk in rows:
        resident = json.loads(claim.body).get("resident", {})
        out.append([claim.id, claim.uuid, resident.get("name"), resident.get("id_number"),
                    resident.get("phone"), kiosk, claim.accepted_at.isoformat(),
                    f"{(facts.approved_fen or 0) / 100:.2f}", facts.first_reviewer,
                    facts.second_reviewer,
                    facts.decided_at.isoformat() if facts.decided_at else None])
    return out


def decisions_of(db: Database, day: date) -> list[list[Any]]:
    start = datetime.combine(day, time(), UTC)
    with db.read() as s:
        rows = s.scalars(select(Decision).where(Decision.at >= start,
                                                Decision.at < start + timedelta(days=1))
                         .order_by(Decision.id)).all()
        return [[d.at.isoformat(), d.claim_id, d.reviewer, d.kind, d.outcome, d.target,
                 d.original, d.value, d.reason_code, d.note] for d in rows]


def count_approved(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).where(Claim.status == "approved")) or 0


def to_csv(columns: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows([[_safe(v) if v is not None else "" for v in r] for r in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8


def to_xlsx(title: str, columns: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(columns)
    for r in rows:
        ws.append([_safe(v) for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
