"""The reviewers' commands and the status feed kiosks pull, against a real server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from county.cli import main as county
from county.config import CountyConfig
from county.review import TRANSITIONS, ReviewError, check_transition
from county.testing import (
    RunningServer,
    new_claim_uuid,
    sample_claim,
    sample_image,
    serve_in_thread,
    sha256_hex,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(CountyConfig.build(tmp_path_factory.mktemp("county"))) as srv:
        yield srv


def cli(srv: RunningServer, *args: str) -> list[str]:
    return [*args, "--data", str(srv.config.data_dir), "--db", srv.config.db_url]


def send_claim(c: httpx.Client, seed: str, resident: str = "张秀英") -> str:
    data = sample_image(seed)
    sha = sha256_hex(data)
    if c.head(f"/api/v1/images/{sha}").status_code != 200:
        assert c.put(f"/api/v1/images/{sha}", content=data).status_code == 201
    uuid = new_claim_uuid()
    r = c.put(f"/api/v1/claims/{uuid}", json=sample_claim([data], resident=resident))
    assert r.status_code == 201, r.text
    return uuid


def review(srv: RunningServer, capsys: pytest.CaptureFixture[str], ref: str, to: str,
           reason: str | None = None) -> tuple[int, str]:
    args = ["claims", "review", ref, "--to", to]
    if reason is not None:
        args += ["--reason", reason]
    code = county(cli(srv, *args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_transition_table() -> None:
    check_transition("accepted", "first_review", None)
    check_transition("second_review", "returned", "发票不清晰")
    for bad in [("accepted", "approved", None), ("first_review", "paid", None),
                ("paid", "returned", "x"), ("returned", "first_review", None),
                ("first_review", "returned", None), ("first_review", "returned", "  "),
                ("accepted", "first_review", "a reason where none belongs"),
                ("accepted", "archived", None)]:
        with pytest.raises(ReviewError):
            check_transition(*bad)
    assert not TRANSITIONS["paid"] and not TRANSITIONS["returned"]


def test_reviewers_move_claims_and_kiosks_follow_them_by_cursor(
        server: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    _, token = server.enrol("kiosk A")
    with server.client(token) as c:
        paid = send_claim(c, "feed-1", "王桂兰")
        returned = send_claim(c, "feed-2", "刘玉珍")

        page = c.get("/api/v1/status", params={"cursor": 0}).json()
        assert [(e["claim_uuid"], e["status"]) for e in page["events"]] == [
            (paid, "accepted"), (returned, "accepted")]
        assert page["next_cursor"] == 2 and page["more"] is False
        cursor = page["next_cursor"]

        # Nothing new: same cursor back, no events.
        assert c.get("/api/v1/status", params={"cursor": cursor}).json() == {
            "events": [], "next_cursor": cursor, "more": False}

        for to in ("first_review", "second_review", "approved", "paid"):
            assert review(server, capsys, paid, to)[0] == 0
        code, out = review(server, capsys, returned, "first_review")
        assert code == 0 and "accepted -> first_review" in out

        # Refused moves change nothing and say why.
        code, out = review(server, capsys, paid, "returned", "too late")
        assert code == 1 and "cannot go to returned" in out
        code, out = review(server, capsys, returned, "approved")
        assert code == 1 and "cannot go to approved" in out
        code, out = review(server, capsys, returned, "returned")
        assert code == 1 and "--reason" in out
        code, out = review(server, capsys, "99999", "first_review")
        assert code == 1 and "no claim" in out
        with pytest.raises(SystemExit) as usage:
            county(cli(server, "claims", "review", returned, "--to", "archived"))
        assert usage.value.code == 2 and "invalid choice" in capsys.readouterr().err

        code, _ = review(server, capsys, returned, "returned", "缺少费用清单，请补充后重新提交")
        assert code == 0

        page = c.get("/api/v1/status", params={"cursor": cursor}).json()
        got = [(e["claim_uuid"], e["status"], e["reason"]) for e in page["events"]]
        assert got == [
            (paid, "first_review", None), (paid, "second_review", None),
            (paid, "approved", None), (paid, "paid", None),
            (returned, "first_review", None),
            (returned, "returned", "缺少费用清单，请补充后重新提交"),
        ]
        cursors = [e["cursor"] for e in page["events"]]
        assert cursors == list(range(cursor + 1, cursor + 7))
        assert page["next_cursor"] == cursors[-1]

        # Paging: small pages say there is more, and walking them gives the same events.
        walked: list[dict[str, Any]] = []
        at = 0
        while True:
            p = c.get("/api/v1/status", params={"cursor": at, "limit": 3}).json()
            walked += p["events"]
            at = p["next_cursor"]
            if not p["more"]:
                break
            assert len(walked) < 100
        assert [e["cursor"] for e in walked] == list(range(1, 9))

        state = c.get(f"/api/v1/claims/{returned}").json()
        assert state["status"] == "returned"
        assert state["reason"] == "缺少费用清单，请补充后重新提交"

        # A cursor the server never issued (server restored from an older backup).
        r = c.get("/api/v1/status", params={"cursor": 1000})
        assert r.status_code == 409
        assert r.json()["error"] == "cursor_ahead" and r.json()["latest_cursor"] == 8

    assert county(cli(server, "claims", "list", "--json")) == 0
    listed = {row["uuid"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed[paid]["status"] == "paid"
    assert listed[returned]["status"] == "returned"
    assert listed[returned]["resident_name"] == "刘玉珍"
    assert listed[paid]["refund_estimate"] == "86.40"
    assert listed[paid]["device_name"] == "kiosk A"

    assert county(cli(server, "claims", "list", "--status", "paid")) == 0
    out = capsys.readouterr().out
    assert "王桂兰" in out and "刘玉珍" not in out
    # a typo is refused with the valid names, not answered with an empty list
    with pytest.raises(SystemExit) as exit_:
        county(cli(server, "claims", "list", "--status", "payed"))
    assert exit_.value.code == 2
    assert "invalid choice: 'payed'" in capsys.readouterr().err

    # Reviewers may name a claim by its short server id too.
    sid = str(listed[paid]["id"])
    assert county(cli(server, "claims", "show", sid)) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["uuid"] == paid and shown["claim"]["resident"]["name"] == "王桂兰"


def test_each_kiosk_sees_only_its_own_claims(server: RunningServer,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _, token_a = server.enrol("kiosk A")
    _, token_b = server.enrol("kiosk B")
    with server.client(token_a) as a, server.client(token_b) as b:
        mine = send_claim(a, "iso-a")
        theirs = send_claim(b, "iso-b")
        assert review(server, capsys, theirs, "first_review")[0] == 0

        ev_a = a.get("/api/v1/status").json()["events"]
        ev_b = b.get("/api/v1/status").json()["events"]
        assert [(e["claim_uuid"], e["status"]) for e in ev_a] == [(mine, "accepted")]
        assert [(e["claim_uuid"], e["status"]) for e in ev_b] == [
            (theirs, "accepted"), (theirs, "first_review")]
        # Cursors are per device: both start at 1.
        assert ev_a[0]["cursor"] == 1 and ev_b[0]["cursor"] == 1
        assert a.get(f"/api/v1/claims/{theirs}").status_code == 404
