"""The core flow end to end, on SQLite and on a real PostgreSQL server.

The PostgreSQL server is the one named by KIOSK_TEST_PG_URL (set by
`eval "$(bash packaging/test-postgres.sh start)"`), or, when that is unset, a throwaway cluster
this module starts with the same script and stops afterwards. Each test gets a database of
its own. When no server can be had the PostgreSQL cases are skipped, saying why.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shlex
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from county.auth import create_enrol_code
from county.cli import main as county
from county.config import CountyConfig
from county.db import utcnow
from county.review import ReviewError, review_claim
from county.testing import (
    RunningServer,
    new_claim_uuid,
    sample_claim,
    sample_image,
    serve_in_thread,
    sha256_hex,
)
from county.users import add_user

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "packaging" / "test-postgres.sh"


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server this test run may create databases on."""
    url = os.environ.get("KIOSK_TEST_PG_URL")
    if url:
        yield url
        return
    try:
        proc = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True,
                              timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"PostgreSQL tests skipped: packaging/test-postgres.sh could not run: {exc}")
    if proc.returncode != 0:
        pytest.skip("PostgreSQL tests skipped: packaging/test-postgres.sh could not start a "
                    f"server (exit {proc.returncode}): {_tail(proc.stderr)}")
    env: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        parts = shlex.split(line)
        if len(parts) == 2 and parts[0] == "export" and "=" in parts[1]:
            key, _, value = parts[1].partition("=")
            env[key] = value
    try:
        yield env["KIOSK_TEST_PG_URL"]
    finally:
        if "KIOSK_TEST_PG_DIR" in env:
            subprocess.run(["bash", str(SCRIPT), "stop", env["KIOSK_TEST_PG_DIR"]],
                           capture_output=True, timeout=120, check=False)


def _fresh_pg_database(server_url: str) -> Iterator[str]:
    import psycopg

    base = make_url(server_url)
    name = f"county_{secrets.token_hex(6)}"
    admin = base.set(drivername="postgresql", database="postgres")
    admin_dsn = admin.render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL tests skipped: cannot create a test database on "
                    f"{base.render_as_string()}: {exc}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CountyConfig]:
    data = tmp_path / "county"
    if request.param == "sqlite":
        yield CountyConfig.build(data)
        return
    server_url: str = request.getfixturevalue("pg_server")
    for db_url in _fresh_pg_database(server_url):
        yield CountyConfig.build(data, db_url)


@pytest.fixture
def server(config: CountyConfig) -> Iterator[RunningServer]:
    with serve_in_thread(config) as srv:
        yield srv


def cli(srv: RunningServer, *args: str) -> list[str]:
    return [*args, "--data", str(srv.config.data_dir), "--db", srv.config.db_url]


def _parallel(n: int, fn: Any) -> list[Any]:
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait(timeout=10)
        try:
            results[i] = fn(i)
        except Exception as exc:  # collected and asserted on by the caller
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


REVIEWERS = {"li.first": "first_reviewer", "wang.second": "second_reviewer",
             "zhao.sup": "supervisor"}


