"""The `county` command: run the server, enrol kiosks, review claims, publish catalog and policy.

Every subcommand takes `--db URL` and `--data DIR` (default: `$COUNTY_DB`, `$COUNTY_DATA`,
else SQLite in the platform's data directory) and works directly on that database, so the
reviewers' commands need no server running.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from county import __version__
from county.config import CountyConfig
from county.db import Database

log = logging.getLogger("county.cli")


class CliError(Exception):
    """A refusal to print as `county: ...` with exit code 1."""


def _config(args: argparse.Namespace) -> CountyConfig:
    return CountyConfig.build(args.data, args.db)


@contextmanager
def _open(args: argparse.Namespace) -> Iterator[Database]:
    """The database for one command; its connections are closed when the command ends."""
    db = Database.open(_config(args))
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from county.app import create_app
    from county.tls import TlsError, cert_fingerprint, is_loopback

    if bool(args.tls_cert) != bool(args.tls_key):
        raise CliError("--tls-cert and --tls-key go together")
    if not args.tls_cert and not is_loopback(args.host):
        print(f"county: refusing to serve plain HTTP on {args.host}: kiosk credentials and "
              "residents' data would cross the network unencrypted.\n"
              "Give the county certificate with --tls-cert CERT.pem --tls-key KEY.pem, or bind "
              "to 127.0.0.1 for a local demo.", file=sys.stderr)
        return 2
    if args.tls_cert:
        try:
            fp = cert_fingerprint(Path(args.tls_cert))
        except (OSError, TlsError) as exc:
            raise CliError(str(exc)) from None
        print(f"county: TLS certificate SHA-256 fingerprint (pin this on the kiosks): {fp}",
              file=sys.stderr)
    config = _config(args)
    app = create_app(config)
    scheme = "https" if args.tls_cert else "http"
    shown_db = make_url(config.db_url).render_as_string(hide_password=True)
    print(f"county: serving {scheme}://{args.host}:{args.port} (data {config.data_dir}, "
          f"database {shown_db})", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.tls_cert,
                ssl_keyfile=args.tls_key, log_level="info" if args.verbose else "warning",
                server_header=False, proxy_headers=False)
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    from county.auth import create_enrol_code

    with _open(args) as db:
        code, expires = create_enrol_code(db, timedelta(minutes=args.ttl_minutes))
    if args.json:
        print(json.dumps({"code": code, "expires_at": expires.isoformat()}))
    else:
        print(code)
        print(f"valid once, until {expires.isoformat(timespec='seconds')}", file=sys.stderr)
    return 0


def cmd_devices_list(args: argparse.Namespace) -> int:
    from county.auth import list_devices

    with _open(args) as db:
        devices = list_devices(db)
    if args.json:
        print(json.dumps([{"id": d.id, "name": d.name, "enrolled_at": d.enrolled_at.isoformat(),
                           "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None,
                           "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at
                           else None} for d in devices], ensure_ascii=False, indent=2))
        return 0
    if not devices:
        print("no devices enrolled", file=sys.stderr)
    for d in devices:
        state = f"revoked {d.revoked_at:%Y-%m-%d %H:%M}" if d.revoked_at else "active"
        seen = f"{d.last_seen_at:%Y-%m-%d %H:%M}" if d.last_seen_at else "never"
        print(f"{d.id}  {state:22s}  last seen {seen:16s}  {d.name}")
    return 0


def cmd_devices_revoke(args: argparse.Namespace) -> int:
    from county.auth import UnknownDevice, revoke_device

    try:
        with _open(args) as db:
            changed = revoke_device(db, args.device_id)
    except UnknownDevice:
        raise CliError(f"no device {args.device_id!r}; see `county devices list`") from None
    print(f"{args.device_id} revoked" if changed else f"{args.device_id} was already revoked")
    return 0


def cmd_claims_list(args: argparse.Namespace) -> int:
    from county import auditlog
    from county.review import list_claims

    with _open(args) as db:
        rows = list_claims(db, args.status)
        # names leave the database here: the audit log says so, as for the console
        auditlog.log(db, "shell", "view_queue", None, f"county claims list "
                     f"status={args.status or 'all'}", "shell")
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no claims", file=sys.stderr)
    for r in rows:
        refund = r.refund_estimate or "-"
        line = (f"{r.id:6d}  {r.status:13s}  {r.accepted_at:%Y-%m-%d %H:%M}  "
                f"{r.resident_name}  {r.documents} doc(s)  refund {refund}  "
                f"from {r.device_name}  {r.uuid}")
        if r.reason:
            line += f"  reason: {r.reason}"
        print(line)
    return 0


def cmd_claims_show(args: argparse.Namespace) -> int:
    from county import auditlog
    from county.review import UnknownClaim, show_claim

    try:
        with _open(args) as db:
            shown = show_claim(db, args.claim)
            auditlog.log(db, "shell", "view_claim", int(shown["id"]), "county claims show",
                         "shell")
    except UnknownClaim:
        raise CliError(f"no claim {args.claim!r}; see `county claims list`") from None
    print(json.dumps(shown, ensure_ascii=False, indent=2))
    return 0


def cmd_claims_review(args: argparse.Namespace) -> int:
    """A decision on the server's shell, by a named county user who signs in with her
    password (on stdin), under the console's rules: roles, four eyes, the audit log."""
    from county import auditlog, decisions
    from county.review import ReviewError, UnknownClaim, find_claim_id
    from county.users import UserError, authenticate

    args.name = args.user
    password = _read_password(args)
    try:
        with _open(args) as db:
            account = authenticate(db, args.user, password)
            claim_id = find_claim_id(db, args.claim)
            try:
                if args.decision == "pass":
                    after = decisions.first_review(db, claim_id, account, "pass")
                elif args.decision == "approve":
                    if not args.amount:
                        raise ReviewError("approving needs --amount, the approved refund")
                    after = decisions.second_review(db, claim_id, account, "approve",
                                                    amount=args.amount)
                elif args.decision == "return":
                    after = _return(db, claim_id, account, args)
                else:
                    decisions.mark_paid(db, claim_id, account, args.payment_ref or "")
                    after = "paid"
            except decisions.FourEyes as exc:
                auditlog.log(db, account.name, "four_eyes_refused", claim_id, str(exc),
                             "shell")
                raise
            auditlog.log(db, account.name, f"decide_{args.decision}", claim_id, None, "shell")
    except UserError as exc:
        raise CliError(str(exc)) from None
    except UnknownClaim:
        raise CliError(f"no claim {args.claim!r}; see `county claims list`") from None
    except ReviewError as exc:
        raise CliError(str(exc)) from None
    print(f"claim {claim_id}: {args.decision} by {account.name}, now {after}")
    return 0


