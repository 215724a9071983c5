"""Benchmark: the review console's queue page over many claims, and a claim page with three
receipt images, against a real county server on 127.0.0.1.

    .venv/bin/python bench/county_console.py                       # PostgreSQL, 100,000 claims
    .venv/bin/python bench/county_console.py --db sqlite            # the same on SQLite
    .venv/bin/python bench/county_console.py --claims 20000 --runs 15

PostgreSQL is a throwaway cluster from packaging/test-postgres.sh (or the server named by
KIOSK_TEST_PG_URL, where a fresh database is created and dropped). The claims are written in
bulk straight into the tables (each with its search facts and invoice key, spread over 12
kiosks and 90 days); the one claim whose page is timed is delivered through the API with three
real 1100x1500 JPEG receipts. Each figure is the median of `--runs` signed-in GET requests of
the full HTML page (server time plus loopback), after one warm-up request.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import insert
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from county.config import CountyConfig  # noqa: E402
from county.db import (  # noqa: E402
    Claim,
    ClaimFacts,
    ClaimInvoice,
    ClaimNameGram,
    Database,
    Device,
)
from county.keys import CountyKey  # noqa: E402
from county.testing import (  # noqa: E402
    new_claim_uuid,
    sample_claim,
    serve_in_thread,
    sha256_hex,
)
from county.users import add_user  # noqa: E402

PASSWORD = "bench password 1"
#: Names drawn the way township registers look: a common surname and one or two of the
#: characters given names use most, so that names repeat and share characters as real ones do.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英华玉兰芳明国建军文平红丽金海春志梅德永林荣桂凤霞东云成家俊伟刚强勇杰涛斌超磊敏静燕艳娟琴慧婷雪晓宇浩宏新福生忠民辉"
SEARCHED = 12345


def resident_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


@contextmanager
def postgres() -> Iterator[str]:
    import psycopg

    script = REPO / "packaging" / "test-postgres.sh"
    env_dir = None
    url = os.environ.get("KIOSK_TEST_PG_URL")
    if not url:
        out = subprocess.run(["bash", str(script), "start"], capture_output=True, text=True,
                             check=True).stdout
        env = dict(shlex.split(line)[1].split("=", 1) for line in out.splitlines()
                   if line.startswith("export "))
        url, env_dir = env["KIOSK_TEST_PG_URL"], env["KIOSK_TEST_PG_DIR"]
    base = make_url(url)
    name = f"county_bench_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if env_dir:
            subprocess.run(["bash", str(script), "stop", env_dir], capture_output=True,
                           check=False)


def fill(db: Database, key: CountyKey, claims: int) -> list[str]:
    """`claims` claims in bulk, as if delivered over the last 90 days by 12 kiosks."""
    rng = random.Random(13)
    now = datetime.now(UTC)
    devices = [f"dev-bench{i:02d}" for i in range(12)]
    with db.write() as s:
        s.execute(insert(Device), [{"id": d, "name": f"乡镇 {i:02d} 便民服务中心",
                                    "token_hash": secrets.token_hex(32), "enrolled_at": now,
                                    "last_event_seq": 0} for i, d in enumerate(devices)])
    template = sample_claim([b"x"])
    names = [resident_name(rng) for _ in range(claims)]
    statuses = ["accepted"] * 5 + ["second_review", "approved", "returned", "paid", "paid"]
    batch = 5000
    for start in range(0, claims, batch):
        rows, facts, invoices, grams = [], [], [], []
        for n in range(start, min(start + batch, claims)):
            body = dict(template)
            body["resident"] = dict(template["resident"], name=names[n])
            body["documents"] = [dict(template["documents"][0],
                                      image_sha256=f"{n:064x}", invoice_number=f"{n:08d}")]
            at = now - timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            text = json.dumps(body, ensure_ascii=False, sort_keys=True)
            device, status = rng.choice(devices), rng.choice(statuses)
            name = body["resident"]["name"]
            rows.append({"id": n + 1, "uuid": new_claim_uuid(), "device_id": device,
                         "content_sha256": sha256_hex(text.encode()), "body": text,
                         "resident_name": name, "refund_estimate": "86.40",
                         "status": status, "reason": None, "accepted_at": at,
                         "updated_at": at})
            facts.append({"claim_id": n + 1, "status": status, "device_id": device,
                          "accepted_at": at, "resident_name": name,
                          "id_hash": key.id_hash(f"{n:018d}"),
                          "estimate_fen": rng.randint(100, 200_000),
                          "severity": rng.choice((0, 0, 0, 1, 2, 3)),
                          "low_confidence": rng.random() < 0.1})
            invoices.append({"claim_id": n + 1, "invoice_code": "044031900111",
                             "invoice_number": f"{n:08d}"})
            grams += [{"claim_id": n + 1, "gram": g} for g in key.name_grams(name)]
        with db.write() as s:
            s.execute(insert(Claim), rows)
            s.execute(insert(ClaimFacts), facts)
            s.execute(insert(ClaimInvoice), invoices)
            s.execute(insert(ClaimNameGram), grams)
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval('claims_id_seq', (SELECT max(id) FROM claims))")
    # What autovacuum does on a live server: statistics and the visibility map.
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return names


def timed(client: httpx.Client, cookie: str, path: str, runs: int) -> float:
    headers = {"cookie": f"county_session={cookie}"}
    client.get(path, headers=headers).raise_for_status()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(path, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
    return statistics.median(times)


def run(db_url: str | None, claims: int, runs: int, data: Path) -> None:
    from support.imagegen import encode, render_receipt

    config = CountyConfig.build(data, db_url)
    db = Database.open(config)
    db.upgrade()
    key = db.key
    t = time.perf_counter()
    names = fill(db, key, claims)
    print(f"filled {claims} claims in {time.perf_counter() - t:.1f} s ({db.dialect})")
    add_user(db, "bench", "supervisor", PASSWORD)
    db.dispose()
    with serve_in_thread(config) as srv:
        _device, token = srv.enrol("bench kiosk")
        images = [encode(render_receipt(seed=i).image) for i in range(3)]
        claim = sample_claim(images)
        with srv.client(token) as c:
            for im in images:
                c.put(f"/api/v1/images/{sha256_hex(im)}", content=im).raise_for_status()
            r = c.put(f"/api/v1/claims/{new_claim_uuid()}", json=claim)
            r.raise_for_status()
            claim_id = r.json()["server_id"]
        with httpx.Client(base_url=srv.base_url, timeout=30) as http:
            page = http.get("/review/login")
            login_csrf = page.cookies["county_login_csrf"]
            csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            r = http.post("/review/login", data={"csrf": csrf, "name": "bench",
                                                 "password": PASSWORD},
                          headers={"cookie": f"county_login_csrf={login_csrf}"})
            cookie = next(h.split(";")[0].split("=", 1)[1]
                          for h in r.headers.get_list("set-cookie")
                          if h.startswith("county_session="))
            for label, path in (
                    ("queue, first page (all claims)", "/review/queue"),
                    ("queue, status=accepted, page 40", "/review/queue?status=accepted&page=40"),
                    ("queue, severity>=warning + low confidence",
                     "/review/queue?severity=warning&low=1"),
                    (f"queue, search by name ({names[SEARCHED % len(names)]}, "
                     f"{names.count(names[SEARCHED % len(names)])} of that name)",
                     "/review/queue?" + urlencode({"q": names[SEARCHED % len(names)]})),
                    (f"queue, search by surname ({names[SEARCHED % len(names)][0]})",
                     "/review/queue?" + urlencode({"q": names[SEARCHED % len(names)][0]})),
                    ("queue, search by ID number", "/review/queue?q=000000000000012345"),
                    ("claim page, 3 images", f"/review/claims/{claim_id}")):
                print(f"{label:55s} median {timed(http, cookie, path, runs):7.1f} ms "
                      f"over {runs} runs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=31)
    args = ap.parse_args(argv)
    with ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="county-bench-")))
        url: Any = stack.enter_context(postgres()) if args.db == "postgres" else None
        run(url, args.claims, args.runs, data / "county")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
