"""The document camera: frames on a worker thread, a live preview with the page outline,
automatic capture once the page lies still and sharp, manual capture, full-resolution stills.

Qt-free: the worker reports through plain callbacks, which the UI's thin adapter turns into
signals. The worker never touches a widget, and it stops cooperatively (an `Event` checked
once per frame); nothing here sleeps — the camera's own frame rate paces the loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.core.config import CameraSettings
from kiosk.scanner.messages import CaptureError
from kiosk.scanner.qr import read_qr
from kiosk.scanner.quality import (
    Outline,
    Quality,
    assess,
    draw_guide,
    draw_outline,
    find_outline,
    sharpness,
    shrink,
)
from kiosk.scanner.source import Capture

log = logging.getLogger("kiosk.scanner")

PREVIEW_SIDE = 960
"""Long side of the preview image handed to the UI (the screen shows it at about this size)."""

STILL_MOTION = 4.0
"""Mean grey-level change between consecutive thumbnails below which the scene is still."""

STILL_CORNERS = 0.01
"""Largest corner movement (share of the frame's long side) that still counts as still."""

MIN_PREVIEW_SHARPNESS = 0.3
"""Sharpness on the preview copy below which auto-capture waits (hand shake, refocusing)."""


@dataclass
class Preview:
    """One preview frame for the UI, with what the camera currently sees.

    `state` is "no_page", "moving", "steady" (counting towards auto-capture) or a gate reason
    from the last refused still; `hint` is the message code the UI may speak.
    """

    image: np.ndarray
    outline: Outline | None
    state: str
    still_count: int
    frame_index: int
    hint: str | None = None


@dataclass
class StillTracker:
    """Counts consecutive frames in which the page outline stays put and the print is sharp.

    Fires once when the count reaches `needed`; it re-arms only after the page moves or
    leaves, so a receipt left on the plate is not captured over and over.
    """

    needed: int = 8
    count: int = 0
    armed: bool = True
    _last_quad: np.ndarray | None = None
    _last_thumb: np.ndarray | None = None
    last_motion: float = field(default=0.0)

    def update(self, thumb: np.ndarray, outline: Outline | None, sharp: float,
               long_side: int) -> bool:
        """Feed one frame; True when an automatic capture should happen now."""
        motion = 255.0
        if self._last_thumb is not None and self._last_thumb.shape == thumb.shape:
            motion = float(cv2.absdiff(thumb, self._last_thumb).mean())
        self._last_thumb = thumb
        self.last_motion = motion
        corners_moved = True
        if outline is not None and self._last_quad is not None:
            moved = float(np.max(np.linalg.norm(outline.quad - self._last_quad, axis=1)))
            corners_moved = moved > STILL_CORNERS * long_side
        self._last_quad = None if outline is None else outline.quad
        still = outline is not None and not corners_moved and motion < STILL_MOTION
        if outline is None or not still:
            self.count = 0
            if outline is None or motion >= 2 * STILL_MOTION or corners_moved:
                self.armed = True
            return False
        if sharp < MIN_PREVIEW_SHARPNESS or outline.cut_off:
            self.count = 0
            return False
        self.count += 1
        if self.armed and self.count >= self.needed:
            self.armed = False
            return True
        return False


def open_camera(settings: CameraSettings) -> cv2.VideoCapture:
    """Open the configured device (an index such as "0", a /dev path or a video file)."""
    dev: int | str = int(settings.device) if settings.device.isdigit() else settings.device
    cap = cv2.VideoCapture(dev)
    if not cap.isOpened():
        cap.release()
        raise CaptureError("no_camera", f"cannot open {settings.device!r}")
    if isinstance(dev, int) or str(dev).startswith("/dev/"):
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, settings.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, settings.height)
        cap.set(cv2.CAP_PROP_FPS, settings.fps)
        got = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        if got != (settings.width, settings.height):
            log.warning("camera %s gives %dx%d, not the configured %dx%d", settings.device,
                        got[0], got[1], settings.width, settings.height)
    return cap


def _is_recording(device: str) -> bool:
    """A video file or image sequence (tests, demos) ends; a real camera that stops is lost."""
    return not device.isdigit() and not device.startswith("/dev/") and (
        Path(device).is_file() or "%" in device)


