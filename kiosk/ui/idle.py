"""Privacy timeout: an application-wide event filter that notices every touch, click or key.

After `timeout_ms` without input `warning` is emitted (the window shows "还在吗？"); any input
then cancels it. After a further `grace_ms` `expired` is emitted and the window clears the
session. The watcher only runs while `armed` (a resident's data may be on screen).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

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
