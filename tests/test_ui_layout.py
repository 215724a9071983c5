"""Every screen fits a 21-inch touchscreen standing up (1080×1920) and lying down
(1920×1080), in a realistic state, in Chinese and in English: the window's minimum size fits,
every visible button is a touch target of at least 60 px, every visible text is at least
28 px and shown whole (no word-wrapped label cut short, no button text cut off); long
content scrolls by finger."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QListWidget,
    QPushButton,
    QScroller,
    QWidget,
)
from support.kiosk_ui import receipt_jpeg

from kiosk.auth.assistants import Assistant, TodayClaim
from kiosk.auth.pin import PinResult
from kiosk.catalog.model import CatalogEntry
from kiosk.claims.desk import Receipt
from kiosk.scanner.media import Medium, list_folder
from kiosk.store import ClaimSummary, Status
from kiosk.store.samples import sample_recognition

TOUCH_MIN = 60
TEXT_MIN = 28
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}

State = tuple[str, Callable[[], None]]


def receipts() -> list[Receipt]:
    recs = [sample_recognition(seed) for seed in (11, 12, 13)]
    recs[0]["confidence"] = {"hospital": 0.42, "total": 0.97}
    return [Receipt(b"", rec) for rec in recs]


AUDIT = {
    "refund_estimate": {
        "total": "486.20", "refund": "211.40", "settled_at_hospital": "60.00",
        "example_policy": True,
        "steps": [{"text": f"第{i}步：起付线以上、封顶线以内的部分，乙类先自付百分之十，"
                           "余下的按百分之五十五报销。"} for i in range(1, 7)]},
    "findings": [{"severity": "warning", "message": "这张收据开票已经超过六个月。"}],
    "items": [{"document": 0, "item": 1, "kind": "none"}],
}


def entry(i: int) -> CatalogEntry:
    return CatalogEntry(kind="drug", code=f"X{i:04d}", name=f"阿莫西林胶囊{i}",
                        insurance_class="甲", form="胶囊")


def states(kiosk) -> Iterator[State]:
    """Each screen the way a person meets it (filled by the window's own calls)."""
    w = kiosk.window
    now = time.time()

    def go(name: str) -> None:
        w.review.show_review()
        w.show_screen(name)

    yield "start", lambda: go("start")

    def resident_id() -> None:
        go("resident_id")
        r = w.resident_id
        r.scan_btn.show()  # a kiosk with a camera and a card reader
        r.card_btn.show()
        for ch in "32010219":
            r.type_char(ch)
        r.submit()  # "号码还不够18位" under the number
    yield "resident_id", resident_id

    def resident_id_scan() -> None:
        r = w.resident_id
        r.error.hide()
        r.qr.active = True  # the preview in place of the keypad, as start_scan shows it
        r.keypad.hide()
        r.preview.setText(r.tr("请把医保码对准摄像头"))
        r.preview.show()
        r.retranslate()
    yield "resident_id_scan", resident_id_scan

    def capture() -> None:
        w.resident_id.stop_scan()
        go("capture")
        w.capture.set_count(2)
        w.capture.show_problem("照片太暗了，请把收据放到亮一点的地方再拍。")
    yield "capture", capture

    def review() -> None:
        go("review")
        w.review.show_receipts(receipts(), 0, AUDIT, can_edit=True)
        w.review.steps_btn.setChecked(True)
    yield "review", review

    yield "edit_date", lambda: w.review._edit_field("issue_date")
    yield "edit_total", lambda: w.review._edit_field("total")

    def edit_hospital() -> None:
        w.review.hospitals = ["县人民医院", "青山镇卫生院", "市第一人民医院"]
        w.review._edit_field("hospital")
    yield "edit_hospital", edit_hospital
    yield "edit_item", lambda: w.review._edit_item(1)
    yield "edit_class", lambda: w.review.editor._item_class()

    def edit_pinyin() -> None:
        w.review._edit_item(1)
        w.review.editor._item_name()
        for ch in "AMXL":
            w.review.editor._letter(ch)
        w.review.editor._show_results(w.review.editor._query, [entry(i) for i in range(6)])
    yield "edit_pinyin", edit_pinyin

    def review_picture() -> None:
        go("review")
        photo = [Receipt(receipt_jpeg(21), sample_recognition(21))]
        w.review.show_receipts(photo, 0, AUDIT, can_edit=False)
        w.review.picture.show_image(QImage(600, 850, QImage.Format.Format_RGB32), "")
        w.review._large = QImage(1200, 1700, QImage.Format.Format_RGB32)
    yield "review_picture", review_picture

    def review_picture_large() -> None:
        w.review._enlarge()
    yield "review_picture_large", review_picture_large

    def usb_none() -> None:
        w.review.show_review()
        go("usb_import")
        w.usb_import._state = "no_stick"
        w.usb_import._show_state()
    yield "usb_import_no_stick", usb_none

    def usb_stick() -> None:
        stick = w.settings.ctx.home / "layout-media" / "STICK"
        (stick / "DCIM").mkdir(parents=True, exist_ok=True)
        for i in range(7):
            (stick / f"IMG_{i:04d}.jpg").write_bytes(receipt_jpeg(30 + i))
        (stick / "broken.jpg").write_bytes(b"\xff\xd8\xff cut off")
        ui, medium = w.usb_import, Medium(stick)
        ui._medium, ui._rel = medium, PurePosixPath("DCIM").parent
        ui._listed(medium, ui._rel, list_folder(medium))
        go("usb_import")
    yield "usb_import", usb_stick

    def done() -> None:
        go("done")
        w.done.show_claim(42)
        w.done.slip_message.setText(w.done.tr("没有找到打印机，小票没有打印。请记下上面的报销单号。"))
        w.done.slip_message.show()
        w.done.reprint_btn.show()
    yield "done", done

    def status() -> None:
        def claim(i: int, st: Status) -> ClaimSummary:
            return ClaimSummary(i, f"u{i}", st, "", now, now, 2, "123.40", "", False)
        w.status.show_claims([claim(3, Status.RETURNED), claim(2, Status.QUEUED),
                              claim(1, Status.PAID)],
                             {3: "缺少住院费用清单，请补交医院盖章的明细。"})
        go("status")
    yield "status", status

    def settings_pin() -> None:
        go("settings")
        w.settings.pin_result(PinResult(ok=False, attempts_left=4))
    yield "settings_pin", settings_pin
    for key in list(w.settings.panel.sections):
        def section(key: str = key) -> None:
            w.settings.pages.setCurrentWidget(w.settings.panel)
            w.settings.panel.open_section(key)
            w.settings.panel.say(w.settings.panel.tr("已保存“{name}”：{value}，已经生效。")
                                 .format(name=w.settings.panel.caption("ui", "idle_timeout_s"),
                                         value=120))
        yield f"settings_{key}", section

    def sign_in() -> None:
        w.settings.reset()
        go("assistant_sign_in")
        for ch in "1001":
            kiosk.assistant_mode.sign_in.type_char(ch)
    yield "assistant_sign_in", sign_in

    def assistant_home() -> None:
        home = kiosk.assistant_mode.home
        home.set_assistant("1001 王芳")
        kinds = [Status.QUEUED, Status.ACCEPTED, Status.RETURNED, Status.PAID, Status.QUEUED,
                 Status.IN_REVIEW, Status.APPROVED, Status.CONFIRMED]
        home.show_today([TodayClaim(i, f"u{i}", st, "李*华", "123X", 2, "245.60", now,
                                    "缺少住院清单" if st is Status.RETURNED else None)
                         for i, st in enumerate(kinds, 1)])
        go("assistant_home")
    yield "assistant_home", assistant_home

    def assistants() -> None:
        names = ("王芳", "李明", "张伟", "刘洋", "陈静", "杨帆")
        kiosk.assistant_mode.admin.show_assistants(
            [Assistant(f"100{i}", n) for i, n in enumerate(names)])
        go("assistants")
    yield "assistants", assistants
    yield "assistants_add", lambda: kiosk.assistant_mode.admin.begin_add()
    yield "trouble", lambda: kiosk.claims.show_bug("RuntimeError #1")


def shown(root: QWidget, kind: type) -> list:
    return [x for x in root.findChildren(kind) if x.isVisibleTo(root) and x.isVisible()]


def problems(screen: QWidget) -> list[str]:
    found = []
    for b in shown(screen, QPushButton):
        name = b.objectName() or b.text()
        if b.height() < TOUCH_MIN:
            found.append(f"button {name!r} is {b.height()} px tall")
        if b.font().pixelSize() < TEXT_MIN:
            found.append(f"button {name!r} has {b.font().pixelSize()} px text")
        lines = b.text().split("\n")
        need = max(b.fontMetrics().horizontalAdvance(x) for x in lines)
        if b.text() and need > b.contentsRect().width():
            found.append(f"button {name!r}: text {need} px in {b.contentsRect().width()} px")
    for lab in shown(screen, QLabel):
        name = lab.objectName() or lab.text()[:12]
        if lab.text() and lab.font().pixelSize() < TEXT_MIN:
            found.append(f"label {name!r} has {lab.font().pixelSize()} px text")
        if lab.text() and lab.wordWrap() and lab.heightForWidth(lab.width()) > lab.height():
            found.append(f"label {name!r} cut short: needs {lab.heightForWidth(lab.width())}"
                         f" px, has {lab.height()}")
    for lst in shown(screen, QListWidget):
        if lst.font().pixelSize() < TEXT_MIN:
            found.append(f"list {lst.objectName()!r} has {lst.font().pixelSize()} px text")
    return found


def settle(qtbot) -> None:
    QApplication.processEvents()
    qtbot.wait(20)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("orientation", list(SIZES))
def test_every_screen_fits_and_keeps_the_sizes_for_elderly_eyes_and_fingers(
        make_kiosk, qtbot, orientation, language):
    kiosk = make_kiosk()
    width, height = SIZES[orientation]
    kiosk.translations.install(language)
    try:
        check_every_screen(qtbot, kiosk, width, height)
    finally:
        kiosk.translations.install("zh_CN")  # the translator is the whole application's


def check_every_screen(qtbot, kiosk, width: int, height: int) -> None:
    w = kiosk.window
    w.resize(width, height)
    settle(qtbot)
    w.resize(width, height)  # once more: the first resize may have met a taller minimum
    settle(qtbot)
    assert (w.width(), w.height()) == (width, height)
    failures = []
    for name, enter in states(kiosk):
        enter()
        settle(qtbot)
        screen = w.stack.currentWidget()
        need, window_need = screen.minimumSizeHint(), w.minimumSizeHint()
        if need.width() > width or need.height() > height:
            failures.append(f"{name}: needs {need.width()}×{need.height()}")
        if window_need.width() > width or window_need.height() > height:
            failures.append(f"{name}: the window needs {window_need.width()}×"
                            f"{window_need.height()}")
        if (w.width(), w.height()) != (width, height):
            failures.append(f"{name}: the window grew to {w.width()}×{w.height()}")
        failures += [f"{name}: {p}" for p in problems(screen)]
    assert not failures, "\n".join(failures)


def test_turning_the_screen_rearranges_the_keypad_screens(make_kiosk, qtbot):
    """Portrait: the keys under the number. Landscape: beside it, the same size or larger."""
    kiosk = make_kiosk()
    w = kiosk.window
    w.show_screen("resident_id")
    w.resize(1080, 1920)
    settle(qtbot)
    pad, display = w.resident_id.keypad, w.resident_id.display
    below = pad.mapTo(w, QPoint(0, 0)).y() >= display.mapTo(w, QPoint(0, display.height())).y()
    assert below and not w.resident_id.landscape
    w.resize(1920, 1080)
    settle(qtbot)
    assert w.resident_id.landscape and w.settings.landscape  # hidden screens too
    beside = pad.mapTo(w, QPoint(0, 0)).x() >= display.mapTo(w, QPoint(display.width(), 0)).x()
    assert beside
    key = pad.findChild(QPushButton, "key_5")
    assert key.height() >= 96 and key.width() >= 96


def test_long_content_scrolls_by_finger(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    w.resize(1920, 1080)
    areas = [a for a in w.findChildren(QAbstractScrollArea)
             if a.objectName() != "qt_scrollarea_viewport"]
    assert len(areas) >= 6
    for area in areas:
        assert QScroller.hasScroller(area.viewport()), f"{area.objectName() or area} not touch"
    # a finger drags the status list up: the list moves, not the window
    now = time.time()
    w.status.show_claims([ClaimSummary(i, f"u{i}", Status.RETURNED, "", now, now, 1, "9.00",
                                       "", False) for i in range(1, 13)],
                         {i: "缺少住院费用清单，请补交医院盖章的明细。" for i in range(1, 13)})
    w.show_screen("status")
    settle(qtbot)
    view = w.status.list.viewport()
    bar = w.status.list.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    x = view.width() // 2
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, view.height() - 20))
    for step in range(1, 16):
        QTest.mouseMove(view, QPoint(x, view.height() - 20 - step * 40), 10)
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(x, view.height() - 620), 10)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)
