"""The reviewers' work queue, one claim's full picture, and the office's daily summary:
plain queries, no web code, so the console, the bench and the tests share them."""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from county.db import (
    Claim,
    ClaimFacts,
    ClaimImage,
    ClaimInvoice,
    ClaimNameGram,
    Database,
    Decision,
    Device,
    KioskHeartbeat,
    ServerFinding,
    StatusEvent,
)
from county.intake import LOW_CONFIDENCE, SEVERITY
from county.keys import CountyKey, normalise_name
from county.review import STATUSES

PAGE_SIZE = 50
ID_RE = re.compile(r"^[0-9]{17}[0-9Xx]$")
STATUS_NAMES = {"accepted": "待初审", "first_review": "初审中", "second_review": "待复审",
                "approved": "已核准", "returned": "已退回", "paid": "已支付"}
FIELD_LABELS = {
    "doc_type": "单据类型", "invoice_code": "票据代码", "invoice_number": "票据号码",
    "check_code": "校验码", "issue_date": "开票日期", "payer_name": "交款人",
    "payer_id_number": "交款人证件号", "hospital": "医疗机构", "visit_date": "就诊日期",
    "outpatient_no": "门诊号", "serial_no": "业务流水号", "insurance_type": "医保类型",
    "total": "合计", "total_upper": "合计(大写)", "fund_paid": "统筹支付",
    "other_paid": "其他支付", "account_paid": "个人账户", "cash_paid": "个人现金",
    "self_pay_class": "个人自付", "self_pay_full": "个人自费",
}


class FilterError(ValueError):
    """A filter value the queue cannot use; the message names it."""


@dataclass
class QueueFilter:
    status: str | None = None
    device: str | None = None
    since: date | None = None
    until: date | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    severity: str | None = None
    low_confidence: bool = False
    q: str | None = None
    page: int = 1

    @classmethod
    def parse(cls, params: dict[str, str]) -> QueueFilter:
        """From query parameters; an unknown status or a bad date is refused, not ignored."""
        f = cls()
        status = params.get("status") or None
        if status and status not in STATUSES:
            raise FilterError(f"no status {status!r}; one of {', '.join(STATUSES)}")
        f.status = status
        f.device = params.get("device") or None
        try:
            f.since = date.fromisoformat(params["since"]) if params.get("since") else None
            f.until = date.fromisoformat(params["until"]) if params.get("until") else None
        except ValueError:
            raise FilterError("dates are written YYYY-MM-DD") from None
        try:
            f.min_amount = Decimal(params["min"]) if params.get("min") else None
            f.max_amount = Decimal(params["max"]) if params.get("max") else None
        except InvalidOperation:
            raise FilterError("amounts are written like 123.45") from None
        severity = params.get("severity") or None
        if severity and severity not in SEVERITY:
            raise FilterError("severity is one of info, warning, error")
        f.severity = severity
        f.low_confidence = params.get("low") in ("1", "on", "true")
        # NFKC: an ID number or invoice number typed with a Chinese input method's full-width
        # digits (１２３…) is searched as the ASCII number it stands for.
        f.q = unicodedata.normalize("NFKC", params.get("q") or "").strip()[:100] or None
        page = params.get("page") or "1"
        if not page.isdigit() or int(page) < 1:
            raise FilterError("page is a number from 1")
        f.page = int(page)
        return f

    def described(self) -> str:
        """For the audit log: what was asked, never the ID number itself."""
        parts = [f"{k}={v}" for k, v in (("status", self.status), ("device", self.device),
                                          ("since", self.since), ("until", self.until),
                                          ("min", self.min_amount), ("max", self.max_amount),
                                          ("severity", self.severity)) if v is not None]
        if self.low_confidence:
            parts.append("low_confidence")
        if self.q:
            parts.append("search=id-number" if ID_RE.fullmatch(self.q) else f"search={self.q}")
        return " ".join(parts) or "all"


@dataclass(frozen=True)
class QueueRow:
    id: int
    uuid: str
    status: str
    resident_name: str
    device_name: str
    accepted_at: datetime
    estimate_fen: int | None
    severity: int
    low_confidence: bool
    first_reviewer: str | None


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


#: A name search longer than two characters is narrowed by its character pairs and then
#: checked against the opened names; beyond this many candidates the pairs alone decide.
VERIFY_AT_MOST = 5000


