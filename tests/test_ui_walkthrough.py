"""Screens that fought the person in the walk-through (issue 15): the keypad moved under the
finger when its error line came and went; the review had no way to stop; without a printer
the resident was told to write a number down."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QWidget
from support.kiosk_ui import FixedReader, button

from kiosk.store.samples import sample_id_number, sample_recognition


def tap(qtbot, widget, name: str) -> None:
    b = button(widget, name)
    assert b.isVisible() and b.isEnabled(), f"{name} cannot be tapped"
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)


def key_places(window: QWidget, pad: QWidget) -> dict[str, tuple[int, int, int, int]]:
    """Every key of a pad where the finger meets it (window coordinates)."""
    out = {}
    for b in pad.findChildren(QPushButton):
        p = b.mapTo(window, QPoint(0, 0))
        out[b.objectName()] = (p.x(), p.y(), b.width(), b.height())
    return out


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_the_id_keypad_keeps_its_place_when_the_error_comes_and_goes(make_kiosk, qtbot, size):
    kiosk = make_kiosk()
    w = kiosk.window
    w.resize(*size)
    tap(qtbot, w.start, "fileClaim")
    screen = w.resident_id
    qtbot.wait(20)
    before = key_places(w, screen.keypad)
    for ch in "3201":
        tap(qtbot, screen.keypad, f"key_{ch}")
    tap(qtbot, screen, "confirmId")  # too short: the red line appears
    assert screen.error.isVisible()
    qtbot.wait(20)
    assert key_places(w, screen.keypad) == before
    tap(qtbot, screen.keypad, "key_0")  # the next key hides it again
    assert not screen.error.isVisible()
    qtbot.wait(20)
    assert key_places(w, screen.keypad) == before


def test_the_pin_keypad_keeps_its_place_after_a_wrong_pin(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    w.show_screen("settings")
    gate = w.settings.gate
    qtbot.waitUntil(lambda: gate.keypad.isVisible(), timeout=5000)
    before = key_places(w, gate.keypad)
    gate.show_error("PIN不对，还可以试2次。")
    qtbot.wait(20)
    assert gate.error.isVisible() and key_places(w, gate.keypad) == before
    tap(qtbot, gate.keypad, "key_1")
    qtbot.wait(20)
    assert key_places(w, gate.keypad) == before


def to_review(qtbot, kiosk, seed: int) -> None:
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    for ch in sample_id_number(seed):
        tap(qtbot, w.resident_id, f"key_{ch}")
    tap(qtbot, w.resident_id, "confirmId")
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")


def test_the_resident_can_stop_on_the_review_with_a_second_tap(make_kiosk, qtbot):
    rec = sample_recognition(61)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=61)
    w = kiosk.window
    to_review(qtbot, kiosk, 61)
    first_uid = w.session.uid
    tap(qtbot, w.review, "cancelClaim")
    assert w.current_screen() == "review"  # one tap only asks
    assert "再点一次" in w.review.cancel_btn.text()
    with qtbot.waitSignal(w.went_home, timeout=5000):
        tap(qtbot, w.review, "cancelClaim")
    assert w.current_screen() == "start"
    assert w.session.uid != first_uid and w.session.receipts == []
    assert kiosk.store.counts() == {} or sum(kiosk.store.counts().values()) == 0
    assert "再点一次" not in w.review.cancel_btn.text()  # the next resident starts afresh
