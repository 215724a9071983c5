"""The sync worker against a real county server on 127.0.0.1: enrolment, delivery, the status
feed, refusals held back for the technician, catalog and policy, and the certificate pin."""

from __future__ import annotations

import contextlib
import hashlib
import json
import stat
import threading
from pathlib import Path

import pytest
from support.county_server import enrol_kiosk, new_code
from test_county_tls import make_self_signed

from county.cli import main as county
from county.config import CountyConfig
from county.review import review_claim, show_claim
from county.testing import RunningServer, serve_in_thread
from county.tls import cert_fingerprint
from kiosk.cli import main as kiosk
from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.client import CountyClient
from kiosk.sync.credentials import DeviceCredential
from kiosk.sync.payload import claim_payload, county_uuid
from kiosk.sync.worker import BUSY, Backoff, SyncSnapshot, SyncWorker


def enrolled(server: RunningServer, home: Path) -> DeviceCredential:
    enrol_kiosk(server, home)
    return DeviceCredential.load(home)


def queue_claims(store: ClaimStore, seeds: range, images: int = 1) -> list[int]:
    ids = []
    for seed in seeds:
        docs = [NewDocument(sample_recognition(seed * 10 + i),
                            b"\xff\xd8 image %d-%d " % (seed, i) + bytes(range(256)) * 4)
                for i in range(images)]
        cid = store.create_claim(sample_resident(seed), docs, assistant="协理员")
        store.confirm(cid, actor="t")
        store.queue(cid, actor="t")
        ids.append(cid)
    return ids


def worker_for(store: ClaimStore, home: Path, cred: DeviceCredential,
               **kwargs: object) -> SyncWorker:
    return SyncWorker(store, home, lambda: CountyClient(cred),
                      backoff=Backoff(base=0.01, cap=0.05), **kwargs)  # type: ignore[arg-type]


def on_server(server: RunningServer, uid: str) -> dict[str, object]:
    db = server.database()
    try:
        return show_claim(db, county_uuid(uid))
    finally:
        db.dispose()


