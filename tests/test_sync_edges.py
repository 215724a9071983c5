"""The sync worker against hostile and broken servers on 127.0.0.1: nothing hangs, nothing
fills the memory, nothing is held or marked delivered on a word that is not the county's.

Each server is real (tests/support/hostile.py): it answers on a socket, slowly, wrongly or too
much. Where a route should behave, the request goes on to a real county server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest
from support.county_server import enrol_kiosk
from support.hostile import HostileServer, Request, kiosk_for, reply

from county.testing import RunningServer
from kiosk.cli import main as kiosk_cli
from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.client import CountyClient
from kiosk.sync.credentials import DeviceCredential
from kiosk.sync.worker import Backoff, SyncWorker

pytestmark = pytest.mark.timeout(120)


def queue(home: Path, count: int, seed0: int = 100) -> list[int]:
    with ClaimStore(home) as store:
        ids = []
        for seed in range(seed0, seed0 + count):
            cid = store.create_claim(sample_resident(seed), [NewDocument(
                sample_recognition(seed), b"\xff\xd8\xff" + os.urandom(2000))], assistant="a")
            store.confirm(cid, actor="a")
            store.queue(cid, actor="a")
            ids.append(cid)
        return ids


def worker_for(store: ClaimStore, home: Path, cred: DeviceCredential, *,
               timeout: float = 2.0) -> SyncWorker:
    return SyncWorker(store, home, lambda: CountyClient(cred, timeout=httpx.Timeout(timeout)),
                      backoff=Backoff(base=0.01, cap=0.05), interval_s=3600)


def untouched(home: Path, ids: list[int]) -> None:
    """Every claim still queued, none held, none with a refusal in its history."""
    state = json.loads((home / "sync-state.json").read_text()) if (
        home / "sync-state.json").exists() else {}
    assert state.get("held", {}) == {}
    with ClaimStore(home) as store:
        for cid in ids:
            claim = store.get_claim(cid)
            assert claim.status is Status.QUEUED
            assert not [e for e in claim.events if e.action == "upload_refused"]


def slowly(server: HostileServer, out: BinaryIO, data: bytes) -> None:
    for i in range(len(data)):
        out.write(data[i:i + 1])
        out.flush()
        if server.stopping.wait(0.3):
            return
    while not server.stopping.wait(0.3):  # and then a byte of body now and then, for ever
        out.write(b" ")
        out.flush()


@pytest.fixture
def slowloris(request: pytest.FixtureRequest) -> Iterator[HostileServer]:
    where = request.param

    def answer(req: Request, out: BinaryIO) -> bool:
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        if where == "headers":
            slowly(srv, out, head + b"x-padding: " + b"a" * 10_000)
        else:
            out.write(head + b"content-length: 100000\r\n\r\n")
            slowly(srv, out, b'{"uuid": "')
        return True

    srv = HostileServer(answer)
    yield srv
    srv.close()


@pytest.mark.parametrize("slowloris", ["headers", "body"], indirect=True)
def test_a_slowloris_server_makes_sync_once_give_up_within_its_deadline(
        slowloris: HostileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kiosk_for(tmp_path, slowloris)
    ids = queue(tmp_path, 2)
    t0 = time.monotonic()
    code = kiosk_cli(["--home", str(tmp_path), "sync", "--once", "--timeout", "2",
                      "--attempts", "2"])
    elapsed = time.monotonic() - t0
    assert code == 3
    # two attempts of at most 2 s (plus the image's upload allowance) and one short backoff
    assert elapsed < 7.0, elapsed
    assert "deadline" in capsys.readouterr().err
    untouched(tmp_path, ids)


@pytest.mark.parametrize("slowloris", ["headers", "body"], indirect=True)
def test_the_worker_stops_within_a_second_mid_request(slowloris: HostileServer,
                                                      tmp_path: Path) -> None:
    cred = kiosk_for(tmp_path, slowloris)
    ids = queue(tmp_path, 1)
    with ClaimStore(tmp_path) as store:
        worker = worker_for(store, tmp_path, cred, timeout=600.0)
        worker.start()
        assert slowloris.connected.wait(10)
        time.sleep(0.5)  # let the answer trickle: the worker is inside its read now
        t0 = time.monotonic()
        worker.stop()
        assert worker.join(1.0), "the worker was still running a second after stop()"
        assert time.monotonic() - t0 < 1.0
    untouched(tmp_path, ids)


def _json404(req: Request, out: BinaryIO) -> bool:
    reply(out, 404, b'{"error": "not_found", "detail": "Not Found"}')
    return True


def _json405(req: Request, out: BinaryIO) -> bool:
    reply(out, 405, b'{"error": "method_not_allowed", "detail": "Method Not Allowed"}')
    return True


def _html404(req: Request, out: BinaryIO) -> bool:
    reply(out, 404, b"<html><body>nginx: not found</body></html>", content_type="text/html")
    return True


def _garbage(req: Request, out: BinaryIO) -> bool:
    reply(out, 200 if req.method != "PUT" else 201, os.urandom(300),
          content_type="application/octet-stream")
    return True


@pytest.mark.parametrize("answer", [_json404, _json405, _html404, _garbage],
                         ids=["json-404", "json-405", "html-404", "garbage"])
def test_a_wrong_server_holds_no_claim(answer: object, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with HostileServer(answer) as srv:  # type: ignore[arg-type]
        kiosk_for(tmp_path, srv)
        ids = queue(tmp_path, 3)
        code = kiosk_cli(["--home", str(tmp_path), "sync", "--once", "--timeout", "2",
                          "--attempts", "2"])
    assert code == 3
    err = capsys.readouterr().err
    assert "refused by the county" not in err
    untouched(tmp_path, ids)


def _ack(**fields: object) -> object:
    def answer(req: Request, out: BinaryIO) -> bool:
        if req.method == "HEAD":
            reply(out, 200, b"")
        elif req.path.startswith("/api/v1/claims/"):
            uid = req.path.rsplit("/", 1)[1]
            body = {"uuid": uid, "server_id": 7, "content_sha256": "ab" * 32,
                    "accepted_at": "2026-12-02T10:00:00+00:00", **fields}
            reply(out, 201, json.dumps(body).encode())
        else:
            reply(out, 503, b'{"error": "internal_error", "detail": "x"}')
        return True
    return answer


@pytest.mark.parametrize("fields", [
    {"server_id": "-99999999999999999999999"}, {"server_id": -5}, {"server_id": 0},
    {"server_id": True}, {"server_id": 2**64}, {"server_id": 3.5},
    {"uuid": "00000000-0000-0000-0000-000000000001"}, {"content_sha256": "abc"},
    {"content_sha256": None}, {"accepted_at": "yesterday"},
], ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items())[:40])
def test_a_nonsense_acknowledgement_is_not_taken_for_a_delivery(
        fields: dict[str, object], tmp_path: Path) -> None:
    with HostileServer(_ack(**fields)) as srv:  # type: ignore[arg-type]
        kiosk_for(tmp_path, srv)
        ids = queue(tmp_path, 2)
        assert kiosk_cli(["--home", str(tmp_path), "sync", "--once", "--timeout", "2",
                          "--attempts", "1"]) == 3
    untouched(tmp_path, ids)


def test_a_well_formed_acknowledgement_is_taken(tmp_path: Path) -> None:
    with HostileServer(_ack()) as srv:  # type: ignore[arg-type]
        kiosk_for(tmp_path, srv)
        (cid,) = queue(tmp_path, 1)
        kiosk_cli(["--home", str(tmp_path), "sync", "--once", "--timeout", "2",
                   "--attempts", "1"])
    with ClaimStore(tmp_path) as store:
        assert store.get_claim(cid).status is Status.ACCEPTED


# VmHWM (not ru_maxrss, which keeps the forking parent's size across exec) is the peak.
HUGE = """
import sys
from kiosk.cli import main
code = main(["--home", sys.argv[1], "sync", "--once", "--timeout", "20", "--attempts", "1"])
hwm = [x for x in open("/proc/self/status") if x.startswith("VmHWM:")][0].split()[1]
print(hwm, file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_200_mb_answer_keeps_the_kiosk_under_200_mb(tmp_path: Path, declared: bool) -> None:
    size = 200 << 20

    def answer(req: Request, out: BinaryIO) -> bool:
        if declared:
            out.write(f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                      f"content-length: {size}\r\n\r\n".encode())
        else:
            out.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                      b"transfer-encoding: chunked\r\n\r\n")
        chunk = b"[" * (1 << 20)
        for _ in range(size >> 20):
            out.write(chunk if declared else b"%x\r\n%s\r\n" % (len(chunk), chunk))
        return True

    with HostileServer(answer) as srv:
        kiosk_for(tmp_path, srv)
        ids = queue(tmp_path, 1)
        done = subprocess.run([sys.executable, "-c", HUGE, str(tmp_path)], capture_output=True,
                              text=True, timeout=120, check=False)
    assert done.returncode == 3, done.stderr
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mb < 200, f"peak RSS {peak_mb:.0f} MB"
    assert "larger than" in done.stderr
    untouched(tmp_path, ids)


