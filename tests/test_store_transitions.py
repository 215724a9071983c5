"""Property tests: a claim moves only along the life cycle the issue describes, and a refused
move changes nothing (neither the status nor the event log).

The allowed moves are written out here again, independently of kiosk/store/status.py, so a
mistake in the store's table is caught instead of copied.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.store import ClaimStore, InvalidTransition, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.store.status import TRANSITIONS

ISSUE_LIFE_CYCLE = {
    ("draft", "confirmed"), ("confirmed", "queued"), ("queued", "uploading"),
    ("uploading", "queued"),  # the upload failed: try again later
    ("uploading", "accepted"), ("accepted", "in_review"),
    ("accepted", "approved"), ("accepted", "returned"),  # the county may decide at once
    ("in_review", "approved"), ("in_review", "returned"), ("approved", "paid"),
    # never sent: the resident may withdraw it
    ("draft", "cancelled"), ("confirmed", "cancelled"), ("queued", "cancelled"),
}
ALL = [s.value for s in Status]
_seeds = itertools.count(10_000)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaimStore]:
    with ClaimStore(tmp_path_factory.mktemp("transitions")) as s:
        yield s


def new_claim(store: ClaimStore) -> int:
    seed = next(_seeds)
    return store.create_claim(sample_resident(seed),
                              [NewDocument(sample_recognition(seed), os.urandom(64))],
                              assistant="hypothesis")


def test_the_table_is_the_issues_life_cycle() -> None:
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ISSUE_LIFE_CYCLE
    assert set(TRANSITIONS) == set(Status)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(targets=st.lists(st.sampled_from(ALL), max_size=12))
def test_only_allowed_transitions_succeed_and_refusals_change_nothing(
        store: ClaimStore, targets: list[str]) -> None:
    cid = new_claim(store)
    current = "draft"
    for target in targets:
        before = store.get_claim(cid)
        if (current, target) in ISSUE_LIFE_CYCLE:
            assert store.transition(cid, target, actor="p", reason="缺少清单") == current
            current = target
            after = store.get_claim(cid)
            assert after.status == target
            assert len(after.events) == len(before.events) + 1
            assert (after.events[-1].from_status, after.events[-1].to_status) == (
                before.status, target)
        else:
            with pytest.raises(InvalidTransition):
                store.transition(cid, target, actor="p", reason="缺少清单")
            assert store.get_claim(cid) == before
    history = store.get_claim(cid).events
    path = [(e.from_status, e.to_status) for e in history if e.action == "status"]
    assert all((a, b) in ISSUE_LIFE_CYCLE for a, b in path)
    assert history[-1].to_status is None or history[-1].to_status == current


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shown=st.sampled_from(ALL))
def test_a_move_based_on_a_stale_view_is_refused(store: ClaimStore, shown: str) -> None:
    cid = new_claim(store)
    store.confirm(cid, actor="p")
    if shown == "confirmed":
        store.transition(cid, "queued", actor="p", expect=shown)
        assert store.get_claim(cid).status is Status.QUEUED
    else:
        with pytest.raises(InvalidTransition):
            store.transition(cid, "queued", actor="p", expect=shown)
        assert store.get_claim(cid).status is Status.CONFIRMED


def test_an_unknown_status_is_refused(tmp_path: Path) -> None:
    with ClaimStore(tmp_path) as store:
        cid = new_claim(store)
        with pytest.raises(ValueError, match="'lost'"):
            store.transition(cid, "lost", actor="p")
        assert store.get_claim(cid).status is Status.DRAFT
