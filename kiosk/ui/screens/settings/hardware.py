"""The document camera (choose, with a live preview) and the flatbed (choose, scan a test page).

Listing and scanning run on their own threads; the preview is a private `CameraFeed` that
runs only while this page is on screen (the capture screen's feed is stopped meanwhile).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QPushButton, QWidget

from kiosk.core.config import ScannerSettings, Settings
from kiosk.core.devices import CameraChoice, list_cameras
from kiosk.ui.camera import CameraFeed, message_for, to_qimage
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.settings.fields import Section
from kiosk.ui.screens.settings.firststart.progress import FAILED, MISSING, WORKS
from kiosk.ui.widgets import big_button, label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.panel import SettingsPanel

log = logging.getLogger("kiosk.ui.settings")

PREVIEW_W, PREVIEW_H = 640, 360


class DeviceButtons(QWidget):
    """A grid of big buttons, one per device; the configured one is checked."""

    chosen = Signal(str)

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.group = QButtonGroup(self)
        self.buttons: list[QPushButton] = []
        self.devices: list[str] = []

    def show_devices(self, devices: list[tuple[str, str]], current: str) -> None:
        for b in self.buttons:
            self.group.removeButton(b)
            b.deleteLater()
        self.buttons, self.devices = [], []
        for i, (device, text) in enumerate(devices):
            b = big_button(text, kind="choice", name=f"{self.prefix}_{i}")
            b.setCheckable(True)
            b.setChecked(device == current)
            b.clicked.connect(lambda _=False, d=device: self.chosen.emit(d))
            self.group.addButton(b)
            self.grid.addWidget(b, i // 2, i % 2)
            self.buttons.append(b)
            self.devices.append(device)

    def mark(self, current: str) -> None:
        for b, device in zip(self.buttons, self.devices, strict=True):
            b.setChecked(device == current)


class CameraSection(Section):
    key = "camera"
    checked = Signal(str)  # what the check found: works (a live picture), missing, failed

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.find_btn = big_button("", name="findCameras")
        self.find_btn.clicked.connect(self.find_devices)
        self.devices = DeviceButtons("camera")
        self.devices.chosen.connect(self._choose)
        self.preview = label(name="cameraPreview", wrap=False)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(PREVIEW_W // 2, PREVIEW_H // 2)
        self.status = label(name="cameraStatus")
        self.test_btn = big_button("", name="testCamera")
        self.test_btn.setCheckable(True)
        self.test_btn.clicked.connect(self._toggle_test)
        for w in (self.find_btn, self.devices, self.test_btn, self.preview, self.status):
            self.box.addWidget(w)
        self.box.addStretch(1)
        self.feed: CameraFeed | None = None
        self.device = ""
        self.frames = 0

    def title(self) -> str:
        return self.tr("摄像头")

    def retranslate(self) -> None:
        super().retranslate()
        self.find_btn.setText(self.tr("查找摄像头"))
        self.test_btn.setText(self.tr("停止测试") if self.feed else self.tr("测试画面"))

    def refresh(self, settings: Settings) -> None:
        self.device = settings.camera.device
        self.devices.mark(self.device)

    def opened(self) -> None:
        self.find_devices()

    def closed(self) -> None:
        self.stop_preview()

    def find_devices(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        dev_dir, current = ctx.dev_dir, self.device
        self.find_btn.setEnabled(False)
        # Linux lists its cameras under /dev; elsewhere OpenCV's indices are tried
        probe = 0 if sys.platform.startswith("linux") else 4
        QueryOp(ctx.tasks, lambda: list_cameras(dev_dir, current=current,
                                                probe_indices=probe), io=True).after(
            lambda: self.find_btn.setEnabled(True)).success(self._found).failure(
            self._not_found).run()

    def _not_found(self, exc: Exception) -> None:
        log.warning("listing cameras failed: %s", exc)  # /dev unreadable: none to offer
        self._found([])

    def _found(self, cameras: list[CameraChoice]) -> None:
        self.devices.show_devices([(c.device, c.label) for c in cameras], self.device)
        # the configured device is offered even when not seen (a video file, an index that
        # may open): "no camera" is what the machine shows, not what the file says
        seen = any(c.found for c in cameras)
        self.status.setText("" if seen else self.tr("没有找到摄像头。"))
        if not seen:
            self.checked.emit(MISSING)

    def _choose(self, device: str) -> None:
        self.panel.save("camera", "device", device)
        self.device = device
        if self.feed is not None:  # show the one just chosen
            self.stop_preview()
            self.start_preview()

    def _toggle_test(self) -> None:
        if self.feed is None:
            self.start_preview()
        else:
            self.stop_preview()

    def start_preview(self) -> None:
        ctx = self.ctx
        if ctx is None or self.feed is not None:
            return
        base = ctx.settings.camera
        feed = CameraFeed(replace(base, device=self.device) if self.device else base, self)
        feed.frame.connect(self._frame)
        feed.failed.connect(self._failed)
        self.feed = feed
        self.frames = 0
        self.status.setText(self.tr("正在打开摄像头……"))
        self.test_btn.setChecked(True)
        self.retranslate()
        feed.start()

    def stop_preview(self) -> None:
        feed, self.feed = self.feed, None
        if feed is not None:
            feed.stop()
            feed.deleteLater()
        self.test_btn.setChecked(False)
        self.retranslate()

    def _frame(self, image: QImage, hint: str) -> None:
        self.frames += 1
        if self.frames == 1:
            self.checked.emit(WORKS)
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            PREVIEW_W, PREVIEW_H, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self.status.setText(self.tr("摄像头正常：{w}×{h}").format(w=image.width(),
                                                                h=image.height()))

    def _failed(self, code: str) -> None:
        self.stop_preview()
        self.status.setText(message_for(code) or code)
        self.checked.emit(FAILED)


@dataclass(frozen=True)
class ScanResult:
    thumbnail: QImage
    ok: bool
    reasons: tuple[str, ...]
    size: tuple[int, int]


def scan_test_page(settings: ScannerSettings) -> ScanResult:
    """One page at a low resolution through the quality gate (runs off the UI thread)."""
    import cv2

    from kiosk.scanner.flatbed import scan
    from kiosk.scanner.quality import assess

    extra = ["--test-picture", "Color pattern"] if settings.device.startswith("test") else []
    image = scan(replace(settings, dpi=min(settings.dpi, 150)), extra=extra)
    quality = assess(image, expect_outline=False)
    h, w = image.shape[:2]
    scale = min(1.0, 480 / max(h, w))
    thumb = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))))
    return ScanResult(to_qimage(thumb), quality.ok, tuple(quality.reasons), (w, h))


def list_scanners() -> list[tuple[str, str]]:
    from kiosk.scanner.flatbed import list_devices

    return [(d.name, f"{d.vendor} {d.model}".strip() or d.name) for d in list_devices()]


class ScannerSection(Section):
    key = "scanner"
    scanned = Signal(bool)  # the test page passed the quality gate
    checked = Signal(str)  # works (a page came back, sharp or not), missing, failed

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.find_btn = big_button("", name="findScanners")
        self.find_btn.clicked.connect(self.find_devices)
        self.devices = DeviceButtons("scanner")
        self.devices.chosen.connect(self._choose)
        self.scan_btn = big_button("", name="testScan")
        self.scan_btn.clicked.connect(self.scan)
        self.thumbnail = label(name="scanPreview", wrap=False)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict = label(name="scanVerdict")
        for w in (self.find_btn, self.devices, self.scan_btn, self.thumbnail, self.verdict):
            self.box.addWidget(w)
        self.box.addStretch(1)
        self.settings = ScannerSettings()

    def title(self) -> str:
        return self.tr("扫描仪")

    def retranslate(self) -> None:
        super().retranslate()
        self.find_btn.setText(self.tr("查找扫描仪"))
        self.scan_btn.setText(self.tr("扫描一张测试页"))

    def refresh(self, settings: Settings) -> None:
        self.settings = settings.scanner
        self.devices.mark(self.settings.device)

    def find_devices(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        self.find_btn.setEnabled(False)
        self.verdict.setText(self.tr("正在查找扫描仪……"))
        QueryOp(ctx.tasks, list_scanners, io=True).after(
            lambda: self.find_btn.setEnabled(True)).success(self._found).failure(
            self._not_found).run()

    def _not_found(self, exc: Exception) -> None:
        from kiosk.scanner import CaptureError

        if not isinstance(exc, CaptureError):
            raise exc  # a failure the scanner layer does not name: a bug report
        self.verdict.setText(self._why(exc.code, exc.detail))
        self.checked.emit(FAILED)

    def _found(self, found: list[tuple[str, str]]) -> None:
        self.devices.show_devices(found, self.settings.device)
        self.verdict.setText("" if found else self.tr("没有找到扫描仪，请检查电源和连线。"))
        if not found:
            self.checked.emit(MISSING)

    def _choose(self, device: str) -> None:
        self.panel.save("scanner", "device", device)

    def scan(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        settings = self.settings
        self.scan_btn.setEnabled(False)
        self.verdict.setText(self.tr("正在扫描……"))
        QueryOp(ctx.tasks, lambda: scan_test_page(settings), io=True).after(
            lambda: self.scan_btn.setEnabled(True)).success(self._scanned).failure(
            self._not_scanned).run()

    def _not_scanned(self, exc: Exception) -> None:
        from kiosk.scanner import CaptureError

        if not isinstance(exc, CaptureError):
            raise exc  # a failure the scanner layer does not name: a bug report
        log.warning("test scan failed: %s %s", exc.code, exc.detail)
        self.verdict.setText(self._why(exc.code, exc.detail))
        self.scanned.emit(False)
        self.checked.emit(FAILED)

    def _scanned(self, result: ScanResult) -> None:
        self.thumbnail.setPixmap(QPixmap.fromImage(result.thumbnail))
        w, h = result.size
        if result.ok:
            text = self.tr("扫描正常（{w}×{h}），图像清楚，可以使用。").format(w=w, h=h)
        else:
            reasons = "；".join(message_for(r) or r for r in result.reasons)
            text = self.tr("扫描到了（{w}×{h}），但图像有问题：{why}").format(w=w, h=h,
                                                                       why=reasons)
        self.verdict.setText(text)
        self.scanned.emit(result.ok)
        self.checked.emit(WORKS)

    def _why(self, code: str, detail: str) -> str:
        if "scanimage is not installed" in detail:
            return self.tr("本机没有装扫描程序（sane-utils），请技术员安装。")
        return message_for(code) or code