def test_catalog_and_policy_failures_are_warnings_not_a_failed_delivery(
        server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def answer(req: Request, out: BinaryIO) -> bool:
        if req.path.startswith(("/api/v1/catalog", "/api/v1/policy")):
            reply(out, 404, b'{"error": "not_found", "detail": "Not Found"}')
            return True
        return False

    enrol_kiosk(server, tmp_path)
    real = DeviceCredential.load(tmp_path)
    with HostileServer(answer, upstream=server.base_url) as srv:
        DeviceCredential(**{**real.__dict__, "server": srv.url}).save(tmp_path)
        ids = queue(tmp_path, 2)
        capsys.readouterr()
        assert kiosk_cli(["--home", str(tmp_path), "sync", "--once", "--attempts", "2"]) == 0
    out = capsys.readouterr()
    assert "could not deliver" not in out.err and "internal error" not in out.err
    assert "queue empty; 2 claim(s) delivered (warning: catalog not updated" in out.out
    state = json.loads((tmp_path / "sync-state.json").read_text())
    assert [w.split(" not updated")[0] for w in state["warnings"]] == ["catalog", "policy"]
    with ClaimStore(tmp_path) as store:
        assert {store.get_claim(c).status for c in ids} == {Status.ACCEPTED}


def test_retry_after_is_honoured(server: RunningServer, tmp_path: Path) -> None:
    first: list[float] = []

    def answer(req: Request, out: BinaryIO) -> bool:
        if not first:
            first.append(req.at)
            reply(out, 503, b'{"error": "internal_error", "detail": "busy"}',
                  headers={"retry-after": "2"})
            return True
        return False

    enrol_kiosk(server, tmp_path)
    real = DeviceCredential.load(tmp_path)
    with HostileServer(answer, upstream=server.base_url) as srv:
        cred = DeviceCredential(**{**real.__dict__, "server": srv.url})
        (cid,) = queue(tmp_path, 1)
        with ClaimStore(tmp_path) as store:
            worker = worker_for(store, tmp_path, cred)
            assert worker.run_once(max_attempts=3)[0] == 0
            assert store.get_claim(cid).status is Status.ACCEPTED
        gap = srv.requests[1].at - srv.requests[0].at
    assert gap >= 2.0, f"retried after {gap:.2f} s despite Retry-After: 2"


def test_a_missing_local_image_is_named_local_and_release_all_frees_it(
        server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    enrol_kiosk(server, tmp_path)
    ids = queue(tmp_path, 2)
    with ClaimStore(tmp_path) as store:
        sha = store.get_claim(ids[0]).documents[0].image_sha256
    assert sha is not None
    image = tmp_path / "images" / sha
    saved = image.read_bytes()
    image.unlink()
    capsys.readouterr()
    assert kiosk_cli(["--home", str(tmp_path), "sync", "--once"]) == 1
    assert kiosk_cli(["--home", str(tmp_path), "sync", "--held"]) == 0
    out = capsys.readouterr().out
    assert "a problem on this kiosk" in out and "refused by the county" not in out
    assert sha[:12] in out
    image.write_bytes(saved)
    assert kiosk_cli(["--home", str(tmp_path), "sync", "--release-all"]) == 0
    assert "released 1 held claim" in capsys.readouterr().out
    assert kiosk_cli(["--home", str(tmp_path), "sync", "--once"]) == 0
    with ClaimStore(tmp_path) as store:
        assert {store.get_claim(c).status for c in ids} == {Status.ACCEPTED}


def test_the_county_date_is_remembered_for_the_retention_clock(
        server: RunningServer, tmp_path: Path) -> None:
    enrol_kiosk(server, tmp_path)
    queue(tmp_path, 1)
    assert kiosk_cli(["--home", str(tmp_path), "sync", "--once"]) == 0
    with ClaimStore(tmp_path) as store:
        assert store.clock_doubt(time.time()) is None
        assert "more than a day ahead" in (store.clock_doubt(time.time() + 2 * 86400) or "")
