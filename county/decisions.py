"""What reviewers decide in the console, and the four-eyes rule.

初审 (first review) either passes a claim on to 复审 or returns it; 复审 (second review)
approves it with the approved amount or returns it. Single lines can be returned at either
stage (the rest of the claim goes on), and any field or line can be corrected: the claim the
kiosk sent is never changed, each correction is a row with the original, the new value, who
and why. The same person can never do both reviews of one claim: the check is here, in the
transaction that moves the claim, whatever the page showed.

Every decision the resident should hear of reaches her kiosk through the status feed, with
the reason in her words (`RETURN_REASONS`), not the office's.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from county.db import Claim, ClaimFacts, Database, Decision, utcnow
from county.feed import record_event
from county.review import ReviewError, UnknownClaim, check_transition
from county.users import Account

log = logging.getLogger("county.decisions")

#: Why something is returned, as the resident will read it on the kiosk and the slip.
RETURN_REASONS: dict[str, str] = {
    "unreadable": "收据照片看不清，请带原件到服务点重新拍照",
    "not_covered": "这一项不在医保报销范围内",
    "duplicate": "这张收据已经报销过，不能重复报销",
    "name_mismatch": "收据上的姓名与参保人不一致",
    "missing_document": "缺少需要的单据（如费用清单），请带齐后再来",
    "amount_mismatch": "收据金额与明细对不上，请带原件到服务点核对",
    "other": "其他原因",
}
REVIEWING = ("accepted", "first_review", "second_review")
#: An approved amount as a reviewer types it: yuan, at most two decimals (0 up to 1000000.00).
AMOUNT = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,2})?")
_TARGET = re.compile(r"^d(\d+)\.(?:i(\d+)\.)?([a-z_]+)$")


class FourEyes(ReviewError):
    """The same person tried both reviews of one claim."""


@dataclass(frozen=True)
class Returned:
    target: str
    reason: str


def resident_reason(code: str, note: str | None) -> str:
    if code not in RETURN_REASONS:
        raise ReviewError(f"choose a reason from the list ({', '.join(RETURN_REASONS)})")
    note = (note or "").strip()
    if code == "other" and not note:
        raise ReviewError("with 'other', write the reason for the resident")
    words = note if code == "other" else RETURN_REASONS[code]
    if note and code != "other":
        words += f"（{note}）"
    return words


def _claim(s: Session, claim_id: int) -> tuple[Claim, ClaimFacts]:
    claim = s.get(Claim, claim_id)
    facts = s.get(ClaimFacts, claim_id)
    if claim is None or facts is None:
        raise UnknownClaim(str(claim_id))
    return claim, facts


def _move(s: Session, claim: Claim, target: str, reason: str | None, who: str) -> None:
    current = claim.status
    check_transition(current, target, reason if target == "returned" else None)
    now = utcnow()
    moved = s.execute(update(Claim).where(Claim.id == claim.id, Claim.status == current)
                      .values(status=target, reason=reason, updated_at=now))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError(f"claim {claim.id} changed while this was decided; look again")
    claim.status = target
    record_event(s, claim, target, reason, now, reviewer=who)


def _may_act(user: Account, claim: Claim, facts: ClaimFacts) -> str:
    """Which review `user` would be doing on `claim` now; refuses what the rules forbid."""
    if claim.status in ("accepted", "first_review"):
        if not user.can("first_review"):
            raise ReviewError("初审 needs a first reviewer or a supervisor")
        return "first_review"
    if claim.status == "second_review":
        if not user.can("second_review"):
            raise ReviewError("复审 needs a second reviewer or a supervisor")
        if facts.first_reviewer == user.name:
            raise FourEyes(f"{user.name} did the 初审 of claim {claim.id}: the 复审 must be "
                           "done by someone else")
        return "second_review"
    raise ReviewError(f"claim {claim.id} is {claim.status}: it is no longer under review")


def _lines_returned(s: Session, claim_id: int) -> list[Decision]:
    return list(s.scalars(select(Decision).where(Decision.claim_id == claim_id,
                                                 Decision.kind == "line_returned")
                          .order_by(Decision.id)))


def _item(body: dict[str, Any], target: str) -> tuple[dict[str, Any], str | None]:
    m = _TARGET.fullmatch(target)
    if not m:
        raise ReviewError(f"no field {target!r} in this claim")
    docs = body.get("documents", [])
    d = int(m.group(1))
    if d >= len(docs):
        raise ReviewError(f"no document {d + 1} in this claim")
    holder = docs[d]
    if m.group(2) is not None:
        items = holder.get("items") or []
        i = int(m.group(2))
        if i >= len(items):
            raise ReviewError(f"no line {i + 1} on document {d + 1}")
        holder = items[i]
    field = m.group(3)
    value = holder.get(field)
    return holder, None if value is None else str(value)


def return_line(db: Database, claim_id: int, user: Account, doc: int, item: int,
                code: str, note: str | None) -> None:
    words = resident_reason(code, note)
    with db.write() as s:
        claim, facts = _claim(s, claim_id)
        _may_act(user, claim, facts)
        body = json.loads(claim.body)
        line, _ = _item(body, f"d{doc}.i{item}.amount")
        target = f"d{doc}.i{item}"
        if any(d.target == target for d in _lines_returned(s, claim_id)):
            raise ReviewError(f"line {item + 1} of document {doc + 1} is already returned")
        s.add(Decision(claim_id=claim_id, reviewer=user.name, kind="line_returned",
                       target=target, original=str(line.get("name")), value=line.get("amount"),
                       reason_code=code, note=words, at=utcnow()))
    log.info("claim %d: %s returned line %s", claim_id, user.name, target)


def correct(db: Database, claim_id: int, user: Account, target: str, value: str,
            why: str) -> None:
    if not why.strip():
        raise ReviewError("say why the field is corrected")
    if not user.can("correct"):
        raise ReviewError("your role cannot correct claims")
    with db.write() as s:
        claim, facts = _claim(s, claim_id)
        _may_act(user, claim, facts)
        holder, original = _item(json.loads(claim.body), target)
        field = target.rsplit(".", 1)[1]
        if field in ("amount", "total", "unit_price") and not re.fullmatch(r"-?[0-9]+\.[0-9]{2}",
                                                                          value.strip()):
            raise ReviewError("an amount is written like 123.45")
        s.add(Decision(claim_id=claim_id, reviewer=user.name, kind="correction", target=target,
                       original=original, value=value.strip(), note=why.strip(), at=utcnow()))
    del holder, facts


def _line_summary(lines: list[Decision]) -> str | None:
    if not lines:
        return None
    return "；".join(f"未报销：{d.original}（{d.note}）" for d in lines)


def first_review(db: Database, claim_id: int, user: Account, outcome: str,
                 code: str | None = None, note: str | None = None) -> str:
    """初审: `pass` (on to 复审) or `return` (with a reason). Returns the new status."""
    with db.write() as s:
        claim, facts = _claim(s, claim_id)
        if _may_act(user, claim, facts) != "first_review":
            raise ReviewError("this claim is not waiting for 初审")
        now = utcnow()
        if outcome == "return":
            words = resident_reason(code or "", note)
            _move(s, claim, "returned", words, user.name)
        elif outcome == "pass":
            if claim.status == "accepted":
                _move(s, claim, "first_review", None, user.name)
            _move(s, claim, "second_review", None, user.name)
        else:
            raise ReviewError("初审 either passes the claim or returns it")
        facts.first_reviewer = user.name
        if outcome == "return":
            facts.decided_at = now
        s.add(Decision(claim_id=claim_id, reviewer=user.name, kind="first_review",
                       outcome=outcome, reason_code=code, note=note, at=now))
        return claim.status


def second_review(db: Database, claim_id: int, user: Account, outcome: str,
                  amount: str | None = None, code: str | None = None,
                  note: str | None = None) -> str:
    """复审: `approve` with the approved amount, or `return`. Never by the 初审 reviewer."""
    with db.write() as s:
        claim, facts = _claim(s, claim_id)
        if _may_act(user, claim, facts) != "second_review":
            raise ReviewError("this claim is not waiting for 复审")
        now = utcnow()
        if outcome == "approve":
            # digits with at most two decimals: no NaN, Infinity, 1e3, or fen cut off unseen
            text = (amount or "").strip()
            if not AMOUNT.fullmatch(text):
                raise ReviewError("the approved amount is written like 123.45")
            fen = int(Decimal(text) * 100)
            if fen > 100_000_000:
                raise ReviewError("the approved amount must be between 0 and 1000000.00")
            lines = _line_summary(_lines_returned(s, claim_id))
            words = f"核定报销 {fen / 100:.2f} 元" + (f"；{lines}" if lines else "")
            # the event carries the words too, so the resident sees what was decided
            _move(s, claim, "approved", words, user.name)
            facts.approved_fen = fen
        elif outcome == "return":
            words = resident_reason(code or "", note)
            _move(s, claim, "returned", words, user.name)
        else:
            raise ReviewError("复审 either approves the claim or returns it")
        facts.second_reviewer = user.name
        facts.decided_at = now
        s.add(Decision(claim_id=claim_id, reviewer=user.name, kind="second_review",
                       outcome=outcome, value=amount, reason_code=code, note=note, at=now))
        return claim.status


def mark_paid(db: Database, claim_id: int, user: Account, payment_ref: str) -> None:
    ref = payment_ref.strip()
    if not user.can("pay"):
        raise ReviewError("only a supervisor records payments")
    if not ref or len(ref) > 100:
        raise ReviewError("give the payment reference (up to 100 characters)")
    with db.write() as s:
        claim, facts = _claim(s, claim_id)
        _move(s, claim, "paid", None, user.name)
        facts.payment_ref = ref
        s.add(Decision(claim_id=claim_id, reviewer=user.name, kind="paid", value=ref,
                       at=utcnow()))
