"""Dark at night, touch to wake: real widgets, real mouse, touch and key events (QTest), a
sysfs-like backlight folder in tmp_path and a clock the test sets."""

from __future__ import annotations

import logging
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from support.kiosk_ui import button, tap

from kiosk.core.config import ConfigError, load_settings
from kiosk.core.night import Backlight, OpeningHours
from kiosk.ui.idle import WAKING_TOUCH_MAX_MS, DarkCover, NightScreen

REPO = Path(__file__).resolve().parents[1]
HOURS = OpeningHours.parse("07:00-20:00")


class Clock:
    """The wall clock, set by the test."""

    def __init__(self, hhmm: str) -> None:
        self.set(hhmm)

    def set(self, hhmm: str) -> None:
        self.now = datetime.strptime(f"2026-12-03 {hhmm}", "%Y-%m-%d %H:%M")

    def __call__(self) -> datetime:
        return self.now


def panel(root: Path, name: str = "intel_backlight", level: int = 480,
          top: int = 960) -> Path:
    """One sysfs-like backlight: brightness and max_brightness."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "brightness").write_text(f"{level}\n")
    (folder / "max_brightness").write_text(f"{top}\n")
    return folder


def brightness(folder: Path) -> int:
    return int((folder / "brightness").read_text())


def all_black(widget: QWidget) -> bool:
    """What the widget paints (its style sheet and children included) is black throughout."""
    image = widget.grab().toImage()
    spots = [(x, y) for x in (1, image.width() // 2, image.width() - 2)
             for y in (1, image.height() // 2, image.height() - 2)]
    return image.width() > 10 and all(image.pixelColor(x, y).name() == "#000000"
                                      for x, y in spots)


@pytest.fixture
def screen(qtbot, qapp, tmp_path):
    """A window with one button, its dark cover and night watcher (50 ms idle at night)."""
    made: list[NightScreen] = []

    def make(clock: Clock, *, backlight_root: Path | None = None,
             hours: OpeningHours | None = HOURS, busy=lambda: False):
        window = QWidget()
        qtbot.addWidget(window)
        lay = QVBoxLayout(window)
        press = QPushButton("办理报销", window)
        press.setObjectName("press")
        lay.addWidget(press)
        window.resize(600, 800)
        window.show()
        qtbot.waitExposed(window)
        root = backlight_root if backlight_root is not None else tmp_path / "backlight"
        night = NightScreen(DarkCover(window), hours, 50, backlight=Backlight(root),
                            busy=busy, clock=clock, check_ms=20)
        qapp.installEventFilter(night)
        made.append(night)
        return window, press, night

    yield make
    for night in made:
        qapp.removeEventFilter(night)
        night.stop()
        night.deleteLater()


def test_dark_at_night_and_the_waking_click_presses_nothing(screen, qtbot, tmp_path):
    lamp = panel(tmp_path / "backlight", level=480)
    window, press, night = screen(Clock("22:30"))
    qtbot.waitUntil(lambda: night.dark, timeout=3000)
    assert brightness(lamp) == 0
    assert night.cover.isVisible() and night.cover.geometry() == window.rect()
    with qtbot.assertNotEmitted(press.clicked), qtbot.waitSignal(night.woken, timeout=1000):
        qtbot.mouseClick(press, Qt.MouseButton.LeftButton)
    assert not night.dark and not night.cover.isVisible()
    assert brightness(lamp) == 480  # the brightness it had, not the maximum
    with qtbot.waitSignal(press.clicked, timeout=1000):  # awake: the next touch works
        qtbot.mouseClick(press, Qt.MouseButton.LeftButton)


def test_a_finger_on_the_touchscreen_wakes_it_without_pressing(screen, qtbot, tmp_path):
    lamp = panel(tmp_path / "backlight", level=0, top=255)  # left dark by a crash
    window, press, night = screen(Clock("05:10"))
    qtbot.waitUntil(lambda: night.dark, timeout=3000)
    finger = QTest.createTouchDevice()
    spot = press.mapTo(window, press.rect().center())
    clicks: list[bool] = []
    press.clicked.connect(lambda: clicks.append(True))
    QTest.touchEvent(window, finger).press(0, spot, window).commit()
    assert not night.dark  # lit the moment the finger lands
    QTest.touchEvent(window, finger).move(0, spot + QPoint(3, 2), window).commit()
    QTest.touchEvent(window, finger).release(0, spot, window).commit()
    assert clicks == []
    assert brightness(lamp) == 255  # nothing remembered: the panel's maximum
    QTest.touchEvent(window, finger).press(0, spot, window).commit()
    QTest.touchEvent(window, finger).release(0, spot, window).commit()
    qtbot.waitUntil(lambda: clicks == [True], timeout=1000)


def test_a_key_wakes_it_without_pressing_the_focused_button(screen, qtbot, tmp_path):
    _window, press, night = screen(Clock("23:59"))
    press.setFocus()
    qtbot.waitUntil(lambda: night.dark, timeout=3000)
    with qtbot.assertNotEmitted(press.clicked):
        QTest.keyClick(press, Qt.Key.Key_Space)
    assert not night.dark
    with qtbot.waitSignal(press.clicked, timeout=1000):
        QTest.keyClick(press, Qt.Key.Key_Space)


def test_a_waking_key_whose_release_never_comes_does_not_eat_the_next_touch(screen, qtbot):
    _window, press, night = screen(Clock("01:00"))
    qtbot.waitUntil(lambda: night.dark, timeout=3000)
    night.set_timing(dark_after_ms=60_000, check_ms=20)  # not dark again while the test waits
    woken = QElapsedTimer()
    with qtbot.waitSignal(night.woken, timeout=1000):
        QTest.keyPress(press, Qt.Key.Key_A)  # its release went elsewhere
    woken.start()
    with qtbot.assertNotEmitted(press.clicked):  # soon after: still the waking gesture
        qtbot.mouseClick(press, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: woken.elapsed() > WAKING_TOUCH_MAX_MS + 50, timeout=5000)
    with qtbot.waitSignal(press.clicked, timeout=1000):
        qtbot.mouseClick(press, Qt.MouseButton.LeftButton)


def test_never_dark_in_opening_hours_and_lit_when_they_begin(screen, qtbot, tmp_path):
    lamp = panel(tmp_path / "backlight", level=700)
    clock = Clock("19:59")
    _window, _press, night = screen(clock)
    with qtbot.assertNotEmitted(night.darkened, wait=300):  # idle 6× dark_after, still open
        pass
    assert brightness(lamp) == 700
    with qtbot.waitSignal(night.darkened, timeout=3000):
        clock.set("20:00")  # closing time: closes is excluded
    assert brightness(lamp) == 0
    with qtbot.waitSignal(night.woken, timeout=3000):
        clock.set("07:00")  # morning: lit by itself, nobody had to touch it
    assert brightness(lamp) == 700 and not night.cover.isVisible()


def test_without_a_backlight_the_black_cover_darkens_it(screen, qtbot, tmp_path, caplog):
    window, press, night = screen(Clock("02:00"), backlight_root=tmp_path / "none")
    with caplog.at_level(logging.INFO, logger="kiosk.ui.night"):
        qtbot.waitUntil(lambda: night.dark, timeout=3000)
    assert "black cover" in caplog.text
    cover = night.cover
    assert cover.isVisible() and all_black(cover)
    window.resize(800, 600)  # the screen turned: the cover follows
    qtbot.waitUntil(lambda: cover.geometry() == window.rect(), timeout=1000)
    with qtbot.assertNotEmitted(press.clicked):
        qtbot.mouseClick(press, Qt.MouseButton.LeftButton)
    assert not night.dark


def test_a_backlight_it_may_not_write_leaves_the_cover_doing_it(screen, qtbot, tmp_path,
                                                               caplog):
    root = tmp_path / "backlight"
    lamp = panel(root, level=300)
    (lamp / "brightness").unlink()
    (lamp / "brightness").mkdir()  # cannot be written, even by root
    _window, _press, night = screen(Clock("21:00"), backlight_root=root)
    with caplog.at_level(logging.WARNING, logger="kiosk.night"):
        qtbot.waitUntil(lambda: night.dark, timeout=3000)
    assert "cannot set the backlight" in caplog.text and night.cover.isVisible()


def test_dark_at_night_off_never_darkens(screen, qtbot):
    _window, press, night = screen(Clock("03:00"), hours=None)
    with qtbot.assertNotEmitted(night.darkened, wait=300):
        pass
    with qtbot.waitSignal(press.clicked, timeout=1000):
        qtbot.mouseClick(press, Qt.MouseButton.LeftButton)


# --- in the kiosk ---------------------------------------------------------------------------

def night_kiosk(make_kiosk, tmp_path: Path, clock: Clock):
    kiosk = make_kiosk(dark_at_night=True, open_hours="07:00-20:00",
                       backlight=str(tmp_path / "backlight"))
    kiosk.night.clock = clock
    kiosk.night.set_timing(dark_after_ms=50, check_ms=20)
    return kiosk


def test_the_kiosk_start_screen_goes_dark_and_the_waking_tap_stays_on_it(make_kiosk, qtbot,
                                                                         tmp_path):
    lamp = panel(tmp_path / "backlight", level=600)
    kiosk = night_kiosk(make_kiosk, tmp_path, Clock("21:15"))
    w = kiosk.window
    qtbot.waitUntil(lambda: kiosk.night.dark, timeout=3000)
    assert brightness(lamp) == 0
    assert kiosk.night.cover.geometry() == w.rect()
    assert all_black(kiosk.night.cover)  # black under the kiosk's own style sheet too
    tap(qtbot, w.start, "fileClaim")  # wakes only
    assert not kiosk.night.dark and w.current_screen() == "start"
    assert brightness(lamp) == 600
    tap(qtbot, w.start, "fileClaim")
    assert w.current_screen() == "resident_id"


def test_a_claim_under_way_is_never_darkened(make_kiosk, qtbot, tmp_path):
    panel(tmp_path / "backlight", level=600)
    kiosk = night_kiosk(make_kiosk, tmp_path, Clock("22:00"))
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    for ch in "3201":
        qtbot.mouseClick(button(w.resident_id, f"key_{ch}"), Qt.MouseButton.LeftButton)
    with qtbot.assertNotEmitted(kiosk.night.darkened, wait=400):  # 8× the dark time, idle
        pass
    assert w.current_screen() == "resident_id" and w.resident_id.number == "3201"
    assert not kiosk.night.cover.isVisible()
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=3000):
        kiosk.claims.go_home()  # the resident leaves (or the privacy timeout clears it)
    qtbot.waitUntil(lambda: kiosk.night.dark, timeout=3000)


def test_a_claim_screen_opened_while_dark_lights_it(make_kiosk, qtbot, tmp_path):
    """Something other than a touch brings up a screen (a card reader, a bug screen): the
    cover does not hide it."""
    kiosk = night_kiosk(make_kiosk, tmp_path, Clock("23:00"))
    qtbot.waitUntil(lambda: kiosk.night.dark, timeout=3000)
    kiosk.window.show_screen("resident_id")
    qtbot.waitUntil(lambda: not kiosk.night.dark, timeout=3000)
    assert not kiosk.night.cover.isVisible()


# --- the settings and the package's switch ---------------------------------------------------

@pytest.mark.parametrize(("value", "says"), [
    ('"7-20"', 'ui.open_hours: \'7-20\' is not opening hours like "07:00-20:00"'),
    ('"07:00-24:30"', "ui.open_hours: '07:00-24:30': 24:30 is not a time of day"),
    ('"08:00-08:00"', "opens and closes at the same time"),
    ("720", "ui.open_hours: expected str, got int"),
])
def test_bad_opening_hours_name_the_key(tmp_path, value, says):
    home = tmp_path / "home"
    home.mkdir()
    (home / "kiosk.toml").write_text(f"[ui]\nopen_hours = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ui\.open_hours") as err:
        load_settings(home)
    assert says in str(err.value)


def test_opening_hours_past_midnight_and_the_default(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    assert load_settings(home).ui.open_hours == "07:00-20:00"
    (home / "kiosk.toml").write_text('[ui]\nopen_hours = "18:00-6:30"\ndark_after_s = 60\n',
                                     encoding="utf-8")
    ui = load_settings(home).ui
    hours = OpeningHours.parse(ui.open_hours)
    assert ui.open_hours == "18:00-06:30" and ui.dark_after_s == 60
    assert hours.is_open(datetime(2026, 1, 1, 23, 0).time())
    assert hours.is_open(datetime(2026, 1, 1, 6, 29).time())
    assert not hours.is_open(datetime(2026, 1, 1, 6, 30).time())
    assert not hours.is_open(datetime(2026, 1, 1, 12, 0).time())
    (home / "kiosk.toml").write_text("[ui]\ndark_after_s = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ui.dark_after_s: 5 is outside 10..3600"):
        load_settings(home)


def test_the_packages_backlight_switch(tmp_path):
    root = tmp_path / "backlight"
    a, b = panel(root, "acpi_video0", level=5, top=10), panel(root, "intel_backlight",
                                                              level=400, top=937)
    switch = ["sh", str(REPO / "packaging" / "deb" / "backlight")]
    env = {"BACKLIGHT_ROOT": str(root), "PATH": "/usr/bin:/bin"}
    subprocess.run([*switch, "off"], env=env, check=True)
    assert (brightness(a), brightness(b)) == (0, 0)
    subprocess.run([*switch, "on"], env=env, check=True)
    assert (brightness(a), brightness(b)) == (10, 937)
    bad = subprocess.run([*switch, "dim"], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr
    empty = subprocess.run([*switch, "on"], env={**env, "BACKLIGHT_ROOT": str(tmp_path / "x")},
                           capture_output=True, text=True, check=True)
    assert "no backlight control" in empty.stdout
