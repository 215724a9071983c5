"""Screens that fought the person in the walk-through (issue 15): the keypad moved under the
finger when its error line came and went; the review had no way to stop; without a printer
the resident was told to write a number down."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QWidget
from support.kiosk_ui import FixedReader, button, to_review

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


def test_the_pin_keypad_keeps_its_place_after_a_wrong_pin(make_kiosk, qtbot, tmp_path):
    from kiosk.auth.pin import PinStore

    kiosk = make_kiosk()
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin("246810")  # a wrong PIN
    w = kiosk.window  # can only be typed where there is one: the gate's check mode
    with qtbot.waitSignal(w.settings.gate_ready, timeout=5000):  # the mode, known: it was
        w.show_screen("settings")  # a race with the 20 ms waits below
    gate = w.settings.gate
    qtbot.waitUntil(lambda: gate.keypad.isVisible(), timeout=5000)
    before = key_places(w, gate.keypad)
    gate.show_error("PIN不对，还可以试2次。")
    qtbot.wait(20)
    assert gate.error.isVisible() and key_places(w, gate.keypad) == before
    tap(qtbot, gate.keypad, "key_1")
    qtbot.wait(20)
    assert key_places(w, gate.keypad) == before



def test_the_resident_can_stop_on_the_review_with_a_second_tap(make_kiosk, qtbot):
    rec = sample_recognition(61)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=61)
    w = kiosk.window
    to_review(qtbot, kiosk, 61, signed_in=None)
    first_uid = kiosk.flow.session.uid
    tap(qtbot, w.review, "cancelClaim")
    assert w.current_screen() == "review"  # one tap only asks
    assert "再点一次" in w.review.cancel_btn.text()
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=5000):
        tap(qtbot, w.review, "cancelClaim")
    assert w.current_screen() == "start"
    assert kiosk.flow.session.uid != first_uid and kiosk.flow.session.receipts == []
    assert kiosk.store.counts() == {} or sum(kiosk.store.counts().values()) == 0
    assert "再点一次" not in w.review.cancel_btn.text()  # the next resident starts afresh


class _SlowEngine:
    """An engine whose load waits until the test lets it go (as onnxruntime takes seconds)."""

    release = None  # a threading.Event, set by the test
    loaded_on = None

    def load(self) -> None:
        import threading

        type(self).loaded_on = threading.current_thread()
        assert type(self).release is not None
        type(self).release.wait(10)

    def recognize_bytes(self, data: bytes, name: str) -> dict:
        return sample_recognition(62)


def test_the_start_screen_is_up_and_answers_while_the_engine_loads(make_kiosk, qtbot):
    import threading

    _SlowEngine.release = threading.Event()
    _SlowEngine.loaded_on = None
    try:
        kiosk = make_kiosk(ocr=True, recognizer=_SlowEngine)  # returns: nothing loads yet
        w = kiosk.window
        qtbot.waitUntil(lambda: _SlowEngine.loaded_on is not None, timeout=5000)
        assert _SlowEngine.loaded_on is not threading.main_thread()  # behind the screen
        assert not kiosk.ocr.ready
        assert w.current_screen() == "start" and w.start.preparing.isVisible()
        tap(qtbot, w.start, "fileClaim")  # the screen answers during the load
        assert w.current_screen() == "resident_id"
    finally:
        _SlowEngine.release.set()
    qtbot.waitUntil(lambda: kiosk.ocr.ready, timeout=10_000)
    assert not w.start.preparing.isVisible()


def test_the_splash_is_painted_before_anything_of_the_kiosk_is_imported(qapp):
    import subprocess
    import sys

    code = ("import sys, time\n"
            "from kiosk.ui.splash import close_splash, show_splash\n"
            "s = show_splash()\n"
            "print(s.painted_at is not None, 'kiosk.store' in sys.modules, s.size().width())\n"
            "close_splash()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    painted, store_imported, width = done.stdout.split()
    assert painted == "True" and store_imported == "False" and int(width) > 0


def test_my_claims_shows_hospital_amount_state_and_what_next_in_large_type(make_kiosk, qtbot):
    rec = dict(sample_recognition(63), payer_name="王秀兰")
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=63)
    w = kiosk.window
    to_review(qtbot, kiosk, 63, signed_in=None)
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, w.review, "confirmClaim")
    tap(qtbot, w.done, "finish")
    tap(qtbot, w.start, "checkStatus")
    for ch in sample_id_number(63):
        tap(qtbot, w.resident_id, f"key_{ch}")
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "status"):
        tap(qtbot, w.resident_id, "confirmId")
    text = w.status.list.item(0).text()
    assert f"{filed.args[0]:06d}" in text and rec["hospital"] in text
    assert f"{rec['total']} 元" in text and "等待联网发送" in text and "接下来" in text
    assert w.status.list.font().pixelSize() >= w.start.hint.font().pixelSize()


def test_the_next_resident_starts_at_the_top_of_the_review(make_kiosk, qtbot):
    recs = [dict(sample_recognition(64 + i), payer_name="王秀兰") for i in range(2)]
    kiosk = make_kiosk(recognizer=lambda: FixedReader(*recs), sample_seed=64)
    w = kiosk.window
    w.resize(1080, 1200)  # short enough for the receipt to scroll
    to_review(qtbot, kiosk, 64, signed_in=None)
    bar = w.review.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=5000):
        tap(qtbot, w.review, "cancelClaim")
        tap(qtbot, w.review, "cancelClaim")
    assert bar.value() == 0
