"""`township-kiosk backup list|status|restore`: the pre-migration backups (kiosk.store.backup)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.store.backup import RestoreRefused, list_backups, plan_restore, restore


def _db(args: argparse.Namespace) -> Path:
    from kiosk.core.config import load_settings

    return Path(load_settings(args.home).store.database)


def cmd_list(args: argparse.Namespace) -> int:
    db = _db(args)
    backups = list_backups(db)
    if not backups:
        print(f"no backups of {db}")
    for b in backups:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(b.made_at))
        what = "before a migration" if b.kind == "pre" else "set aside by a restore"
        print(f"{when}  schema {b.revision}  {what}  {b.path}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Exit 0 when this version can open the database, 4 (with what to do) when it cannot."""
    db = _db(args)
    try:
        plan = plan_restore(db)
    except RestoreRefused as exc:
        print(f"township-kiosk: {exc}")
        return 4
    if plan is None:
        print(f"{db}: this version can open it")
        return 0
    print(plan.describe())
    print("To go back to the backup run:  sudo township-kiosk backup restore")
    return 4


def cmd_restore(args: argparse.Namespace) -> int:
    db = _db(args)
    try:
        plan = plan_restore(db)
    except RestoreRefused as exc:
        print(f"township-kiosk: {exc}", file=sys.stderr)
        return 4
    if plan is None:
        print(f"{db}: this version can open it; nothing to restore")
        return 0
    print(plan.describe())
    if not args.yes:
        print("Type yes to restore the backup: ", end="", flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer != "yes":
            print("nothing was changed")
            return 1
    try:
        aside = restore(plan)
    except RestoreRefused as exc:
        print(f"township-kiosk: {exc}", file=sys.stderr)
        return 4
    print(f"restored; the newer database is kept as {aside}")
    return 0


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("backup", help="the claim database's backups from before "
                                             "migrations, and going back to one")
    sub = p.add_subparsers(dest="backup_command", required=True)
    sub.add_parser("list", help="list the backups").set_defaults(func=cmd_list)
    sub.add_parser("status", help="can this version open the database? (exit 4: no, and "
                                  "what restoring would do)").set_defaults(func=cmd_status)
    r = sub.add_parser("restore", help="put the newest usable backup back, after confirming")
    r.add_argument("--yes", action="store_true", help="do not ask (scripts)")
    r.set_defaults(func=cmd_restore)
