"""The capture screen with the real camera worker reading a recorded video of a receipt."""

from __future__ import annotations

from pathlib import Path

import cv2
from PySide6.QtCore import Qt
from support.kiosk_ui import FixedReader, button
from support.scenes import einvoice_page, noisy, on_plate

from kiosk.core.config import CameraSettings
from kiosk.store.samples import sample_id_number, sample_recognition

SIZE = (1280, 720)


def slide_in_then_still(path: Path, moving: int = 10, still: int = 30) -> Path:
    page = einvoice_page(4)
    frames = [noisy(on_plate(page, SIZE, (0.2 + 0.5 * (1 - i / moving), 0.1,
                                         0.8 + 0.5 * (1 - i / moving), 0.9)), i)
              for i in range(moving)]
    rest = on_plate(page, SIZE, (0.2, 0.1, 0.8, 0.9))
    frames += [noisy(rest, 100 + i) for i in range(still)]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, SIZE)
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def to_capture(qtbot, w, number: str) -> None:
    qtbot.mouseClick(button(w.start, "fileClaim"), Qt.MouseButton.LeftButton)
    for ch in number:
        qtbot.mouseClick(button(w.resident_id, f"key_{ch}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(w.resident_id, "confirmId"), Qt.MouseButton.LeftButton)


def test_the_camera_previews_and_captures_a_still_page_by_itself(make_kiosk, qtbot, tmp_path):
    video = slide_in_then_still(tmp_path / "receipt.avi")
    rec = sample_recognition(51)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec),
                       camera=CameraSettings(device=str(video), still_frames=6))
    w = kiosk.window
    # Both blockers stay referenced to the end: a preview frame queued from the camera
    # thread before the first one let go was once handed to a second blocker that
    # PySide6 took for the first (it was built at the freed one's address).
    with qtbot.waitSignal(kiosk.camera.frame, timeout=10_000) as first_frame:
        to_capture(qtbot, w, sample_id_number(51))
    with qtbot.waitSignal(w.screen_changed, timeout=30_000,
                          check_params_cb=lambda *args: args == ("review",)) as reviewed:
        pass
    assert first_frame.signal_triggered and reviewed.signal_triggered
    assert w.capture.preview.pixmap() is not None
    assert not kiosk.camera.running  # stopped as soon as the still was taken
    image = kiosk.flow.session.receipts[0].image
    assert image[:2] == b"\xff\xd8"  # the still, as JPEG, is what the claim will store


def test_no_camera_is_said_plainly_and_file_import_stays(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk(camera=CameraSettings(device=str(tmp_path / "no-such-camera")))
    w = kiosk.window
    with qtbot.waitSignal(kiosk.camera.failed, timeout=10_000):
        to_capture(qtbot, w, sample_id_number(52))
    qtbot.waitUntil(lambda: w.capture.problem.isVisible(), timeout=2000)
    assert "摄像头" in w.capture.problem.text()
    assert not w.capture.preview.isVisible()
    assert button(w.capture, "importFile").isEnabled()


def test_a_missing_camera_is_said_on_every_later_capture_screen_too(make_kiosk, qtbot,
                                                                    tmp_path):
    kiosk = make_kiosk(camera=CameraSettings(device=str(tmp_path / "no-such-camera")))
    w = kiosk.window
    with qtbot.waitSignal(kiosk.camera.failed, timeout=10_000):
        to_capture(qtbot, w, sample_id_number(53))
    qtbot.waitUntil(lambda: w.capture.problem.isVisible(), timeout=2000)
    said = w.capture.problem.text()
    kiosk.claims.go_home()  # the next resident
    to_capture(qtbot, w, sample_id_number(54))
    assert w.capture.problem.isVisible() and w.capture.problem.text() == said
    assert "U盘" in w.capture.hint.text()  # the prompt says what works, not "lay it down"
    assert not w.capture.shoot_btn.isVisible()


def test_the_demo_sample_is_not_offered_by_the_production_app():
    from kiosk.app import demo_sample
    from kiosk.cli import build_parser

    assert demo_sample(build_parser().parse_args([])) is None
    sample = demo_sample(build_parser().parse_args(["--demo"]))
    assert sample is not None and sample()[0][:2] == b"\xff\xd8"  # the sample receipt
