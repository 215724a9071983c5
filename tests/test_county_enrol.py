"""Enrolment and device credentials, against a real county server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import httpx
import pytest

from county.auth import CODE_ALPHABET, ENROL_FAILURES_PER_MINUTE, create_enrol_code
from county.cli import main as county
from county.db import utcnow
from county.testing import RunningServer


def _cli_args(srv: RunningServer) -> list[str]:
    return ["--data", str(srv.config.data_dir), "--db", srv.config.db_url]


def _new_code(srv: RunningServer, capsys: pytest.CaptureFixture[str]) -> str:
    assert county(["enrol-code", *_cli_args(srv)]) == 0
    code = capsys.readouterr().out.strip()
    return code


def test_enrol_code_is_short_typeable_and_single_use(
        server: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = _new_code(server, capsys)
    assert len(code) == 9 and code[4] == "-"
    assert all(ch in CODE_ALPHABET for ch in code.replace("-", ""))

    with server.client() as c:
        # Case, dashes and spaces as a technician might type them do not matter.
        typed = code.lower().replace("-", " ")
        r = c.post("/api/v1/enrol", json={"code": typed, "device_name": "城关镇 kiosk 1"})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["device_id"].startswith("dev-") and len(body["token"]) >= 40

        again = c.post("/api/v1/enrol", json={"code": code, "device_name": "thief"})
        assert again.status_code == 403
        assert again.json()["error"] == "enrol_code_used"

        unknown = c.post("/api/v1/enrol", json={"code": "2222-2222", "device_name": "x"})
        assert unknown.status_code == 403
        assert unknown.json()["error"] == "enrol_code_unknown"

    # The credential works, and the server kept only its hash.
    with server.client(body["token"]) as c:
        assert c.get("/api/v1/status").status_code == 200
    db_file = server.config.data_dir / "county.db"
    assert body["token"].encode() not in db_file.read_bytes()
    wal = db_file.with_name("county.db-wal")
    assert not wal.exists() or body["token"].encode() not in wal.read_bytes()


def test_expired_code_is_refused(server: RunningServer) -> None:
    db = server.database()
    code, expires = create_enrol_code(db, timedelta(minutes=10),
                                      now=utcnow() - timedelta(minutes=11))
    db.dispose()
    assert expires < utcnow()
    with server.client() as c:
        r = c.post("/api/v1/enrol", json={"code": code, "device_name": "late kiosk"})
    assert r.status_code == 403
    assert r.json()["error"] == "enrol_code_expired"


def test_two_kiosks_racing_with_one_code_enrol_exactly_one(server: RunningServer) -> None:
    db = server.database()
    code, _ = create_enrol_code(db, timedelta(minutes=5))
    db.dispose()
    results: list[int] = []
    barrier = threading.Barrier(6)

    def attempt(i: int) -> None:
        barrier.wait(timeout=10)
        r = httpx.post(f"{server.base_url}/api/v1/enrol",
                       json={"code": code, "device_name": f"kiosk {i}"}, timeout=15)
        results.append(r.status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [201, 403, 403, 403, 403, 403]


def test_requests_without_or_with_a_bad_credential_are_refused(server: RunningServer) -> None:
    paths = ["/api/v1/status", "/api/v1/catalog", "/api/v1/policy",
             f"/api/v1/claims/{'1' * 32}"]
    with server.client() as c:
        for path in paths:
            r = c.get(path)
            assert r.status_code == 401, path
            assert r.json()["error"] == "unauthorized"
            assert r.headers["www-authenticate"] == "Bearer"
        r = c.head(f"/api/v1/images/{'a' * 64}")
        assert r.status_code == 401
    with server.client("not-a-real-token") as c:
        r = c.get("/api/v1/status")
        assert r.status_code == 401 and r.json()["error"] == "unknown_credential"
    with server.client() as c:
        r = c.get("/api/v1/status", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"


def test_revoked_device_is_refused_and_others_are_not(
        server: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    dev_a, token_a = server.enrol("kiosk A")
    dev_b, token_b = server.enrol("kiosk B")
    capsys.readouterr()

    assert county(["devices", "revoke", dev_a, *_cli_args(server)]) == 0
    assert "revoked" in capsys.readouterr().out
    assert county(["devices", "revoke", dev_a, *_cli_args(server)]) == 0
    assert "already revoked" in capsys.readouterr().out
    assert county(["devices", "revoke", "dev-nosuch", *_cli_args(server)]) == 1
    assert "no device" in capsys.readouterr().err

    with server.client(token_a) as c:
        r = c.get("/api/v1/status")
        assert r.status_code == 403
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"] == "device_revoked"
        assert c.put(f"/api/v1/images/{'b' * 64}", content=b"x").status_code == 403
    with server.client(token_b) as c:
        assert c.get("/api/v1/status").status_code == 200

    assert county(["devices", "list", "--json", *_cli_args(server)]) == 0
    listed = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed[dev_a]["revoked_at"] is not None
    assert listed[dev_b]["revoked_at"] is None
    assert listed[dev_b]["last_seen_at"] is not None
    assert county(["devices", "list", *_cli_args(server)]) == 0
    out = capsys.readouterr().out
    assert "kiosk A" in out and "revoked" in out


def test_guessing_codes_is_throttled(server: RunningServer) -> None:
    db = server.database()
    good, _ = create_enrol_code(db, timedelta(minutes=5))
    db.dispose()
    with server.client() as c:
        for i in range(ENROL_FAILURES_PER_MINUTE):
            r = c.post("/api/v1/enrol", json={"code": f"GUES-{i:04d}", "device_name": "x"})
            assert r.status_code == 403
        r = c.post("/api/v1/enrol", json={"code": good, "device_name": "x"})
        assert r.status_code == 429
        assert r.json()["error"] == "too_many_attempts"
        assert r.headers["retry-after"] == "60"
    # the technician at another machine (here another loopback source address) still enrols
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=server.base_url, transport=other, timeout=10) as c:
        r = c.post("/api/v1/enrol", json={"code": good, "device_name": "x"})
        assert r.status_code == 201, r.text


@pytest.mark.parametrize("payload", [
    {},
    {"code": "ABCD-EFGH"},
    {"code": "", "device_name": "x"},
    {"code": 12345678, "device_name": "x"},
    {"code": "ABCD-EFGH", "device_name": ""},
    {"code": "ABCD-EFGH", "device_name": "x" * 201},
    ["ABCD-EFGH", "x"],
])
def test_malformed_enrolment_is_a_422(server: RunningServer, payload: object) -> None:
    with server.client() as c:
        r = c.post("/api/v1/enrol", json=payload)
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_request"
