"""The technician's settings screen: PIN hashed with scrypt, locked after repeated failures."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from support.kiosk_ui import button

from kiosk.ui.pin import PinStore


def enter_pin(qtbot, w, pin: str) -> None:
    for ch in pin:
        qtbot.mouseClick(button(w.settings, f"key_{ch}"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(w.settings.pin_entered, timeout=1000):
        qtbot.mouseClick(button(w.settings, "confirmPin"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button(w.settings, "confirmPin").isEnabled(), timeout=5000)


def test_pin_lockout_after_repeated_failures(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk(pin_attempts=3, pin_lockout_s=600)
    w = kiosk.window
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin("246810")
    qtbot.mouseClick(button(w.start, "technician"), Qt.MouseButton.LeftButton)
    assert w.current_screen() == "settings"
    enter_pin(qtbot, w, "111111")
    assert "还可以试2次" in w.settings.pin_error.text()
    enter_pin(qtbot, w, "222222")
    assert "还可以试1次" in w.settings.pin_error.text()
    enter_pin(qtbot, w, "333333")
    assert "分钟后再试" in w.settings.pin_error.text()
    enter_pin(qtbot, w, "246810")  # the right PIN, but locked
    assert not w.settings.unlocked
    assert "分钟后再试" in w.settings.pin_error.text()


def test_the_right_pin_opens_the_settings(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin("246810")
    qtbot.mouseClick(button(w.start, "technician"), Qt.MouseButton.LeftButton)
    enter_pin(qtbot, w, "246810")
    assert w.settings.unlocked
    qtbot.waitUntil(lambda: w.settings.form.rowCount() > 4, timeout=5000)
    qtbot.mouseClick(button(w.settings, "finish"), Qt.MouseButton.LeftButton)
    assert w.current_screen() == "start"
    assert not w.settings.unlocked  # locked again for the next person


def test_pin_file_holds_a_salted_hash_and_the_lock_survives_a_restart(tmp_path):
    now = [1000.0]
    path = tmp_path / "pin.json"
    pins = PinStore(path, attempts=2, lockout_s=60, clock=lambda: now[0])
    assert pins.check("12345").ok is False  # too short to become the first PIN
    assert pins.check("135790").newly_set
    stored = path.read_text()
    assert "135790" not in stored
    assert set(json.loads(stored)) >= {"salt", "hash"}
    assert path.stat().st_mode & 0o077 == 0
    assert pins.check("000000").attempts_left == 1
    assert pins.check("000000").locked_for_s == 60
    again = PinStore(path, attempts=2, lockout_s=60, clock=lambda: now[0])
    assert again.check("135790").locked_for_s > 0
    now[0] += 61
    assert again.check("135790").ok


def test_switching_to_english_retranslates_the_screens(make_kiosk, qtbot, tmp_path):
    from pathlib import Path

    if not (Path(__file__).parents[1] / "resources/translations/kiosk_en.qm").exists():
        import subprocess

        subprocess.run(["sh", "packaging/build-translations.sh"], check=True,
                       cwd=Path(__file__).parents[1])
    kiosk = make_kiosk()
    w = kiosk.window
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin("246810")
    qtbot.mouseClick(button(w.start, "technician"), Qt.MouseButton.LeftButton)
    enter_pin(qtbot, w, "246810")
    qtbot.mouseClick(button(w.settings, "lang_en"), Qt.MouseButton.LeftButton)
    start = button(w.start, "fileClaim")
    try:  # Qt posts the LanguageChange events: wait for them, do not sleep
        qtbot.waitUntil(lambda: start.text() == "File a claim", timeout=2000)
        assert button(w.start, "technician").accessibleName() == "Technician settings"
    finally:
        qtbot.mouseClick(button(w.settings, "lang_zh_CN"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: start.text() == "我要报销", timeout=2000)