def _return(db: Database, claim_id: int, account: Any, args: argparse.Namespace) -> str:
    from county import decisions
    from county.review import ReviewError

    if not args.reason_code:
        raise ReviewError("returning needs --reason-code (" + ", ".join(
            decisions.RETURN_REASONS) + ")")
    with db.read() as s:
        from county.db import Claim

        claim = s.get(Claim, claim_id)
        status = claim.status if claim else ""
    if status == "second_review":
        return decisions.second_review(db, claim_id, account, "return", code=args.reason_code,
                                       note=args.note)
    return decisions.first_review(db, claim_id, account, "return", code=args.reason_code,
                                  note=args.note)


def _read_password(args: argparse.Namespace) -> str:
    """One line from standard input; at a terminal it is asked for twice, unseen."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != first:
            raise CliError("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def cmd_user_add(args: argparse.Namespace) -> int:
    from county.users import UserError, add_user

    password = _read_password(args)
    try:
        with _open(args) as db:
            account = add_user(db, args.name, args.role, password)
    except UserError as exc:
        raise CliError(str(exc)) from None
    print(f"user {account.name} added as {account.role}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from county.users import list_users

    with _open(args) as db:
        accounts = list_users(db)
    if args.json:
        print(json.dumps([{"name": a.name, "role": a.role, "disabled": a.disabled,
                           "created_at": a.created_at.isoformat(),
                           "locked_until": a.locked_until.isoformat() if a.locked_until
                           else None} for a in accounts], ensure_ascii=False, indent=2))
        return 0
    if not accounts:
        print("no users; add the first administrator with `county user add NAME --role "
              "administrator`", file=sys.stderr)
    for a in accounts:
        state = "disabled" if a.disabled else "active"
        print(f"{a.name:20s}  {a.role:16s}  {state:8s}  since {a.created_at:%Y-%m-%d}")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    from county.users import UserError, disable_user

    try:
        with _open(args) as db:
            changed = disable_user(db, args.name)
    except UserError as exc:
        raise CliError(str(exc)) from None
    print(f"{args.name} disabled" if changed else f"{args.name} was already disabled")
    return 0


def cmd_user_reset(args: argparse.Namespace) -> int:
    from county.users import UserError, reset_password

    password = _read_password(args)
    try:
        with _open(args) as db:
            reset_password(db, args.name, password)
    except UserError as exc:
        raise CliError(str(exc)) from None
    print(f"password of {args.name} reset; its sessions are ended and any lockout lifted")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from county.images import ImageStore
    from county.retention import purge_paid, sweep_images

    if args.paid_days < 0 or args.unused_hours < 0:
        raise CliError("the periods cannot be negative")
    with _open(args) as db:
        store = ImageStore(db, _config(args).images_dir)
        result = purge_paid(db, store, timedelta(days=args.paid_days))
        swept = sweep_images(db, store, timedelta(hours=args.unused_hours))
    print(f"purged {result.claims} paid claim(s) and {result.images + swept} image(s)")
    return 0


def cmd_publish_catalog(args: argparse.Namespace) -> int:
    from county.catalog import PublishError, publish_catalog

    try:
        with _open(args) as db:
            out, new = publish_catalog(db, _config(args).catalog_dir, Path(args.file),
                                       args.version)
    except (OSError, PublishError) as exc:
        raise CliError(str(exc)) from None
    verb = "published" if new else "already published, unchanged"
    print(f"catalog {out.version} {verb}: {out.size} bytes, sha256 {out.sha256}")
    return 0


def cmd_publish_policy(args: argparse.Namespace) -> int:
    from county.catalog import PublishError, publish_policy

    try:
        with _open(args) as db:
            out, new = publish_policy(db, Path(args.file))
    except (OSError, PublishError) as exc:
        raise CliError(str(exc)) from None
    verb = "published" if new else "unchanged, still"
    print(f"policy {verb} version {out.version} (sha256 {out.sha256})")
    return 0


def cmd_cert_fingerprint(args: argparse.Namespace) -> int:
    from county.tls import TlsError, cert_fingerprint

    try:
        print(cert_fingerprint(Path(args.cert)))
    except (OSError, TlsError) as exc:
        raise CliError(str(exc)) from None
    return 0


def build_parser() -> argparse.ArgumentParser:
    from county.decisions import RETURN_REASONS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database URL, e.g. postgresql+psycopg://user@host/county "
                                     "(default: $COUNTY_DB, else SQLite in the data directory)")
    common.add_argument("--data", help="data directory for images, catalog files and the "
                                       "SQLite database (default: $COUNTY_DATA, else the "
                                       "platform's data directory)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")

    ap = argparse.ArgumentParser(prog="county", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"county {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", parents=[common], help="run the county server")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (plain HTTP "
                   "only on loopback; default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="port (default 8443)")
    p.add_argument("--tls-cert", help="PEM certificate (chain) for HTTPS")
    p.add_argument("--tls-key", help="PEM private key for HTTPS")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("enrol-code", parents=[common],
                       help="print a one-time code a technician types on a new kiosk")
    p.add_argument("--ttl-minutes", type=float, default=30.0,
                   help="minutes the code stays valid (default 30)")
    p.add_argument("--json", action="store_true", help="print {code, expires_at}")
    p.set_defaults(func=cmd_enrol_code)

    dev = sub.add_parser("devices", help="list or revoke enrolled kiosks")
    dsub = dev.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    p = dsub.add_parser("list", parents=[common], help="list enrolled devices")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_devices_list)
    p = dsub.add_parser("revoke", parents=[common], help="refuse a device from now on")
    p.add_argument("device_id", metavar="ID")
    p.set_defaults(func=cmd_devices_revoke)

    cl = sub.add_parser("claims", help="list, show and review claims")
    csub = cl.add_subparsers(dest="claims_command", required=True, metavar="ACTION")
    p = csub.add_parser("list", parents=[common], help="list claims")
    p.add_argument("--json", action="store_true")
    p.add_argument("--status", help="only claims in this status",
                   choices=["accepted", "first_review", "second_review", "approved",
                            "returned", "paid"])
    p.set_defaults(func=cmd_claims_list)
    p = csub.add_parser("show", parents=[common], help="print one claim as JSON")
    p.add_argument("claim", metavar="ID", help="server id (from `claims list`) or UUID")
    p.set_defaults(func=cmd_claims_show)
    p = csub.add_parser("review", parents=[common],
                        help="decide on a claim as a named county user (password on stdin), "
                             "under the console's rules: 初审 and 复审 by two people")
    p.add_argument("claim", metavar="ID", help="server id (from `claims list`) or UUID")
    p.add_argument("--user", required=True, help="the county user deciding (`county user "
                   "list`); her password is read from standard input")
    p.add_argument("--decision", required=True, choices=["pass", "approve", "return", "paid"],
                   help="pass: 初审 passes it on to 复审; approve: 复审 approves it; return: "
                        "初审 or 复审 returns it; paid: a supervisor records the payment")
    p.add_argument("--amount", help="the approved refund, like 123.45 (with approve)")
    p.add_argument("--reason-code", choices=list(RETURN_REASONS),
                   help="why it is returned (with return; the resident is shown it)")
    p.add_argument("--note", help="more words for the resident (needed with --reason-code "
                                  "other)")
    p.add_argument("--payment-ref", help="the payment's reference (with paid)")
    p.set_defaults(func=cmd_claims_review)

    from county.users import ROLES

    us = sub.add_parser("user", help="accounts of the review console")
    usub = us.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = usub.add_parser("add", parents=[common], help="add an account (password on stdin)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, choices=list(ROLES))
    p.set_defaults(func=cmd_user_add)
    p = usub.add_parser("list", parents=[common], help="list accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_user_list)
    p = usub.add_parser("disable", parents=[common], help="refuse an account from now on")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_user_disable)
    p = usub.add_parser("reset-password", parents=[common],
                        help="set a new password (on stdin) and lift a lockout")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_user_reset)

    p = sub.add_parser("purge", parents=[common],
                       help="clear residents' data of long-paid claims; sweep unused images")
    p.add_argument("--paid-days", type=float, default=365.0,
                   help="clear claims paid more than this many days ago (default 365)")
    p.add_argument("--unused-hours", type=float, default=48.0,
                   help="delete images no claim uses after this many hours (default 48)")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("publish-catalog", parents=[common],
                       help="publish a catalog file as a new version for the kiosks")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--version", required=True, dest="version", help="the version's name")
    p.set_defaults(func=cmd_publish_catalog)

    p = sub.add_parser("publish-policy", parents=[common],
                       help="publish the reimbursement policy (a JSON object)")
    p.add_argument("file", metavar="FILE.json")
    p.set_defaults(func=cmd_publish_policy)

    p = sub.add_parser("cert-fingerprint",
                       help="print a certificate's SHA-256 fingerprint for pinning on kiosks")
    p.add_argument("cert", metavar="CERT.pem")
    p.set_defaults(func=cmd_cert_fingerprint)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False)
                        else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        result: int = args.func(args)
    except CliError as exc:
        print(f"county: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(f"county: cannot use the database: {exc.orig}", file=sys.stderr)
        return 1
    return result
