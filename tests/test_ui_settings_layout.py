"""The technician's panel in the kiosk's own words and sizes: the overview has no English in
the Chinese panel (nor the saved-setting message), no section needs a sideways scroll bar or
is cut at the side, the server address keyboard's keys are at least 60 px and all in view,
and the date editor's empty display says what to type in words."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from support.kiosk_ui import FixedReader, tap, to_review

from kiosk.auth.pin import PinStore
from kiosk.store.samples import sample_recognition

PIN = "246810"
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def settle(qtbot) -> None:
    QApplication.processEvents()
    qtbot.wait(20)


def unlock(qtbot, kiosk, tmp_path) -> None:
    w = kiosk.window
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin(PIN)
    with qtbot.waitSignal(w.settings.gate_ready, timeout=5000):
        tap(qtbot, w.start, "technician")
    for ch in PIN:
        tap(qtbot, w.settings, f"key_{ch}")
    tap(qtbot, w.settings, "confirmPin")
    qtbot.waitUntil(lambda: w.settings.unlocked, timeout=5000)
    qtbot.waitUntil(lambda: w.settings.overview.form.rowCount() > 0, timeout=5000)


def test_the_overview_and_the_saved_message_are_all_chinese(make_kiosk, qtbot, tmp_path):
    rec = sample_recognition(91)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=91)
    w = kiosk.window
    to_review(qtbot, kiosk, 91, signed_in=None)
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000):
        tap(qtbot, w.review, "confirmClaim")
    kiosk.claims.go_home()
    unlock(qtbot, kiosk, tmp_path)
    rows = w.settings.overview.rows(w.settings.overview._info)
    captions = [c for c, _v in rows]
    values = dict(rows)
    assert captions and not [c for c in captions if ENGLISH_WORD.search(c)], captions
    claims = values["本机的报销单"]
    assert not ENGLISH_WORD.search(claims) and "1份" in claims, claims
    assert not ENGLISH_WORD.search(values["无人操作时"])
    shown = [lab.text() for lab in w.settings.overview.findChildren(QLabel) if lab.isVisible()]
    assert not [t for t in shown if t in ("home", "database", "idle") or "queued" in t]
    tap(qtbot, w.settings, "section_general")
    w.settings.general.idle.set_value(120)
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        tap(qtbot, w.settings, "save_ui_idle_timeout_s")
    message = w.settings.panel.message.text()
    assert "无人操作多少秒后提醒" in message and not ENGLISH_WORD.search(message), message


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("orientation", SIZES)
def test_no_section_scrolls_sideways_and_the_keyboard_is_whole(make_kiosk, qtbot, tmp_path,
                                                               orientation, language):
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.translations.install(language)
    try:
        for _ in range(2):
            w.resize(*SIZES[orientation])
            settle(qtbot)
        unlock(qtbot, kiosk, tmp_path)
        panel = w.settings.panel
        for key, section in panel.sections.items():
            panel.open_section(key)
            settle(qtbot)
            area = panel.pages.currentWidget()
            assert area.horizontalScrollBar().maximum() == 0, f"{key} scrolls sideways"
            assert section.minimumSizeHint().width() <= area.viewport().width(), key
            for b in section.findChildren(QPushButton):
                if b.isVisible():
                    right = b.mapTo(area.viewport(), b.rect().topRight()).x()
                    assert right < area.viewport().width(), f"{key}: {b.objectName()} cut off"
        panel.open_section("server")
        settle(qtbot)
        keys = [b for b in w.settings.server.keys.findChildren(QPushButton)]
        assert len(keys) >= 44
        for b in keys:
            assert b.width() >= 60 and b.height() >= 60, (b.objectName(), b.size())
            # all of it in view: no part hidden under the panel's edge or below the fold
            assert b.visibleRegion().boundingRect().size() == b.size(), b.objectName()
    finally:
        kiosk.translations.install("zh_CN")


def test_the_empty_date_says_year_month_day_in_words(make_kiosk, qtbot):
    rec = sample_recognition(92)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=92)
    w = kiosk.window
    to_review(qtbot, kiosk, 92, signed_in="0007 王芳")
    tap(qtbot, w.review, "edit_issue_date")
    editor = w.review.editor
    assert editor.date_display.text() == "____年__月__日"  # eight places, in words
    tap(qtbot, editor.date_pad, "key_2")
    assert editor.date_display.text().startswith("2")
    tap(qtbot, editor.date_pad, "key_clear")
    assert editor.date_display.text() == "____年__月__日"
