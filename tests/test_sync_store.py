"""The two store methods the sync worker added: a note in a claim's history, lookup by uid."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.store import ClaimNotFound, ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident


def test_a_note_joins_the_history_without_moving_the_claim(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        cid = store.create_claim(sample_resident(1), [NewDocument(sample_recognition(1), b"x")],
                                 assistant="a", uid="0" * 32)
        store.record_event(cid, "upload_refused", {"error": "claim_conflict"}, actor="sync")
        claim = store.get_claim(cid)
        assert claim.status is Status.DRAFT
        note = claim.events[-1]
        assert (note.action, note.actor, note.detail) == ("upload_refused", "sync",
                                                          {"error": "claim_conflict"})
        assert note.from_status is None and note.to_status is None
        assert store.claim_id_by_uid("0" * 32) == cid
        assert store.claim_id_by_uid("1" * 32) is None
        with pytest.raises(ClaimNotFound):
            store.record_event(cid + 1, "x", {}, actor="sync")
