"""Privacy timeout: an application-wide event filter that notices every touch, click or key.

After `timeout_ms` without input `warning` is emitted (the window shows "还在吗？"); any input
then cancels it. After a further `grace_ms` `expired` is emitted and the window clears the
session. The watcher only runs while `armed` (a resident's data may be on screen).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.widgets import big_button, label

ACTIVITY = frozenset({
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove,
    QEvent.Type.KeyPress, QEvent.Type.Wheel, QEvent.Type.TabletPress,
})


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
