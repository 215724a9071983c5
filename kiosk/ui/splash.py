"""The first frame: a plain full-screen "正在启动" shown before the heavy imports.

`kiosk` imports the store (SQLAlchemy), the camera (Qt Multimedia), every screen and the
audit before the window exists — seconds on a kiosk's small CPU, during which the screen
stayed black. `show_splash()` needs only QtWidgets: the command line shows it first
(`kiosk.cli.cmd_app`), then `kiosk.app.run_app` builds the kiosk and closes it once the real
start screen is up. Imports nothing of the kiosk on purpose.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QGuiApplication, QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel

_shown: list[Splash] = []


class Splash(QLabel):
    """Black text on white, large: the kiosk's name and "starting, please wait"."""

    def __init__(self) -> None:
        super().__init__("医保报销自助机\n\n正在启动，请稍候……")
        self.setObjectName("splash")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("QLabel#splash { background: white; color: #1a1a1a; "
                           "font-size: 56px; }")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        self.painted_at: float | None = None  # time.perf_counter() of the first paint

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.painted_at is None:
            self.painted_at = time.perf_counter()


def show_splash() -> Splash:
    """Create the application (if needed), show the splash at the screen's geometry and
    return once it has been painted (or after 1 s: never block the start on it)."""
    app = QApplication.instance() or QApplication([])
    splash = Splash()
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        splash.setFixedSize(screen.geometry().size())
        splash.setGeometry(screen.geometry())
    splash.showFullScreen()
    end = time.perf_counter() + 1.0
    while splash.painted_at is None and time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    _shown.append(splash)
    return splash


def close_splash() -> None:
    """The real window is up: the splash goes (nothing happens when none was shown)."""
    while _shown:
        splash = _shown.pop()
        splash.close()
        splash.deleteLater()
