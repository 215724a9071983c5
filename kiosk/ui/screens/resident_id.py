"""Who the claim is for: the ID-card number on a large keypad, the insurance e-voucher QR code
shown to the camera, or the card on a reader — whichever the resident has to hand.

The QR code is decoded off the UI thread (one preview frame at a time; frames arriving while
one is decoded are dropped) and read by kiosk.residents.evoucher: an ID number is checked like a typed
one, a slip's own code opens that claim's status, an online-only token is answered plainly.
The card reader's command runs on the task manager's device pool (kiosk.scanner.cardreader). Readers that
type the number like a keyboard work through keyPressEvent, as the keypad does.
"""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout

from kiosk.core.config import CardReaderSettings
from kiosk.residents import valid_id_number
from kiosk.residents.evoucher import read_payload
from kiosk.scanner.cardreader import CardReadError, read_card
from kiosk.scanner.qr import decode_qr
from kiosk.ui.camera import CameraFeed
from kiosk.ui.i18n import message_text, render
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.base import Screen
from kiosk.ui.tasks import TaskManager
from kiosk.ui.widgets import KeyEntry, PadSplit, big_button, keypad_key

log = logging.getLogger("kiosk.ui.identify")

ID_LENGTH = 18


def grouped(number: str) -> str:
    """6-8-4 groups as printed on the card, so a resident can compare digit by digit."""
    return " ".join(x for x in (number[:6], number[6:14], number[14:]) if x)