def review(srv: RunningServer, monkeypatch: pytest.MonkeyPatch, claim: str, user: str,
           decision: str, *extra: str) -> int:
    """`county claims review` as a named user, her password on standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{user} password\n"))
    return county(cli(srv, "claims", "review", claim, "--user", user, "--decision", decision,
                      *extra))


def test_core_flow(server: RunningServer, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert server.config.db_url.startswith(("sqlite", "postgresql"))

    # Enrolment: a code works once.
    assert county(cli(server, "enrol-code")) == 0
    code = capsys.readouterr().out.strip()
    with server.client() as anon:
        r = anon.post("/api/v1/enrol", json={"code": code, "device_name": "城关镇 kiosk"})
        assert r.status_code == 201
        token = r.json()["token"]
        assert anon.post("/api/v1/enrol", json={"code": code, "device_name": "x"}
                         ).json()["error"] == "enrol_code_used"
        r = anon.post("/api/v1/enrol", json={"code": "ABCD-EFGH", "device_name": "a\u0000b"})
        assert r.status_code == 422
    revoked_id, revoked_token = server.enrol("stolen kiosk")
    assert county(cli(server, "devices", "revoke", revoked_id)) == 0
    capsys.readouterr()

    with server.client(revoked_token) as revoked:
        assert revoked.get("/api/v1/status").status_code == 403

    with server.client(token) as c:

        # Images: verified by hash, one round trip once present.
        images = [sample_image(f"core-{i}") for i in range(2)]
        claim = sample_claim(images)
        uuid = new_claim_uuid()
        r = c.put(f"/api/v1/claims/{uuid}", json=claim)
        assert r.status_code == 424 and len(r.json()["missing"]) == 2
        for data in images:
            sha = sha256_hex(data)
            assert c.head(f"/api/v1/images/{sha}").status_code == 404
            assert c.put(f"/api/v1/images/{sha}", content=data[::-1]).status_code == 422
            assert c.put(f"/api/v1/images/{sha}", content=data).status_code == 201
            assert c.head(f"/api/v1/images/{sha}").status_code == 200

        # Claims: idempotent by UUID.
        first = c.put(f"/api/v1/claims/{uuid}", json=claim)
        assert first.status_code == 201
        again = c.put(f"/api/v1/claims/{uuid}", json=claim)
        assert again.status_code == 200 and again.json() == first.json()
        claim2 = json.loads(json.dumps(claim))
        claim2["resident"]["name"] = "另一人"
        assert c.put(f"/api/v1/claims/{uuid}", json=claim2).status_code == 409
        bad = json.loads(json.dumps(claim))
        bad["documents"][0]["hospital"] = "医院\u0000"
        assert c.put(f"/api/v1/claims/{new_claim_uuid()}", json=bad).status_code == 422

        # Eight deliveries of one new claim racing: stored once.
        racing = new_claim_uuid()
        auth = {"Authorization": f"Bearer {token}"}
        codes = _parallel(8, lambda _i: httpx.put(
            f"{server.base_url}/api/v1/claims/{racing}", json=claim, headers=auth,
            timeout=30).status_code)
        assert sorted(codes) == [200] * 7 + [201], codes

        # Eight different claims at once from one kiosk: cursors 1..n with no gap.
        many = [new_claim_uuid() for _ in range(8)]
        codes = _parallel(8, lambda i: httpx.put(
            f"{server.base_url}/api/v1/claims/{many[i]}", json=claim, headers=auth,
            timeout=30).status_code)
        assert codes == [201] * 8, codes
        events = c.get("/api/v1/status", params={"cursor": 0}).json()["events"]
        assert [e["cursor"] for e in events] == list(range(1, 11))
        assert {e["claim_uuid"] for e in events} == {uuid, racing, *many}

        # Reviews by named users under the console's rules; two racing on one claim, one wins.
        db = server.database()
        try:
            for name, role in REVIEWERS.items():
                add_user(db, name, role, f"{name} password")
        finally:
            db.dispose()
        for user, decision, *extra in (("li.first", "pass"),
                                       ("wang.second", "approve", "--amount", "86.40"),
                                       ("zhao.sup", "paid", "--payment-ref", "PAY-1")):
            assert review(server, monkeypatch, uuid, user, decision, *extra) == 0
        assert review(server, monkeypatch, uuid, "wang.second", "return",
                      "--reason-code", "unreadable") == 1
        capsys.readouterr()
        db = server.database()
        try:
            outcomes = _parallel(4, lambda _i: review_claim(db, racing, "first_review"))
        finally:
            db.dispose()
        assert sum(o == "accepted" for o in outcomes) == 1
        assert sum(isinstance(o, ReviewError) for o in outcomes) == 3, outcomes
        assert review(server, monkeypatch, racing, "li.first", "return",
                      "--reason-code", "other", "--note", "发票模糊") == 0
        capsys.readouterr()

        page = c.get("/api/v1/status", params={"cursor": 10}).json()
        assert [(e["claim_uuid"], e["status"]) for e in page["events"]] == [
            (uuid, "first_review"), (uuid, "second_review"), (uuid, "approved"),
            (uuid, "paid"), (racing, "first_review"), (racing, "returned")]
        assert page["events"][-1]["reason"] == "发票模糊"
        assert page["next_cursor"] == 16

        # Another kiosk sees none of it.
        _, other = server.enrol("kiosk B")
        with server.client(other) as b:
            assert b.get("/api/v1/status").json()["events"] == []

        # Catalog and policy.
        cat = tmp_path / "catalog.csv"
        cat.write_text("code,name\nXA01,阿莫西林\n", encoding="utf-8")
        pol = tmp_path / "policy.json"
        pol.write_text('{"deductible": "800.00"}', encoding="utf-8")
        assert county(cli(server, "publish-catalog", str(cat), "--version", "2024.1")) == 0
        assert county(cli(server, "publish-policy", str(pol))) == 0
        capsys.readouterr()
        update = c.get("/api/v1/catalog", params={"since": "2023.9"}).json()["update"]
        assert c.get(update["download_url"]).content == cat.read_bytes()
        p = c.get("/api/v1/policy")
        assert c.get("/api/v1/policy", headers={"If-None-Match": p.headers["etag"]}
                     ).status_code == 304

    assert county(cli(server, "claims", "list", "--json")) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 10
    assert {r["status"] for r in listed} == {"accepted", "paid", "returned"}


def test_enrol_code_expiry_on_each_backend(server: RunningServer) -> None:
    from county.db import utcnow

    db = server.database()
    try:
        code, _ = create_enrol_code(db, timedelta(seconds=1), now=utcnow() - timedelta(hours=2))
    finally:
        db.dispose()
    with server.client() as c:
        r = c.post("/api/v1/enrol", json={"code": code, "device_name": "late"})
    assert r.status_code == 403 and r.json()["error"] == "enrol_code_expired"


# -- schema migrations ------------------------------------------------------------------------

OLD_NAME = "欧阳秀英"
OLD_ID = "530121195001011232"
OLD_PHONE = "13912345678"


def _schema(engine: Any) -> dict[str, tuple[set[str], set[str]]]:
    from sqlalchemy import inspect

    insp = inspect(engine)
    return {t: ({c["name"] for c in insp.get_columns(t)},
                {i["name"] for i in insp.get_indexes(t) if i["name"]})
            for t in insp.get_table_names() if t != "alembic_version"}


def _models_schema() -> dict[str, tuple[set[str], set[str]]]:
    from county.db import Base

    return {t.name: ({c.name for c in t.columns}, {i.name for i in t.indexes if i.name})
            for t in Base.metadata.sorted_tables}


def test_a_new_database_gets_the_models_schema(config: CountyConfig) -> None:
    from county.db import HEAD_REVISION, Database

    db = Database.open(config)
    try:
        assert db.upgrade() == "base" and db.revision() == HEAD_REVISION
        got, want = _schema(db.engine), _models_schema()
        assert set(got) == set(want)
        for table, (columns, indexes) in want.items():
            assert got[table][0] == columns, table
            assert indexes <= got[table][1], table
        assert db.upgrade() == HEAD_REVISION  # at head: nothing to do
    finally:
        db.dispose()


def test_upgrade_from_main_82e56cb_seals_the_plain_rows(config: CountyConfig) -> None:
    """A county database as main's create_all made it, with plain personal data in every
    field that is now sealed, upgraded by Alembic: everything reads back the same, nothing
    personal is left in clear, the searches still find it, the audit log stays append-only."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session
    from support import county_main_82e56cb as old

    from county.db import HEAD_REVISION, AuditEntry, Claim, ClaimFacts, Database, Decision
    from county.keys import CountyKey
    from county.queue import QueueFilter, queue_page

    config.data_dir.mkdir(parents=True, exist_ok=True)
    key = CountyKey.load_or_create(config.data_dir)  # main made it on first start too
    engine = old.create_schema(config.db_url)
    claim = sample_claim([b"old receipt"], resident=OLD_NAME)
    claim["resident"].update(id_number=OLD_ID, phone=OLD_PHONE)
    body = json.dumps(claim, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    now = utcnow()
    with Session(engine) as s, s.begin():
        s.add(old.Device(id="dev-old", name="旧终端", token_hash="0" * 64, enrolled_at=now,
                         last_event_seq=1))
        s.flush()
        s.add(old.Claim(id=1, uuid=new_claim_uuid(), device_id="dev-old",
                        content_sha256=sha256_hex(body.encode()), body=body,
                        resident_name=OLD_NAME, refund_estimate="86.40", status="accepted",
                        accepted_at=now, updated_at=now))
        s.flush()
        s.add(old.ClaimFacts(claim_id=1, status="accepted", device_id="dev-old",
                             accepted_at=now, resident_name=OLD_NAME,
                             id_hash=key.id_hash(OLD_ID), estimate_fen=8640, severity=1,
                             low_confidence=False))
        s.add(old.Decision(claim_id=1, reviewer="li.first", kind="correction",
                           target="d0.payer_name", original="欧阳秀", value=OLD_NAME,
                           note=f"身份证上是{OLD_NAME}", at=now))
        s.add(old.AuditEntry(at=now, user_name="li.first", action="view_queue",
                             detail=f"search={OLD_NAME}"))
    engine.dispose()

    db = Database.open(config)
    try:
        assert db.upgrade() == "base" and db.revision() == HEAD_REVISION
        got, want = _schema(db.engine), _models_schema()
        assert set(got) == set(want)
        for table, (columns, _indexes) in want.items():
            assert got[table][0] == columns, table

        sealed = {
            "claims.body": "SELECT body FROM claims",
            "claims.resident_name": "SELECT resident_name FROM claims",
            "claim_facts.resident_name": "SELECT resident_name FROM claim_facts",
            "decisions.original": "SELECT original FROM decisions",
            "decisions.value": "SELECT value FROM decisions",
            "decisions.note": "SELECT note FROM decisions",
            "audit_log.detail": "SELECT detail FROM audit_log",
        }
        with db.engine.connect() as conn:
            raw = {what: conn.execute(text(sql)).scalar_one() for what, sql in sealed.items()}
        for what, value in raw.items():
            assert value.startswith("s1:"), what
            for secret in (OLD_NAME, "欧阳", OLD_ID, OLD_PHONE):
                assert secret not in value, what

        with db.read() as s:
            c = s.get(Claim, 1)
            assert c is not None and c.body == body and c.resident_name == OLD_NAME
            f = s.get(ClaimFacts, 1)
            assert f is not None and f.resident_name == OLD_NAME
            d = s.scalars(select(Decision)).one()
            assert (d.original, d.value, d.note) == ("欧阳秀", OLD_NAME, f"身份证上是{OLD_NAME}")
            assert s.scalars(select(AuditEntry.detail)).one() == f"search={OLD_NAME}"

        def found(q: str) -> int:
            return queue_page(db, QueueFilter(q=q), db.key).total

        assert found(OLD_ID) == 1 and found("秀英") == 1 and found(OLD_NAME) == 1
        assert found("欧") == 1 and found("欧秀") == 0 and found("秀欧阳") == 0

        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET user_name = 'someone else'"))

        if db.dialect == "sqlite":  # not in a free page or the WAL either
            path = Path(make_url(config.db_url).database or "")
            for f in (path, path.with_name(path.name + "-wal")):
                if f.exists():
                    assert OLD_NAME.encode() not in f.read_bytes(), f
                    assert OLD_ID.encode() not in f.read_bytes(), f

        # Upgraded once: a second start changes nothing.
        assert db.upgrade() == HEAD_REVISION
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT body FROM claims")).scalar_one() == \
                raw["claims.body"]
    finally:
        db.dispose()

    # A server starts on it and shows the claim to a reviewer.
    with serve_in_thread(config) as srv, httpx.Client(base_url=srv.base_url) as anon:
        assert anon.get("/api/v1/health").json()["status"] == "ok"


def test_a_database_of_a_newer_version_or_another_key_is_refused(tmp_path: Path) -> None:
    from sqlalchemy import text

    from county.db import Claim, Database, SchemaTooNew
    from county.keys import CountyKey, SealedValueError

    config = CountyConfig.build(tmp_path / "county")
    with serve_in_thread(config) as srv:
        _, token = srv.enrol()
        with srv.client(token) as c:
            data = sample_image("newer")
            assert c.put(f"/api/v1/images/{sha256_hex(data)}", content=data).status_code == 201
            assert c.put(f"/api/v1/claims/{new_claim_uuid()}",
                         json=sample_claim([data])).status_code == 201

    stranger = Database(config.db_url, CountyKey(bytes(32)))
    try:
        with pytest.raises(SealedValueError, match="does not open"), stranger.read() as s:
            s.scalars(select(Claim.resident_name)).all()
    finally:
        stranger.dispose()

    db = Database.open(config)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(SchemaTooNew, match="9999"):
            db.upgrade()
    finally:
        db.dispose()
