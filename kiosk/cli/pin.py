"""`kiosk pin set|status`: the technician PIN from the console (kiosk.auth.pin keeps it)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.auth.pin import PIN_FILE, WEAKNESS_TEXT, PinError, PinStore, require_strong


def add_commands(subparsers: Any) -> None:
    """`kiosk pin set|status`: the technician PIN from the console."""
    p = subparsers.add_parser("pin", help="set the technician PIN of the settings screen")
    sub = p.add_subparsers(dest="pin_command", required=True)
    s = sub.add_parser("set", help="set (or replace) the technician PIN; asks twice")
    s.add_argument("--stdin", action="store_true",
                   help="read the PIN from standard input (one line, or the same PIN on two "
                        "lines) instead of asking: for set-up scripts")
    s.set_defaults(func=cmd_pin_set)
    st = sub.add_parser("status", help="say whether a PIN is set (exit 0) or not (exit 1)")
    st.set_defaults(func=cmd_pin_status)


def _store(args: argparse.Namespace) -> PinStore:
    from kiosk.core.config import load_settings

    settings = load_settings(args.home)
    return PinStore(settings.home / PIN_FILE, attempts=settings.ui.pin_attempts,
                    lockout_s=settings.ui.pin_lockout_s)


def cmd_pin_set(args: argparse.Namespace) -> int:
    pins = _store(args)
    if args.stdin:
        lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if not 1 <= len(lines) <= 2:
            print("kiosk: give the PIN on one line (or the same PIN on two)", file=sys.stderr)
            return 1
        pin, again = lines[0], lines[-1]
    else:
        pin = getpass.getpass("new technician PIN: ")
        again = getpass.getpass("the same PIN again: ")
    try:
        require_strong(pin)
        if pin != again:
            raise PinError("mismatch", WEAKNESS_TEXT["mismatch"])
    except PinError as exc:
        print(f"kiosk: PIN refused: {exc}", file=sys.stderr)
        return 1
    replaced = pins.is_set
    pins.set_pin(pin)
    print(f"technician PIN {'replaced' if replaced else 'set'} ({pins.path})")
    return 0


def cmd_pin_status(args: argparse.Namespace) -> int:
    pins = _store(args)
    if pins.is_set:
        print(f"a technician PIN is set ({pins.path})")
        return 0
    print(f"no technician PIN is set: run `kiosk pin set` ({pins.path})")
    return 1
