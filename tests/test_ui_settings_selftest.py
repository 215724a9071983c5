"""The last self-test under ⚙ 维护, through the real widgets: what the daily timer recorded
(a failed check named with its reason), "never run" without a record, and "现在自检" running
real checks of `township-kiosk --self-test` off the UI thread and recording them."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt
from support.kiosk_ui import button

from kiosk.auth.pin import PinStore
from kiosk.cli.selftest import check_camera, check_clock, check_disk, check_queue
from kiosk.core.config import load_settings
from kiosk.core.health import Check, last_result, record

PIN = "246810"
LEFT = Qt.MouseButton.LeftButton


def open_maintenance(qtbot, kiosk, tmp_path):
    w = kiosk.window
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin(PIN)
    with qtbot.waitSignal(w.settings.gate_ready, timeout=5000):
        qtbot.mouseClick(button(w.start, "technician"), LEFT)
    for ch in PIN:
        qtbot.mouseClick(button(w.settings, f"key_{ch}"), LEFT)
    with qtbot.waitSignal(w.settings.pin_entered, timeout=1000):
        qtbot.mouseClick(button(w.settings, "confirmPin"), LEFT)
    qtbot.waitUntil(lambda: w.settings.unlocked, timeout=5000)
    section = w.settings.maintenance
    with qtbot.waitSignal(section.self_test_shown, timeout=5000):
        qtbot.mouseClick(button(w.settings, "section_maintenance"), LEFT)
    return section


def test_a_recorded_failure_names_the_check_and_its_reason(make_kiosk, qtbot, tmp_path):
    home = tmp_path / "home"
    at = time.mktime((2026, 11, 20, 3, 15, 0, 0, 0, -1))
    record(home, [Check("ocr", True, "rapidocr read the sample receipt"),
                  Check("camera", False, "the document camera '0' is not there "
                                         "(/dev/video0 is missing)"),
                  Check("disk", True, "5000 MB free")], now=at)
    kiosk = make_kiosk()
    section = open_maintenance(qtbot, kiosk, tmp_path)
    summary = section.selftest_summary.text()
    assert "2026-11-20 03:15" in summary and "没有通过" in summary and "1项" in summary
    failed = section.selftest_failed
    assert failed.isVisible()
    assert "摄像头" in failed.text() and "/dev/video0 is missing" in failed.text()
    assert "识别引擎" not in failed.text()  # only what failed is listed
    assert "两天多" in summary  # a result that old says the daily timer may have stopped


def test_no_record_says_never_run_and_a_damaged_one_says_so(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    section = open_maintenance(qtbot, kiosk, tmp_path)
    assert "从没做过自检" in section.selftest_summary.text()
    assert not section.selftest_failed.isVisible()
    assert not button(section, "runSelfTest").isEnabled()  # no checks handed in: cannot run
    (tmp_path / "home" / "selftest.json").write_text("{not json")
    with qtbot.waitSignal(section.self_test_shown, timeout=5000):
        section.opened()  # the page reads the record again each time it is opened
    assert "读不出来" in section.selftest_summary.text()


def test_run_it_now_records_and_shows_the_new_result(make_kiosk, qtbot, tmp_path):
    home = tmp_path / "home"
    record(home, [Check("disk", True, "5000 MB free")], now=time.time() - 3600)
    kiosk = make_kiosk()
    ran_on = []

    def checks(settings):
        # real checks of the command, with a disk threshold no machine meets
        ran_on.append(threading.current_thread().name)
        return [check_disk(settings, min_free=1 << 62), check_clock(settings),
                check_queue(settings)]

    kiosk.window.settings.ctx.self_test = checks
    section = open_maintenance(qtbot, kiosk, tmp_path)
    assert "全部通过" in section.selftest_summary.text()
    assert "两天多" not in section.selftest_summary.text()  # an hour old is fresh
    btn = button(section, "runSelfTest")
    assert btn.isEnabled()
    with qtbot.waitSignal(section.self_test_shown, timeout=30_000) as shown:
        qtbot.mouseClick(btn, LEFT)
        assert not btn.isEnabled()  # one run at a time; the UI carries on meanwhile
    assert ran_on and ran_on[0] != "MainThread"
    assert shown.args[0]["ok"] is False
    stored = last_result(home)
    assert stored == shown.args[0]
    assert [c["name"] for c in stored["checks"] if not c["ok"]] == ["disk"]
    assert time.time() - stored["at"] < 60
    assert "没有通过" in section.selftest_summary.text()
    assert "磁盘空间" in section.selftest_failed.text()
    assert "至少要" in section.selftest_failed.text()  # the reason in the screen's language
    assert "MB needed" not in section.selftest_failed.text()
    assert btn.isEnabled() and btn.text() == "现在自检"
    assert json.loads((home / "selftest.json").read_text())["ok"] is False


def test_a_result_that_cannot_be_recorded_is_still_shown(make_kiosk, qtbot, tmp_path):
    home = tmp_path / "home"
    (home / "selftest.json").mkdir(parents=True)  # in the way: the record cannot be written
    kiosk = make_kiosk()
    kiosk.window.settings.ctx.self_test = lambda settings: [check_clock(settings),
                                                            check_disk(settings, min_free=1 << 62)]
    section = open_maintenance(qtbot, kiosk, tmp_path)
    assert "读不出来" in section.selftest_summary.text()
    with qtbot.waitSignal(section.self_test_shown, timeout=30_000) as shown:
        qtbot.mouseClick(button(section, "runSelfTest"), LEFT)
    assert shown.args[0]["ok"] is False
    assert "结果没能记下来" in section.selftest_summary.text()
    assert "磁盘空间" in section.selftest_failed.text()
    assert (home / "selftest.json").is_dir()


def test_the_page_speaks_english(make_kiosk, qtbot, tmp_path):
    root = Path(__file__).parents[1]
    if not (root / "resources/translations/kiosk_en.qm").exists():
        subprocess.run(["sh", "packaging/build-translations.sh"], check=True, cwd=root)
    kiosk = make_kiosk()
    w = kiosk.window
    section = open_maintenance(qtbot, kiosk, tmp_path)
    qtbot.mouseClick(button(w.settings, "section_general"), LEFT)
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        qtbot.mouseClick(button(w.settings, "lang_en"), LEFT)
    try:  # Qt posts the LanguageChange events: wait for them
        qtbot.waitUntil(lambda: section.selftest_summary.text() == "The self-test has never run.",
                        timeout=2000)
        assert button(section, "runSelfTest").text() == "Run the self-test now"
    finally:
        with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
            qtbot.mouseClick(button(w.settings, "lang_zh_CN"), LEFT)
    qtbot.waitUntil(lambda: section.selftest_summary.text() == "从没做过自检。", timeout=2000)


def test_a_self_test_that_cannot_finish_says_so_and_records_nothing(make_kiosk, qtbot,
                                                                     tmp_path):
    kiosk = make_kiosk()
    gone = tmp_path / "gone"

    def checks(settings):
        shutil.disk_usage(gone)  # the disk cannot be asked: an OSError stops the run
        return [check_disk(settings)]

    kiosk.window.settings.ctx.self_test = checks
    section = open_maintenance(qtbot, kiosk, tmp_path)
    with qtbot.waitSignal(section.self_test_shown, timeout=30_000) as shown:
        qtbot.mouseClick(button(section, "runSelfTest"), LEFT)
    assert shown.args[0] is None
    summary = section.selftest_summary.text()
    assert "自检没能做完" in summary and "从没做过自检" in summary
    assert button(section, "runSelfTest").isEnabled()
    assert last_result(tmp_path / "home") is None


def test_the_reasons_follow_the_screens_language(make_kiosk, qtbot, tmp_path):
    """A coded reason is rendered in the language in force, again at a switch; a record from
    before the codes keeps its English words in both."""
    root = Path(__file__).parents[1]
    if not (root / "resources/translations/kiosk_en.qm").exists():
        subprocess.run(["sh", "packaging/build-translations.sh"], check=True, cwd=root)
    home = tmp_path / "home"
    home.mkdir(parents=True)
    settings = load_settings(home)
    record(home, [check_camera(settings, dev=tmp_path),
                  Check("scanner", False, "no scanner found (an old record)")])
    kiosk = make_kiosk()
    w = kiosk.window
    section = open_maintenance(qtbot, kiosk, tmp_path)
    text = section.selftest_failed.text()
    assert "摄像头：找不到摄像头 '0'" in text and "is not there" not in text
    assert "no scanner found (an old record)" in text
    qtbot.mouseClick(button(w.settings, "section_general"), LEFT)
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        qtbot.mouseClick(button(w.settings, "lang_en"), LEFT)
    try:
        qtbot.waitUntil(lambda: "the document camera '0' is not there"
                        in section.selftest_failed.text(), timeout=2000)
        assert "找不到" not in section.selftest_failed.text()
        assert "no scanner found (an old record)" in section.selftest_failed.text()
    finally:
        with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
            qtbot.mouseClick(button(w.settings, "lang_zh_CN"), LEFT)
    qtbot.waitUntil(lambda: "找不到摄像头" in section.selftest_failed.text(), timeout=2000)
