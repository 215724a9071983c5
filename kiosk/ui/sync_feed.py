"""The app's sync worker as Qt signals: `SyncFeed` owns the one `SyncWorker` of the app.

The worker (kiosk/sync/worker.py) is Qt-free and runs on its own thread; it reports through a
plain callback on that thread. The feed turns that into `changed(SyncSnapshot)` on the UI
thread (a private signal queued to a slot of this QObject). It shares the app's ClaimStore,
which is thread-safe (writes go through the store's own executor).

Without a device credential under the home the feed stays idle (`enrolled` is False); after
an enrolment the settings screen calls `restart()`, which stops the old worker on a helper
thread, so the UI thread never waits for a request in flight.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.store import ClaimStore
from kiosk.sync.state import SyncState
from kiosk.sync.worker import Backoff, SyncSnapshot, SyncWorker
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.sync")

RESTART_JOIN_S = 60.0


def _client_factory(home: Path, timeout_s: float) -> Callable[[], Any] | None:
    """A factory for the county client, or None when this kiosk is not enrolled."""
    from kiosk.sync.client import CountyClient
    from kiosk.sync.credentials import CredentialError, DeviceCredential

    try:
        cred = DeviceCredential.load(home)
    except CredentialError as exc:
        log.info("sync idle: %s", exc)
        return None
    timeout = _timeout(timeout_s)
    return lambda: CountyClient(cred, timeout=timeout)


class SyncFeed(QObject):
    """Start, wake, inspect and stop the app's delivery of claims to the county."""

    changed = Signal(object)  # SyncSnapshot, on the UI thread
    _from_worker = Signal(object)

    def __init__(self, store: ClaimStore, home: Path, tasks: TaskManager, *,
                 interval_s: float = 60.0, timeout_s: float = 30.0,
                 backoff: Backoff | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._stopped = False  # after stop(), no restart brings a worker back
        self.store = store
        self.home = Path(home)
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self._backoff = backoff
        self._lock = threading.Lock()
        self._worker: SyncWorker | None = None
        self._generation = 0
        self._from_worker.connect(self._deliver)

    # --- life cycle ---------------------------------------------------------------------

    def start(self) -> bool:
        """Start delivering if this kiosk is enrolled; True if a worker now runs."""
        factory = _client_factory(self.home, self.timeout_s)
        with self._lock:
            if self._worker is not None or factory is None or self._stopped:
                return self._worker is not None
            self._generation += 1
            generation = self._generation
            backoff = Backoff(self._backoff.base, self._backoff.cap) if self._backoff else None
            worker = SyncWorker(self.store, self.home, factory, interval_s=self.interval_s,
                                backoff=backoff,
                                on_change=lambda snap: self._from_worker.emit(
                                    (generation, snap)))
            self._worker = worker
            worker.start()  # under the lock: a stop() meanwhile joins a started thread
        log.info("sync worker started in the app")
        self._from_worker.emit((generation, worker.snapshot()))
        return True

    def restart(self) -> None:
        """Reload the credential (after an enrolment): the old worker stops on the task
        manager's device pool, the new one starts once it has (never two workers on one
        store)."""
        with self._lock:
            old, self._worker = self._worker, None
            self._generation += 1
        if old is not None:
            old.stop()

        def swap() -> None:
            if old is not None and not old.join(RESTART_JOIN_S):
                log.error("the old sync worker did not stop within %.0f s", RESTART_JOIN_S)
                return
            if not self.start():
                self._from_worker.emit((self._generation, SyncSnapshot()))

        self._tasks.run_in_background(swap, io=True)

    def stop(self, timeout_s: float = 10.0) -> bool:
        """Shut down: finish the request in flight (bounded by `timeout_s`)."""
        with self._lock:
            worker, self._worker = self._worker, None
            self._generation += 1
            self._stopped = True
        if worker is None:
            return True
        worker.stop()
        stopped = worker.join(timeout_s)
        if not stopped:
            log.warning("the sync worker did not stop within %.0f s", timeout_s)
        return stopped

    # --- what the screens ask -----------------------------------------------------------

    @property
    def enrolled(self) -> bool:
        """A worker runs (a device credential was found when it started)."""
        with self._lock:
            return self._worker is not None

    def snapshot(self) -> SyncSnapshot:
        with self._lock:
            worker = self._worker
        return worker.snapshot() if worker is not None else SyncSnapshot()

    def wake(self) -> None:
        """Deliver now (a claim was filed, the technician asked)."""
        with self._lock:
            worker = self._worker
        if worker is not None:
            worker.wake()

    def held(self) -> dict[str, dict[str, Any]]:
        """Claims the county refused, by uid, with the reason (status, error, detail, at)."""
        with self._lock:
            worker = self._worker
        return worker.held() if worker is not None else SyncState(self.home).held

    def release(self, uid: str) -> bool:
        """Try a held claim again (the technician fixed the cause); wakes the worker."""
        with self._lock:
            worker = self._worker
        if worker is not None:
            return worker.release(uid)
        return SyncState(self.home).release(uid)

    def network_test(self) -> tuple[bool, str]:
        """Ask the county's health check once. Blocking and Qt-free: run it in the background.

        The text names the server and what happened, for the technician's screen and the log.
        """
        from kiosk.sync.client import CountyClient
        from kiosk.sync.credentials import CredentialError, DeviceCredential

        try:
            cred = DeviceCredential.load(self.home)
        except CredentialError as exc:
            return False, str(exc)
        try:
            client = CountyClient(cred, timeout=_timeout(min(self.timeout_s, 10.0)))
        except Exception as exc:  # a bad pin or URL in the credential
            return False, f"{cred.server}: {exc}"
        try:
            ok = client.health()
        finally:
            client.close()
        if ok:
            return True, f"{cred.server} answered"
        return False, f"no answer from {cred.server}"

    # --- the worker's reports -----------------------------------------------------------

    @Slot(object)
    def _deliver(self, item: tuple[int, SyncSnapshot]) -> None:
        generation, snap = item
        if generation != self._generation:
            return  # a stopped worker's last words
        self.changed.emit(snap)


def _timeout(seconds: float) -> Any:
    import httpx

    return httpx.Timeout(connect=min(5.0, seconds), read=seconds, write=seconds, pool=5.0)
