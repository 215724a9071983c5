"""Thin adapter: kiosk.scanner's Qt-free camera worker → Qt signals for the capture screen.

The worker runs on its own thread and calls back there; the callbacks only convert (a preview
to a QImage, which is safe off the UI thread, unlike a QPixmap) and emit. A worker that was
stopped may still deliver a last frame: its callbacks are ignored once it is not current.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import cv2
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.core.config import CameraSettings
from kiosk.scanner import Capture, CaptureError
from kiosk.scanner.camera import CameraWorker, Preview
from kiosk.scanner.messages import CODES
from kiosk.ui.i18n import render

log = logging.getLogger("kiosk.ui.camera")


def message_for(code: str) -> str:
    """The scanner's plain-words line for a code, in the language in force."""
    if code not in CODES:
        return ""
    return render(CaptureError.words_of(code))


def to_qimage(image: Any) -> QImage:
    h, w = image.shape[:2]
    if image.ndim == 2:
        return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_Grayscale8).copy()
    return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888).copy()


def capture_to_jpeg(capture: Capture, quality: int = 92) -> tuple[bytes, str]:
    """A still as JPEG bytes for recognition and the store (runs on the database thread)."""
    ok, buf = cv2.imencode(".jpg", capture.image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("could not encode the camera still")
    return buf.tobytes(), f"camera-{capture.meta.get('frame', 0)}.jpg"


class CameraFeed(QObject):
    frame = Signal(QImage, str)  # preview, hint code ("" if none): kiosk.scanner.CODES
    captured = Signal(object)  # kiosk.scanner.Capture
    refused = Signal(str)  # message code of the quality gate's first reason
    failed = Signal(str)  # message code: no camera, camera lost

    def __init__(self, settings: CameraSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._worker: CameraWorker | None = None

    def use_device(self, device: str) -> None:
        """Another camera from the settings: used from the next start."""
        self.settings = replace(self.settings, device=device)

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.running

    def start(self) -> None:
        if self._worker is not None:
            return
        worker = CameraWorker(self.settings)
        worker.on_preview = lambda p: self._preview(worker, p)
        worker.on_capture = lambda c: self._capture(worker, c)
        worker.on_rejected = lambda q: self._rejected(worker, q)
        worker.on_error = lambda e: self._error(worker, e)
        self._worker = worker
        worker.start()
        log.info("camera %s started", self.settings.device)

    def stop(self) -> None:
        """Ask the worker to stop (returns at once; the UI thread never waits for it)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()

    def capture_now(self) -> None:
        if self._worker is not None:
            self._worker.capture_now()

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """At exit: stop and wait for the thread."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()
            if not worker.join(timeout_s):
                log.error("the camera thread did not stop within %.0f s", timeout_s)

    # --- callbacks, on the camera thread ---------------------------------------------------

    def _preview(self, worker: CameraWorker, p: Preview) -> None:
        if worker is self._worker:
            hint = p.hint if p.hint in CODES else ""
            self.frame.emit(to_qimage(p.image), hint)

    def _capture(self, worker: CameraWorker, c: Capture) -> None:
        if worker is self._worker:
            self.captured.emit(c)

    def _rejected(self, worker: CameraWorker, q: Any) -> None:
        if worker is self._worker and q.reasons:
            self.refused.emit(q.reasons[0])

    def _error(self, worker: CameraWorker, e: CaptureError) -> None:
        if worker is self._worker:
            self.failed.emit(e.code)
