"""Idle input, watched by application-wide event filters that notice every touch, click or key.

Privacy timeout (`IdleWatcher`): after `timeout_ms` without input `warning` is emitted (the
window shows "还在吗？"); any input then cancels it. After a further `grace_ms` `expired` is
emitted and the window clears the session. The watcher only runs while `armed` (a resident's
data may be on screen).

The night (`NightScreen`): outside the opening hours an idle start screen goes dark (the
backlight off, a black `DarkCover` over the window); the first touch or key only wakes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout, QWidget

from kiosk.core.night import Backlight, OpeningHours
from kiosk.ui.widgets import big_button, label

ACTIVITY = frozenset({
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove,
    QEvent.Type.KeyPress, QEvent.Type.Wheel, QEvent.Type.TabletPress,
})
# Everything a finger, mouse or key sends: none of it reaches a widget while the screen is dark
# or while the touch that woke it is still down.
INPUT = ACTIVITY | frozenset({
    QEvent.Type.TouchCancel, QEvent.Type.MouseButtonDblClick, QEvent.Type.KeyRelease,
    QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut, QEvent.Type.TabletMove,
    QEvent.Type.TabletRelease, QEvent.Type.ContextMenu, QEvent.Type.NativeGesture,
    QEvent.Type.Gesture,
})
PRESSES = frozenset({QEvent.Type.TouchBegin, QEvent.Type.MouseButtonPress,
                     QEvent.Type.KeyPress, QEvent.Type.TabletPress})
RELEASES = frozenset({QEvent.Type.TouchEnd, QEvent.Type.TouchCancel,
                      QEvent.Type.MouseButtonRelease, QEvent.Type.KeyRelease,
                      QEvent.Type.TabletRelease})

WAKING_TOUCH_MAX_MS = 2000  # a press this long after the waking one is a new touch

log = logging.getLogger("kiosk.ui.night")


class IdleWatcher(QObject):
    warning = Signal(int)  # seconds left before the reset
    cancelled = Signal()  # input arrived while warning
    expired = Signal()

    def __init__(self, timeout_ms: int, grace_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = timeout_ms
        self.grace_ms = grace_ms
        self.warning_shown = False
        self._armed = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._warn)
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.timeout.connect(self._expire)

    def set_times(self, *, timeout_ms: int | None = None, grace_ms: int | None = None) -> None:
        """New times from the settings; they count from the next input."""
        if timeout_ms is not None:
            self.timeout_ms = timeout_ms
        if grace_ms is not None:
            self.grace_ms = grace_ms

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in ACTIVITY:
            self.poke()
        return False

    @property
    def armed(self) -> bool:
        return self._armed

    def arm(self) -> None:
        self._armed = True
        self.poke()

    def disarm(self) -> None:
        self._armed = False
        self._idle.stop()
        self._grace.stop()
        self.warning_shown = False

    def poke(self) -> None:
        """Input seen: restart the countdown, cancel a warning on screen."""
        if not self._armed:
            return
        if self.warning_shown:
            self.warning_shown = False
            self._grace.stop()
            self.cancelled.emit()
        self._idle.start(self.timeout_ms)

    def _warn(self) -> None:
        self.warning_shown = True
        self._grace.start(self.grace_ms)
        self.warning.emit(max(1, round(self.grace_ms / 1000)))

    def _expire(self) -> None:
        self.disarm()
        self.expired.emit()


class IdleWarning(QFrame):
    """Covers the screen: "are you still there?" — any touch dismisses it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idleWarning")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(64, 64, 64, 64)
        self.title = label(role="huge", name="idleTitle")
        self.text = label(role="large", name="idleText")
        self.ok = big_button("", kind="primary", name="stillHere")
        self.ok.clicked.connect(self.hide)
        self._left = 0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        lay.addStretch(1)
        lay.addWidget(self.title)
        lay.addWidget(self.text)
        lay.addWidget(self.ok)
        lay.addStretch(1)
        self.hide()

    def show_countdown(self, seconds: int) -> None:
        self._left = seconds
        self.title.setText(self.tr("您还在吗？"))
        self.ok.setText(self.tr("我还在，继续"))
        self._show_left()
        self._tick.start()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def _show_left(self) -> None:
        self.text.setText(self.tr("{s}秒后回到首页，您刚才输入的信息会被清除。")
                          .format(s=self._left))

    def _count_down(self) -> None:
        self._left = max(0, self._left - 1)
        self._show_left()

    def hideEvent(self, event: Any) -> None:
        self._tick.stop()
        super().hideEvent(event)


