"""Capture the receipts: the live camera preview (automatic capture once the page lies
still, or the "拍照" button), the import from a USB stick (its own screen,
`usb_import.py`), and the demo's sample receipt.

The screen only shows and says what the person chose; the window starts and stops the camera
(`kiosk.ui.camera.CameraFeed`) and hands frames to `show_frame`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import big_button, label


class CaptureScreen(Screen):
    file_chosen = Signal(str)
    import_wanted = Signal()  # "从U盘或文件导入": the window opens the USB import screen
    sample_requested = Signal()
    capture_now = Signal()
    back = Signal()

    def __init__(self, *, sample_available: bool, camera_available: bool = False) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.setSpacing(24)
        self.title = label(role="title")
        self.hint = label(role="large")
        self.counter = label(role="large", name="pageCounter")
        self.counter.hide()
        self._count = 0
        self.status = label(role="large", name="captureStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem = label(role="error", name="captureProblem")
        self.problem.hide()
        self.preview = label(name="cameraPreview", wrap=False)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(480)
        self.camera_hint = label(role="large", name="cameraHint")
        self.shoot_btn = big_button("", kind="primary", name="shoot")
        self.shoot_btn.clicked.connect(self.capture_now)
        self.camera_available = camera_available
        self._camera_problem = ""  # why the camera stopped working, said on every visit
        for w in (self.preview, self.camera_hint, self.shoot_btn):
            w.setVisible(camera_available)
        self.file_btn = big_button("", name="importFile")
        self.sample_btn = big_button("", name="useSample")
        self.sample_btn.setVisible(sample_available)
        self.back_btn = big_button("", kind="back", name="back")
        self.file_btn.clicked.connect(self.import_wanted)
        self.sample_btn.clicked.connect(self.sample_requested)
        self.back_btn.clicked.connect(self.back)
        lay.addWidget(self.title)
        lay.addWidget(self.counter)
        lay.addWidget(self.hint)
        lay.addWidget(self.preview, 4)
        lay.addWidget(self.camera_hint)
        lay.addWidget(self.shoot_btn)
        lay.addStretch(1)
        lay.addWidget(self.status)
        lay.addWidget(self.problem)
        lay.addWidget(self.file_btn)
        lay.addWidget(self.sample_btn)
        lay.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_btn)
        row.addStretch(2)
        lay.addLayout(row)
        self.retranslate()
        self.set_busy(False)

    def retranslate(self) -> None:
        self.title.setText(self.tr("放好收据"))
        self._show_hint()
        self.file_btn.setText(self.tr("从U盘导入"))
        self.sample_btn.setText(self.tr("使用示例收据（演示）"))
        self.back_btn.setText(self.tr("← 返回"))
        self.shoot_btn.setText(self.tr("拍照"))
        self.set_count(self._count)

    def set_count(self, n: int) -> None:
        """The page counter: how many receipts this claim has already (hidden at none)."""
        self._count = n
        self.counter.setText(self.tr("已有{n}张收据").format(n=n))
        self.counter.setVisible(n > 0)

    def show_frame(self, image: QImage, hint: str) -> None:
        size = self.preview.size()
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self.camera_hint.setText(hint)

    def _show_hint(self) -> None:
        if self.camera_available:
            self.hint.setText(self.tr("把医院的收据或发票正面朝上放好。"))
        else:  # nothing to lay a receipt under: say what does work
            self.hint.setText(self.tr("请点下面的按钮，从U盘导入收据的照片或PDF；"
                                      "没有U盘，请协理员帮忙。"))

    def camera_refused(self, hint: str) -> None:
        """The camera's still was not a usable receipt: what to do, under the preview."""
        self.camera_hint.setText(hint)

    def camera_failed(self, message: str) -> None:
        """No camera (or it was unplugged): said on this and every later capture screen
        (not only the first), with file import offered instead."""
        self.camera_available = False
        self._camera_problem = message
        for w in (self.preview, self.camera_hint, self.shoot_btn):
            w.hide()
        self._show_hint()
        self.show_problem(message)

    def set_busy(self, busy: bool) -> None:
        self.status.setText(self.tr("正在读取收据，请稍等……") if busy else "")
        self.status.setVisible(busy)
        self.file_btn.setEnabled(not busy)
        self.shoot_btn.setEnabled(not busy)
        self.sample_btn.setEnabled(not busy)
        if busy:
            self.problem.hide()

    def show_problem(self, text: str) -> None:
        self.set_busy(False)
        self.problem.setText(text)
        self.problem.show()

    def reset(self) -> None:
        self.set_count(0)
        self.set_busy(False)
        self.problem.hide()
        self.preview.clear()
        self.camera_hint.setText("")
        for w in (self.preview, self.camera_hint, self.shoot_btn):
            w.setVisible(self.camera_available)
        self._show_hint()
        if self._camera_problem:
            self.show_problem(self._camera_problem)