def _by_name(s: Session, q: str, key: CountyKey) -> Select[Any] | list[int]:
    """The claims whose resident's name contains `q`, found through the blind index.

    Every character and pair of a name is indexed, so a one- or two-character search is one
    exact look-up. A longer one needs all its pairs; a name holding them all but not in a row
    ("张三" and "三丰" in "张三和三丰") is dropped after opening the candidates' names."""
    grams = key.query_grams(q)
    G = ClaimNameGram
    having = (select(G.claim_id).where(G.gram.in_(grams)).group_by(G.claim_id)
              .having(func.count() == len(grams)))
    wanted = normalise_name(q)
    if len(wanted) <= 2:
        return having
    candidates = s.execute(select(ClaimFacts.claim_id, ClaimFacts.resident_name)
                           .where(ClaimFacts.claim_id.in_(having))
                           .limit(VERIFY_AT_MOST + 1)).all()
    if len(candidates) > VERIFY_AT_MOST:
        return having
    return [cid for cid, name in candidates if wanted in normalise_name(name)]


def _filtered(f: QueueFilter, key: CountyKey, s: Session) -> Select[Any]:
    """The ids of the claims `f` selects, from the narrow facts table (and the name index)."""
    F = ClaimFacts
    q = select(F.claim_id)
    conds = []
    if f.status:
        conds.append(F.status == f.status)
    if f.device:
        conds.append(F.device_id == f.device)
    if f.since:
        conds.append(F.accepted_at >= datetime.combine(f.since, time(), UTC))
    if f.until:
        conds.append(F.accepted_at < datetime.combine(f.until + timedelta(days=1), time(), UTC))
    if f.min_amount is not None:
        conds.append(F.estimate_fen >= int(f.min_amount * 100))
    if f.max_amount is not None:
        conds.append(F.estimate_fen <= int(f.max_amount * 100))
    if f.severity:
        conds.append(F.severity >= SEVERITY[f.severity])
    if f.low_confidence:
        conds.append(F.low_confidence.is_(True))
    if f.q:
        if ID_RE.fullmatch(f.q):
            conds.append(F.id_hash == key.id_hash(f.q))
        else:
            by_invoice = select(ClaimInvoice.claim_id).where(ClaimInvoice.invoice_number == f.q)
            alternatives: list[ColumnElement[bool]] = [F.claim_id.in_(by_invoice)]
            if normalise_name(f.q):
                alternatives.append(F.claim_id.in_(_by_name(s, f.q, key)))
            if f.q.isdigit() and len(f.q) < 12:
                alternatives.append(F.claim_id == int(f.q))
            conds.append(or_(*alternatives))
    return q.where(and_(*conds)) if conds else q


