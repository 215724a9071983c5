"""Fault run: `kiosk sync` and the county server SIGKILLed again and again mid-delivery.

    .venv/bin/python bench/sync_faults.py                     # 60 + 45 SIGKILLs
    .venv/bin/python bench/sync_faults.py --sync-kills 10 --county-kills 5   # a quick run

A real county server (`python -m county serve`, SQLite) and a real `kiosk sync` process (each
its own process, as on a kiosk) run on 127.0.0.1. In each round the kiosk's sync starts, and
after a random 0-1.5 s either the sync process or the county server is SIGKILLed (the server
is started again on the same data; after a server kill the sync runs on for a while against
the restarted server and is then killed too). The random moment is counted from when the
sync is seen delivering (a claim in `uploading`, or one more accepted), so that start-up does
not eat the kills. Whenever the queue runs low, more claims are
queued (one 20 KB image each). A round counts as mid-delivery when a claim was left in
`uploading` by the killed sync. At the end one clean `kiosk sync --once` delivers the rest,
then every claim is checked on the server: exactly once, under its own uuid, the server id
the kiosk recorded, identical content (a re-send is a plain 200, never a 201 or 409) and
byte-identical images. Prints lost and duplicated counts (both must be 0).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.demo import enrol_code
from kiosk.sync.payload import claim_payload, county_uuid
from kiosk.sync.runner import enrol_device

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_county(data: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "county", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--data", str(data)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/health"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        try:
            code = proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise SystemExit(f"the county server exited with code {code}")
    proc.kill()
    raise SystemExit("the county server did not answer within 60 s")


def queue(home: Path, count: int, seed0: int, rng: random.Random) -> None:
    with ClaimStore(home) as store:
        for seed in range(seed0, seed0 + count):
            doc = NewDocument(sample_recognition(seed), b"\xff\xd8\xff\xe0" + rng.randbytes(20_000))
            cid = store.create_claim(sample_resident(seed), [doc], assistant="bench")
            store.confirm(cid, actor="bench")
            store.queue(cid, actor="bench")


def local_counts(home: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{home / 'claims.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        return dict(conn.execute("SELECT status, count(*) FROM claims GROUP BY status"))
    finally:
        conn.close()


def sync_proc(home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "kiosk", "--home", str(home), "sync",
                             "--interval", "3600", "--timeout", "10"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def started(home: Path, before: int, proc: subprocess.Popen[bytes]) -> None:
    """Wait (bounded) until the sync process is delivering: a claim is uploading or one
    more was accepted. Polls the store read-only every 20 ms."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        counts = local_counts(home)
        if counts.get("uploading", 0) or counts.get("accepted", 0) > before:
            return
        time.sleep(0.02)


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sync-kills", type=int, default=60)
    ap.add_argument("--county-kills", type=int, default=45)
    ap.add_argument("--batch", type=int, default=40, help="claims queued when the queue runs low")
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kiosk-faults-") as tmp:
        home, data = Path(tmp) / "kiosk", Path(tmp) / "county"
        port = free_port()
        county = start_county(data, port)
        cred = enrol_device(home, f"http://127.0.0.1:{port}", enrol_code(data), "fault run",
                            None)
        seed = 1_000_000
        kills = {"sync": 0, "county": 0}
        mid = 0
        try:
            while kills["sync"] < args.sync_kills or kills["county"] < args.county_kills:
                counts = local_counts(home) if (home / "claims.sqlite3").exists() else {}
                if counts.get("queued", 0) + counts.get("uploading", 0) < args.batch // 2:
                    queue(home, args.batch, seed, rng)
                    seed += args.batch
                before = local_counts(home).get("accepted", 0)
                proc = sync_proc(home)
                started(home, before, proc)
                time.sleep(rng.uniform(0.0, 1.5))  # then a random moment: the point of the run
                hit_county = kills["county"] < args.county_kills and (
                    kills["sync"] >= args.sync_kills or rng.random() < 0.45)
                if hit_county:
                    kill(county)
                    kills["county"] += 1
                    county = start_county(data, port)
                    time.sleep(rng.uniform(0.5, 2.0))  # the sync finds the server back
                kill(proc)
                if not hit_county or kills["sync"] < args.sync_kills:
                    kills["sync"] += 1
                if local_counts(home).get("uploading", 0):
                    mid += 1
            done = subprocess.run([sys.executable, "-m", "kiosk", "--home", str(home), "sync",
                                   "--once", "--timeout", "30"], cwd=REPO, capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0:
                print(f"final sync: exit {done.returncode}: {done.stderr.strip()}")
            lost, duplicated, differing = check(home, data, cred.token, port)
        finally:
            county.send_signal(signal.SIGTERM)
            county.wait()
        total = sum(local_counts(home).values())
    elapsed = time.monotonic() - t0
    print(f"SIGKILLs: {kills['sync']} of kiosk sync, {kills['county']} of the county server "
          f"({kills['sync'] + kills['county']} in all); {mid} rounds left a claim mid-upload")
    print(f"claims: {total}; lost: {lost}; duplicated: {duplicated}; content or images "
          f"differing: {differing}; {elapsed:.0f} s")
    return 0 if lost == duplicated == differing == 0 else 1


def check(home: Path, data: Path, token: str, port: int) -> tuple[int, int, int]:
    conn = sqlite3.connect(f"file:{data / 'county.db'}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT uuid, id FROM claims").fetchall()
    finally:
        conn.close()
    on_server: dict[str, list[int]] = {}
    for uuid, sid in rows:
        on_server.setdefault(str(uuid), []).append(int(sid))
    lost = duplicated = differing = 0
    with ClaimStore(home) as store, httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=30,
            headers={"Authorization": f"Bearer {token}"}) as http:
        mine = set()
        for summary in store.list_claims():
            record = store.get_claim(summary.id)
            uid = county_uuid(summary.uid)
            mine.add(uid)
            ids = on_server.get(uid, [])
            if record.status is not Status.ACCEPTED or not ids:
                lost += 1
                continue
            if len(ids) > 1 or record.county_ref != str(ids[0]):
                duplicated += 1
            content, shas = claim_payload(record)
            r = http.put(f"/api/v1/claims/{uid}", content=content,
                         headers={"content-type": "application/json"})
            if r.status_code != 200:
                differing += 1
            for sha in shas:
                path = data / "images" / sha[:2] / sha
                if not path.exists() or path.read_bytes() != store.image(sha) or \
                        hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                    differing += 1
        duplicated += len(set(on_server) - mine)
    return lost, duplicated, differing


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
