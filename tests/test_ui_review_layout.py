"""The review screen on a standing (1080×1920) and a lying (1920×1080) screen: the estimate
follows the fields without a gap and is shown whole, the calculation opens in the same one
scroll area, and the receipt's picture stands above or beside its fields, large on a tap."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget
from support.kiosk_ui import FixedReader, tap, to_review

from kiosk.store.samples import sample_recognition

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def open_review(make_kiosk, qtbot, seed: int, size: tuple[int, int], *, picture: bool = True):
    rec = sample_recognition(seed)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=seed)
    w = kiosk.window
    for _ in range(2):  # once more: the first resize may have met the other arrangement
        w.resize(*size)
        settle(qtbot)
    to_review(qtbot, kiosk, seed, signed_in=None)
    if picture:
        qtbot.waitUntil(lambda: w.review.picture.image is not None, timeout=10_000)
    settle(qtbot)
    assert (w.width(), w.height()) == size
    return kiosk, w.review


def settle(qtbot) -> None:
    QApplication.processEvents()
    qtbot.wait(20)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def shown_whole(widget: QWidget) -> bool:
    """Nothing of it is clipped by a scroll area's viewport, and its text has its height."""
    return (widget.visibleRegion().boundingRect().size() == widget.size()
            and widget.height() >= widget.heightForWidth(widget.width()))


def scroll_areas(review) -> list[QAbstractScrollArea]:
    return [a for a in review.view.findChildren(QAbstractScrollArea) if a.isVisible()]


def test_in_portrait_the_estimate_follows_the_fields_whole(make_kiosk, qtbot):
    _kiosk, review = open_review(make_kiosk, qtbot, 81, SIZES["portrait"], picture=False)
    above = [w for w in (*review.fields.values(), review.items_box, review.unsure_note)
             if w.isVisible()]
    bottom = max(rect_in(w, review).bottom() for w in above)
    gap = rect_in(review.refund, review).top() - bottom
    assert 0 <= gap <= 60, f"{gap} px between the fields and the refund sentence"
    assert shown_whole(review.refund) and review.refund.text()
    assert len(scroll_areas(review)) <= 1


@pytest.mark.parametrize("orientation", SIZES)
def test_the_calculation_opens_in_the_one_scroll_area(make_kiosk, qtbot, orientation):
    _kiosk, review = open_review(make_kiosk, qtbot, 82, SIZES[orientation], picture=False)
    tap(qtbot, review, "showSteps")
    settle(qtbot)
    assert review.steps.isVisible() and review.steps.text().startswith("1. ")
    assert scroll_areas(review) == [review.scroll]  # no box in a box in a box
    qtbot.waitUntil(lambda: not review.steps.visibleRegion().isEmpty(), timeout=2000)
    assert review.steps.height() >= review.steps.heightForWidth(review.steps.width())


@pytest.mark.parametrize("orientation", SIZES)
def test_the_receipts_picture_is_beside_or_above_its_fields_and_enlarges(make_kiosk, qtbot,
                                                                        orientation):
    _kiosk, review = open_review(make_kiosk, qtbot, 83, SIZES[orientation])
    picture, fields = rect_in(review.picture, review), rect_in(review.scroll, review)
    shown = review.picture.pixmap()
    assert not shown.isNull() and min(shown.width(), shown.height()) >= 250
    if orientation == "portrait":
        assert picture.bottom() < fields.top() and picture.width() > 0.8 * fields.width()
    else:
        assert picture.right() < fields.left() and picture.height() > 0.6 * review.height()
    qtbot.mouseClick(review.picture, Qt.MouseButton.LeftButton)
    assert review.inner.currentWidget() is review.zoom
    large = review.zoom_picture.pixmap()
    assert large.height() > shown.height() and large.width() > shown.width()
    tap(qtbot, review, "closePicture")
    assert review.inner.currentWidget() is review.view


def test_the_next_resident_sees_neither_the_picture_nor_the_scroll_position(make_kiosk,
                                                                          qtbot):
    kiosk, review = open_review(make_kiosk, qtbot, 84, SIZES["landscape"])
    tap(qtbot, review, "showSteps")  # long enough to scroll
    bar = review.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=5000):
        tap(qtbot, review, "cancelClaim")
        tap(qtbot, review, "cancelClaim")
    assert bar.value() == 0
    assert review.picture.image is None and review.picture.pixmap().isNull()