def queue_page(db: Database, f: QueueFilter, key: CountyKey,
               page_size: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue, oldest first, with the counts per status of all claims."""
    F = ClaimFacts
    with db.read() as s:
        ids = _filtered(f, key, s)
        total = s.scalar(select(func.count()).select_from(ids.subquery())) or 0
        pages = max(1, -(-total // page_size))
        page = min(f.page, pages)
        chosen = list(s.scalars(ids.order_by(F.accepted_at, F.claim_id)
                                .offset((page - 1) * page_size).limit(page_size)))
        rows = s.execute(
            select(F.claim_id, Claim.uuid, F.status, F.resident_name, Device.name,
                   F.accepted_at, F.estimate_fen, F.severity, F.low_confidence,
                   F.first_reviewer)
            .join(Claim, Claim.id == F.claim_id)
            .join(Device, Device.id == F.device_id)
            .where(F.claim_id.in_(chosen))
            .order_by(F.accepted_at, F.claim_id)).all() if chosen else []
        counts: dict[str, int] = {st: n for st, n in s.execute(
            select(F.status, func.count()).group_by(F.status))}
    return QueuePage([QueueRow(*r) for r in rows], total, page, pages,  # type: ignore[call-arg]
                     {st: counts.get(st, 0) for st in STATUSES})


def devices(db: Database) -> list[tuple[str, str]]:
    with db.read() as s:
        return [(d, n) for d, n in s.execute(select(Device.id, Device.name)
                                             .order_by(Device.name))]


@dataclass
class FieldView:
    key: str
    label: str
    value: str | None
    confidence: float | None
    low: bool
    corrected: str | None = None
    corrected_by: str | None = None


@dataclass
class DocumentView:
    index: int
    image_sha256: str
    doc_type: str
    fields: list[FieldView]
    items: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    kiosk_corrections: list[KioskCorrectionView]


@dataclass
class ClaimView:
    id: int
    uuid: str
    status: str
    reason: str | None
    device_name: str
    accepted_at: datetime
    resident: dict[str, Any]
    assistant: str | None
    documents: list[DocumentView]
    findings: list[dict[str, Any]]
    server_findings: list[ServerFinding]
    estimate: dict[str, Any] | None
    decisions: list[Decision]
    events: list[StatusEvent]
    facts: ClaimFacts
    returned_lines: dict[str, Decision] = field(default_factory=dict)
    history: list[HistoryLine] = field(default_factory=list)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class KioskCorrectionView:
    field: str
    label: str
    original: str | None
    corrected: str | None
    by: str | None
    at: datetime | None


def _kiosk_corrections(sent: Any) -> list[KioskCorrectionView]:
    """The assistant's corrections as the kiosk sent them (none from older kiosks)."""
    out = []
    for c in sent if isinstance(sent, list) else []:
        if not isinstance(c, dict):
            continue
        field_name = str(c.get("field") or "")
        at = None
        if isinstance(c.get("at"), str):
            with contextlib.suppress(ValueError):
                at = datetime.fromisoformat(c["at"])
        out.append(KioskCorrectionView(field_name, FIELD_LABELS.get(field_name, field_name),
                                       _str(c.get("original")), _str(c.get("corrected")),
                                       _str(c.get("by")), at))
    return out


def claim_view(db: Database, claim_id: int) -> ClaimView | None:
    with db.read() as s:
        row = s.execute(select(Claim, Device.name, ClaimFacts)
                        .join(Device, Device.id == Claim.device_id)
                        .join(ClaimFacts, ClaimFacts.claim_id == Claim.id)
                        .where(Claim.id == claim_id)).first()
        if row is None:
            return None
        claim, device_name, facts = row
        decisions = list(s.scalars(select(Decision).where(Decision.claim_id == claim_id)
                                   .order_by(Decision.id)))
        events = list(s.scalars(select(StatusEvent).where(StatusEvent.claim_id == claim_id)
                                .order_by(StatusEvent.id)))
        server_findings = list(s.scalars(select(ServerFinding)
                                         .where(ServerFinding.claim_id == claim_id)
                                         .order_by(ServerFinding.id)))
        s.expunge_all()
    body = json.loads(claim.body)
    corrections = {d.target: d for d in decisions if d.kind == "correction"}
    docs = []
    for n, doc in enumerate(body.get("documents", [])):
        conf = doc.get("confidence") or {}
        fields = []
        for key, label in FIELD_LABELS.items():
            if key not in doc and key != "total":
                continue
            c = conf.get(key)
            fv = FieldView(key, label, _str(doc.get(key)),
                           c if isinstance(c, int | float) else None,
                           isinstance(c, int | float) and c < LOW_CONFIDENCE)
            fix = corrections.get(f"d{n}.{key}")
            if fix is not None:
                fv.corrected, fv.corrected_by = fix.value, f"{fix.reviewer}: {fix.note}"
            fields.append(fv)
        items = []
        for i, item in enumerate(doc.get("items") or []):
            line = dict(item)
            fix = corrections.get(f"d{n}.i{i}.amount")
            if fix is not None:
                line["corrected_amount"] = fix.value
                line["corrected_by"] = f"{fix.reviewer}: {fix.note}"
            items.append(line)
        docs.append(DocumentView(n, doc["image_sha256"], doc.get("doc_type", "unknown"),
                                 fields, items, list(doc.get("checks") or []),
                                 _kiosk_corrections(doc.get("corrections"))))
    view = ClaimView(claim.id, claim.uuid, claim.status, claim.reason, device_name,
                     claim.accepted_at, body.get("resident", {}), body.get("assistant"), docs,
                     list(body.get("audit", [])), server_findings, body.get("refund_estimate"),
                     decisions, events, facts)
    view.returned_lines = {d.target or "": d for d in decisions if d.kind == "line_returned"}
    history = [HistoryLine(e.at, e.reviewer or "终端 kiosk",
                           "→ " + STATUS_NAMES.get(e.status, e.status), e.reason or "", None)
               for e in events]
    for d in decisions:
        what = " ".join(x for x in (d.kind, d.outcome, d.target) if x)
        if d.kind == "correction":
            history.append(HistoryLine(d.at, d.reviewer, what, d.note or "", d.original,
                                       d.value))
        else:
            history.append(HistoryLine(d.at, d.reviewer, what, d.note or d.value or "", None))
    view.history = sorted(history, key=lambda h: h.at)
    return view


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    what: str
    note: str
    original: str | None
    value: str | None = None


def claim_images(db: Database, sha256: str) -> list[int]:
    """The claims that use an image (none: the console does not serve it)."""
    with db.read() as s:
        return list(s.scalars(select(ClaimImage.claim_id).where(ClaimImage.sha256 == sha256)))


@dataclass(frozen=True)
class SummaryRow:
    day: date
    device_name: str
    received: int
    decided: int
    approved: int
    returned: int
    approved_fen: int
    mean_hours: float | None


def summary(db: Database, since: date, until: date) -> list[SummaryRow]:
    """Per kiosk (township) and received day: claims, decisions, amounts, time to decision."""
    start = datetime.combine(since, time(), UTC)
    end = datetime.combine(until + timedelta(days=1), time(), UTC)
    with db.read() as s:
        rows = s.execute(select(Claim.accepted_at, Device.name, Claim.status,
                                ClaimFacts.approved_fen, ClaimFacts.decided_at)
                         .join(Device, Device.id == Claim.device_id)
                         .join(ClaimFacts, ClaimFacts.claim_id == Claim.id)
                         .where(Claim.accepted_at >= start, Claim.accepted_at < end)).all()
    groups: dict[tuple[date, str], list[Any]] = {}
    for r in rows:
        groups.setdefault((r[0].date(), r[1]), []).append(r)
    out = []
    for (day, name), members in sorted(groups.items()):
        decided = [m for m in members if m[4] is not None]
        hours = [(m[4] - m[0]).total_seconds() / 3600 for m in decided]
        out.append(SummaryRow(
            day, name, len(members), len(decided),
            sum(1 for m in members if m[2] in ("approved", "paid")),
            sum(1 for m in members if m[2] == "returned"),
            sum(m[3] or 0 for m in members),
            sum(hours) / len(hours) if hours else None))
    return out




@dataclass(frozen=True)
class KioskRow:
    id: str
    name: str
    enrolled_at: datetime
    revoked: bool
    last_seen_at: datetime | None
    open_claims: int
    total_claims: int
    #: From the kiosk's latest heartbeat (None: it never sent one).
    heartbeat_at: datetime | None = None
    version: str | None = None
    queue_length: int | None = None
    oldest_queued_seconds: int | None = None
    selftest_at: datetime | None = None
    selftest_ok: bool | None = None
    failures: tuple[tuple[str, str], ...] = ()


def kiosks(db: Database) -> list[KioskRow]:
    """Each enrolled kiosk with when it was last heard from and its claims still open."""
    open_states = ("accepted", "first_review", "second_review", "approved")
    with db.read() as s:
        totals = dict(s.execute(select(Claim.device_id, func.count())
                                .group_by(Claim.device_id)).all())
        opened = dict(s.execute(select(Claim.device_id, func.count())
                                .where(Claim.status.in_(open_states))
                                .group_by(Claim.device_id)).all())
        beats = {b.device_id: b for b in s.scalars(select(KioskHeartbeat))}
        rows = s.scalars(select(Device).order_by(Device.name)).all()
        out = []
        for d in rows:
            b = beats.get(d.id)
            failed = json.loads(b.selftest_failures) if b and b.selftest_failures else []
            out.append(KioskRow(
                d.id, d.name, d.enrolled_at, d.revoked_at is not None, d.last_seen_at,
                opened.get(d.id, 0), totals.get(d.id, 0),
                b.received_at if b else None, b.software_version if b else None,
                b.queue_length if b else None, b.oldest_queued_seconds if b else None,
                b.selftest_at if b else None, b.selftest_ok if b else None,
                tuple((str(f.get("name")), str(f.get("detail", ""))) for f in failed)))
        return out