def qimage_to_array(image: QImage) -> np.ndarray:
    """A BGR copy of a preview frame (safe to hand to another thread)."""
    img = image.convertToFormat(QImage.Format.Format_BGR888)
    h, w, stride = img.height(), img.width(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return buf[:, : w * 3].reshape(h, w, 3).copy()


class QrDecoder(QObject):
    """Decodes preview frames on the task manager's device pool, one at a time;
    `found(text)` on the UI thread."""

    found = Signal(str)
    decoded = Signal(str)  # every frame tried, '' when no code was found in it

    def __init__(self, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._busy = False
        self.active = False
        self.decoded.connect(self._on_decoded)

    def feed(self, image: QImage) -> bool:
        """Decode this frame unless one is being decoded (False: the frame was dropped)."""
        if not self.active or self._busy or image.isNull():
            return False
        self._busy = True
        frame = qimage_to_array(image)
        QueryOp(self._tasks, lambda: _decode(frame), io=True).success(self.decoded.emit).run()
        return True

    def _on_decoded(self, text: str) -> None:
        self._busy = False
        if self.active and text:
            self.found.emit(text)



def _decode(frame: np.ndarray) -> str:
    try:
        return decode_qr(frame) or ""
    except Exception:  # a frame OpenCV chokes on is a frame without a code: the next one
        log.exception("QR decoding failed")  # comes in a moment; logged for the technician
        return ""


class CardReader(QObject):
    """Runs the [cardreader] command on the task manager's device pool; `read(number, error
    code)` on the UI thread."""

    read = Signal(str, str)

    def __init__(self, tasks: TaskManager, settings: CardReaderSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.settings = settings
        self.busy = False

    @property
    def available(self) -> bool:
        return bool(self.settings.command.strip())

    def start(self) -> bool:
        if self.busy or not self.available:
            return False
        self.busy = True
        command, timeout = self.settings.command, self.settings.timeout_s

        def run() -> tuple[str, str]:
            try:
                return read_card(command, timeout), ""
            except CardReadError as exc:
                log.info("card reader: %s", exc)
                return "", exc.code

        QueryOp(self._tasks, run, io=True).success(self._done).failure(self._failed).run()
        return True

    def _failed(self, exc: Exception) -> None:
        log.error("the card reader command failed: %s", exc)  # the resident types instead
        self._done(("", "no_reader"))

    def _done(self, result: tuple[str, str]) -> None:
        self.busy = False
        self.read.emit(*result)


class ResidentIdScreen(Screen):
    accepted = Signal(str)
    back = Signal()
    claim_scanned = Signal(str)  # a slip's QR code: the claim's uid
    said = Signal(str)  # a voice prompt key for what just happened (the window speaks it)

    def __init__(self, tasks: TaskManager,
                 card_reader: CardReaderSettings | None = None) -> None:
        super().__init__()
        self._tasks = tasks
        self.number = ""
        self.camera: CameraFeed | None = None
        self.card_reader: CardReader | None = None
        self.qr = QrDecoder(tasks, self)
        self.qr.found.connect(self.take_qr_text)
        entry = KeyEntry(with_x=True, on_key=self.type_char, on_backspace=self.delete_char,
                         on_clear=self.clear, on_back=self.back.emit, on_ok=self.submit,
                         display="idDisplay", error="idError", ok="confirmId")
        self.title, self.hint, self.display = entry.title, entry.hint, entry.display
        self.error, self.keypad = entry.error, entry.keypad
        self.back_btn, self.ok_btn = entry.back, entry.ok
        self.preview = QLabel()
        self.preview.setObjectName("qrPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.hide()
        self.scan_btn = big_button("", name="scanQr")
        self.scan_btn.clicked.connect(self.toggle_scan)
        self.scan_btn.hide()
        self.card_btn = big_button("", name="readCard")
        self.card_btn.clicked.connect(self.read_card)
        self.card_btn.hide()
        lay = QVBoxLayout()
        lay.setSpacing(20)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        lay.addWidget(self.display)
        lay.addWidget(self.error)
        other = QHBoxLayout()
        other.addWidget(self.scan_btn)
        other.addWidget(self.card_btn)
        lay.addLayout(other)
        lay.addLayout(entry.buttons())
        # the keypad (or the QR preview) below the number on a portrait screen, beside it on
        # a landscape one
        self.split = PadSplit(self, lay, [self.keypad, self.preview], at=4)
        self.split.setContentsMargins(48, 32, 48, 32)
        self.retranslate()
        self._refresh()
        if card_reader is not None:
            self.set_card_reader(card_reader)

    def arrange(self, landscape: bool) -> None:
        self.split.arrange(landscape)

    # --- set-up (the window and the composition root) -----------------------------------

    def set_camera(self, camera: CameraFeed) -> None:
        """Offer "扫码": the camera's preview frames go to the QR decoder while scanning."""
        self.camera = camera
        camera.frame.connect(self._frame)
        camera.failed.connect(self._camera_failed)
        self.scan_btn.show()

    def set_card_reader(self, settings: CardReaderSettings) -> None:
        """Offer "刷身份证" when a reader command is configured."""
        self.card_reader = CardReader(self._tasks, settings, self)
        self.card_reader.read.connect(self._card_read)
        self.card_btn.setVisible(self.card_reader.available)

    def retranslate(self) -> None:
        self.title.setText(self.tr("请输入身份证号码"))
        self.hint.setText(self.tr("一共18位，在身份证有照片的那一面最下面一行"))
        self.back_btn.setText(self.tr("← 返回"))
        self.ok_btn.setText(self.tr("确定"))
        self.scan_btn.setText(self.tr("输入号码") if self.scanning else self.tr("扫码"))
        self.scan_btn.setAccessibleName(self.tr("扫医保电子凭证的二维码"))
        self.card_btn.setText(self.tr("刷身份证"))

    # --- typing ---------------------------------------------------------------------------

    def type_char(self, ch: str) -> None:
        if len(self.number) >= ID_LENGTH:
            return
        if ch == "X" and len(self.number) != ID_LENGTH - 1:
            return  # X only ever stands last
        self.number += ch
        self.error.hide()
        self._refresh()

    def delete_char(self) -> None:
        self.number = self.number[:-1]
        self.error.hide()
        self._refresh()

    def clear(self) -> None:
        self.number = ""
        self.error.hide()
        self._refresh()

    def submit(self) -> None:
        if len(self.number) < ID_LENGTH:
            self._show_error(self.tr("号码还不够18位，已输入{n}位。").format(n=len(self.number)))
            return
        if not valid_id_number(self.number):
            self._show_error(self.tr("这个号码不对，请和身份证对照，再看一遍。"))
            self.said.emit("id.bad_number")
            return
        self.accepted.emit(self.number)

    # --- the e-voucher QR code ------------------------------------------------------------

    @property
    def scanning(self) -> bool:
        return self.qr.active

    def toggle_scan(self) -> None:
        if self.scanning:
            self.stop_scan()
        else:
            self.start_scan()

    def start_scan(self) -> None:
        if self.camera is None:
            return
        self.error.hide()
        self.qr.active = True
        self.keypad.hide()
        self.preview.clear()
        self.preview.setText(self.tr("请把医保码对准摄像头"))
        self.preview.show()
        self.retranslate()
        self.camera.start()
        self.said.emit("id.scan")

    def stop_scan(self) -> None:
        self.qr.active = False
        if self.camera is not None:
            self.camera.stop()
        self.preview.hide()
        self.preview.clear()
        self.keypad.show()
        self.retranslate()

    def _frame(self, image: QImage, _hint: str) -> None:
        if not self.scanning or not self.isVisible():
            return
        self.qr.feed(image)
        pix = QPixmap.fromImage(image)
        self.preview.setPixmap(pix.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.FastTransformation))

    def _camera_failed(self, _code: str) -> None:
        if self.scanning:
            self.stop_scan()
            self._show_error(self.tr("摄像头用不了，请输入身份证号码。"))

    def take_qr_text(self, text: str) -> None:
        """A decoded QR code (from the camera, or any decoder): act on what it carries."""
        result = read_payload(text)
        log.info("QR code at the ID screen: %s", result.kind)  # never the payload itself
        if result.kind == "claim":
            self.stop_scan()
            self.claim_scanned.emit(result.value)
            return
        if result.kind == "id":
            self.stop_scan()
            self.number = result.value
            self._refresh()
            self.accepted.emit(result.value)
            return
        self.stop_scan()
        self._show_error(message_text(result.code))
        self.said.emit(f"qr.{result.kind}")

    # --- the card reader ------------------------------------------------------------------

    def read_card(self) -> None:
        if self.card_reader is None or not self.card_reader.start():
            return
        self.error.hide()
        self.card_btn.setEnabled(False)
        self.card_btn.setText(self.tr("正在读卡……"))
        self.said.emit("id.card")

    def _card_read(self, number: str, code: str) -> None:
        assert self.card_reader is not None
        self.card_reader.busy = False
        self.card_btn.setEnabled(True)
        self.retranslate()
        if not self.isVisible():
            return  # she left the screen: the card's number is not wanted any more
        if code:
            self._show_error(render(CardReadError.words_of(code)))
            self.said.emit(f"card.{code}")
            return
        self.number = number
        self._refresh()
        self.accepted.emit(number)

    # --- shared ---------------------------------------------------------------------------

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _refresh(self) -> None:
        shown = grouped(self.number) if self.number else "_" * 6
        self.display.setText(shown)
        self.display.setAccessibleName(self.tr("已输入{n}位").format(n=len(self.number)))
        self.ok_btn.setEnabled(bool(self.number))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A USB keyboard or barcode reader works like the keypad."""
        if not keypad_key(event, chars="0123456789X", type_char=self.type_char,
                          backspace=self.delete_char, submit=self.submit):
            super().keyPressEvent(event)

    def hideEvent(self, event: object) -> None:
        if self.scanning:
            self.stop_scan()
        super().hideEvent(event)  # type: ignore[arg-type]

    def reset(self) -> None:
        if self.scanning:
            self.stop_scan()
        self.clear()
