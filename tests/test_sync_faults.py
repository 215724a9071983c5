"""Fault injection: the sync worker against the real county server through a TCP proxy the tests
control. Connections are cut mid-upload, answers are lost, duplicated, replaced by 500s,
delayed or never come; the server restarts; a `kiosk sync` process is SIGKILLed mid-upload.
Afterwards every claim is on the server exactly once, with identical content and images.

No fixed sleeps: every wait is on an event or a condition with a time-out.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from county.auth import create_enrol_code
from county.config import CountyConfig
from county.db import Claim as CountyClaim
from county.testing import RunningServer, serve_in_thread
from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.client import CountyClient, enrol
from kiosk.sync.credentials import DeviceCredential
from kiosk.sync.payload import claim_payload, county_uuid
from kiosk.sync.worker import Backoff, SyncWorker

REPO = Path(__file__).resolve().parent.parent
CLAIM_PUT = b"PUT /api/v1/claims/"
ANY_PUT = b"PUT /api/v1/"


class Fault(StrEnum):
    PASS = "pass"                    # forward both ways (a few answers, then the line drops)
    RESET_MID_UPLOAD = "reset"       # cut the connection part-way through a PUT's body
    CANNED_500 = "500"               # answer the first request with a 500 of our own
    HANG = "hang"                    # swallow the request, never answer (client time-out)
    SLOW = "slow"                    # every chunk of the answer comes late
    DROP_ACK = "drop_ack"            # the claim reaches the server; its answer is lost
    DUPLICATE = "duplicate"          # the answer to a claim is sent twice
    HOLD_UPLOAD = "hold_upload"      # stop forwarding part-way through an image (kill test)
    HOLD_ACK = "hold_ack"            # the claim reaches the server; its answer never leaves


class FaultProxy:
    """A TCP proxy on 127.0.0.1 in front of the county server; one fault per connection."""

    def __init__(self, upstream_port: int, plan: Callable[[int], Fault]) -> None:
        self.upstream_port = upstream_port
        self.plan = plan
        self.pass_answers = 4      # a PASS connection drops after this many answer chunks
        self.slow_s = 0.15
        self.held = threading.Event()
        self.seen: dict[Fault, int] = dict.fromkeys(Fault, 0)   # connections given it
        self.fired: dict[Fault, int] = dict.fromkeys(Fault, 0)  # times it actually struck
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._counter = itertools.count()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="fault-proxy")
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closing.set()
        _abort(self._listener)  # shutdown() wakes the accept() blocked in the other thread
        self.drop_all()
        self._thread.join(timeout=10)

    def drop_all(self) -> None:
        """Cut every open connection (what a server restart does to them)."""
        with self._lock:
            socks = list(self._socks)
            self._socks.clear()
        for s in socks:
            _abort(s)

    def _fire(self, fault: Fault) -> None:
        with self._lock:
            self.fired[fault] += 1

    def _track(self, s: socket.socket) -> socket.socket:
        with self._lock:
            self._socks.add(s)
        return s

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            fault = self.plan(next(self._counter))
            with self._lock:
                self.seen[fault] += 1
            threading.Thread(target=self._handle, args=(self._track(client), fault),
                             daemon=True).start()

    def _handle(self, client: socket.socket, fault: Fault) -> None:
        try:
            if fault is Fault.CANNED_500:
                _read_head(client)
                self._fire(fault)
                client.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain"
                               b"\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops!")
                return
            if fault is Fault.HANG:
                self._fire(fault)
                while client.recv(65536):
                    pass
                return
            try:
                upstream = self._track(socket.create_connection(
                    ("127.0.0.1", self.upstream_port), timeout=5))
            except OSError:
                return  # the server is down (restarting): the client sees the line drop
            upstream.settimeout(None)
            self._pump(client, upstream, fault)
        except OSError:
            pass
        finally:
            _abort(client)

    def _pump(self, client: socket.socket, upstream: socket.socket, fault: Fault) -> None:
        claim_sent = threading.Event()
        done = threading.Event()

        def to_server() -> None:
            budget: int | None = None  # bytes still to forward before the cut
            try:
                while not done.is_set():
                    data = client.recv(65536)
                    if not data:
                        break
                    if CLAIM_PUT in data:
                        claim_sent.set()
                    if fault in (Fault.RESET_MID_UPLOAD, Fault.HOLD_UPLOAD) and budget is None \
                            and ANY_PUT in data and (fault is Fault.RESET_MID_UPLOAD
                                                     or b"/images/" in data):
                        budget = data.index(ANY_PUT) + 2000
                    if budget is not None:
                        upstream.sendall(data[:budget])
                        budget -= len(data)
                        if budget <= 0:
                            self._fire(fault)
                            if fault is Fault.HOLD_UPLOAD:
                                self.held.set()
                                self._closing.wait()
                            break
                        continue
                    upstream.sendall(data)
            except OSError:
                pass
            done.set()
            _abort(upstream)
            _abort(client)

        pump = threading.Thread(target=to_server, daemon=True)
        pump.start()
        answers = 0
        try:
            while not done.is_set():
                data = upstream.recv(65536)
                if not data:
                    break
                if claim_sent.is_set() and fault is Fault.DROP_ACK:
                    self._fire(fault)
                    break
                if claim_sent.is_set() and fault is Fault.HOLD_ACK:
                    self._fire(fault)
                    self.held.set()
                    self._closing.wait()
                    break
                if fault is Fault.SLOW:
                    self._fire(fault)
                    self._closing.wait(self.slow_s)
                if claim_sent.is_set() and fault is Fault.DUPLICATE:
                    self._fire(fault)
                    data += data
                client.sendall(data)
                answers += 1
                if fault in (Fault.PASS, Fault.SLOW) and self.pass_answers \
                        and answers >= self.pass_answers:
                    break
        except OSError:
            pass
        done.set()
        _abort(client)
        _abort(upstream)
        pump.join(timeout=10)


def _read_head(sock: socket.socket) -> None:
    buf = b""
    while b"\r\n\r\n" not in buf and len(buf) < 65536:
        chunk = sock.recv(65536)
        if not chunk:
            return
        buf += chunk


def _abort(sock: socket.socket) -> None:
    """Drop the line. shutdown() first: it also wakes a recv() blocked in the other pump
    (close() alone would leave that socket open until the recv returned)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


