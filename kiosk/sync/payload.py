"""The claim JSON sent to the county for a stored claim.

It must be byte-for-byte reproducible from the store, because the server compares a re-sent
claim with the one it has (a difference is a 409 claim_conflict): everything comes from the
stored record, nothing from the moment of sending.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from datetime import UTC, datetime
from typing import Any

from kiosk.store import ClaimRecord


class NotSendable(Exception):
    """The stored claim cannot be turned into an upload (purged, no UUID): permanent."""


def county_uuid(uid: str) -> str:
    """The store's uid (32 hex) in the dashed form the county answers with."""
    try:
        return str(uuidlib.UUID(uid))
    except ValueError:
        raise NotSendable(f"the claim's uid {uid!r} is not a UUID") from None


def _correction(c: dict[str, Any]) -> dict[str, Any]:
    """One of the assistant's corrections as the county takes it (what was read, what she
    made of it, who and when)."""
    at = c.get("at")
    return {"field": c.get("field"), "original": c.get("old"), "corrected": c.get("new"),
            "by": c.get("by"),
            "at": datetime.fromtimestamp(at, UTC).isoformat() if isinstance(at, int | float)
            else None}


def claim_payload(record: ClaimRecord) -> tuple[bytes, list[str]]:
    """The upload body (canonical JSON, UTF-8) and the images it references, in order."""
    if record.resident is None:
        raise NotSendable(f"claim {record.id} was purged; there is nothing left to send")
    r = record.resident
    documents: list[dict[str, Any]] = []
    shas: list[str] = []
    for d in record.documents:
        if d.image_sha256 is None or d.recognition is None:
            raise NotSendable(f"document {d.position + 1} of claim {record.id} has no image")
        doc = dict(d.recognition)
        doc["image_sha256"] = d.image_sha256
        if d.corrections:
            # only when there are any: a claim without corrections is sent as it always was
            doc["corrections"] = [_correction(c) for c in d.corrections]
        documents.append(doc)
        shas.append(d.image_sha256)
    s = record.summary
    body = {
        "uuid": county_uuid(s.uid),
        "created_at": datetime.fromtimestamp(s.created_at, UTC).isoformat(),
        "assistant": s.assistant,
        "resident": {"name": r.name, "id_number": r.id_number, "phone": r.phone or None,
                     "insurance_place": r.insurance_place or None},
        "documents": documents,
        "audit": list(record.findings),
        "refund_estimate": record.refund_estimate,
    }
    content = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return content.encode(), list(dict.fromkeys(shas))
