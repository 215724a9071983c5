"""`kiosk assistant add|list|remove`: the assistants' book (kiosk.auth.assistants) from a shell."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.auth.assistants import AssistantBook, AssistantError
from kiosk.auth.pin import MIN_LENGTH


def add_commands(subparsers: Any) -> None:
    """`kiosk assistant add|list|remove`."""
    p = subparsers.add_parser("assistant", help="the assistants who may sign in on this kiosk")
    sub = p.add_subparsers(dest="assistant_command", required=True)
    a = sub.add_parser("add", help="add an assistant (or give one a new name and PIN)")
    a.add_argument("code", help="the assistant's work number (digits)")
    a.add_argument("name", help="the name the kiosk greets them with")
    a.add_argument("--pin-stdin", action="store_true",
                   help="read the PIN from the first line of standard input (scripts)")
    a.set_defaults(func=cmd_add)
    a = sub.add_parser("list", help="list the assistants")
    a.set_defaults(func=cmd_list)
    a = sub.add_parser("remove", help="remove an assistant")
    a.add_argument("code")
    a.set_defaults(func=cmd_remove)


def _book(args: argparse.Namespace) -> AssistantBook:
    from kiosk.core.config import load_settings

    settings = load_settings(args.home)
    return AssistantBook(settings.home, attempts=settings.ui.pin_attempts,
                         lockout_s=settings.ui.pin_lockout_s)


def _read_pin(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass(f"PIN (at least {MIN_LENGTH} digits): ")
    if getpass.getpass("the same PIN again: ") != first:
        print("kiosk: the two PINs differ; nothing changed", file=sys.stderr)
        return None
    return first


def cmd_add(args: argparse.Namespace) -> int:
    book = _book(args)
    pin = _read_pin(args.pin_stdin)
    if pin is None:
        return 1
    try:
        who = book.add(args.code, args.name, pin)
    except AssistantError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    print(f"assistant {who.code} ({who.name}) may sign in")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    for who in _book(args).list():
        print(f"{who.code}\t{who.name}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    if not _book(args).remove(args.code):
        print(f"kiosk: no assistant {args.code}", file=sys.stderr)
        return 1
    print(f"assistant {args.code} removed")
    return 0