# --- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def county_data(tmp_path: Path) -> Path:
    return tmp_path / "county"


def enrol_through(proxy: FaultProxy, server: RunningServer, home: Path) -> DeviceCredential:
    db = server.database()
    try:
        code, _ = create_enrol_code(db, timedelta(minutes=5))
    finally:
        db.dispose()
    body = enrol(server.base_url, code, "fault-test kiosk", pin=None)
    cred = DeviceCredential(proxy.url, body["device_id"], body["device_name"], body["token"],
                            body["enrolled_at"])
    cred.save(home)
    return cred


def queue_claims(home: Path, count: int, *, seed0: int = 1000) -> dict[str, tuple[bytes, list[str]]]:
    """`count` queued claims of two images each; uid → (upload body, image SHA-256s)."""
    rng = random.Random(seed0)
    out = {}
    with ClaimStore(home) as store:
        for seed in range(seed0, seed0 + count):
            docs = [NewDocument(sample_recognition(seed * 10 + i),
                                b"\xff\xd8\xff\xe0" + rng.randbytes(12_000 + 4000 * i))
                    for i in range(2)]
            cid = store.create_claim(sample_resident(seed), docs, assistant="协理员")
            store.confirm(cid, actor="t")
            store.queue(cid, actor="t")
            record = store.get_claim(cid)
            out[record.summary.uid] = claim_payload(record)
    return out


def assert_exactly_once(server: RunningServer, home: Path, cred: DeviceCredential,
                        sent: dict[str, tuple[bytes, list[str]]]) -> None:
    db = server.database()
    try:
        with db.read() as s:
            rows = s.execute(select(CountyClaim.uuid, CountyClaim.id)
                             .where(CountyClaim.device_id == cred.device_id)).all()
            assert s.scalar(select(func.count()).select_from(CountyClaim)
                            .where(CountyClaim.device_id == cred.device_id)) == len(sent)
    finally:
        db.dispose()
    server_ids = dict(rows)
    assert sorted(server_ids) == sorted(county_uuid(uid) for uid in sent)
    with ClaimStore(home) as store, server.client(cred.token) as c:
        for uid, (content, shas) in sent.items():
            claim = store.get_claim(store.claim_id_by_uid(uid) or -1)
            assert claim.status is Status.ACCEPTED
            assert claim.county_ref == str(server_ids[county_uuid(uid)])
            # the county itself says the content is identical: a re-send is a plain 200
            r = c.put(f"/api/v1/claims/{county_uuid(uid)}", content=content,
                      headers={"content-type": "application/json"})
            assert r.status_code == 200, r.text
            for sha in shas:
                data = (server.config.images_dir / sha[:2] / sha).read_bytes()
                assert hashlib.sha256(data).hexdigest() == sha
                assert data == store.image(sha)


