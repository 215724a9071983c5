"""SyncFeed, the app's sync worker as Qt signals, against a real county server on 127.0.0.1:
idle without a credential, the network test, held claims released, a clean stop."""

from __future__ import annotations

from pathlib import Path

from support.county_server import enrol_kiosk

from county.testing import RunningServer
from kiosk.store import NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident


def enrol(server: RunningServer, home: Path) -> None:
    enrol_kiosk(server, home, "feed test kiosk")


def test_without_a_credential_the_feed_is_idle_and_says_so(make_kiosk):
    kiosk = make_kiosk()
    feed = kiosk.sync
    assert not feed.enrolled
    assert feed.snapshot().online is None and feed.held() == {}
    feed.wake()  # nothing to wake: harmless
    ok, text = feed.network_test()
    assert not ok and "not enrolled" in text
    assert feed.stop(1.0)


def test_a_refused_claim_is_held_shown_and_released_through_the_feed(
        make_kiosk, qtbot, tmp_path, server):
    enrol(server, tmp_path / "home")
    kiosk = make_kiosk()
    feed = kiosk.sync
    assert feed.enrolled  # compose started the worker: a credential exists
    assert feed.network_test() == (True, f"{server.base_url} answered")
    store = kiosk.store
    cid = store.create_claim(sample_resident(91), [NewDocument(sample_recognition(91),
                                                               b"\xff\xd8 a receipt")],
                             assistant="1 测试")
    # a fatal finding: the county refuses such a claim for good (422)
    store.set_audit(cid, [{"code": "x", "severity": "fatal", "message": "?"}], None,
                    actor="audit")
    store.confirm(cid, actor="t")
    store.queue(cid, actor="t")
    with qtbot.waitSignal(feed.changed, timeout=30_000,
                          check_params_cb=lambda s: s.held == 1 and s.sending is None):
        kiosk.claims.claim_filed.emit(cid)  # what filing does: the feed is woken
    uid = store.get_claim(cid).summary.uid
    held = feed.held()
    assert list(held) == [uid] and held[uid]["error"] == "invalid_request"
    assert store.get_claim(cid).status is Status.QUEUED
    with qtbot.waitSignal(feed.changed, timeout=30_000,
                          check_params_cb=lambda s: s.held == 0):
        assert feed.release(uid)
    with qtbot.waitSignal(feed.changed, timeout=30_000,
                          check_params_cb=lambda s: s.held == 1 and s.sending is None):
        pass  # still invalid: refused and held again
    refusals = [e for e in store.get_claim(cid).events if e.action == "upload_refused"]
    assert len(refusals) == 2
    assert not feed.release("no-such-claim")
    assert feed.stop(20.0) and not feed.enrolled
