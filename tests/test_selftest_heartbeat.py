"""The self-test's coded reasons on their way to the county: the heartbeat keeps its fields
(name, ok, detail) and says the reason in the county console's language, to a real county
server on 127.0.0.1 whose kiosks page shows it."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from support.county_server import add_county_user
from test_county_console import PASSWORD, Browser

from county.testing import RunningServer
from kiosk.cli.selftest import check_camera, check_disk
from kiosk.core.config import load_settings
from kiosk.core.health import Check, last_result, record
from kiosk.sync.heartbeat import selftest_report


@pytest.fixture
def sue(server: RunningServer) -> Browser:
    add_county_user(server, "sue", "supervisor", PASSWORD)
    return Browser(server, "sue")


def test_the_county_gets_the_reasons_in_its_own_words(server: RunningServer, sue: Browser,
                                                      tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    home.mkdir()
    settings = load_settings(home)
    record(home, [check_camera(settings, dev=tmp_path), check_disk(settings, min_free=1),
                  Check("scanner", False, "an old kiosk's English words")])
    report = selftest_report(last_result(home))
    assert report is not None
    assert [sorted(c) for c in report["checks"]] == [["detail", "name", "ok"]] * 3
    camera, _disk, scanner = report["checks"]
    assert camera["detail"].startswith("找不到摄像头 '0'")
    assert scanner["detail"] == "an old kiosk's English words"
    device_id, token = server.enrol("河口镇 kiosk")
    body = {"software_version": "0.1.0", "queue_length": 0, "oldest_queued_seconds": None,
            "selftest": report}
    with server.client(token) as c:
        assert c.post("/api/v1/heartbeat", json=body).status_code == 200
    text = html.unescape(sue.get("/review/kiosks").text)
    row = text.split(f'id="kiosk-{device_id}"', 1)[1].split("</tr>", 1)[0]
    assert "<b>camera</b>: <bdi>找不到摄像头 '0'" in row
    assert "<b>scanner</b>: <bdi>an old kiosk's English words</bdi>" in row