class CameraWorker:
    """Reads frames on its own thread until asked to stop.

    Callbacks run on the worker thread: `on_preview(Preview)` every frame, `on_capture(Capture)`
    for a still that passed the gate, `on_rejected(Quality)` for one that did not,
    `on_error(CaptureError)` when the camera is missing or lost. The UI adapter re-emits them
    as Qt signals; they must return quickly.
    """

    def __init__(self, settings: CameraSettings, *,
                 on_preview: Callable[[Preview], None] | None = None,
                 on_capture: Callable[[Capture], None] | None = None,
                 on_rejected: Callable[[Quality], None] | None = None,
                 on_error: Callable[[CaptureError], None] | None = None,
                 preview_side: int = PREVIEW_SIDE) -> None:
        self.settings = settings
        self.on_preview = on_preview
        self.on_capture = on_capture
        self.on_rejected = on_rejected
        self.on_error = on_error
        self.preview_side = preview_side
        self.tracker = StillTracker(needed=settings.still_frames)
        self.auto = settings.auto_capture
        self.frames = 0
        self._stop = threading.Event()
        self._manual = threading.Event()
        self._thread: threading.Thread | None = None
        self._hint: str | None = None
        self._refused_now = False

    # -- control (any thread) --------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("camera worker already started")
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="kiosk-camera", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to end after the current frame (returns at once)."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True when it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def capture_now(self) -> None:
        """Manual capture: the next frame is gated and delivered whether or not it is still."""
        self._manual.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the loop (worker thread) ----------------------------------------------------------

    def run(self) -> None:
        try:
            cap = open_camera(self.settings)
        except CaptureError as exc:
            self._report(exc)
            return
        recording = _is_recording(self.settings.device)
        try:
            while not self._stop.is_set():
                ok, frame = cap.read()
                if not ok or frame is None:
                    if not recording:
                        self._report(CaptureError("camera_lost", "read failed"))
                    break
                self.process(frame)
        finally:
            cap.release()

    def process(self, frame: np.ndarray) -> Capture | None:
        """One frame: preview, outline, stillness, and a gated still when one is due."""
        self.frames += 1
        preview, k = shrink(frame, self.preview_side)
        small, k2 = shrink(preview, 320)
        outline = find_outline(frame, small=small, scale=k * k2)
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        sharp = _preview_sharpness(preview, outline, k) if outline is not None else 0.0
        fire = self.tracker.update(gray, outline, sharp, max(frame.shape[:2]))
        manual = self._manual.is_set()
        result: Capture | None = None
        if manual or (fire and self.auto):
            self._manual.clear()
            result = self._still(frame, outline, manual=manual)
        if outline is None:
            state = "no_page"
        elif self.tracker.count > 0:
            state = "steady"
        elif outline.cut_off:
            state = "cut_off"
        else:
            state = "moving"
        if state in ("no_page", "cut_off", "moving") and not self._refused_now:
            self._hint = state
        self._refused_now = False
        if self.on_preview is not None:
            image = preview.copy() if preview is frame else preview
            draw_outline(image, outline, k, good=state == "steady")
            draw_guide(image, self.tracker.count if state == "steady" else 0,
                       self.tracker.needed)
            self.on_preview(Preview(image=image, outline=outline, state=state,
                                    still_count=self.tracker.count, frame_index=self.frames,
                                    hint=self._hint))
        return result

    def _still(self, frame: np.ndarray, outline: Outline | None, *, manual: bool
               ) -> Capture | None:
        quality = assess(frame, outline=outline)
        if not quality.ok:
            self._hint = quality.reasons[0]
            self._refused_now = True
            log.info("still refused: %s %s", quality.reasons, quality.metrics)
            if self.on_rejected is not None:
                self.on_rejected(quality)
            return None
        self._hint = None
        meta: dict[str, Any] = {
            "device": self.settings.device, "frame": self.frames, "manual": manual,
            "quality": quality.metrics, "size": [frame.shape[1], frame.shape[0]],
            "outline": None if outline is None else outline.quad.round(1).tolist(),
            "time": time.time(),
        }
        capture = Capture(image=frame.copy(), source="camera", meta=meta, qr=read_qr(frame))
        if self.on_capture is not None:
            self.on_capture(capture)
        return capture

    def _report(self, exc: CaptureError) -> None:
        log.warning("camera: %s", exc)
        if self.on_error is not None:
            self.on_error(exc)


def _preview_sharpness(preview: np.ndarray, outline: Outline, k: float) -> float:
    """Sharpness of the middle of the page on the preview copy (cheap, per frame)."""
    q = outline.quad * k
    x0, y0 = q.min(axis=0)
    x1, y1 = q.max(axis=0)
    w, h = x1 - x0, y1 - y0
    roi = preview[int(y0 + h / 4): int(y1 - h / 4), int(x0 + w / 4): int(x1 - w / 4), 2]
    if roi.size < 400:
        return 0.0
    return sharpness(np.ascontiguousarray(roi))


class CameraSource:
    """The camera as a `CaptureSource`: runs the loop here until one still passes the gate.

    For `kiosk recognize --camera`-style use without a UI; `max_frames` bounds the wait.
    """

    def __init__(self, settings: CameraSettings, max_frames: int = 900) -> None:
        self.settings = settings
        self.max_frames = max_frames

    def captures(self) -> Iterator[Capture]:
        worker = CameraWorker(self.settings)
        cap = open_camera(self.settings)
        try:
            for _ in range(self.max_frames):
                ok, frame = cap.read()
                if not ok or frame is None:
                    if _is_recording(self.settings.device):
                        return
                    raise CaptureError("camera_lost", "read failed")
                got = worker.process(frame)
                if got is not None:
                    yield got
                    return
        finally:
            cap.release()
        raise CaptureError(worker._hint or "no_page", f"no good still in {self.max_frames} frames")
