"""systemd's watchdog fed from the Qt event loop, and the moment the first screen is shown.

The ping is a QTimer on the UI thread: while the event loop turns, systemd hears from the app
every third of `WatchdogSec`; when the UI freezes (a stuck paint, a deadlock, a slot that
never returns) the pings stop and systemd restarts the kiosk. READY=1 is sent once the first
screen has been painted, which is also when `--one-frame` (the installation check) quits and
what the start-up figure in docs/benchmarks.md measures.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from kiosk.core.sdnotify import Notifier

log = logging.getLogger("kiosk.app")


def process_age_s() -> float | None:
    """Seconds since this process started (Linux), so start-up includes the bootloader and imports."""
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of stat(5)
    return max(0.0, uptime - started)


class Watchdog(QObject):
    """Sends READY=1 after the first paint, then WATCHDOG=1 from the event loop."""

    first_frame = Signal(float)  # seconds from process start to the first screen

    def __init__(self, notifier: Notifier | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notifier = notifier or Notifier()
        self.started = time.monotonic() - (process_age_s() or 0.0)
        self.shown_after: float | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.notifier.ping)
        self._watching = False

    def watch(self) -> None:
        """Wait for the first paint of any widget (call before the window is shown)."""
        app = QCoreApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._watching = True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._watching and event.type() == QEvent.Type.Paint:
            self._watching = False
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            # After this paint is flushed to the screen, not in the middle of it.
            QTimer.singleShot(0, self._shown)
        return False

    def _shown(self) -> None:
        self.shown_after = time.monotonic() - self.started
        log.info("first screen shown %.2f s after the process started", self.shown_after)
        self.notifier.ready(status="serving residents")
        if self.notifier.watchdog_s:
            self._timer.start(max(100, int(self.notifier.watchdog_s * 1000 / 3)))
            self.notifier.ping()
        self.first_frame.emit(self.shown_after)

    def stop(self) -> None:
        self._timer.stop()
        self.notifier.stopping()