def assert_identical_on_server(server: RunningServer, cred: DeviceCredential, uid: str,
                               content: bytes) -> None:
    """The county says so itself: the same claim sent again is `200`, identical content."""
    with server.client(cred.token) as c:
        r = c.put(f"/api/v1/claims/{county_uuid(uid)}", content=content,
                  headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text


def test_enrol_keeps_a_private_credential_and_refuses_bad_codes_and_plain_http(
        server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    path = home / "keys" / "device.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cred.server == server.base_url and cred.token and cred.pin_sha256 is None
    # a second enrolment must be asked for
    assert kiosk(["--home", str(home), "enrol", "--server", server.base_url,
                  "--code", new_code(server)]) == 1
    assert "already enrolled" in capsys.readouterr().err
    other = tmp_path / "other"
    assert kiosk(["--home", str(other), "enrol", "--server", server.base_url,
                  "--code", "ABCD-EFGH"]) == 1
    assert "enrol_code_unknown" in capsys.readouterr().err
    assert kiosk(["--home", str(other), "enrol", "--server", "http://county.example:80",
                  "--code", "ABCD-EFGH"]) == 1
    assert "plain http" in capsys.readouterr().err
    assert kiosk(["--home", str(other), "sync", "--once"]) == 5
    assert "not enrolled" in capsys.readouterr().err


def test_queued_claims_arrive_whole_and_statuses_come_back(
        server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    with ClaimStore(home) as store:
        ids = queue_claims(store, range(1, 5), images=2)
        sent = {cid: claim_payload(store.get_claim(cid)) for cid in ids}
    assert kiosk(["--home", str(home), "sync", "--once"]) == 0
    assert "4 claim(s) delivered" in capsys.readouterr().out

    with ClaimStore(home) as store:
        uids = {cid: store.get_claim(cid).summary.uid for cid in ids}
        for cid in ids:
            claim = store.get_claim(cid)
            assert claim.status is Status.ACCEPTED and claim.county_ref
            remote = on_server(server, uids[cid])
            content, shas = sent[cid]
            assert str(remote["id"]) == claim.county_ref
            assert_identical_on_server(server, cred, uids[cid], content)
            for sha in shas:
                stored = server.config.images_dir / sha[:2] / sha
                assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
                assert stored.read_bytes() == store.image(sha)

    db = server.database()
    try:
        a, b, c, _ = (county_uuid(uids[cid]) for cid in ids)
        review_claim(db, a, "first_review")
        review_claim(db, a, "second_review")
        review_claim(db, a, "approved")
        review_claim(db, a, "paid")
        review_claim(db, b, "first_review")
        review_claim(db, c, "returned", "发票金额与清单不符")
    finally:
        db.dispose()
    assert kiosk(["--home", str(home), "sync", "--once"]) == 0
    with ClaimStore(home) as store:
        got = [store.get_claim(cid) for cid in ids]
        assert [g.status for g in got] == [Status.PAID, Status.IN_REVIEW, Status.RETURNED,
                                           Status.ACCEPTED]
        assert got[2].return_reason == "发票金额与清单不符"
        history = [(e.from_status, e.to_status) for e in got[0].events if e.actor == "county"]
        assert history == [(Status.ACCEPTED, Status.IN_REVIEW), (Status.IN_REVIEW,
                           Status.APPROVED), (Status.APPROVED, Status.PAID)]
        events_before = sum(len(g.events) for g in got)
        # reading the whole feed again (a lost cursor) changes nothing
        worker = worker_for(store, home, DeviceCredential.load(home))
        worker.state.set_cursor(0)
        assert worker.run_once() == (0, "queue empty; 0 claim(s) delivered")
        assert sum(len(store.get_claim(cid).events) for cid in ids) == events_before


def test_a_refused_claim_is_held_with_its_reason_and_the_rest_still_go(
        server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "kiosk"
    enrolled(server, home)
    with ClaimStore(home) as store:
        bad, good = queue_claims(store, range(20, 22))
        store.set_audit(bad, [{"code": "x", "severity": "fatal", "message": "?"}], None,
                        actor="audit")
    assert kiosk(["--home", str(home), "sync", "--once"]) == 1
    assert "refused by the county and held back" in capsys.readouterr().err
    with ClaimStore(home) as store:
        held = store.get_claim(bad)
        assert held.status is Status.QUEUED
        note = held.events[-1]
        assert note.action == "upload_refused"
        assert note.detail["status"] == 422 and note.detail["error"] == "invalid_request"
        assert store.get_claim(good).status is Status.ACCEPTED
        # held claims stay out of the retry loop: another run does not send it again
        uploads_before = len([e for e in held.events if e.to_status is Status.UPLOADING])
        assert kiosk(["--home", str(home), "sync", "--once"]) == 1
        again = store.get_claim(bad)
        assert len([e for e in again.events if e.to_status is Status.UPLOADING]) \
            == uploads_before
    capsys.readouterr()
    assert kiosk(["--home", str(home), "sync", "--held"]) == 0
    listed = capsys.readouterr().out
    assert "invalid_request" in listed and held.summary.uid in listed
    # released by the technician, it is sent again (and, still invalid, held again)
    assert kiosk(["--home", str(home), "sync", "--release", held.summary.uid]) == 0
    assert kiosk(["--home", str(home), "sync", "--once"]) == 1
    with ClaimStore(home) as store:
        refusals = [e for e in store.get_claim(bad).events if e.action == "upload_refused"]
        assert len(refusals) == 2


def test_the_running_worker_wakes_reports_its_state_and_stops(
        server: RunningServer, tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    seen: list[SyncSnapshot] = []
    with ClaimStore(home) as store:
        worker = worker_for(store, home, cred, interval_s=3600.0, on_change=seen.append)
        worker.start()
        try:
            assert worker.wait_for(lambda s: s.online is True and s.last_success is not None,
                                   timeout=20)
            ids = queue_claims(store, range(30, 33))
            worker.wake()  # what the UI does after queueing: no waiting for the hour
            assert worker.wait_for(lambda s: s.delivered == 3 and s.queue_length == 0,
                                   timeout=20)
            assert all(store.get_claim(c).status is Status.ACCEPTED for c in ids)
        finally:
            worker.stop()
            assert worker.join(timeout=20)
    assert any(s.sending for s in seen) and seen[-1].sending is None


def test_catalog_and_policy_land_under_the_kiosk_home(server: RunningServer,
                                                      tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    cat = tmp_path / "services.csv"
    cat.write_text("code,name,class\nXA01,阿莫西林胶囊,甲\n", encoding="utf-8")
    pol = tmp_path / "policy.json"
    pol.write_text(json.dumps({"county": "测试县", "deductible": "100.00"}), encoding="utf-8")
    data = ["--data", str(server.config.data_dir), "--db", server.config.db_url]
    assert county(["publish-catalog", str(cat), "--version", "2024.1", *data]) == 0
    assert county(["publish-policy", str(pol), *data]) == 0
    with ClaimStore(home) as store:
        worker = worker_for(store, home, cred)
        assert worker.run_once()[0] == 0
        assert (home / "catalog" / "services.csv").read_bytes() == cat.read_bytes()
        current = json.loads((home / "catalog" / "current.json").read_text())
        assert current["version"] == "2024.1"
        assert json.loads((home / "policy.json").read_text()) == json.loads(pol.read_text())
        etag = worker.state.get("policy")["etag"]
        assert etag
        # nothing new: the policy answers 304 and the file stays as it was
        mtime = (home / "policy.json").stat().st_mtime_ns
        assert worker.run_once()[0] == 0
        assert (home / "policy.json").stat().st_mtime_ns == mtime


def test_https_with_the_pinned_certificate_and_never_with_another(tmp_path: Path) -> None:
    cert, key = make_self_signed(tmp_path)
    impostor, _ = make_self_signed(tmp_path, "impostor.test")
    with serve_in_thread(CountyConfig.build(tmp_path / "county"), tls_cert=cert,
                         tls_key=key) as srv:
        home = tmp_path / "kiosk"
        pin = cert_fingerprint(cert)
        wrong = cert_fingerprint(impostor)
        assert kiosk(["--home", str(home), "enrol", "--server", srv.base_url,
                      "--code", new_code(srv), "--pin-sha256", wrong]) == 3
        assert not (home / "keys" / "device.json").exists()
        assert kiosk(["--home", str(home), "enrol", "--server", srv.base_url,
                      "--code", new_code(srv)]) == 1  # https without a pin
        assert kiosk(["--home", str(home), "enrol", "--server", srv.base_url,
                      "--code", new_code(srv), "--pin-sha256", pin]) == 0
        with ClaimStore(home) as store:
            (cid,) = queue_claims(store, range(40, 41))
        assert kiosk(["--home", str(home), "sync", "--once"]) == 0
        cred = DeviceCredential.load(home)
        swapped = DeviceCredential(cred.server, cred.device_id, cred.device_name, cred.token,
                                   cred.enrolled_at, hashlib.sha256(b"not it").hexdigest())
        swapped.save(home)
        with ClaimStore(home) as store:
            queue_claims(store, range(41, 42))
            done = threading.Event()
            worker = worker_for(store, home, swapped,
                                on_change=lambda s: done.set() if s.blocked else None)
            code, message = worker.run_once()
            assert code == 5 and "not the pinned one" in message and done.is_set()
            assert store.get_claim(cid).status is Status.ACCEPTED


def test_demo_starts_a_county_server_enrols_and_delivers(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         ) -> None:
    home = tmp_path / "demo"
    assert kiosk(["--home", str(home), "demo", "--once", "--samples", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 claim(s) delivered" in out
    # a second start reuses the credential with the demo server's new port
    assert kiosk(["--home", str(home), "demo", "--once"]) == 0
    assert "0 claim(s) delivered" in capsys.readouterr().out


def test_demo_in_the_installed_kiosk_says_why_it_cannot_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The frozen app (PyInstaller sets sys.frozen) has no county server to start: its
    sys.executable is the kiosk itself, so `-m county serve` would be a usage error."""
    monkeypatch.setattr("sys.frozen", True, raising=False)
    home = tmp_path / "demo"
    assert kiosk(["--home", str(home), "demo", "--once"]) == 1
    err = capsys.readouterr().err
    assert "not part of the installed kiosk" in err and "township-kiosk enrol" in err
    assert not (home / "demo-county").exists()


def test_a_revoked_kiosk_stops_and_says_so(server: RunningServer, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    with ClaimStore(home) as store:
        (cid,) = queue_claims(store, range(50, 51))
    data = ["--data", str(server.config.data_dir), "--db", server.config.db_url]
    assert county(["devices", "revoke", cred.device_id, *data]) == 0
    capsys.readouterr()
    assert kiosk(["--home", str(home), "sync", "--once"]) == 5
    assert "disconnected by the county" in capsys.readouterr().err
    with ClaimStore(home) as store:
        assert store.get_claim(cid).status is Status.QUEUED  # back in the queue, not lost


def test_a_claim_whose_image_is_gone_is_held_not_retried_forever(
        server: RunningServer, tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    with ClaimStore(home) as store:
        broken, fine = queue_claims(store, range(60, 62))
        sha = store.get_claim(broken).documents[0].image_sha256
        assert sha
        store.images.path(sha).unlink()
        worker = worker_for(store, home, cred)
        code, _ = worker.run_once()
        assert code == 1
        assert store.get_claim(fine).status is Status.ACCEPTED
        held = store.get_claim(broken)
        assert held.status is Status.QUEUED and held.events[-1].action == "upload_refused"
        assert held.events[-1].detail["error"] == "local_image"  # named local, not the county's
        assert held.events[-1].detail["by"] == "kiosk"


def test_backoff_grows_exponentially_with_jitter_up_to_its_cap() -> None:

    b = Backoff(base=1.0, cap=30.0)
    waits = [b.next() for _ in range(8)]
    ceilings = [1, 2, 4, 8, 16, 30, 30, 30]
    assert all(0 <= w <= c for w, c in zip(waits, ceilings, strict=True))  # full jitter
    assert len(set(waits)) == len(waits)  # jittered, so kiosks do not retry in step
    b.reset()
    assert b.next() <= 1.0


def test_a_status_cursor_ahead_of_a_restored_server_starts_over(
        server: RunningServer, tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    with ClaimStore(home) as store:
        (cid,) = queue_claims(store, range(70, 71))
        worker = worker_for(store, home, cred)
        assert worker.run_once()[0] == 0
        assert worker.state.cursor == 1
        worker.state.set_cursor(500)  # the county was restored from an older backup
        db = server.database()
        try:
            review_claim(db, county_uuid(store.get_claim(cid).summary.uid), "first_review")
        finally:
            db.dispose()
        assert worker.run_once()[0] == 0
        assert worker.state.cursor == 2
        assert store.get_claim(cid).status is Status.IN_REVIEW


def test_kiosk_sync_keeps_running_until_sigterm_then_exits_cleanly(
        server: RunningServer, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    from sqlalchemy import func, select

    from county.db import Claim as CountyClaim

    home = tmp_path / "kiosk"
    enrolled(server, home)
    with ClaimStore(home) as store:
        ids = queue_claims(store, range(80, 82))
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--home", str(home), "sync",
                             "--interval", "3600"], env={**os.environ},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db = server.database()
    try:
        for _ in range(600):  # bounded: each round waits on the process for up to 0.1 s
            with db.read() as s:
                if s.scalar(select(func.count()).select_from(CountyClaim)) == 2:
                    break
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.1)
            assert proc.returncode is None, proc.stderr and proc.stderr.read()
        else:
            pytest.fail("kiosk sync did not deliver the claims")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        db.dispose()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    with ClaimStore(home) as store:
        assert all(store.get_claim(c).status is Status.ACCEPTED for c in ids)


def test_one_worker_per_store_and_opening_the_store_leaves_its_upload_alone(
        server: RunningServer, tmp_path: Path) -> None:
    """`kiosk claims list` beside the running app must not pull the claim being sent."""
    home = tmp_path / "kiosk"
    cred = enrolled(server, home)
    with ClaimStore(home) as store:
        [cid] = queue_claims(store, range(40, 41))
        running = worker_for(store, home, cred, interval_s=3600.0)
        running.start()
        try:
            assert running.wait_for(lambda s: s.delivered == 1, timeout=20)
            # a claim caught mid-upload while the running worker holds the delivery lock
            [stuck] = queue_claims(store, range(41, 42))
            store.transition(stuck, Status.UPLOADING, actor="sync")
            with ClaimStore(home) as beside:  # a second process's view of the same files
                assert beside.get_claim(stuck).status is Status.UPLOADING
                second = worker_for(beside, home, cred)
                code, message = second.run_once()
                assert (code, message) == (6, BUSY)
            assert store.get_claim(stuck).status is Status.UPLOADING
        finally:
            running.stop()
            assert running.join(timeout=20)
    # nobody delivers any more: the interrupted upload goes back to the queue on opening
    with ClaimStore(home) as store:
        assert store.get_claim(stuck).status is Status.QUEUED
        assert store.get_claim(cid).status is Status.ACCEPTED
