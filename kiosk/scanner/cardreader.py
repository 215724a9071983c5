"""The ID-card reader hook: run the configured command, take the 18-character number it prints.

Card readers come with vendor tools (and vendor SDKs) that differ from machine to machine;
the kiosk does not link any of them. The technician wraps the vendor's tool in a command
(`[cardreader] command`) that reads one card and prints its number on standard output. It is
run without a shell, with a time limit; the whole process group is killed when the time is up
(a wrapper script's children included), and every failure becomes a plain code. Readers that
type the number like a keyboard need none of this: the ID screen takes typed digits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shlex
import signal
import subprocess

from kiosk.core.plain import PlainError
from kiosk.residents import valid_id_number

log = logging.getLogger("kiosk.scanner.cardreader")

_NUMBER = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")


class CardReadError(PlainError):
    """The card could not be read; `code` says why in words the resident can act on."""

    KIND = "card reader"
    SECTION = "card"  # the words: resources/messages, [card]


def read_card(command: str, timeout_s: float) -> str:
    """Run the reader command once; the card's ID number (upper-case X), or CardReadError.

    Blocking for up to `timeout_s`: call it off the UI thread.
    """
    try:
        args = shlex.split(command)
    except ValueError as exc:
        raise CardReadError("no_reader", f"cannot parse the command: {exc}") from exc
    if not args:
        raise CardReadError("no_reader", "no card reader command is configured")
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    except OSError as exc:
        raise CardReadError("no_reader", f"{args[0]}: {exc}") from exc
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise CardReadError("timeout", f"no answer within {timeout_s:g} s") from exc
    if proc.returncode != 0:
        detail = f"exit status {proc.returncode}: {err.strip()[:200]}"
        log.info("card reader: %s", detail)
        raise CardReadError("no_card", detail)
    numbers = {m.upper() for m in _NUMBER.findall(out)}
    if len(numbers) != 1:
        raise CardReadError("no_card" if not numbers else "bad_number",
                            f"{len(numbers)} numbers in the reader's output")
    number = numbers.pop()
    if not valid_id_number(number):
        raise CardReadError("bad_number", "the check digit does not match")
    return number


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill the command and anything it started (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        log.error("the card reader command %d did not exit after SIGKILL", proc.pid)