def test_every_claim_arrives_once_through_drops_500s_time_outs_duplicates_and_a_restart(
        tmp_path: Path, county_data: Path) -> None:
    home = tmp_path / "kiosk"
    sent = queue_claims(home, 40)
    schedule = [Fault.RESET_MID_UPLOAD, Fault.PASS, Fault.DROP_ACK, Fault.CANNED_500,
                Fault.DUPLICATE, Fault.PASS, Fault.HANG, Fault.SLOW, Fault.DROP_ACK,
                Fault.RESET_MID_UPLOAD, Fault.DUPLICATE, Fault.CANNED_500, Fault.PASS] * 4
    rng = random.Random(5)
    rng.shuffle(schedule)

    def plan(n: int) -> Fault:
        return schedule[n] if n < len(schedule) else Fault.PASS

    with ExitStack() as stack:
        first = ExitStack()
        stack.callback(first.close)
        server = first.enter_context(serve_in_thread(CountyConfig.build(county_data)))
        proxy = FaultProxy(server.port, plan)
        stack.callback(proxy.close)
        cred = enrol_through(proxy, server, home)
        store = stack.enter_context(ClaimStore(home))
        worker = SyncWorker(
            store, home, lambda: CountyClient(cred, timeout=httpx.Timeout(2.0)),
            interval_s=3600.0, backoff=Backoff(base=0.02, cap=0.2),
            pull_updates=False)
        worker.start()
        stack.callback(worker.join, 30)
        stack.callback(worker.stop)
        assert worker.wait_for(lambda s: s.delivered >= 12, timeout=90), worker.snapshot()

        # the county server restarts (same data, new port behind the same proxy address)
        proxy.drop_all()
        first.close()
        second = stack.enter_context(serve_in_thread(CountyConfig.build(county_data)))
        proxy.upstream_port = second.port
        worker.wake()

        assert worker.wait_for(lambda s: s.queue_length == 0 and s.sending is None
                               and _all_accepted(store, sent), timeout=120), worker.snapshot()
        worker.stop()
        assert worker.join(timeout=30)
        assert all(proxy.fired[f] for f in (Fault.RESET_MID_UPLOAD, Fault.DROP_ACK,
                                            Fault.CANNED_500, Fault.HANG, Fault.DUPLICATE,
                                            Fault.SLOW)), proxy.fired
        assert_exactly_once(second, home, cred, sent)


def _all_accepted(store: ClaimStore, sent: dict[str, tuple[bytes, list[str]]]) -> bool:
    return store.counts().get("accepted", 0) == len(sent)


@pytest.mark.parametrize("where", [Fault.HOLD_UPLOAD, Fault.HOLD_ACK])
def test_a_kiosk_killed_mid_upload_resends_harmlessly(tmp_path: Path, county_data: Path,
                                                      where: Fault) -> None:
    home = tmp_path / "kiosk"
    sent = queue_claims(home, 5, seed0=5000)
    mode = {"fault": where}
    with serve_in_thread(CountyConfig.build(county_data)) as server:
        proxy = FaultProxy(server.port, lambda n: mode["fault"])
        proxy.pass_answers = 0
        try:
            cred = enrol_through(proxy, server, home)
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--home", str(home),
                                     "sync", "--interval", "3600", "--timeout", "60"],
                                    cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            try:
                assert proxy.held.wait(timeout=60), "the kiosk never got to the upload"
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            with ClaimStore(home) as store:  # opening it puts the in-flight claim back
                assert store.counts().get("queued") == len(sent)
            on_server = _count(server, cred)
            assert on_server == (1 if where is Fault.HOLD_ACK else 0)

            mode["fault"] = Fault.PASS
            with ClaimStore(home) as store:
                worker = SyncWorker(store, home, lambda: CountyClient(cred),
                                    backoff=Backoff(base=0.02, cap=0.2), pull_updates=False)
                assert worker.run_once() == (0, f"queue empty; {len(sent)} claim(s) delivered")
        finally:
            proxy.close()
        assert_exactly_once(server, home, cred, sent)


def _count(server: RunningServer, cred: DeviceCredential) -> int:
    db = server.database()
    try:
        with db.read() as s:
            return int(s.scalar(select(func.count()).select_from(CountyClaim)
                                .where(CountyClaim.device_id == cred.device_id)) or 0)
    finally:
        db.dispose()

