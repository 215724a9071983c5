"""Which screen is up: typed screen names and the one place that changes them.

The window (`kiosk.ui.main_window`) is a frame around a stack of screens; the `Navigator`
knows each screen by its `ScreenName`, shows one, and tells whoever listens
(`screen_changed`) — the camera, the idle timer and the voice react there
(`kiosk.ui.claim_screens.ScreenEffects`), the assistant's home refreshes itself. It holds no
workflow: what comes next is `kiosk.claims.flow`'s business.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from enum import StrEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from kiosk.ui.screens.base import Screen

log = logging.getLogger("kiosk.ui")


class ScreenName(StrEnum):
    START = "start"
    RESIDENT_ID = "resident_id"
    CAPTURE = "capture"
    REVIEW = "review"
    DONE = "done"
    STATUS = "status"
    SETTINGS = "settings"
    TROUBLE = "trouble"
    USB_IMPORT = "usb_import"  # pictures and PDFs from a USB stick
    ASSISTANT_SIGN_IN = "assistant_sign_in"
    ASSISTANT_HOME = "assistant_home"
    ASSISTANTS = "assistants"  # the technician's list of assistants
    FIRST_START = "first_start"  # the first-start wizard, behind the technician PIN


class Navigator(QObject):
    """Shows one screen of the stack at a time, by name."""

    screen_changed = Signal(str)  # a ScreenName

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = QStackedWidget()  # the window's central widget
        self._stack = self.stack
        self._screens: dict[ScreenName, Screen] = {}
        self._effects: list[Callable[[ScreenName], None]] = []

    def add_effect(self, effect: Callable[[ScreenName], None]) -> None:
        """`effect(name)` each time a screen is shown, before `screen_changed` is told."""
        self._effects.append(effect)

    def add(self, name: ScreenName, screen: Screen) -> None:
        self._screens[name] = screen
        self._stack.addWidget(screen)

    def screens(self) -> Iterator[tuple[ScreenName, Screen]]:
        yield from self._screens.items()

    def current(self) -> ScreenName:
        widget = self._stack.currentWidget()
        return next(k for k, v in self._screens.items() if v is widget)

    def show(self, name: ScreenName | str) -> None:
        name = ScreenName(name)
        self._stack.setCurrentWidget(self._screens[name])
        log.debug("screen %s", name)
        for effect in self._effects:
            effect(name)
        self.screen_changed.emit(name)

    def reset_all(self) -> None:
        """Every screen forgets what a resident left on it."""
        for screen in self._screens.values():
            screen.reset()
