"""systemd's notification protocol (sd_notify): READY=1, WATCHDOG=1, STATUS=... . Qt-free.

The protocol is one datagram of `KEY=VALUE` lines on the Unix socket named by `$NOTIFY_SOCKET`
(an abstract socket when the name starts with `@`). Without that variable — run by hand, in
tests, under another supervisor — every call does nothing, so the app needs no special case.
libsystemd's Python binding would need a compiler and its headers at install time for what
is a `sendto`; this is the whole protocol.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger("kiosk.sdnotify")


class Notifier:
    """Sends notifications to the service manager that started this process, if any."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        name = env.get("NOTIFY_SOCKET", "")
        self.address: str | bytes | None = None
        if name.startswith("@"):
            self.address = b"\0" + name[1:].encode()
        elif name.startswith("/"):
            self.address = name
        self.watchdog_s = watchdog_interval(env)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def notify(self, **fields: str | int) -> bool:
        """`notify(READY=1, STATUS="...")`; False (and a log line) when it could not be sent."""
        if self.address is None:
            return False
        message = "\n".join(f"{k}={v}" for k, v in fields.items()).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
                s.sendto(message, self.address)
        except OSError as exc:
            log.warning("cannot notify the service manager at %r: %s", self.address, exc)
            return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.notify(READY=1, **({"STATUS": status} if status else {}))

    def ping(self) -> bool:
        return self.notify(WATCHDOG=1)

    def stopping(self) -> bool:
        return self.notify(STOPPING=1)


def watchdog_interval(environ: Mapping[str, str]) -> float | None:
    """Seconds within which systemd expects a watchdog ping (`WatchdogSec=`), or None when off.

    `WATCHDOG_PID` is not checked: on the kiosk the service's main process is cage and the app
    is cage's child, allowed to notify by the unit's `NotifyAccess=all`.
    """
    usec = environ.get("WATCHDOG_USEC", "")
    if not usec.isdigit() or int(usec) <= 0:
        return None
    return int(usec) / 1_000_000
