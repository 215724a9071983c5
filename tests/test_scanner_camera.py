"""The document camera without a camera: OpenCV reads videos and image sequences made here."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.imagegen import blur, darken
from support.scenes import add_glare, einvoice_page, noisy, on_plate

from kiosk.core.config import CameraSettings
from kiosk.scanner import CODES, Capture, CaptureError, CaptureSource
from kiosk.scanner.camera import CameraSource, CameraWorker, Preview
from kiosk.scanner.quality import Quality, assess, find_outline

SIZE = (1280, 720)
CENTRE = (0.2, 0.1, 0.8, 0.9)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return einvoice_page(3)


@pytest.fixture(scope="module")
def good(page: np.ndarray) -> np.ndarray:
    return on_plate(page, (1920, 1080), CENTRE)


# -- the quality gate -------------------------------------------------------------------------


def test_a_good_frame_passes_and_its_outline_is_the_page(good: np.ndarray) -> None:
    q = assess(good)
    assert q.ok, (q.reasons, q.metrics)
    assert q.outline is not None
    want = np.array([[0.2 * 1920, 0.1 * 1080], [0.8 * 1920, 0.1 * 1080],
                     [0.8 * 1920, 0.9 * 1080], [0.2 * 1920, 0.9 * 1080]])
    assert np.max(np.abs(q.outline.quad - want)) < 20


@pytest.mark.parametrize(("name", "reason"), [
    ("cut_off", "cut_off"), ("small", "too_small"), ("blurred", "blurred"),
    ("dark", "too_dark"), ("glare", "glare"), ("empty", "no_page"),
])
def test_the_gate_names_what_is_wrong(page: np.ndarray, good: np.ndarray, name: str,
                                      reason: str) -> None:
    frames = {
        "cut_off": lambda: on_plate(page, (1920, 1080), (0.45, 0.1, 1.15, 0.9)),
        "small": lambda: on_plate(page, (1920, 1080), (0.45, 0.45, 0.6, 0.62)),
        "blurred": lambda: blur(good, 3.0),
        "dark": lambda: darken(good, 0.3),
        "glare": lambda: add_glare(good, (0.45, 0.45), 80),
        "empty": lambda: on_plate(page, (1920, 1080), (-0.2, -0.2, -0.1, -0.1)),
    }
    q = assess(frames[name]())
    assert reason in q.reasons, (q.reasons, q.metrics)
    assert q.reasons[0] == reason
    zh, en = (CaptureError.words_of(reason).render(lang) for lang in ("zh_CN", "en"))
    assert zh and en


def test_slight_defocus_and_a_faint_reflection_still_pass(good: np.ndarray) -> None:
    assert assess(blur(good, 0.8)).ok
    assert assess(add_glare(good, (0.45, 0.45), 40, strength=25)).ok


def test_every_reason_has_a_spoken_chinese_and_an_english_message() -> None:
    for code in CODES:
        zh, en = (CaptureError.words_of(code).render(lang) for lang in ("zh_CN", "en"))
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), code
        assert en.endswith("."), code
    with pytest.raises(ValueError):
        CaptureError("no_such_code")


# -- the camera through OpenCV --------------------------------------------------------------


def _write_video(path: Path, frames: list[np.ndarray]) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (w, h))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def _moving_then_still(page: np.ndarray, moving: int, still: int) -> list[np.ndarray]:
    """The receipt slides in from the right, then lies still (with sensor noise)."""
    frames = []
    for i in range(moving):
        dx = 0.5 * (1 - i / moving)
        frames.append(noisy(on_plate(page, SIZE, (0.2 + dx, 0.1, 0.8 + dx, 0.9)), i))
    rest = on_plate(page, SIZE, CENTRE)
    frames += [noisy(rest, 100 + i) for i in range(still)]
    return frames


def _run(settings: CameraSettings, manual: bool = False
         ) -> tuple[list[Capture], list[Preview], list[Quality], list[CaptureError]]:
    captures: list[Capture] = []
    previews: list[Preview] = []
    rejected: list[Quality] = []
    errors: list[CaptureError] = []
    worker = CameraWorker(settings, on_capture=captures.append, on_preview=previews.append,
                          on_rejected=rejected.append, on_error=errors.append)
    if manual:
        worker.capture_now()
    worker.start()
    assert worker.join(timeout=60), "the worker did not end at the end of the recording"
    return captures, previews, rejected, errors


def test_auto_capture_fires_once_only_after_the_page_is_still(tmp_path: Path,
                                                             page: np.ndarray) -> None:
    video = _write_video(tmp_path / "slide.avi", _moving_then_still(page, 12, 20))
    captures, previews, rejected, errors = _run(CameraSettings(device=str(video),
                                                               still_frames=6))
    assert not errors and not rejected
    assert len(previews) == 32
    assert len(captures) == 1, "a receipt left on the plate is captured once"
    cap = captures[0]
    # the first still frame is 13; six steady frames need the 7th still one
    assert cap.meta["frame"] >= 12 + 6
    assert cap.source == "camera" and cap.image.shape == (720, 1280, 3)
    assert not cap.meta["manual"]
    moving_states = {p.state for p in previews[:12]}
    assert "steady" not in moving_states
    assert previews[-1].state == "steady"


def test_the_next_receipt_is_captured_after_the_first_is_taken_away(tmp_path: Path,
                                                                    page: np.ndarray) -> None:
    other = einvoice_page(4)
    empty = on_plate(page, SIZE, (-0.2, -0.2, -0.1, -0.1))
    frames = ([noisy(on_plate(page, SIZE, CENTRE), i) for i in range(10)]
              + [noisy(empty, 20 + i) for i in range(3)]
              + [noisy(on_plate(other, SIZE, CENTRE), 40 + i) for i in range(10)])
    video = _write_video(tmp_path / "two.avi", frames)
    captures, previews, _, _ = _run(CameraSettings(device=str(video), still_frames=5))
    assert [c.meta["frame"] for c in captures] == [6, 19]
    assert previews[11].state == "no_page" and previews[11].hint == "no_page"


def test_no_capture_while_the_page_keeps_moving(tmp_path: Path, page: np.ndarray) -> None:
    video = _write_video(tmp_path / "moving.avi", _moving_then_still(page, 20, 0))
    captures, previews, _, errors = _run(CameraSettings(device=str(video), still_frames=4))
    assert not errors and len(previews) == 20
    assert captures == []
    assert all(p.state != "steady" for p in previews)


def test_manual_capture_takes_the_next_frame(tmp_path: Path, page: np.ndarray) -> None:
    video = _write_video(tmp_path / "still.avi", _moving_then_still(page, 0, 4))
    captures, _, rejected, _ = _run(CameraSettings(device=str(video), auto_capture=False),
                                    manual=True)
    assert not rejected
    assert len(captures) == 1 and captures[0].meta["manual"] and captures[0].meta["frame"] == 1


def test_a_refused_still_reports_its_reason_and_hint(tmp_path: Path, page: np.ndarray) -> None:
    dark = [darken(on_plate(page, SIZE, CENTRE), 0.3)] * 3
    video = _write_video(tmp_path / "dark.avi", dark)
    captures, previews, rejected, _ = _run(CameraSettings(device=str(video)), manual=True)
    assert captures == []
    assert rejected and rejected[0].reasons[0] == "too_dark"
    assert previews[0].hint == "too_dark"


def test_preview_shows_the_outline_drawn(tmp_path: Path, page: np.ndarray) -> None:
    frames = [cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), f) and f
              for i, f in enumerate(_moving_then_still(page, 0, 10))]
    assert len(frames) == 10
    # an image sequence works as a camera too
    _, previews, _, errors = _run(CameraSettings(device=str(tmp_path / "f%03d.png"),
                                                 still_frames=20))
    assert not errors and len(previews) == 10
    last = previews[-1]
    assert last.state == "steady" and last.outline is not None
    assert max(last.image.shape[:2]) <= 1280  # 1280×720 is shown as it is
    green = (last.image[:, :, 1] > 180) & (last.image[:, :, 0] < 90) & (last.image[:, :, 2] < 90)
    assert np.count_nonzero(green) > 1000


def test_a_missing_camera_is_a_known_error(tmp_path: Path) -> None:
    _, previews, _, errors = _run(CameraSettings(device=str(tmp_path / "no-such-video.avi")))
    assert previews == [] and [e.code for e in errors] == ["no_camera"]


@pytest.mark.parametrize("device", ["9", "/dev/video9"])
def test_an_unplugged_usb_camera_is_a_known_error(device: str) -> None:
    _, previews, _, errors = _run(CameraSettings(device=device))
    assert previews == [] and [e.code for e in errors] == ["no_camera"]
    assert errors[0].message == "没有找到摄像头，请联系工作人员"


def test_the_camera_is_a_capture_source(tmp_path: Path, page: np.ndarray) -> None:
    video = _write_video(tmp_path / "slide.avi", _moving_then_still(page, 4, 12))
    source = CameraSource(CameraSettings(device=str(video), still_frames=5))
    assert isinstance(source, CaptureSource)
    [cap] = list(source.captures())
    assert cap.source == "camera" and cap.meta["frame"] >= 4 + 5


def test_the_worker_stops_when_asked(tmp_path: Path, page: np.ndarray) -> None:
    video = _write_video(tmp_path / "long.avi", [on_plate(page, SIZE, CENTRE)] * 60)
    seen: list[Preview] = []
    worker: CameraWorker

    def on_preview(p: Preview) -> None:
        seen.append(p)
        if p.frame_index == 5:
            worker.stop()

    worker = CameraWorker(CameraSettings(device=str(video)), on_preview=on_preview)
    worker.start()
    assert worker.join(timeout=30)
    assert len(seen) == 5


def test_outline_found_on_a_plain_frame_is_none() -> None:
    flat = np.full((720, 1280, 3), 128, np.uint8)
    assert find_outline(flat) is None


def test_preview_shows_the_frame_guide_and_the_countdown_to_capture(
        tmp_path: Path, page: np.ndarray) -> None:
    from kiosk.scanner.quality import GUIDE_MARGIN

    empty = on_plate(page, SIZE, (-0.2, -0.2, -0.1, -0.1))
    frames = [noisy(empty, i) for i in range(2)] + [noisy(on_plate(page, SIZE, CENTRE), 10 + i)
                                                     for i in range(6)]
    video = _write_video(tmp_path / "guide.avi", frames)
    _, previews, _, _ = _run(CameraSettings(device=str(video), still_frames=20))
    h, w = previews[0].image.shape[:2]
    mx, my = round(w * GUIDE_MARGIN), round(h * GUIDE_MARGIN)

    def white(img: np.ndarray, x: int, y: int) -> bool:
        return bool((img[y - 1:y + 2, x - 1:x + 2] > 230).all())

    # no page yet: the four corner brackets show where the receipt goes, no progress bar
    first = previews[0].image
    assert previews[0].state == "no_page"
    for x, y in ((mx + 20, my), (w - 1 - mx - 20, my), (mx, h - 1 - my - 20),
                 (w - 1 - mx, h - 1 - my - 20)):
        assert white(first, x, y), (x, y)

    def bar(img: np.ndarray) -> int:
        row = img[h - 1 - my // 2]
        return int(np.count_nonzero((row[:, 1] > 180) & (row[:, 0] < 90) & (row[:, 2] < 90)))

    assert bar(first) == 0
    steady = [p for p in previews if p.state == "steady"]
    assert len(steady) >= 2
    fills = [bar(p.image) for p in steady]
    assert fills == sorted(fills) and fills[-1] > fills[0] > 0  # fills up while it lies still