class DarkCover(QWidget):
    """Black over the whole window: the screen at night (with the backlight off where the
    panel has one), and the thing a waking finger lands on instead of a button."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("darkCover")
        self.setAccessibleName(self.tr("夜间熄屏：轻触屏幕点亮"))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent covers it all
        self.setCursor(Qt.CursorShape.BlankCursor)
        parent.installEventFilter(self)
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        # painted, not styled: the app's QSS sets widget backgrounds, and a stylesheet
        # background here would lose to a later, more specific rule
        QPainter(self).fillRect(self.rect(), QColor(0, 0, 0))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.setAccessibleName(self.tr("夜间熄屏：轻触屏幕点亮"))
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False


class NightScreen(QObject):
    """Dark at night, lit by a touch; an application-wide event filter.

    Outside `hours`, once `dark_after_ms` have passed without input and nothing is `busy`
    (a claim or any screen but the start, the privacy watcher armed, a dialog open), the
    backlight goes off and the cover goes up. The touch or key that wakes it is swallowed
    whole (press, moves and release), so it never also presses the button under the finger.
    When the opening hours begin the screen lights by itself. `hours` None: never dark.

    `clock` gives the local time of day (tests pass a fake); the idle time itself is
    measured on Qt's monotonic clock, `check_ms` is how often the hours are looked at.
    """

    darkened = Signal()
    woken = Signal()

    def __init__(self, cover: DarkCover, hours: OpeningHours | None, dark_after_ms: int, *,
                 backlight: Backlight | None = None, busy: Callable[[], bool] = lambda: False,
                 clock: Callable[[], datetime] = datetime.now, check_ms: int = 15_000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cover, self.hours, self.dark_after_ms = cover, hours, dark_after_ms
        self.backlight, self.busy, self.clock = backlight, busy, clock
        self._dark = False
        self._swallow = False  # the waking touch is still going on
        self._gesture_down = False
        self._woke = QElapsedTimer()  # since the waking touch began
        self._since_input = QElapsedTimer()
        self._since_input.start()
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self.check)
        self._tick = QTimer(self)
        self._tick.setInterval(check_ms)
        self._tick.timeout.connect(self.check)
        if hours is not None:
            self._idle.start(dark_after_ms)
            self._tick.start()

    @property
    def dark(self) -> bool:
        return self._dark

    def set_timing(self, *, dark_after_ms: int, check_ms: int) -> None:
        """How long idle before dark, and how often the hours are looked at."""
        self.dark_after_ms = dark_after_ms
        self._tick.setInterval(check_ms)
        if self.hours is not None:
            self._idle.start(dark_after_ms)

    def is_open(self) -> bool:
        return self.hours is None or self.hours.is_open(self.clock().time())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in INPUT:
            return False
        if self._dark:
            if kind in PRESSES or kind == QEvent.Type.Wheel:
                self.wake()
                self._swallow, self._gesture_down = True, kind != QEvent.Type.Wheel
                self._woke.start()
            return True  # a release or move alone neither wakes nor reaches anything
        if self._swallow:
            if kind in RELEASES:
                self._gesture_down = False
                return True
            # a new touch after the waking one ended goes through; so does one after a release
            # that never came (a key whose release went to another window)
            if kind in PRESSES and (not self._gesture_down
                                    or self._woke.elapsed() > WAKING_TOUCH_MAX_MS):
                self._swallow = False
            else:
                return True  # the waking touch's own press (mouse made from touch), moves
        if kind in ACTIVITY:
            self._input_seen()
        return False

    def _input_seen(self) -> None:
        self._since_input.restart()
        if self.hours is not None:
            self._idle.start(self.dark_after_ms)

    def check(self) -> None:
        """Dark or lit, as the hour, the idle time and the screen ask."""
        if self.hours is None:
            return
        if self._dark:
            if self.is_open() or self.busy():
                self.wake()
            return
        if self.is_open() or self.busy() or QApplication.activeModalWidget() is not None:
            return
        if self._since_input.elapsed() >= self.dark_after_ms:
            self.darken()

    def darken(self) -> None:
        if self._dark:
            return
        self._dark = True
        self.cover.cover()
        lit_off = self.backlight.off() if self.backlight is not None else False
        log.info("screen dark for the night (%s)", "backlight off" if lit_off
                 else "black cover; no backlight to switch off")
        self.darkened.emit()

    def wake(self) -> None:
        if not self._dark:
            return
        self._dark = False
        if self.backlight is not None:
            self.backlight.on()
        self.cover.hide()
        self._input_seen()
        log.info("screen woken")
        self.woken.emit()

    def stop(self) -> None:
        """Closing: lit again, timers off."""
        self._idle.stop()
        self._tick.stop()
        self.wake()
