"""The one window: a frame around a stack of screens, and nothing of the claim.

The window frames the screens the composition root built, shows whichever the `Navigator`
names, keeps itself full screen, tells every screen whether it is wide or tall and lays the
idle warning over them. Where a resident's claim is and
what comes next is `kiosk.claims.flow`; the screens are driven by `kiosk.ui.claim_screens`
and `kiosk.ui.assistant_mode`, both built by the composition root (`kiosk.app`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPaintEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QMainWindow

from kiosk.ui.idle import IdleWarning, IdleWatcher
from kiosk.ui.navigator import Navigator, ScreenName
from kiosk.ui.screens.capture import CaptureScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.resident_id import ResidentIdScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.settings import SettingsScreen
from kiosk.ui.screens.start import StartScreen
from kiosk.ui.screens.status import StatusScreen
from kiosk.ui.screens.trouble import TroubleScreen
from kiosk.ui.screens.usb_import import UsbImportScreen

log = logging.getLogger("kiosk.ui")


@dataclass(frozen=True)
class Screens:
    """The screens the window frames, built by the composition root."""

    start: StartScreen
    resident_id: ResidentIdScreen
    capture: CaptureScreen
    review: ReviewScreen
    done: DoneScreen
    status: StatusScreen
    settings: SettingsScreen
    trouble: TroubleScreen
    usb_import: UsbImportScreen


class MainWindow(QMainWindow):
    screen_changed = Signal(str)  # the navigator's, for whoever holds the window
    home_requested = Signal()  # Escape away from the start screen
    first_frame = Signal()  # once, just after the window was first painted (start-up loads)

    def __init__(self, navigator: Navigator, screens: Screens, idle: IdleWatcher) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.navigator = navigator
        navigator.setParent(self)
        self.stack = navigator.stack
        self.setCentralWidget(self.stack)
        navigator.screen_changed.connect(self.screen_changed)
        self.start, self.resident_id, self.capture = (screens.start, screens.resident_id,
                                                      screens.capture)
        self.review, self.done, self.status = screens.review, screens.done, screens.status
        self.settings, self.trouble = screens.settings, screens.trouble
        self.usb_import = screens.usb_import
        for name, screen in ((ScreenName.START, self.start),
                             (ScreenName.RESIDENT_ID, self.resident_id),
                             (ScreenName.CAPTURE, self.capture), (ScreenName.REVIEW, self.review),
                             (ScreenName.DONE, self.done), (ScreenName.STATUS, self.status),
                             (ScreenName.SETTINGS, self.settings),
                             (ScreenName.TROUBLE, self.trouble),
                             (ScreenName.USB_IMPORT, self.usb_import)):
            navigator.add(name, screen)
        # "are you still there?" over whatever screen is up; gone at any touch or the reset
        self.idle_warning = IdleWarning(self)
        idle.warning.connect(self.idle_warning.show_countdown)
        idle.cancelled.connect(self.idle_warning.hide)
        idle.expired.connect(self.idle_warning.hide)
        self.settings.quit_requested.connect(self.close)
        self._screen_followed: QScreen | None = None
        self._painted = False
        self.setWindowTitle(self.tr("医保报销自助机"))

    def hide_idle_warning(self) -> None:
        """Back to the start: no "are you still there?" left over it."""
        self.idle_warning.hide()

    def current_screen(self) -> ScreenName:
        return self.navigator.current()

    def show_screen(self, name: ScreenName | str) -> None:
        self.navigator.show(name)

    def fill_screen(self) -> None:
        """Full screen on every platform plugin: sized to the screen's geometry by hand.

        `showFullScreen()` only asks a window manager; on plain X without one (as many kiosks
        run), the window keeps its size hint and grows whenever a layout wants more room.
        A fixed size equal to the screen's, at its top-left corner, holds with or without a
        window manager, on xcb, Wayland (cage) and offscreen alike, and follows the screen
        when it is turned or changes resolution.
        """
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.showFullScreen()
            return
        if self._screen_followed is not screen:
            if self._screen_followed is not None:
                self._screen_followed.geometryChanged.disconnect(self._fit)
            screen.geometryChanged.connect(self._fit)
            self._screen_followed = screen
        self._fit(screen.geometry())
        self.showFullScreen()

    def _fit(self, geometry: QRect) -> None:
        self.setFixedSize(geometry.size())  # no layout can grow the window past the screen
        self.setGeometry(geometry)  # the client area, not the frame (none when full screen)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_frame.emit)  # after this frame reaches the screen

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        landscape = event.size().width() > event.size().height()
        for _name, screen in self.navigator.screens():  # the hidden ones too (Screen.arrange)
            screen.set_landscape(landscape)
        self.stack.updateGeometry()
        if self.idle_warning.isVisible():
            self.idle_warning.setGeometry(self.rect())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.current_screen() != ScreenName.START:
            self.home_requested.emit()
            return
        super().keyPressEvent(event)
