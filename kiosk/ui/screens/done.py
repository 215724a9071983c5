"""The claim is in: its number in huge type, what happens next, and the printed slip.

With a slip printer configured the slip prints by itself as the screen appears (on its own
thread: a slow spooler never holds the screen); a large button prints another, and a plain
line says when it did not come out. Without a slip (no printer, printing off, a failure) the
slip's status QR code is shown large to photograph, and the words say that the assistant can
look the claim up by her ID number: an elderly resident may have neither pen nor phone.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QBoxLayout, QLabel, QVBoxLayout

from kiosk.ui.screens.base import Screen
from kiosk.ui.slip import SlipData, SlipPrinter, SlipResult, qr_image
from kiosk.ui.widgets import big_button, label

QR_SIDE = 340  # px: a phone photographs it from arm's length


class DoneScreen(Screen):
    finished = Signal()
    slip_done = Signal(object)  # SlipResult of this screen's claim (tests, the voice)
    said = Signal(str)  # a voice prompt key for what just happened (the window speaks it)

    def __init__(self, printer: SlipPrinter | None = None) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.setSpacing(32)
        self.title = label(role="title")
        self.caption = label(role="large")
        self.number = label(name="claimNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_steps = label(role="large", name="nextSteps")
        self.slip_message = label(role="large", name="slipMessage")
        self.slip_message.hide()
        # no slip came out: the slip's status QR large on the screen, to photograph
        self.qr = QLabel()
        self.qr.setObjectName("statusQr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setAccessibleName(self.tr("查进度的二维码"))
        self.qr.hide()
        self.reprint_btn = big_button("", name="reprintSlip")
        self.reprint_btn.clicked.connect(self.print_slip)
        self.reprint_btn.hide()
        self.home_btn = big_button("", kind="primary", name="finish")
        self.home_btn.clicked.connect(self.finished)
        lay.addWidget(self.title)
        lay.addWidget(self.caption)
        lay.addWidget(self.number)
        lay.addWidget(self.next_steps)
        self._slip_row = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._slip_row.addWidget(self.slip_message, 1)
        self._slip_row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignCenter)
        lay.addLayout(self._slip_row)
        lay.addStretch(1)
        lay.addWidget(self.reprint_btn)
        lay.addWidget(self.home_btn)
        self.claim_id: int | None = None
        self.slip: SlipData | None = None
        self.printer: SlipPrinter | None = None
        self._last: SlipResult | None = None
        if printer is not None:
            self.set_printer(printer)
        self.retranslate()

    def set_printer(self, printer: SlipPrinter) -> None:
        """The slip printer (the composition root hands it over; none: no slip)."""
        self.printer = printer
        printer.done.connect(self._printed)

    def retranslate(self) -> None:
        self.title.setText(self.tr("已经提交了"))
        self.caption.setText(self.tr("您的报销单号是："))
        self.next_steps.setText(self.tr(
            "接下来：机器联网后会把材料送到县医保局。审核大约需要两到四周，"
            "钱会打到您的社保卡上。想知道进度，可以回到首页点“查询进度”，"
            "输入身份证号码就能看到。"))
        self.reprint_btn.setText(self.tr("再打印一张"))
        self.home_btn.setText(self.tr("完成，回到首页"))
        if self._last is not None:
            self._show_result(self._last)

    def arrange(self, landscape: bool) -> None:
        self._slip_row.setDirection(QBoxLayout.Direction.LeftToRight if landscape
                                    else QBoxLayout.Direction.TopToBottom)

    def show_claim(self, claim_id: int, slip: SlipData | None = None) -> None:
        self.claim_id = claim_id
        self.slip = slip
        self._last = None
        self.number.setText(f"{claim_id:06d}")
        self.slip_message.hide()
        self.reprint_btn.hide()
        self.qr.hide()
        if self.can_print:
            self.print_slip()
        elif slip is not None:  # this kiosk prints no slips: the code on the screen
            self._show_qr(self.tr("这台机器不打印小票。"))

    @property
    def can_print(self) -> bool:
        return self.slip is not None and self.printer is not None and self.printer.enabled

    def print_slip(self) -> None:
        if not self.can_print:
            return
        assert self.printer is not None and self.slip is not None
        self.reprint_btn.show()
        self.reprint_btn.setEnabled(False)
        self.slip_message.setText(self.tr("正在打印小票……"))
        self.slip_message.show()
        self.printer.print_slip(self.slip)

    def _printed(self, result: SlipResult) -> None:
        if self.slip is None or result.claim_id != self.slip.claim_id:
            return  # a slip for a resident who has gone
        self._last = result
        self._show_result(result)
        if not result.ok or result.fallback:
            self.said.emit("slip.failed")
        self.slip_done.emit(result)

    def _show_result(self, result: SlipResult) -> None:
        self.reprint_btn.setEnabled(True)
        self.reprint_btn.setVisible(result.where == "printer" or not result.ok)
        if not result.ok:
            self._show_qr(self.tr("小票没有打印出来。"))
        elif result.fallback:
            self._show_qr(self.tr("没有找到打印机，小票没有打印。"))
        elif result.where == "pdf":
            self._show_qr(self.tr("这台机器不打印小票。"))
        else:
            self.qr.hide()
            self.slip_message.setText(self.tr("请拿好打印出来的小票。"))
            self.slip_message.show()

    def _show_qr(self, why: str) -> None:
        """No slip in her hand: the code to photograph, and that nothing is lost without it."""
        self.slip_message.setText(why + self.tr(
            "请用手机拍下旁边的二维码，以后在自助机上扫它就能查进度；也可以记下上面的报销单号。"
            "没有手机、没有笔也没关系：协理员用您的身份证号码就能查到这份报销单。"))
        self.slip_message.show()
        if self.slip is not None:
            self.qr.setPixmap(QPixmap.fromImage(qr_image(self.slip.payload, QR_SIDE)))
            self.qr.show()

    def reset(self) -> None:
        self.claim_id = None
        self.slip = None
        self._last = None
        self.number.setText("")
        self.slip_message.setText("")
        self.slip_message.hide()
        self.reprint_btn.hide()
        self.qr.hide()
        self.qr.clear()
