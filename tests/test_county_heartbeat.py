"""The kiosk's heartbeat and its corrections, from a real kiosk store through the sync worker
to a real county server on 127.0.0.1 and its kiosks and claim pages."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from support.county_server import add_county_user, enrol_kiosk
from test_county_console import PASSWORD, Browser, deliver

from county.db import KioskHeartbeat
from county.testing import RunningServer, new_claim_uuid, sample_claim, sample_image, sha256_hex
from kiosk import __version__
from kiosk.cli import main as kiosk
from kiosk.core.health import Check, record
from kiosk.store import ClaimStore, NewDocument
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.heartbeat import HeartbeatSchedule, heartbeat_body, selftest_report
from kiosk.sync.payload import claim_payload, county_uuid


@pytest.fixture
def sue(server: RunningServer) -> Browser:
    add_county_user(server, "sue", "supervisor", PASSWORD)
    return Browser(server, "sue")


def _stored(server: RunningServer, device_id: str) -> dict[str, Any] | None:
    db = server.database()
    try:
        with db.read() as s:
            row = s.get(KioskHeartbeat, device_id)
            return None if row is None else {c: getattr(row, c) for c in (
                "received_at", "software_version", "queue_length", "oldest_queued_seconds",
                "selftest_at", "selftest_ok", "selftest_failures")}
    finally:
        db.dispose()


def test_the_sync_worker_reports_health_and_sends_the_assistants_corrections(
        server: RunningServer, sue: Browser, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "kiosk"
    enrol_kiosk(server, home, name="城关镇 kiosk")
    record(home, [Check("camera", False, "no camera found at /dev/video*"),
                  Check("disk", True, "31 GB free")])
    with ClaimStore(home) as store:
        cid = store.create_claim(sample_resident(7), [NewDocument(
            sample_recognition(70), b"\xff\xd8 receipt 7 " + bytes(range(256)) * 4)],
            assistant="李协理")
        doc = store.get_claim(cid).documents[0]
        store.correct_field(cid, doc.id, "total", "88.80", actor="李协理")
        store.confirm(cid, actor="李协理")
        store.queue(cid, actor="李协理")
        record_ = store.get_claim(cid)
        content, _ = claim_payload(record_)
        uid = record_.summary.uid
        # what the county gets: the field, what was read, what she made of it, who, when
        fixes = json.loads(content)["documents"][0]["corrections"]
        assert [(f["field"], f["original"], f["corrected"], f["by"]) for f in fixes] == [
            ("total", doc.recognition["total"], "88.80", "李协理")]
        assert fixes[0]["at"].endswith("+00:00")
    assert kiosk(["--home", str(home), "sync", "--once"]) == 0
    capsys.readouterr()

    page = sue.get("/review/kiosks")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "城关镇 kiosk" in text and f"<code>{__version__}</code>" in text
    assert "自检失败 self-test failed" in text
    assert "<b>camera</b>: <bdi>no camera found at /dev/video*</bdi>" in text
    assert "disk" not in text.split("自检失败", 1)[1].split("</td>", 1)[0]  # only failures

    db = server.database()
    try:
        from county.review import find_claim_id

        claim_id = find_claim_id(db, county_uuid(uid))
    finally:
        db.dispose()
    claim_page = html.unescape(sue.get(f"/review/claims/{claim_id}").text)
    section = claim_page.split("终端更正 Kiosk corrections", 1)[1].split("</table>", 1)[0]
    assert "合计" in section and "88.80" in section and "李协理" in section
    assert f"<del><bdi>{doc.recognition['total']}</bdi></del>" in section


def test_a_garbage_heartbeat_is_refused_and_changes_nothing(server: RunningServer,
                                                            sue: Browser) -> None:
    device_id, token = server.enrol("乡镇 kiosk")
    good = {"software_version": "0.1.0", "queue_length": 3, "oldest_queued_seconds": 7200,
            "selftest": {"at": "2026-12-01T08:00:00+00:00", "ok": True,
                         "checks": [{"name": "engine", "ok": True, "detail": "ok"}]}}
    with server.client(token) as c:
        assert c.post("/api/v1/heartbeat", json=good).status_code == 200
        before = _stored(server, device_id)
        assert before is not None and before["queue_length"] == 3 and before["selftest_ok"]
        garbage: list[Any] = [
            {**good, "queue_length": -1},
            {**good, "queue_length": "many"},
            {**good, "extra": "field"},
            {**good, "software_version": ""},
            {**good, "software_version": "0.1\n<script>"},
            {**good, "oldest_queued_seconds": 10**12},
            {**good, "selftest": {"at": "2026-12-01T08:00:00+00:00", "ok": True,
                                  "checks": []}},
            {**good, "selftest": {"at": "yesterday", "ok": True,
                                  "checks": [{"name": "x", "ok": True}]}},
            {**good, "selftest": {"at": "2026-12-01T08:00:00", "ok": True,  # no zone
                                  "checks": [{"name": "x", "ok": True}]}},
            {**good, "selftest": {"at": "2026-12-01T08:00:00+00:00", "ok": True,
                                  "checks": [{"name": "x", "ok": True, "detail": "a\x00b"}]}},
            [good], "heartbeat", None,
        ]
        for body in garbage:
            r = c.post("/api/v1/heartbeat", json=body)
            assert r.status_code == 422, (body, r.text)
            assert r.json()["error"] == "invalid_request"
        r = c.post("/api/v1/heartbeat", content=b"{not json",
                   headers={"content-type": "application/json"})
        assert r.status_code == 422
    with server.client() as anonymous:
        assert anonymous.post("/api/v1/heartbeat", json=good).status_code == 401
    with server.client("not-a-token") as stranger:
        assert stranger.post("/api/v1/heartbeat", json=good).status_code == 401
    assert _stored(server, device_id) == before

    text = html.unescape(sue.get("/review/kiosks").text)
    row = text.split(f'id="kiosk-{device_id}"', 1)[1].split("</tr>", 1)[0]
    assert "<code>0.1.0</code>" in row and ">3<" in row and "2 小时 h" in row
    assert "✓ 正常 ok" in row


def test_heartbeat_body_schedule_and_a_damaged_selftest(tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    with ClaimStore(home) as store:
        for seed in (1, 2):
            cid = store.create_claim(sample_resident(seed), [NewDocument(
                sample_recognition(seed), b"\xff\xd8 r %d " % seed + bytes(range(256)))],
                assistant="协理员")
            store.confirm(cid, actor="t")
            store.queue(cid, actor="t")
        created = min(e.created_at for e in store.queue_list())
        body = heartbeat_body(store, home, now=created + 90)
    assert body == {"software_version": __version__, "queue_length": 2,
                    "oldest_queued_seconds": 90, "selftest": None}
    (home / "selftest.json").write_text('{"at": "soon", "checks": [{"name": "x"}]}')
    with ClaimStore(home) as store:
        assert heartbeat_body(store, home)["selftest"] is None
    assert selftest_report({"at": 0, "ok": True, "checks": [
        {"name": "disk", "ok": False, "detail": "2 GB"}]})["ok"] is False  # type: ignore[index]

    now = [1000.0]
    schedule = HeartbeatSchedule(every_s=300, clock=lambda: now[0])
    assert schedule.due()
    schedule.tried()
    now[0] += 299
    assert not schedule.due()
    now[0] += 1
    assert schedule.due()


def test_kiosk_corrections_old_kiosks_and_a_resend_after_an_update(server: RunningServer,
                                                                   sue: Browser) -> None:
    _, token = server.enrol()
    images = [sample_image("corr-1")]
    # a kiosk from before corrections were sent still delivers
    assert deliver(server, token, sample_claim(images), images).status_code == 201

    claim = sample_claim([sample_image("corr-2")], resident="王桂兰")
    uuid = new_claim_uuid()
    with server.client(token) as c:
        data = sample_image("corr-2")
        assert c.put(f"/api/v1/images/{sha256_hex(data)}", content=data).status_code == 201
        first = c.put(f"/api/v1/claims/{uuid}", json=claim)
        assert first.status_code == 201
        # the same claim re-sent by the kiosk after a software update, corrections added
        fixed = json.loads(json.dumps(claim))
        fixed["documents"][0]["corrections"] = [{
            "field": "payer_name", "original": "王桂", "corrected": "王桂兰", "by": "李协理",
            "at": "2026-12-01T08:00:00+00:00"}]
        again = c.put(f"/api/v1/claims/{uuid}", json=fixed)
        assert again.status_code == 200 and again.json() == first.json()
        # anything else under the UUID is still a conflict
        fixed["documents"][0]["total"] = "999.00"
        assert c.put(f"/api/v1/claims/{uuid}", json=fixed).status_code == 409
        # corrections that are not corrections are refused
        bad = sample_claim([data], resident="王桂兰")
        bad["documents"][0]["corrections"] = [{"original": "x"}]
        r = c.put(f"/api/v1/claims/{new_claim_uuid()}", json=bad)
        assert r.status_code == 422 and "corrections" in r.text
        bad["documents"][0]["corrections"] = "typed by hand"
        assert c.put(f"/api/v1/claims/{new_claim_uuid()}", json=bad).status_code == 422
