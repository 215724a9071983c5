"""The kiosk's heartbeat: every few minutes the sync worker tells the county which software
this kiosk runs, how many claims wait in its queue and since when, and how its last
self-test went (`<home>/selftest.json`, written by `kiosk selftest`), so the county office
sees a kiosk in trouble before a resident complains. Qt-free.

A heartbeat that does not get through is not retried before the next one is due and never
makes a delivery fail: it is information for the office, not part of a claim.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core import messages
from kiosk.core.health import last_result, reason
from kiosk.store import ClaimStore

log = logging.getLogger("kiosk.sync")

#: At most one heartbeat this often.
HEARTBEAT_EVERY_S = 300.0


def selftest_report(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The self-test as the county takes it, or None if none is recorded (or it is damaged)."""
    if not result:
        return None
    try:
        at = datetime.fromtimestamp(float(result["at"]), UTC).isoformat()
        # the reason in the county console's language (Chinese), from its code when it has
        # one; the fields are the same as before the codes
        checks = [{"name": str(c["name"])[:40], "ok": bool(c["ok"]),
                   "detail": reason(c, messages.SOURCE)[:500]} for c in result["checks"]]
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    if not checks:
        return None
    return {"at": at, "ok": bool(result.get("ok")) and all(c["ok"] for c in checks),
            "checks": checks[:50]}


def heartbeat_body(store: ClaimStore, home: Path, now: float | None = None) -> dict[str, Any]:
    entries = store.queue_list()
    now = time.time() if now is None else now
    oldest = min((e.created_at for e in entries), default=None)
    return {"software_version": __version__, "queue_length": len(entries),
            "oldest_queued_seconds": None if oldest is None else max(0, int(now - oldest)),
            "selftest": selftest_report(last_result(home))}


class HeartbeatSchedule:
    """When the next heartbeat is due: at once after start, then every `every_s`."""

    def __init__(self, every_s: float = HEARTBEAT_EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.every_s = every_s
        self._clock = clock
        self._last: float | None = None

    def due(self) -> bool:
        return self._last is None or self._clock() - self._last >= self.every_s

    def tried(self) -> None:
        self._last = self._clock()
