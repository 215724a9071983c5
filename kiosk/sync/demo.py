"""`kiosk demo`: a county server on loopback next to the kiosk, for demonstrations.

The kiosk and the county server are separate products (an import-linter contract keeps
`kiosk` from importing `county`), so the server runs as a subprocess, `python -m county serve`,
with its data in `<home>/demo-county`. The kiosk gets a one-time code from
`python -m county enrol-code` and enrols over HTTP exactly as a technician would.

With `sync=False` (`kiosk demo --no-sync`) the demo runs no worker of its own: the
touchscreen app's `SyncFeed` delivers from the same store, and two workers must never run on
one store. The demo then only keeps the county server up until it is stopped.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import httpx

from kiosk.core.config import Settings
from kiosk.sync.client import CountyClient, SyncError
from kiosk.sync.credentials import CredentialError, DeviceCredential, is_loopback
from kiosk.sync.runner import enrol_device, http_timeout, run_worker
from kiosk.sync.worker import SyncWorker

log = logging.getLogger("kiosk.sync")

DEMO_NAME = "demo kiosk"


class DemoError(Exception):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_county(data: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m county serve` on 127.0.0.1; returns once /health answers (bounded)."""
    if getattr(sys, "frozen", False):
        # The installed kiosk (PyInstaller) carries no county server and no Python to run
        # one: sys.executable is the kiosk itself. Say so instead of a usage error.
        raise DemoError("the demo county server is not part of the installed kiosk; run "
                        "`kiosk demo` from a developer checkout (packaging/setup.sh), or "
                        "enrol this kiosk with a real county server: township-kiosk enrol")
    data.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "county", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--data", str(data)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):  # up to ~30 s: each round waits on the process, not a bare sleep
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1.0).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        try:
            code = proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise DemoError(f"the demo county server exited with code {code}")
    proc.terminate()
    proc.wait()
    raise DemoError("the demo county server did not answer within 30 s")


def enrol_code(data: Path) -> str:
    out = subprocess.run([sys.executable, "-m", "county", "enrol-code", "--data", str(data),
                          "--json"], check=True, capture_output=True, text=True, timeout=60)
    return str(json.loads(out.stdout)["code"])


def ensure_enrolled(home: Path, url: str, data: Path) -> DeviceCredential:
    """Reuse the demo credential if the demo server knows it, else enrol with a new code."""
    try:
        cred = DeviceCredential.load(home)
    except CredentialError:
        cred = None
    if cred is not None:
        host = httpx.URL(cred.server).host
        if not is_loopback(host):
            raise DemoError(f"this kiosk home is enrolled with {cred.server}; run the demo "
                            "with its own --home so the real credential stays")
        moved = DeviceCredential(url, cred.device_id, cred.device_name, cred.token,
                                 cred.enrolled_at, None)
        client = CountyClient(moved)
        try:
            client.status_page(0)
            moved.save(home)
            return moved
        except SyncError:
            pass
        finally:
            client.close()
    return enrol_device(home, url, enrol_code(data), DEMO_NAME, None)


def queue_samples(settings: Settings, count: int) -> None:
    from kiosk.store import ClaimStore, NewDocument
    from kiosk.store.samples import sample_recognition, sample_resident

    with ClaimStore(settings.home, settings.store) as store:
        if store.list_claims(limit=1):
            return
        for _ in range(count):
            seed = uuid.uuid4().int % 10**9
            doc = NewDocument(sample_recognition(seed),
                              b"\xff\xd8\xff\xe0 demo receipt %d \xff\xd9" % seed)
            cid = store.create_claim(sample_resident(seed), [doc], assistant="demo")
            store.confirm(cid, actor="demo")
            store.queue(cid, actor="demo")
        print(f"kiosk demo: queued {count} sample claims")


def keep_serving(proc: subprocess.Popen[bytes]) -> int:
    """Until SIGTERM or Ctrl-C (0), or until the county server exits on its own (3)."""
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set())
                for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.wait(0.5):
            code = proc.poll()
            if code is not None:
                print(f"kiosk demo: the county server exited with code {code}",
                      file=sys.stderr)
                return 3
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def run_demo(settings: Settings, *, port: int, samples: int, once: bool, sync: bool = True,
             ready_file: str | None = None) -> int:
    from kiosk.store import ClaimStore

    data = settings.home / "demo-county"
    proc, url = start_county(data, port)
    try:
        cred = ensure_enrolled(settings.home, url, data)
        print(f"kiosk demo: county server {url} (data {data}); kiosk enrolled as "
              f"{cred.device_id}\n  review claims with: {sys.executable} -m county claims "
              f"list --data {data}", flush=True)
        if samples:
            queue_samples(settings, samples)
        if ready_file:
            Path(ready_file).touch()
        if not sync:
            print("kiosk demo: the app's sync worker delivers; the county runs until stopped",
                  flush=True)
            return keep_serving(proc)
        with ClaimStore(settings.home, settings.store) as store:
            worker = SyncWorker(store, settings.home,
                                lambda: CountyClient(cred, timeout=http_timeout(10.0)),
                                interval_s=5.0)
            return run_worker(worker, once=once, attempts=5)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
