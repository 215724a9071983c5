"""The sync worker: delivers queued claims, pulls statuses, catalog and policy. Qt-free.

One long-lived thread per app (or the `kiosk sync` process) runs `SyncWorker.run`; it sleeps
on a `threading.Event` that `wake()` sets (a claim was queued, the network came back) and
otherwise wakes on a timer. `stop()` is the cooperative stop flag: the worker finishes the
request in flight (bounded by the httpx time-outs), puts the claim it held back to `queued`
and returns.

Delivery of one claim (exactly once in effect):

1. `queued → uploading` in the store (durable).
2. Each image: HEAD; PUT the decrypted bytes only if the server lacks it.
3. PUT the claim JSON under its UUID; the server is idempotent on it.
4. Only after the acknowledgement: `uploading → accepted` with the server id (durable).

A crash anywhere before 4 leaves the claim in `uploading`; the next worker (or the next
opening of the store while no worker runs) puts it back to `queued` once it holds the store's
delivery lock, and the re-send gets `200` with the same acknowledgement. One worker per claim
database: a second one (`kiosk sync` beside the running app) waits, or with `--once` exits 6.

Transient failures (no answer, time-outs, 5xx, 429, answers that are not the county API's)
are retried by tenacity with full-jitter exponential backoff (`wait_random_exponential`: a
random wait in [0, min(cap, base·2^n)]), never sooner than a `Retry-After` the server gave.
Only the county API's own claim-level codes (409 conflict, 422 invalid...) refuse a claim for
good: the store's life cycle has no "failed" state, so the claim goes back to `queued`, the
reason is noted in its history (`upload_refused`) and the worker holds it back
(sync-state.json) until a technician releases it. A claim that cannot be sent because of
something on this kiosk (an image missing or damaged) is held the same way but named as a
local problem. A refusal of the device itself (401, 403 revoked, wrong certificate) stops
delivery until the worker is woken or restarted. Catalog and policy pulls that fail are
warnings (`SyncSnapshot.warnings`, sync-state.json): they never make a delivery a failure.

`stop()` also aborts the request in flight (transport.RequestGuard), so the worker stops
within a second whatever the server does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import tenacity

from kiosk.core.durable import FileLock, replace_file
from kiosk.store import ClaimStore, InvalidTransition, Status, StoreError
from kiosk.store.crypto import SealedValueDamaged
from kiosk.store.images import ImageMissing
from kiosk.sync.client import (
    Blocked,
    CountyClient,
    MissingImages,
    Refused,
    SyncError,
    Transient,
)
from kiosk.sync.heartbeat import HeartbeatSchedule, heartbeat_body
from kiosk.sync.payload import NotSendable, claim_payload, county_uuid
from kiosk.sync.state import SyncState

log = logging.getLogger("kiosk.sync")

T = TypeVar("T")
ACTOR = "sync"
BLOCKED_RETRY_S = 900.0
BUSY_RETRY_S = 5.0
BUSY_EXIT = 6
BUSY = "another sync worker is delivering from this claim database (the kiosk app?)"

# County status → local status (the kiosk has one in_review for both review rounds).
COUNTY_TO_LOCAL = {
    "accepted": Status.ACCEPTED,
    "first_review": Status.IN_REVIEW,
    "second_review": Status.IN_REVIEW,
    "approved": Status.APPROVED,
    "returned": Status.RETURNED,
    "paid": Status.PAID,
}
_NOT_YET_DELIVERED = frozenset({Status.QUEUED, Status.UPLOADING, Status.CONFIRMED})


@dataclass(frozen=True)
class SyncSnapshot:
    """What the UI shows about delivery. `online` is None until the first attempt."""

    online: bool | None = None
    queue_length: int = 0
    held: int = 0
    sending: str | None = None
    last_success: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    blocked: bool = False
    delivered: int = 0
    warnings: tuple[str, ...] = ()


@dataclass
class Backoff:
    """Full-jitter exponential backoff, tenacity's `wait_random_exponential`: the n-th wait
    in a row (n from 0) is random in [0, min(cap, base·2^n)]."""

    base: float = 0.5
    cap: float = 60.0
    attempt: int = 0

    def wait(self) -> tenacity.wait.wait_base:
        return tenacity.wait_random_exponential(multiplier=self.base, max=self.cap)

    def next(self) -> float:
        state = tenacity.RetryCallState(tenacity.Retrying(), None, (), {})
        state.attempt_number = self.attempt + 1
        self.attempt += 1
        return float(self.wait()(state))

    def reset(self) -> None:
        self.attempt = 0


class _NotBeforeRetryAfter(tenacity.wait.wait_base):
    """The backoff's wait, but never shorter than the server's `Retry-After`."""

    def __init__(self, backoff: tenacity.wait.wait_base) -> None:
        self.backoff = backoff

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        wait = float(self.backoff(retry_state))
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        after = getattr(exc, "retry_after", None)
        return max(wait, after) if after is not None else wait


class GaveUp(Exception):
    """`--once`: the county could not be reached within the allowed attempts."""


class Stopping(Exception):
    """The stop flag was raised while waiting to retry."""


ClientFactory = Callable[[], CountyClient]


class SyncWorker:
    """Delivers the claims of one store to the county server of one device credential."""

    def __init__(self, store: ClaimStore, home: Path, client_factory: ClientFactory, *,
                 interval_s: float = 60.0, backoff: Backoff | None = None,
                 on_change: Callable[[SyncSnapshot], None] | None = None,
                 pull_updates: bool = True) -> None:
        self.store = store
        self.home = Path(home)
        self.state = SyncState(self.home)
        self._client_factory = client_factory
        self._client: CountyClient | None = None
        self.interval_s = interval_s
        self.backoff = backoff or Backoff()
        self.on_change = on_change
        self.pull_updates = pull_updates
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._snapshot = SyncSnapshot()
        self._thread: threading.Thread | None = None
        self._max_attempts: int | None = None
        self._retry_after: float | None = None
        self.heartbeats = HeartbeatSchedule()

    # --- control ----------------------------------------------------------------------

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run, name="kiosk-sync", daemon=True)
        self._thread.start()
        return self._thread

    def wake(self) -> None:
        """Deliver now: a claim was queued, or the network is back."""
        self._wake.set()

    def stop(self) -> None:
        """Stop soon: the request in flight is aborted, the claim it held goes back."""
        self._stop.set()
        self._wake.set()
        client = self._client
        if client is not None:
            client.abort()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # --- state for the UI -------------------------------------------------------------

    def snapshot(self) -> SyncSnapshot:
        with self._lock:
            return self._snapshot

    def wait_for(self, predicate: Callable[[SyncSnapshot], bool], timeout: float) -> bool:
        """Block until the snapshot satisfies `predicate` (tests, `--once`); False on time-out."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self._snapshot), timeout)

    def _update(self, **changes: Any) -> None:
        with self._changed:
            new = replace(self._snapshot, **changes)
            if new == self._snapshot:
                return
            self._snapshot = new
            self._changed.notify_all()
        if self.on_change is not None:
            try:
                self.on_change(new)
            except Exception:  # a UI adapter's bug must not stop delivery
                log.exception("the sync state callback failed")

    def _error(self, message: str, **changes: Any) -> None:
        log.warning("%s", message)
        self._update(last_error=message, last_error_at=time.time(), **changes)

    def _refresh_queue(self) -> list[tuple[int, str]]:
        held = self.state.held
        entries = [(e.id, e.uid) for e in self.store.queue_list() if e.uid not in held]
        self._update(queue_length=len(entries), held=len(held))
        return entries

    # --- the loop ---------------------------------------------------------------------

    def _take_delivery(self) -> FileLock | None:
        """The store's delivery lock: one worker per claim database. With it, whatever is
        still `uploading` was left by a worker that died, and goes back to the queue."""
        lock = self.store.delivery_lock()
        if not lock.acquire():
            return None
        try:
            self.store.reset_in_flight()
        except BaseException:
            lock.release()
            raise
        return lock

    def run(self) -> None:
        """Until `stop()`: a cycle, then wait for `wake()`, the timer or the backoff."""
        lock = self._take_delivery()
        while lock is None:
            self._error(BUSY)
            self._wake.wait(BUSY_RETRY_S)
            self._wake.clear()
            if self._stop.is_set():
                return
            lock = self._take_delivery()
        log.info("sync worker started")
        try:
            while not self._stop.is_set():
                self._wake.clear()
                ok = self.cycle()
                if self._stop.is_set():
                    break
                if ok:
                    delay = self.interval_s
                elif self.snapshot().blocked:
                    # revoked, unknown or untrusted: ask again rarely, or when woken
                    delay = max(self.interval_s, BLOCKED_RETRY_S)
                else:
                    delay = max(self.backoff.next(), self._retry_after or 0.0)
                self._wake.wait(delay)
        finally:
            self._close_client()
            lock.release()
            log.info("sync worker stopped")

    def run_once(self, *, max_attempts: int = 5) -> tuple[int, str]:
        """`kiosk sync --once`: (exit code, message). 0 only if nothing is left to send."""
        lock = self._take_delivery()
        if lock is None:
            return BUSY_EXIT, BUSY
        self._max_attempts = max_attempts
        try:
            ok = self.cycle()
        finally:
            self._max_attempts = None
            self._close_client()
            lock.release()
        snap = self.snapshot()
        if snap.blocked:
            return 5, snap.last_error or "blocked"
        if not ok:
            return 3, f"could not deliver: {snap.last_error}"
        if snap.held:
            held = self.state.held.values()
            local = sum(1 for why in held if why.get("by") == "kiosk")
            parts = [f"{snap.held - local} claim(s) refused by the county and held back"] if (
                snap.held - local) else []
            if local:
                parts.append(f"{local} claim(s) held back by a problem on this kiosk (the "
                             "county never saw them)")
            return 1, "; ".join(parts) + "; see `kiosk sync --held`"
        if snap.queue_length:
            return 3, f"{snap.queue_length} claim(s) still queued"
        note = f" (warning: {'; '.join(snap.warnings)})" if snap.warnings else ""
        return 0, f"queue empty; {snap.delivered} claim(s) delivered{note}"

    def cycle(self) -> bool:
        """Deliver the queue, then pull statuses (and catalog/policy). True if all went well.

        Catalog and policy failures are warnings: they do not make the cycle fail."""
        self._retry_after = None
        warnings: list[str] = []
        try:
            self._deliver_queue()
            self._pull_statuses()
            if self.pull_updates:
                for what, pull in (("catalog", self._pull_catalog),
                                   ("policy", self._pull_policy)):
                    try:
                        pull()
                    except (Transient, GaveUp, Refused, OSError, StoreError, KeyError,
                            TypeError, ValueError) as exc:
                        warnings.append(f"{what} not updated: {exc}")
                        log.warning("%s not updated: %s", what, exc)
            self._heartbeat()
        except Stopping:
            return False
        except (Transient, GaveUp) as exc:
            cause = exc.__cause__ if isinstance(exc, GaveUp) else exc
            self._retry_after = getattr(cause, "retry_after", None)
            self._error(f"county server unreachable: {exc}", online=False)
            return False
        except Blocked as exc:
            self._error(str(exc), blocked=True, online=True)
            return False
        except StoreError as exc:
            self._error(f"claim store: {exc}")
            return False
        except Exception as exc:  # a bug: log it with its traceback, keep the worker alive
            log.exception("sync cycle failed")
            self._error(f"internal error in the sync worker (please call the technician): "
                        f"{type(exc).__name__}: {exc}")
            return False
        finally:
            self._note_county_time()
        self.state.put("warnings", warnings)
        self.backoff.reset()
        self._update(online=True, blocked=False, last_success=time.time(),
                     warnings=tuple(warnings))
        return True

    def _heartbeat(self) -> None:
        """Version, queue and self-test to the county, at most every few minutes; a failure
        is logged and waits for the next one (an older county answers 404)."""
        if not self.heartbeats.due():
            return
        self.heartbeats.tried()
        try:
            self.client.heartbeat(heartbeat_body(self.store, self.home))
        except (SyncError, StoreError, OSError) as exc:
            log.info("heartbeat not sent: %s", exc)

    def _note_county_time(self) -> None:
        client = self._client
        if client is None or client.county_time is None:
            return
        try:
            self.store.note_county_time(client.county_time)
        except StoreError as exc:
            log.warning("could not note the county's time: %s", exc)

    @property
    def client(self) -> CountyClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def _close_client(self) -> None:
        if self._client is not None:
            self._note_county_time()
            self._client.close()
            self._client = None

    def _retrying(self, what: str, fn: Callable[[], T]) -> T:
        """`fn()` until it does not raise Transient (tenacity: backoff, Retry-After, the
        `--once` attempt limit); the stop flag ends the wait at once."""

        def attempt() -> T:
            try:
                return fn()
            except Refused as first:
                # Permanent only if a fresh connection hears it again: a refusal read off a
                # connection a broken answer left garbage on is not the county's word.
                self._close_client()
                try:
                    return fn()
                except Refused as again:
                    if (again.status, again.error) == (first.status, first.error):
                        raise
                    raise Transient(f"{what}: the server refused twice, differently "
                                    f"({first}; {again})") from again

        def failed(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            self._error(f"{what}: {exc}", online=False)
            self._close_client()  # a broken keep-alive connection must not be used again

        def sleep(seconds: float) -> None:
            self._wake.wait(seconds)
            self._wake.clear()
            if self._stop.is_set():
                raise Stopping

        stop: Any = (tenacity.stop_after_attempt(self._max_attempts)
                     if self._max_attempts is not None else tenacity.stop_never)
        retryer = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Transient), stop=stop,
            wait=_NotBeforeRetryAfter(self.backoff.wait()), sleep=sleep,
            before_sleep=failed, reraise=True)
        if self._stop.is_set():
            raise Stopping
        try:
            result = retryer(attempt)
        except Transient as exc:
            if self._stop.is_set():
                raise Stopping from exc
            self._error(f"{what}: {exc}", online=False)
            self._close_client()
            raise GaveUp(f"{what}: {exc} ({retryer.statistics.get('attempt_number', 1)} "
                         "attempts)") from exc
        if retryer.statistics.get("attempt_number", 1) > 1:
            self._update(online=True)
        return result

    # --- delivery ---------------------------------------------------------------------

    def _deliver_queue(self) -> None:
        while not self._stop.is_set():
            entries = self._refresh_queue()
            if not entries:
                return
            for claim_id, uid in entries:
                if self._stop.is_set():
                    raise Stopping
                try:
                    self.store.transition(claim_id, Status.UPLOADING, actor=ACTOR,
                                          expect=Status.QUEUED)
                except InvalidTransition:
                    continue  # cancelled or taken meanwhile
                self._deliver_claim(claim_id, uid)
                self._update(queue_length=max(0, self.snapshot().queue_length - 1))

    def _deliver_claim(self, claim_id: int, uid: str) -> None:
        self._update(sending=uid)
        done = False
        try:
            try:
                content, shas = claim_payload(self.store.get_claim(claim_id))
                ack_ref = self._send(uid, content, shas)
            except Refused as exc:
                if not exc.claim_level:  # the API's code, but not a decision on this claim
                    raise Transient(f"claim {claim_id}: the county answered {exc}") from exc
                self._hold(claim_id, uid, exc)
                return
            except (NotSendable, ImageMissing, SealedValueDamaged) as exc:
                self._hold(claim_id, uid, exc)
                return
            self.store.transition(claim_id, Status.ACCEPTED, actor=ACTOR,
                                  county_ref=ack_ref, expect=Status.UPLOADING)
            done = True
            self._update(delivered=self.snapshot().delivered + 1, last_success=time.time(),
                         online=True)
            log.info("claim %s delivered (county id %s)", claim_id, ack_ref)
        finally:
            if not done:
                self._requeue(claim_id)
            self._update(sending=None)

    def _send(self, uid: str, content: bytes, shas: list[str]) -> str:
        cuid = county_uuid(uid)
        for sha in shas:
            self._upload_image(sha)
        for _ in range(3):
            try:
                ack = self._retrying(f"claim {cuid}",
                                     lambda: self.client.put_claim(cuid, content))
            except MissingImages as exc:
                # the server lost images between our HEAD and the claim (restored backup)
                for sha in exc.missing:
                    if sha in shas:
                        self._upload_image(sha, known_missing=True)
                continue
            return str(ack.server_id)
        raise Transient(f"claim {cuid}: the server keeps reporting missing images")

    def _upload_image(self, sha: str, *, known_missing: bool = False) -> None:
        if not known_missing and self._retrying(f"image {sha[:12]}",
                                                lambda: self.client.has_image(sha)):
            return
        data = self.store.image(sha)  # decrypted and checked against its SHA-256
        self._retrying(f"image {sha[:12]}", lambda: self.client.put_image(sha, data))

    def _requeue(self, claim_id: int) -> None:
        try:
            self.store.transition(claim_id, Status.QUEUED, actor=ACTOR,
                                  expect=Status.UPLOADING)
        except InvalidTransition:
            pass
        except StoreError as exc:  # the store re-queues it at the next start-up
            log.warning("could not put claim %s back in the queue: %s", claim_id, exc)

    def _hold(self, claim_id: int, uid: str, exc: Exception) -> None:
        if isinstance(exc, Refused):
            reason: dict[str, Any] = {"status": exc.status, "error": exc.error,
                                      "detail": exc.detail, "by": "county"}
            said = f"claim {claim_id} refused by the county: {exc.error}: {exc.detail}"
        else:
            error = "not_sendable" if isinstance(exc, NotSendable) else "local_image"
            reason = {"status": None, "error": error, "detail": str(exc), "by": "kiosk"}
            said = (f"claim {claim_id} cannot be sent because of a problem on this kiosk (the "
                    f"county never saw it): {exc}")
        reason["at"] = time.time()
        self._requeue(claim_id)
        self.store.record_event(claim_id, "upload_refused", reason, actor=ACTOR)
        self.state.hold(uid, {**reason, "claim_id": claim_id})
        self._error(said, held=len(self.state.held))

    def held(self) -> dict[str, dict[str, Any]]:
        """The claims held back, by uid, with the reason (status, error, detail, at, claim_id,
        `by` "kiosk" for a local problem); a copy, as sync-state.json has it now."""
        return {uid: dict(why) for uid, why in self.state.held.items()}

    def release(self, uid: str) -> bool:
        """A technician fixed the cause: try this held claim again."""
        found = self.state.release(uid)
        if found:
            self.wake()
        return found

    def release_all(self) -> list[str]:
        """Try every held claim again; returns their uids."""
        uids = sorted(self.state.held)
        for uid in uids:
            self.state.release(uid)
        if uids:
            self.wake()
        return uids

    # --- status feed ------------------------------------------------------------------

    def _pull_statuses(self) -> None:
        while not self._stop.is_set():
            cursor = self.state.cursor
            try:
                page = self._retrying("status feed", self._status_page(cursor))
            except Refused as exc:
                if exc.error == "cursor_ahead":
                    log.warning("status cursor %s is ahead of the server: reading from 0",
                                cursor)
                    self.state.set_cursor(0)
                    continue
                raise Transient(f"status feed refused: {exc}") from exc
            applied = cursor
            for event in page.get("events", []):
                if not self._apply_status(event):
                    # the claim's delivery is not recorded yet; read this event again later
                    if applied != cursor:
                        self.state.set_cursor(applied)
                    return
                applied = int(event["cursor"])
            next_cursor = int(page.get("next_cursor", applied))
            if next_cursor != cursor:
                self.state.set_cursor(next_cursor)
            if not page.get("more"):
                return

    def _status_page(self, cursor: int) -> Callable[[], dict[str, Any]]:
        return lambda: self.client.status_page(cursor)

    def _apply_status(self, event: dict[str, Any]) -> bool:
        """Apply one feed event; False if it must wait (the claim is not accepted locally)."""
        target = COUNTY_TO_LOCAL.get(str(event.get("status")))
        raw_uuid = str(event.get("claim_uuid", ""))
        claim_id = self.store.claim_id_by_uid(raw_uuid.replace("-", "")) \
            or self.store.claim_id_by_uid(raw_uuid)
        if target is None or claim_id is None:
            log.info("status feed: ignoring %s for %s", event.get("status"), raw_uuid)
            return True
        current = self.store.get_claim(claim_id).status
        if current is target:
            return True
        if current in _NOT_YET_DELIVERED:
            return raw_uuid.replace("-", "") in self.state.held or \
                raw_uuid in self.state.held
        try:
            self.store.transition(claim_id, target, actor="county",
                                  reason=event.get("reason"), expect=current)
        except InvalidTransition as exc:  # an old event read again: already past it
            log.info("status feed: %s", exc)
        return True

    # --- catalog and policy -----------------------------------------------------------

    def _pull_catalog(self) -> None:
        known = self.state.get("catalog") or {}
        info = self._retrying("catalog", lambda: self.client.catalog(known.get("version")))
        update = info.get("update")
        if not update or update.get("version") == known.get("version"):
            return
        r = self._retrying("catalog file", lambda: self.client.download(update["download_url"]))
        if hashlib.sha256(r.content).hexdigest() != update["sha256"]:
            raise Transient(f"catalog {update['version']} arrived damaged (SHA-256 differs)")
        folder = self.home / "catalog"
        name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(str(update["filename"])).name) or "catalog"
        replace_file(folder / name, r.content)
        meta = {k: update.get(k) for k in ("version", "filename", "sha256", "size",
                                            "published_at")}
        meta["file"] = name
        replace_file(folder / "current.json",
                     json.dumps(meta, ensure_ascii=False, indent=1).encode())
        self.state.put("catalog", meta)
        log.info("catalog %s fetched", update["version"])
        self._install_catalog(r.content, str(update["version"]), name)

    def _install_catalog(self, data: bytes, version: str, filename: str) -> None:
        """Hand the file to kiosk.catalog, which puts it in force for matching."""
        try:
            from kiosk.catalog import install_version

            install_version(self.home, data, version=version, filename=filename)
        except Exception as exc:  # the file stays under catalog/; the old version stays in force
            log.exception("catalog %s could not be installed", version)
            self._error(f"catalog {version} fetched but not installed: {exc}")

    def _pull_policy(self) -> None:
        known = self.state.get("policy") or {}
        code, r = self._retrying("policy", lambda: self.client.policy(known.get("etag")))
        if code != 200:
            return
        try:
            body = r.json()
            body["policy"]
        except (ValueError, KeyError, TypeError):
            raise Transient(f"garbled policy answer: {r.text[:200]!r}") from None
        replace_file(self.home / "policy.json",
                     json.dumps(body["policy"], ensure_ascii=False, indent=1).encode())
        self.state.put("policy", {"version": body.get("version"), "sha256": body.get("sha256"),
                                  "published_at": body.get("published_at"),
                                  "etag": r.headers.get("etag")})
        log.info("policy version %s fetched", body.get("version"))


__all__ = ["Backoff", "SyncError", "SyncSnapshot", "SyncWorker"]
