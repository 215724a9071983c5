"""A real county server on 127.0.0.1 for tests: ours, and the kiosk sync worker's.

`serve_in_thread(config)` binds a listening socket on a free loopback port *before* uvicorn
starts, so connections made early wait in the kernel's backlog instead of being refused; the
readiness check is then one health request, repeated a bounded number of times only if the
server thread is slow to come up. No fixed sleeps anywhere.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from county.app import create_app
from county.auth import create_enrol_code
from county.config import CountyConfig
from county.db import Database


@dataclass
class RunningServer:
    base_url: str
    config: CountyConfig
    port: int
    server: uvicorn.Server
    thread: threading.Thread
    #: What a client needs to trust the server (an SSL context for TLS, True otherwise).
    verify: ssl.SSLContext | bool = True

    def database(self) -> Database:
        """A second handle on the server's database, as the `county` commands would open."""
        db = Database.open(self.config)
        db.upgrade()
        return db

    def enrol(self, name: str = "test kiosk") -> tuple[str, str]:
        """Enrol a device the way a technician would; returns (device_id, token)."""
        db = self.database()
        try:
            code, _ = create_enrol_code(db, timedelta(minutes=5))
        finally:
            db.dispose()
        r = httpx.post(f"{self.base_url}/api/v1/enrol", json={"code": code,
                       "device_name": name}, verify=self.verify, timeout=10)
        r.raise_for_status()
        body = r.json()
        return body["device_id"], body["token"]

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, verify=self.verify,
                            timeout=kwargs.pop("timeout", 15), **kwargs)


def _listening_socket(host: str = "127.0.0.1") -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(256)
    sock.setblocking(False)
    return sock


@contextmanager
def serve_in_thread(config: CountyConfig, *, tls_cert: Path | None = None,
                    tls_key: Path | None = None,
                    ready_attempts: int = 15) -> Iterator[RunningServer]:
    """Run the county server for `config` on 127.0.0.1 until the block ends."""
    app = create_app(config)
    sock = _listening_socket()
    port = sock.getsockname()[1]
    uv = uvicorn.Config(app, log_level="warning", lifespan="on",
                        ssl_certfile=str(tls_cert) if tls_cert else None,
                        ssl_keyfile=str(tls_key) if tls_key else None,
                        timeout_graceful_shutdown=5)
    server = uvicorn.Server(uv)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name=f"county-server-{port}", daemon=True)
    verify: ssl.SSLContext | bool = True
    scheme = "http"
    if tls_cert:
        scheme = "https"
        verify = ssl.create_default_context(cafile=str(tls_cert))
    running = RunningServer(f"{scheme}://127.0.0.1:{port}", config, port, server, thread,
                            verify)
    thread.start()
    try:
        wait_ready(running, ready_attempts)
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def wait_ready(running: RunningServer, attempts: int) -> None:
    """Bounded: each attempt is one health request with its own timeout."""
    last: Exception | None = None
    for _ in range(attempts):
        if not running.thread.is_alive():
            raise RuntimeError("the county server thread exited during start-up")
        try:
            r = httpx.get(f"{running.base_url}/api/v1/health", verify=running.verify,
                          timeout=httpx.Timeout(2.0))
            if r.status_code == 200:
                return
        except httpx.TransportError as exc:
            # The socket is already listening, so this is a read time-out while the server
            # thread starts: ask again at once.
            last = exc
    raise RuntimeError(f"the county server did not become ready: {last}")


def sample_image(seed: int | str) -> bytes:
    """Bytes that stand for a receipt image: the server treats images as opaque."""
    return b"\xff\xd8\xff\xe0 receipt image " + str(seed).encode() + b" " * 64 + b"\xff\xd9"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sample_claim(images: list[bytes], *, resident: str = "张秀英",
                 amount: str = "86.40") -> dict[str, Any]:
    """A claim in the upload shape, one outpatient invoice per image."""
    docs = []
    for i, data in enumerate(images):
        docs.append({
            "image_sha256": sha256_hex(data),
            "image": f"scan-{i}.jpg",
            "doc_type": "outpatient_invoice",
            "invoice_code": "044031900111",
            "invoice_number": f"{i:08d}",
            "issue_date": "2024-05-17",
            "hospital": "昆明医科大学第一附属医院",
            "payer_name": resident,
            "items": [{"name": "西药费", "amount": "120.00", "code": None, "spec": None,
                       "unit": None, "quantity": None, "unit_price": None,
                       "insurance_class": "甲"}],
            "total": "120.00",
            "checks": [],
            "confidence": {"total": 0.98},
        })
    return {
        "created_at": "2024-05-20T09:30:00+08:00",
        "assistant": "李协理",
        "resident": {"name": resident, "id_number": "530121195001011232",
                     "insurance_no": "5301000001"},
        "documents": docs,
        "audit": [{"code": "out_of_province", "severity": "info",
                   "message": "异地就医", "document": 0}],
        "refund_estimate": {"amount": amount, "policy_version": 1},
    }


def new_claim_uuid() -> str:
    return str(uuid.uuid4())
