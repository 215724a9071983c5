"""Enrolling this kiosk and running the sync worker in the foreground.

Shared by the `kiosk enrol|sync|demo` commands (kiosk.cli.sync), the demonstration county
(kiosk.sync.demo), the settings screen's enrolment and the benches, so none of them reaches into
another's private helpers.
"""

from __future__ import annotations

import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx and the worker load only when they are used
    import httpx

    from kiosk.sync.credentials import DeviceCredential
    from kiosk.sync.worker import SyncWorker


def enrol_device(home: Path, server: str, code: str, name: str, pin: str | None,
                 ) -> DeviceCredential:
    """POST /enrol and keep the credential in <home>/keys/device.json."""
    from kiosk.sync.client import enrol
    from kiosk.sync.credentials import DeviceCredential

    body = enrol(server, code, name, pin=pin)
    cred = DeviceCredential(server=server, device_id=str(body["device_id"]),
                            device_name=str(body.get("device_name", name)),
                            token=str(body["token"]),
                            enrolled_at=str(body.get("enrolled_at")
                                            or datetime.now(UTC).isoformat()),
                            pin_sha256=pin)
    cred.save(home)
    return cred


def http_timeout(seconds: float) -> httpx.Timeout:
    """Connect within 5 s; reads and writes may take `seconds` (large image uploads)."""
    import httpx

    return httpx.Timeout(connect=min(5.0, seconds), read=seconds, write=seconds, pool=5.0)


def run_worker(worker: SyncWorker, *, once: bool, attempts: int) -> int:
    """One pass (`once`: its exit code), or run until SIGTERM/SIGINT on this thread."""
    if once:
        code, message = worker.run_once(max_attempts=attempts)
        print(f"kiosk sync: {message}", file=sys.stderr if code else sys.stdout)
        return code

    def stop(signum: int, frame: FrameType | None) -> None:
        worker.stop()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker.run()  # on this thread: the signal handler runs between waits
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0
