"""`kiosk enrol`, `kiosk sync` and `kiosk demo`: connect this kiosk to its county server.

enrol   exchange a one-time code from `county enrol-code` for this kiosk's credential
sync    deliver queued claims and pull statuses; keeps running, or `--once` and exit
demo    start a county server on loopback, enrol with it and keep syncing (for demonstrations);
        with --no-sync the touchscreen app's own worker delivers and the demo keeps the county

Exit codes: 0 done (for `sync --once`: the queue is empty), 1 refused (bad code, claims held
back by the county), 3 the county server could not be reached, 4 the claim store failed,
5 this kiosk is not (or no longer) enrolled or the server's certificate is not the pinned one,
6 another sync worker (the running kiosk app) is already delivering from this claim store.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from typing import TYPE_CHECKING, Any

from kiosk.core.config import Settings, load_settings
from kiosk.sync.runner import enrol_device, http_timeout, run_worker

if TYPE_CHECKING:  # httpx and the worker load only when a sync command runs

    from kiosk.sync.worker import SyncSnapshot, SyncWorker

log = logging.getLogger("kiosk.sync")

OK, REFUSED, UNREACHABLE, STORE_FAILED, NOT_ENROLLED = 0, 1, 3, 4, 5


def add_commands(subparsers: Any) -> None:
    """Add `enrol`, `sync` and `demo` to the `kiosk` parser's subparsers."""
    p = subparsers.add_parser("enrol", help="enrol this kiosk with the county server",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", required=True, help="the county server, e.g. https://county:8443")
    p.add_argument("--code", required=True, help="one-time code from `county enrol-code`")
    p.add_argument("--pin-sha256", dest="pin", metavar="FP",
                   help="SHA-256 fingerprint of the county certificate "
                        "(`county cert-fingerprint`); required for https")
    p.add_argument("--name", help="this kiosk's name as the county sees it "
                                  f"(default: kiosk {socket.gethostname()})")
    p.add_argument("--force", action="store_true", help="replace an existing credential")
    p.set_defaults(func=cmd_enrol)

    p = subparsers.add_parser("sync", help="deliver queued claims to the county server",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--once", action="store_true",
                   help="deliver what is queued, pull statuses and exit (0: queue empty)")
    p.add_argument("--interval", type=float, default=60.0,
                   help="seconds between checks when nothing wakes the worker (default 60)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds one request may take as a whole: connect, send, the whole "
                        "answer (default 30; image uploads get more by their size)")
    p.add_argument("--attempts", type=int, default=5,
                   help="with --once: tries per request before giving up (default 5)")
    p.add_argument("--held", action="store_true",
                   help="list the claims the county refused and that are held back")
    p.add_argument("--release", metavar="UID", action="append", default=[],
                   help="try a held claim again (after fixing the cause)")
    p.add_argument("--release-all", action="store_true",
                   help="try every held claim again (after fixing the cause)")
    p.set_defaults(func=cmd_sync)

    p = subparsers.add_parser("demo", help="run a county server on loopback and sync with it",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0, help="county server port (default: free)")
    p.add_argument("--samples", type=int, default=3,
                   help="queue this many sample claims if the kiosk has none (default 3)")
    p.add_argument("--once", action="store_true", help="sync once, then stop the server")
    p.add_argument("--no-sync", dest="sync", action="store_false",
                   help="enrol and queue the samples, then only keep the county running until "
                        "stopped: the touchscreen app's own sync worker delivers")
    p.add_argument("--ready-file", metavar="PATH",
                   help="create this file once the county runs and the kiosk is enrolled")
    p.set_defaults(func=cmd_demo)


def _fail(message: str, code: int) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return code


def cmd_enrol(args: argparse.Namespace) -> int:
    from kiosk.sync.client import Blocked, Refused, Transient
    from kiosk.sync.credentials import (
        CredentialError,
        DeviceCredential,
        check_server_url,
        normalise_pin,
    )

    settings = load_settings(args.home)
    try:
        pin = normalise_pin(args.pin) if args.pin else None
        server = check_server_url(args.server, pin)
        if server.startswith("https:") and not pin:
            raise CredentialError("an https server needs --pin-sha256 (from `county "
                                  "cert-fingerprint county.pem`)")
        if not args.force:
            try:
                old = DeviceCredential.load(settings.home)
            except CredentialError:
                pass
            else:
                raise CredentialError(f"this kiosk is already enrolled with {old.server} as "
                                      f"{old.device_id}; add --force to replace it")
    except CredentialError as exc:
        return _fail(str(exc), REFUSED)
    name = args.name or f"kiosk {socket.gethostname()}"
    try:
        cred = enrol_device(settings.home, server, args.code, name, pin)
    except Refused as exc:
        return _fail(f"the county refused the code: {exc.error} ({exc.detail})", REFUSED)
    except (Transient, Blocked) as exc:
        return _fail(f"cannot reach the county server {server}: {exc}", UNREACHABLE)
    print(f"enrolled as {cred.device_id} ({cred.device_name}) with {cred.server}")
    return OK


def _report(snap: SyncSnapshot) -> None:
    log.info("sync: online=%s queue=%d held=%d delivered=%d last_error=%s", snap.online,
             snap.queue_length, snap.held, snap.delivered, snap.last_error)


def cmd_sync(args: argparse.Namespace) -> int:
    from kiosk.store import ClaimStore, StoreError
    from kiosk.sync.client import CountyClient
    from kiosk.sync.credentials import CredentialError, DeviceCredential
    from kiosk.sync.worker import SyncWorker

    settings = load_settings(args.home)
    try:
        cred = DeviceCredential.load(settings.home)
    except CredentialError as exc:
        return _fail(str(exc), NOT_ENROLLED)
    try:
        with ClaimStore(settings.home, settings.store) as store:
            worker = SyncWorker(store, settings.home,
                                lambda: CountyClient(cred, timeout=http_timeout(args.timeout)),
                                interval_s=args.interval, on_change=_report)
            if args.held or args.release or args.release_all:
                return _held(worker, args.release, release_all=args.release_all)
            return run_worker(worker, once=args.once, attempts=args.attempts)
    except StoreError as exc:
        return _fail(str(exc), STORE_FAILED)


def _held(worker: SyncWorker, release: list[str], *, release_all: bool = False) -> int:
    if release_all:
        uids = worker.release_all()
        print(f"released {len(uids)} held claim(s): they will be sent again")
        return OK
    for uid in release:
        if not worker.release(uid):
            return _fail(f"no held claim {uid}", REFUSED)
        print(f"released {uid}: it will be sent again")
    if not release:
        for uid, why in sorted(worker.held().items()):
            by = ("refused by the county" if why.get("by", "county") == "county"
                  else "a problem on this kiosk")
            print(f"{uid}  claim {why.get('claim_id')}  {by}: {why.get('status') or ''} "
                  f"{why.get('error')}: {why.get('detail')}")
    return OK


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.sync.demo import DemoError, run_demo

    settings: Settings = load_settings(args.home)
    try:
        return run_demo(settings, port=args.port, samples=args.samples, once=args.once,
                        sync=args.sync, ready_file=args.ready_file)
    except DemoError as exc:
        return _fail(str(exc), REFUSED)
