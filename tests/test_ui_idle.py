"""Privacy: after the idle timeout the kiosk warns, then forgets the resident and goes home."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEventPoint, QPointingDevice, QTouchEvent
from support.kiosk_ui import button

from kiosk.store.samples import sample_id_number


def enter_id_digits(qtbot, w, digits: str) -> None:
    qtbot.mouseClick(button(w.start, "fileClaim"), Qt.MouseButton.LeftButton)
    for ch in digits:
        qtbot.mouseClick(button(w.resident_id, f"key_{ch}"), Qt.MouseButton.LeftButton)


def test_idle_warns_then_clears_back_to_start(make_kiosk, qtbot):
    kiosk = make_kiosk(idle_ms=(200, 300))
    w = kiosk.window
    enter_id_digits(qtbot, w, sample_id_number(9)[:10])
    assert w.resident_id.number
    with qtbot.waitSignal(kiosk.idle.warning, timeout=3000):
        pass
    assert w.idle_warning.isVisible()
    assert w.current_screen() == "resident_id"  # warned, not yet cleared
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=3000):
        pass
    assert w.current_screen() == "start"
    assert not w.idle_warning.isVisible()
    assert w.resident_id.number == ""
    assert kiosk.flow.session.id_number == ""
    assert not kiosk.idle.armed  # the start screen shows nothing personal


def test_a_touch_during_the_warning_keeps_the_session(make_kiosk, qtbot):
    kiosk = make_kiosk(idle_ms=(200, 5000))
    w = kiosk.window
    enter_id_digits(qtbot, w, "3201")
    with qtbot.waitSignal(kiosk.idle.warning, timeout=3000):
        pass
    device = QPointingDevice.primaryPointingDevice()
    point = QEventPoint(0, QEventPoint.State.Pressed, QPointF(10, 10), QPointF(10, 10))
    touch = QTouchEvent(QEvent.Type.TouchBegin, device, Qt.KeyboardModifier.NoModifier,
                        [point])
    with qtbot.waitSignal(kiosk.idle.cancelled, timeout=1000):
        kiosk.idle.eventFilter(w, touch)
    assert not w.idle_warning.isVisible()
    assert w.current_screen() == "resident_id"
    assert w.resident_id.number == "3201"


def test_the_start_screen_does_not_time_out(make_kiosk, qtbot):
    kiosk = make_kiosk(idle_ms=(50, 50))
    assert not kiosk.idle.armed
    with qtbot.assertNotEmitted(kiosk.idle.warning, wait=300):
        pass


def test_going_home_takes_the_warning_away(make_kiosk, qtbot):
    """Back to the start by any way (here the review's cancel, a bug screen's "home"): the
    countdown is not left over the start screen."""
    kiosk = make_kiosk(idle_ms=(60_000, 60_000))
    w = kiosk.window
    enter_id_digits(qtbot, w, "3201")
    kiosk.idle.warning.emit(20)
    assert w.idle_warning.isVisible()
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=3000):
        kiosk.claims.go_home()
    assert w.current_screen() == "start" and not w.idle_warning.isVisible()
