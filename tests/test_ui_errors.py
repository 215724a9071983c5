"""Known failures as a plain-words screen; bugs logged with a "call the technician" screen."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, qWarning
from support.kiosk_ui import FixedReader, button

from kiosk.claims.desk import Receipt
from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.ui.errors import BugReporter, install_qt_message_handler, setup_logging, shutdown_logging


def file_through_the_screens(qtbot, w, number: str) -> None:
    qtbot.mouseClick(button(w.start, "fileClaim"), Qt.MouseButton.LeftButton)
    for ch in number:
        qtbot.mouseClick(button(w.resident_id, f"key_{ch}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(w.resident_id, "confirmId"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        qtbot.mouseClick(button(w.capture, "useSample"), Qt.MouseButton.LeftButton)


def test_a_receipt_already_claimed_is_refused_in_plain_words(make_kiosk, qtbot):
    rec = sample_recognition(31)
    number = sample_id_number(31)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=31)
    first = kiosk.desk.file_claim(number, [Receipt(b"\xff\xd8one", rec)], None,
                                  assistant="test")
    w = kiosk.window
    file_through_the_screens(qtbot, w, number)
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "trouble"):
        qtbot.mouseClick(button(w.review, "confirmClaim"), Qt.MouseButton.LeftButton)
    assert "已经报过了" in w.trouble.message.text()
    assert f"{first:06d}" in w.trouble.message.text()
    assert len(kiosk.store.find_by_id_number(number)) == 1


def test_a_bug_is_logged_and_asks_for_the_technician(make_kiosk, qtbot, tmp_path, caplog):
    kiosk = make_kiosk()
    w = kiosk.window
    hook = BugReporter()
    hook.bug.connect(kiosk.claims.show_bug)
    try:
        raise RuntimeError("something nobody expected")
    except RuntimeError as exc:
        with caplog.at_level(logging.CRITICAL, logger="kiosk.ui"):
            hook.excepthook(type(exc), exc, exc.__traceback__)
    assert w.current_screen() == "trouble"
    assert "技术员" in w.trouble.message.text()
    assert "RuntimeError #1" in w.trouble.reference.text()
    assert "something nobody expected" in caplog.text


def test_the_log_is_a_rotating_file_and_takes_qt_warnings(tmp_path):
    folder = setup_logging(tmp_path)
    install_qt_message_handler()
    try:
        qWarning("a warning from inside Qt")
        for h in logging.getLogger("kiosk").handlers:
            h.flush()
        text = (folder / "kiosk.log").read_text(encoding="utf-8")
        assert "kiosk.qt WARNING a warning from inside Qt" in text
        assert (folder / "faults.log").exists()
    finally:
        shutdown_logging()


def test_fields_read_with_doubt_are_highlighted_for_the_assistant(make_kiosk, qtbot):
    rec = dict(sample_recognition(41), hospital=None,
               confidence={"issue_date": 0.42, "total": 0.99})
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec), sample_seed=41)
    w = kiosk.window
    file_through_the_screens(qtbot, w, sample_id_number(41))
    fields = w.review.fields
    assert fields["hospital"].property("unsure") is True  # not read at all
    assert fields["hospital"].value.text() == "没有读到"
    assert fields["issue_date"].property("unsure") is True  # read, but unsure
    assert fields["total"].property("unsure") is False
    assert w.review.unsure_note.isVisible()


class _Unusable:
    """A recognizer that finds no receipt in the picture (what the real one says of a wall)."""

    def load(self) -> None:
        pass

    def recognize_bytes(self, data: bytes, name: str) -> dict:
        from kiosk.recognition.preprocess import ImageRejected

        raise ImageRejected("too_dark", "mean grey 12")


def test_an_unusable_picture_says_what_to_do_and_stays_on_capture(make_kiosk, qtbot):
    kiosk = make_kiosk(recognizer=_Unusable, sample_seed=71)
    w = kiosk.window
    qtbot.mouseClick(button(w.start, "fileClaim"), Qt.MouseButton.LeftButton)
    for ch in sample_id_number(71):
        qtbot.mouseClick(button(w.resident_id, f"key_{ch}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(w.resident_id, "confirmId"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.ocr.rejected, timeout=10_000):
        qtbot.mouseClick(button(w.capture, "useSample"), Qt.MouseButton.LeftButton)
    assert w.current_screen() == "capture"
    assert w.capture.problem.isVisible() and "暗" in w.capture.problem.text()
    assert button(w.capture, "useSample").isEnabled()  # ready to try again
    assert kiosk.flow.session.receipts == []
