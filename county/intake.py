"""Checks on a claim's arrival and the facts the console filters on.

Refused outright (422, held by the kiosk with the reason, like every other refusal): an ID
number whose GB 11643 check digit is wrong, and amounts no township receipt can carry. Kept
but flagged for the reviewer: the same invoice (code + number) or the same image in another
claim, whoever sent it.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from county.db import (
    Claim,
    ClaimFacts,
    ClaimImage,
    ClaimInvoice,
    ClaimNameGram,
    ServerFinding,
)
from county.errors import ApiError
from county.keys import CountyKey

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: A field the machine read with less confidence than this is highlighted for the reviewer.
LOW_CONFIDENCE = 0.8
#: No single receipt amount or refund a township kiosk handles comes near this (yuan).
MAX_AMOUNT = Decimal("1000000.00")
SEVERITY = {"info": 1, "warning": 2, "error": 3}
MONEY_FIELDS = ("total", "fund_paid", "other_paid", "account_paid", "cash_paid",
                "self_pay_class", "self_pay_full")
_MONEY = re.compile(r"^-?[0-9]+\.[0-9]{2}$")


def valid_id_number(s: str) -> bool:
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == s[17]


def to_fen(money: str | None) -> int | None:
    if money is None or not _MONEY.fullmatch(money):
        return None
    return int(Decimal(money) * 100)


def _amounts(body: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for n, doc in enumerate(body.get("documents", [])):
        for f in MONEY_FIELDS:
            if isinstance(doc.get(f), str):
                found.append((f"document {n + 1} {f}", doc[f]))
        for i, item in enumerate(doc.get("items") or []):
            for f in ("amount", "unit_price"):
                if isinstance(item.get(f), str):
                    found.append((f"document {n + 1} line {i + 1} {f}", item[f]))
    estimate = body.get("refund_estimate") or {}
    if isinstance(estimate.get("amount"), str):
        found.append(("refund estimate", estimate["amount"]))
    return found


def validate(body: dict[str, Any]) -> None:
    """Refuse a claim no reviewer should have to look at (ApiError 422)."""
    id_number = body["resident"]["id_number"]
    if not valid_id_number(id_number):
        raise ApiError(422, "invalid_id_number", "the resident's ID number fails its check "
                       "digit (GB 11643); check the number on the card and correct it")
    for where, value in _amounts(body):
        if abs(Decimal(value)) > MAX_AMOUNT:
            raise ApiError(422, "amount_out_of_bounds", f"{where} is {value} yuan, beyond the "
                           f"{MAX_AMOUNT} a receipt can carry; check the amount")
    estimate = (body.get("refund_estimate") or {}).get("amount")
    if estimate is not None and Decimal(estimate) < 0:
        raise ApiError(422, "amount_out_of_bounds", "the refund estimate is negative")


def low_confidence(body: dict[str, Any]) -> bool:
    for doc in body.get("documents", []):
        conf = doc.get("confidence") or {}
        if any(isinstance(v, int | float) and v < LOW_CONFIDENCE for v in conf.values()):
            return True
        if any(c.get("code") == "low_confidence" for c in doc.get("checks") or []):
            return True
    return False


def _severity(body: dict[str, Any], extra: list[str]) -> int:
    levels = [f.get("severity") for f in body.get("audit", [])]
    for doc in body.get("documents", []):
        levels += [c.get("severity") for c in doc.get("checks") or []]
    return max((SEVERITY.get(str(x), 0) for x in [*levels, *extra]), default=0)


def record_arrival(s: Session, claim: Claim, key: CountyKey) -> None:
    """Inside the accepting transaction: search facts, invoice keys and duplicate findings."""
    body = json.loads(claim.body)
    findings: list[ServerFinding] = []
    seen: set[tuple[str, str]] = set()
    for n, doc in enumerate(body.get("documents", [])):
        number = doc.get("invoice_number")
        if not number:
            continue
        code = doc.get("invoice_code") or ""
        if (code, number) in seen:
            continue
        seen.add((code, number))
        others = s.scalars(select(ClaimInvoice.claim_id).where(
            ClaimInvoice.invoice_code == code, ClaimInvoice.invoice_number == number,
            ClaimInvoice.claim_id != claim.id).distinct()).all()
        for other in others:
            findings.append(ServerFinding(
                claim_id=claim.id, code="duplicate_invoice", severity="error",
                other_claim_id=other,
                message=f"document {n + 1}: invoice {code} {number} is also in claim {other}"))
        s.add(ClaimInvoice(claim_id=claim.id, invoice_code=code, invoice_number=number))
    shas = {d["image_sha256"] for d in body.get("documents", [])}
    if shas:
        rows = s.execute(select(ClaimImage.claim_id, ClaimImage.sha256).where(
            ClaimImage.sha256.in_(shas), ClaimImage.claim_id != claim.id)).all()
        for other, sha in rows:
            findings.append(ServerFinding(
                claim_id=claim.id, code="duplicate_image", severity="error",
                other_claim_id=other,
                message=f"image {sha[:12]}… is also in claim {other}"))
    s.add_all(findings)
    estimate = (body.get("refund_estimate") or {}).get("amount")
    s.add(ClaimFacts(claim_id=claim.id, status=claim.status, device_id=claim.device_id,
                     accepted_at=claim.accepted_at, resident_name=claim.resident_name,
                     id_hash=key.id_hash(body["resident"]["id_number"]),
                     estimate_fen=to_fen(estimate), low_confidence=low_confidence(body),
                     severity=_severity(body, [f.severity for f in findings])))
    s.add_all(ClaimNameGram(claim_id=claim.id, gram=g)
              for g in sorted(key.name_grams(claim.resident_name)))


def backfill(s: Session, key: CountyKey) -> int:
    """Facts for claims accepted before this version kept them; returns how many."""
    missing = s.scalars(select(Claim).outerjoin(ClaimFacts, ClaimFacts.claim_id == Claim.id)
                        .where(ClaimFacts.claim_id.is_(None)).order_by(Claim.id)).all()
    for claim in missing:
        record_arrival(s, claim, key)
    return len(missing)
