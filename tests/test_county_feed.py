"""The reviewers' commands and the status feed kiosks pull, against a real server."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

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
from county.users import add_user


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


PASSWORDS = {"li.first": "first reviewer pw", "wang.second": "second reviewer pw",
             "zhao.sup": "supervisor pw 1"}


@pytest.fixture(scope="module")
def reviewers(server: RunningServer) -> dict[str, str]:
    db = server.database()
    try:
        add_user(db, "li.first", "first_reviewer", PASSWORDS["li.first"])
        add_user(db, "wang.second", "second_reviewer", PASSWORDS["wang.second"])
        add_user(db, "zhao.sup", "supervisor", PASSWORDS["zhao.sup"])
    finally:
        db.dispose()
    return PASSWORDS


def review(srv: RunningServer, capsys: pytest.CaptureFixture[str],
           monkeypatch: pytest.MonkeyPatch, ref: str, user: str, decision: str, *extra: str,
           password: str | None = None) -> tuple[int, str]:
    """`county claims review` as a named user, her password on standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO((password or PASSWORDS[user]) + "\n"))
    code = county(cli(srv, "claims", "review", ref, "--user", user, "--decision", decision,
                      *extra))
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
        server: RunningServer, reviewers: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
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

        assert review(server, capsys, monkeypatch, paid, "li.first", "pass")[0] == 0
        assert review(server, capsys, monkeypatch, paid, "wang.second", "approve",
                      "--amount", "86.40")[0] == 0
        code, out = review(server, capsys, monkeypatch, paid, "zhao.sup", "paid",
                           "--payment-ref", "PAY-2024-001")
        assert code == 0 and "now paid" in out
        code, out = review(server, capsys, monkeypatch, returned, "li.first", "pass")
        assert code == 0 and "now second_review" in out

        # Refused decisions change nothing and say why; the shell has no way around four eyes.
        code, out = review(server, capsys, monkeypatch, returned, "li.first", "approve",
                           "--amount", "10.00")
        assert code == 1 and "复审 needs a second reviewer" in out
        code, out = review(server, capsys, monkeypatch, returned, "zhao.sup", "pass")
        assert code == 1 and "not waiting for 初审" in out
        code, out = review(server, capsys, monkeypatch, returned, "wang.second", "approve")
        assert code == 1 and "--amount" in out
        code, out = review(server, capsys, monkeypatch, returned, "wang.second", "approve",
                           "--amount", "10.00", password="not her password")
        assert code == 1 and "wrong name or password" in out
        code, out = review(server, capsys, monkeypatch, paid, "wang.second", "return",
                           "--reason-code", "unreadable")
        assert code == 1 and "no longer under review" in out
        code, out = review(server, capsys, monkeypatch, returned, "wang.second", "return")
        assert code == 1 and "--reason-code" in out
        code, out = review(server, capsys, monkeypatch, "99999", "li.first", "pass")
        assert code == 1 and "no claim" in out
        with pytest.raises(SystemExit) as usage:
            county(cli(server, "claims", "review", returned, "--user", "li.first",
                       "--decision", "archive"))
        assert usage.value.code == 2 and "invalid choice" in capsys.readouterr().err

        code, _ = review(server, capsys, monkeypatch, returned, "wang.second", "return",
                         "--reason-code", "other", "--note", "缺少费用清单，请补充后重新提交")
        assert code == 0

        page = c.get("/api/v1/status", params={"cursor": cursor}).json()
        got = [(e["claim_uuid"], e["status"], e["reason"]) for e in page["events"]]
        assert got == [
            (paid, "first_review", None), (paid, "second_review", None),
            (paid, "approved", "核定报销 86.40 元"), (paid, "paid", None),
            (returned, "first_review", None), (returned, "second_review", None),
            (returned, "returned", "缺少费用清单，请补充后重新提交"),
        ]
        cursors = [e["cursor"] for e in page["events"]]
        assert cursors == list(range(cursor + 1, cursor + 8))
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
        assert [e["cursor"] for e in walked] == list(range(1, 10))

        state = c.get(f"/api/v1/claims/{returned}").json()
        assert state["status"] == "returned"
        assert state["reason"] == "缺少费用清单，请补充后重新提交"

        # A cursor the server never issued (server restored from an older backup).
        r = c.get("/api/v1/status", params={"cursor": 1000})
        assert r.status_code == 409
        assert r.json()["error"] == "cursor_ahead" and r.json()["latest_cursor"] == 9

    # Each step names who took it, and the refused attempt is in the audit log.
    db = server.database()
    try:
        from county import auditlog
        from county.db import StatusEvent
        from county.review import find_claim_id

        with db.read() as s:
            who = [(e.status, e.reviewer) for e in s.scalars(
                select(StatusEvent).where(StatusEvent.claim_id == find_claim_id(db, paid))
                .order_by(StatusEvent.id))]
        assert who == [("accepted", None), ("first_review", "li.first"),
                       ("second_review", "li.first"), ("approved", "wang.second"),
                       ("paid", "zhao.sup")]
        actions = [(e.user, e.action, e.address) for e in auditlog.entries(db, limit=None)[0]]
        assert ("wang.second", "decide_return", "shell") in actions
    finally:
        db.dispose()

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


def test_each_kiosk_sees_only_its_own_claims(server: RunningServer, reviewers: dict[str, str],
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _, token_a = server.enrol("kiosk A")
    _, token_b = server.enrol("kiosk B")
    with server.client(token_a) as a, server.client(token_b) as b:
        mine = send_claim(a, "iso-a")
        theirs = send_claim(b, "iso-b")
        assert review(server, capsys, monkeypatch, theirs, "li.first", "pass")[0] == 0

        ev_a = a.get("/api/v1/status").json()["events"]
        ev_b = b.get("/api/v1/status").json()["events"]
        assert [(e["claim_uuid"], e["status"]) for e in ev_a] == [(mine, "accepted")]
        assert [(e["claim_uuid"], e["status"]) for e in ev_b] == [
            (theirs, "accepted"), (theirs, "first_review"), (theirs, "second_review")]
        # Cursors are per device: both start at 1.
        assert ev_a[0]["cursor"] == 1 and ev_b[0]["cursor"] == 1
        assert a.get(f"/api/v1/claims/{theirs}").status_code == 404
