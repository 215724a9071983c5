"""The review console's rules over HTTP against a real county server on 127.0.0.1: accounts
and the `county user` commands, lockout, cookies, the four-eyes rule, checks on arrival,
images only for signed-in reviewers, the queue's filters and the append-only audit log."""

from __future__ import annotations

import io
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from county.cli import main as county
from county.config import CountyConfig
from county.decisions import FourEyes, first_review, second_review
from county.review import ReviewError
from county.testing import RunningServer, new_claim_uuid, sample_claim, serve_in_thread, sha256_hex
from county.users import MAX_FAILURES, UserError, add_user, authenticate, get_user

PASSWORD = "a long enough secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(CountyConfig.build(tmp_path_factory.mktemp("county"))) as srv:
        db = srv.database()
        try:
            for name, role in (("ann", "first_reviewer"), ("bo", "second_reviewer"),
                               ("sue", "supervisor"), ("aud", "auditor")):
                add_user(db, name, role, PASSWORD)
        finally:
            db.dispose()
        yield srv


class Browser:
    """A signed-in client that carries the console's Secure cookies over loopback HTTP
    (httpx, like a cookie jar should, keeps Secure cookies off plain http)."""

    def __init__(self, server: RunningServer, name: str, password: str = PASSWORD) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=15, follow_redirects=False)
        r = self.http.get("/review/login")
        login_csrf = _hidden(r.text, "csrf")
        self.cookies = {"county_login_csrf": r.cookies["county_login_csrf"]}
        r = self.post("/review/login", {"csrf": login_csrf, "name": name,
                                        "password": password, "next": "/review/queue"})
        self.signin = r
        if r.status_code == 303:
            self.cookies = {"county_session": _cookie(r, "county_session")}
            self.csrf = _hidden(self.get("/review/queue").text, "csrf")

    def _headers(self) -> dict[str, str]:
        return {"cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, headers=self._headers(), **kw)

    def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        return self.http.post(path, data=data, headers=self._headers())


def _hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert m, f"no hidden {name} in the page"
    return m.group(1)


def _cookie(r: httpx.Response, name: str) -> str:
    for header in r.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no cookie {name}")


def deliver(server: RunningServer, token: str, claim: dict[str, Any],
            images: list[bytes]) -> httpx.Response:
    with server.client(token) as c:
        for data in images:
            c.put(f"/api/v1/images/{sha256_hex(data)}", content=data)
        return c.put(f"/api/v1/claims/{new_claim_uuid()}", json=claim)


def test_user_commands_read_the_password_from_stdin(
        server: RunningServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data", str(server.config.data_dir)]
    monkeypatch.setattr("sys.stdin", io.StringIO("first admin password\n"))
    assert county(["user", "add", "root", "--role", "administrator", *data]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert county(["user", "add", "shorty", "--role", "auditor", *data]) == 1
    assert "at least" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("another password\n"))
    assert county(["user", "add", "root", "--role", "auditor", *data]) == 1
    assert "already exists" in capsys.readouterr().err
    assert county(["user", "list", *data]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"root\s+administrator\s+active", listed)
    admin = Browser(server, "root", "first admin password")
    assert admin.signin.status_code == 303
    assert county(["user", "disable", "root", *data]) == 0
    # disabling ends the open session at once
    assert admin.get("/review/summary").status_code == 303
    assert Browser(server, "root", "first admin password").signin.status_code == 401
    monkeypatch.setattr("sys.stdin", io.StringIO("a new password 2\n"))
    assert county(["user", "reset-password", "root", *data]) == 0
    assert county(["user", "disable", "nobody", *data]) == 1


def test_wrong_passwords_lock_the_account_and_a_reset_lifts_it(server: RunningServer) -> None:
    db = server.database()
    try:
        add_user(db, "locky", "auditor", PASSWORD)
        for _ in range(MAX_FAILURES):
            with pytest.raises(UserError, match="wrong name or password"):
                authenticate(db, "locky", "not it at all")
        with pytest.raises(UserError, match="locked"):
            authenticate(db, "locky", PASSWORD)
        refused = Browser(server, "locky")
        assert refused.signin.status_code == 401 and "locked" in refused.signin.text
        from county.users import reset_password

        reset_password(db, "locky", "brand new password")
        assert authenticate(db, "locky", "brand new password").name == "locky"
        stored = get_user(db, "locky")
        assert stored is not None and stored.locked_until is None
    finally:
        db.dispose()


def test_session_cookie_flags_and_pages_need_a_session(server: RunningServer) -> None:
    ann = Browser(server, "ann")
    header = next(h for h in ann.signin.headers.get_list("set-cookie")
                  if h.startswith("county_session="))
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/review/"} <= flags
    page = ann.get("/review/queue")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    anonymous = httpx.get(f"{server.base_url}/review/queue", timeout=10)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/review/login")
    # an auditor reads but cannot decide
    aud = Browser(server, "aud")
    r = aud.post("/review/claims/1/first-review", {"csrf": aud.csrf, "outcome": "pass"})
    assert r.status_code == 403


def test_arrival_refuses_bad_ids_and_amounts_and_flags_duplicates(
        server: RunningServer) -> None:
    _a, token_a = server.enrol("kiosk a")
    _b, token_b = server.enrol("kiosk b")
    image = b"\xff\xd8 receipt bytes" + bytes(range(256))
    claim = sample_claim([image])
    bad_id = sample_claim([image])
    bad_id["resident"]["id_number"] = "530121195001011233"
    r = deliver(server, token_a, bad_id, [image])
    assert r.status_code == 422 and r.json()["error"] == "invalid_id_number"
    # full-width digits whose check character is X would pass a Unicode \d and the check
    wide = sample_claim([image])
    wide["resident"]["id_number"] = "".join(chr(ord(c) + 0xFEE0) for c in "11010519491231002") + "X"
    r = deliver(server, token_a, wide, [image])
    assert r.status_code == 422 and "id_number" in r.text
    huge = sample_claim([image], amount="99999999999.99")
    r = deliver(server, token_a, huge, [image])
    assert r.status_code == 422 and r.json()["error"] == "amount_out_of_bounds"

    first = deliver(server, token_a, claim, [image])
    assert first.status_code == 201
    again = sample_claim([image], resident="李四")  # same image, same invoice, other kiosk
    second = deliver(server, token_b, again, [image])
    assert second.status_code == 201
    sue = Browser(server, "sue")
    page = sue.get(f"/review/claims/{second.json()['server_id']}").text
    assert "duplicate_invoice" in page and "duplicate_image" in page
    assert f"claim {first.json()['server_id']}" in page


def test_four_eyes_hold_in_the_domain_and_over_http(server: RunningServer) -> None:
    _d, token = server.enrol("kiosk c")
    image = b"\xff\xd8 four eyes" + bytes(range(200))
    claim = sample_claim([image])
    claim["documents"][0]["invoice_number"] = "77700001"
    claim_id = deliver(server, token, claim, [image]).json()["server_id"]
    db = server.database()
    try:
        sue = get_user(db, "sue")
        assert sue is not None
        assert first_review(db, claim_id, sue, "pass") == "second_review"
        # a supervisor may do either review, never both of one claim
        with pytest.raises(FourEyes):
            second_review(db, claim_id, sue, "approve", "10.00")
        # an amount that is not plain yuan with two decimals is refused and changes nothing
        bo_account = get_user(db, "bo")
        assert bo_account is not None
        for bad in ("NaN", "Infinity", "1e3", "1.239", "-1.00", "1000000.01", "", "１０.00"):
            with pytest.raises(ReviewError, match=r"123\.45|between 0 and"):
                second_review(db, claim_id, bo_account, "approve", bad)
    finally:
        db.dispose()
    browser = Browser(server, "sue")
    r = browser.post(f"/review/claims/{claim_id}/second-review",
                     {"csrf": browser.csrf, "outcome": "approve", "amount": "10.00"})
    assert r.status_code == 403
    bo = Browser(server, "bo")
    r = bo.post(f"/review/claims/{claim_id}/second-review",
                {"csrf": bo.csrf, "outcome": "approve", "amount": "10.00"})
    assert r.status_code == 303
    r = bo.post(f"/review/claims/{claim_id}/second-review",
                {"csrf": "forged", "outcome": "return", "reason": "other", "note": "x"})
    assert r.status_code == 403 and "CSRF" in r.text
    assert "已核准" in bo.get(f"/review/claims/{claim_id}").text


def test_images_only_for_signed_in_reviewers(server: RunningServer) -> None:
    _d, token = server.enrol("kiosk d")
    image = b"\x89PNG\r\n\x1a\n not really" + bytes(range(100))
    claim = sample_claim([image])
    claim["documents"][0]["invoice_number"] = "88800001"
    assert deliver(server, token, claim, [image]).status_code == 201
    path = f"/review/images/{sha256_hex(image)}"
    assert httpx.get(server.base_url + path, timeout=10).status_code == 303
    ann = Browser(server, "ann")
    r = ann.get(path)
    assert r.status_code == 200 and r.content == image
    assert r.headers["content-type"] == "image/png"
    assert ann.get("/review/images/" + "0" * 64).status_code == 404
    assert Browser(server, "aud").get(path).status_code == 200  # auditors may look
    assert Browser(server, "bo").get("/review/images/x").status_code == 404


def test_queue_filters_search_and_audit(server: RunningServer) -> None:
    _d, token = server.enrol("kiosk e")
    image = b"\xff\xd8 searchable" + bytes(range(50))
    claim = sample_claim([image], resident="欧阳娜")
    claim["resident"]["id_number"] = "11010519491231002X"
    claim["documents"][0]["invoice_number"] = "55500001"
    claim_id = deliver(server, token, claim, [image]).json()["server_id"]
    ann = Browser(server, "ann")
    r = ann.get("/review/queue", params={"status": "acceptd"})
    assert r.status_code == 422 and "no status" in r.text
    # the last two as a Chinese input method types them: full-width digits and X
    for q in ("11010519491231002X", "欧阳", "55500001", "１１０１０５１９４９１２３１００２Ｘ",
              "５５５００００１"):
        page = ann.get("/review/queue", params={"q": q}).text
        assert f'href="/review/claims/{claim_id}"' in page, q
    page = ann.get("/review/queue", params={"q": "110105194912310011"}).text
    assert f'href="/review/claims/{claim_id}"' not in page
    page = ann.get("/review/queue", params={"min": "80", "max": "90", "status": "accepted"})
    assert f'href="/review/claims/{claim_id}"' in page.text
    page = ann.get("/review/queue", params={"max": "10"})
    assert f'href="/review/claims/{claim_id}"' not in page.text

    ann.get(f"/review/claims/{claim_id}")
    aud = Browser(server, "aud")
    log = aud.get("/review/audit.csv", params={}).text
    assert "11010519491231002X" not in log  # the search is logged, the number is not
    assert re.search(rf"ann,view_claim,{claim_id},", log)
    assert "search=id-number" in log
    assert ann.get("/review/audit").status_code == 403

    db = server.database()
    try:
        with pytest.raises(DBAPIError, match="append-only"), db.write() as s:
            s.execute(text("UPDATE audit_log SET user_name = 'nobody'"))
        with pytest.raises(DBAPIError, match="append-only"), db.write() as s:
            s.execute(text("DELETE FROM audit_log"))
    finally:
        db.dispose()


def test_database_and_key_files_are_private(server: RunningServer) -> None:
    data = server.config.data_dir
    for name in ("county.db", "county.db-wal", "county.key"):
        path = data / name
        assert path.exists(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name


def test_exports_for_payment_and_of_a_days_decisions(server: RunningServer) -> None:
    from openpyxl import load_workbook

    _d, token = server.enrol("kiosk f")
    image = b"\xff\xd8 export me" + bytes(range(80))
    claim = sample_claim([image], resident="=HYPERLINK(\"http://x\")")
    claim["documents"][0]["invoice_number"] = "66600001"
    claim_id = deliver(server, token, claim, [image]).json()["server_id"]
    ann, bo = Browser(server, "ann"), Browser(server, "bo")
    assert ann.post(f"/review/claims/{claim_id}/first-review",
                    {"csrf": ann.csrf, "outcome": "pass"}).status_code == 303
    assert bo.post(f"/review/claims/{claim_id}/second-review",
                   {"csrf": bo.csrf, "outcome": "approve", "amount": "42.10"}).status_code \
        == 303
    sue = Browser(server, "sue")
    csv_text = sue.get("/review/exports/approved.csv").content.decode("utf-8-sig")
    line = next(r for r in csv_text.splitlines() if r.startswith(f"{claim_id},"))
    assert "42.10" in line and "ann" in line and "bo" in line
    assert "'=HYPERLINK" in line  # a spreadsheet shows it, never runs it
    book = load_workbook(io.BytesIO(sue.get("/review/exports/approved.xlsx").content))
    cells = [[c.value for c in row] for row in book["approved"].iter_rows()]
    assert cells[0][0] == "claim" and any(r[0] == claim_id and r[7] == "42.10"
                                          for r in cells[1:])
    decided = sue.get("/review/exports/decisions.csv").content.decode("utf-8-sig")
    assert re.search(rf",{claim_id},bo,second_review,approve,", decided)
    assert sue.get("/review/exports/decisions.csv", params={"day": "yesterday"}).status_code \
        == 422
    assert ann.get("/review/exports/approved.csv").status_code == 403
    kiosks = sue.get("/review/kiosks").text
    assert "kiosk f" in kiosks


def test_a_correction_keeps_the_original_and_a_return_reaches_the_kiosk_in_plain_words(
        server: RunningServer) -> None:
    _d, token = server.enrol("kiosk g")
    image = b"\xff\xd8 correct me" + bytes(range(90))
    claim = sample_claim([image])
    claim["documents"][0]["invoice_number"] = "44400001"
    claim_id = deliver(server, token, claim, [image]).json()["server_id"]
    ann = Browser(server, "ann")
    r = ann.post(f"/review/claims/{claim_id}/correct", {
        "csrf": ann.csrf, "target": "d0.total", "value": "112.00", "why": "发票上是112.00"})
    assert r.status_code == 303
    r = ann.post(f"/review/claims/{claim_id}/correct", {
        "csrf": ann.csrf, "target": "d0.total", "value": "abc", "why": "typo"})
    assert "123.45" in httpx.URL(r.headers["location"]).params["error"]
    page = ann.get(f"/review/claims/{claim_id}").text
    assert re.search(r"<del><bdi>120.00</bdi></del> <ins><bdi>112.00</bdi></ins>", page)
    assert "ann: 发票上是112.00" in page
    with server.client(token) as c:
        stored = c.get(f"/api/v1/claims/{deliver_uuid(server, claim_id)}").json()
    assert stored["status"] == "accepted"  # the claim the kiosk sent is unchanged

    r = ann.post(f"/review/claims/{claim_id}/first-review", {
        "csrf": ann.csrf, "outcome": "return", "reason": "unreadable", "note": "第2页"})
    assert r.status_code == 303
    with server.client(token) as c:
        events = c.get("/api/v1/status", params={"cursor": 0}).json()["events"]
    last = events[-1]
    assert last["status"] == "returned"
    assert last["reason"] == "收据照片看不清，请带原件到服务点重新拍照（第2页）"
    # a returned claim is final: no more decisions
    r = ann.post(f"/review/claims/{claim_id}/first-review",
                 {"csrf": ann.csrf, "outcome": "pass"})
    assert "no longer under review" in httpx.URL(r.headers["location"]).params["error"]


def deliver_uuid(server: RunningServer, claim_id: int) -> str:
    from county.review import show_claim

    db = server.database()
    try:
        return str(show_claim(db, str(claim_id))["uuid"])
    finally:
        db.dispose()


def test_purge_clears_long_paid_claims_and_sweeps_unused_images(
        tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import timedelta

    from county.images import ImageStore
    from county.retention import PURGED, purge_paid, sweep_images
    from county.review import review_claim, show_claim

    with serve_in_thread(CountyConfig.build(tmp_path / "county")) as srv:
        _d, token = srv.enrol("kiosk p")
        kept, paid, orphan = (b"\xff\xd8 " + bytes([n]) * 64 for n in (1, 2, 3))
        a = deliver(srv, token, sample_claim([kept]), [kept]).json()
        other = sample_claim([paid])
        other["documents"][0]["invoice_number"] = "12300001"
        b = deliver(srv, token, other, [paid]).json()
        with srv.client(token) as c:
            c.put(f"/api/v1/images/{sha256_hex(orphan)}", content=orphan)
        db = srv.database()
        try:
            for step in ("first_review", "second_review", "approved", "paid"):
                review_claim(db, str(b["server_id"]), step)
            store = ImageStore(db, srv.config.images_dir)
            assert purge_paid(db, store, timedelta(days=30)).claims == 0  # too recent
            later = datetime.now(UTC) + timedelta(days=31)
            result = purge_paid(db, store, timedelta(days=30), now=later)
            assert (result.claims, result.images) == (1, 1)
            shown = show_claim(db, str(b["server_id"]))
            assert shown["claim"]["resident"] == {"name": PURGED, "id_number": None,
                                                  "phone": None}
            assert shown["status"] == "paid"
            assert not store.path(sha256_hex(paid)).exists()
            assert store.path(sha256_hex(kept)).exists()
            assert sweep_images(db, store, timedelta(hours=48)) == 0  # within its grace
            assert sweep_images(db, store, timedelta(hours=48), now=later) == 1
            assert not store.path(sha256_hex(orphan)).exists()
            assert store.path(sha256_hex(kept)).exists()
            assert show_claim(db, str(a["server_id"]))["claim"]["resident"]["name"] == "张秀英"
        finally:
            db.dispose()
        # the kiosk re-sending the purged claim still gets its acknowledgement
        with srv.client(token) as c:
            r = c.put(f"/api/v1/claims/{b['uuid']}", json=other)
        assert r.status_code == 200


def test_a_kiosk_over_its_image_quota_is_told_to_wait(tmp_path: Any) -> None:
    from dataclasses import replace

    config = replace(CountyConfig.build(tmp_path / "county"), device_quota_bytes=1000)
    with serve_in_thread(config) as srv:
        _d, token = srv.enrol("kiosk q")
        _o, other = srv.enrol("kiosk r")
        first, second = b"\xff\xd8" + b"a" * 700, b"\xff\xd8" + b"b" * 700
        with srv.client(token) as c:
            assert c.put(f"/api/v1/images/{sha256_hex(first)}", content=first).status_code \
                == 201
            r = c.put(f"/api/v1/images/{sha256_hex(second)}", content=second)
            assert r.status_code == 507 and r.json()["error"] == "quota_exceeded"
            assert r.headers["retry-after"] == "3600"
            assert c.head(f"/api/v1/images/{sha256_hex(second)}").status_code == 404
        with srv.client(other) as c:  # the quota is per kiosk
            assert c.put(f"/api/v1/images/{sha256_hex(second)}", content=second).status_code \
                == 201


def test_queue_filters_by_kiosk_day_severity_and_confidence_pages_oldest_first(
        tmp_path: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from county.queue import FilterError, QueueFilter, queue_page

    with serve_in_thread(CountyConfig.build(tmp_path / "county")) as srv:
        kiosk_p, token_p = srv.enrol("城关镇")
        _kiosk_q, token_q = srv.enrol("河口乡")
        ids = []
        for n, token in enumerate((token_p, token_p, token_p, token_q)):
            image = f"receipt {n}".encode() + bytes(range(64))
            claim = sample_claim([image], resident=f"居民{n}")
            claim["documents"][0]["invoice_number"] = f"6660000{n}"
            if n == 1:  # a warning, and a field the machine was unsure of
                claim["audit"] = [{"code": "over_limit", "severity": "warning",
                                   "message": "超过限额", "document": 0}]
                claim["documents"][0]["confidence"] = {"total": 0.41}
            r = deliver(srv, token, claim, [image])
            assert r.status_code == 201, r.text
            ids.append(r.json()["server_id"])

        db = srv.database()
        try:
            def shown(params: dict[str, str], page_size: int = 50) -> list[int]:
                return [row.id for row in queue_page(
                    db, QueueFilter.parse(params), db.key, page_size).rows]

            assert shown({}) == ids  # oldest first
            first = queue_page(db, QueueFilter.parse({"device": kiosk_p}), db.key, 2)
            assert [r.id for r in first.rows] == ids[:2]
            assert (first.total, first.page, first.pages) == (3, 1, 2)
            assert first.counts["accepted"] == 4  # counts per state are of all claims
            assert shown({"device": kiosk_p, "page": "2"}, 2) == ids[2:3]
            assert shown({"device": kiosk_p, "page": "9"}, 2) == ids[2:3]  # past the end: last
            assert shown({"severity": "warning"}) == [ids[1]]
            assert shown({"severity": "error"}) == []
            assert shown({"low": "1"}) == [ids[1]]
            today = datetime.now(UTC).date()
            assert shown({"since": str(today), "until": str(today)}) == ids
            assert shown({"since": str(today + timedelta(days=1))}) == []
            assert shown({"until": str(today - timedelta(days=1))}) == []
            for bad in ({"since": "2024-13-01"}, {"page": "0"}, {"page": "x"},
                        {"severity": "fatal"}, {"status": "acceptd"}):
                with pytest.raises(FilterError):
                    QueueFilter.parse(bad)
        finally:
            db.dispose()
