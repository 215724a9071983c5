"""The screen shown instead of the kiosk when it cannot start: call the technician.

When the claim store, its key or the catalog cannot open (a lost or damaged database, a
missing key file, a full disk), nobody at a kiosk sees a terminal: this full screen says so in
plain words, with the reason for the technician (the same sentence goes to the log) and a
button to try again once it is fixed. It needs nothing but Qt: no store, no catalog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from kiosk.ui.widgets import big_button, label, touch_scroll


class TechnicianScreen(QWidget):
    """"Please call the technician", the plain reason, and "try again"."""

    retry = Signal()

    def __init__(self, reason: str, *, log_folder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("technicianScreen")
        self.reason_text = reason
        self.log_folder = log_folder
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.setSpacing(32)
        self.title = label(role="title", name="technicianTitle")
        self.message = label(role="large", name="technicianMessage")
        self.reason = label(reason, role="hint", name="technicianReason")
        self.reason.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()  # a long reason (paths) scrolls instead of being cut off
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.reason)
        touch_scroll(scroll)
        self.where = label(role="hint", name="technicianLog")
        self.retry_btn = big_button("", kind="primary", name="technicianRetry")
        self.retry_btn.clicked.connect(self.retry)
        lay.addWidget(self.title)
        lay.addWidget(self.message)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.where)
        lay.addWidget(self.retry_btn)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("请联系技术员"))
        self.title.setText(self.tr("请联系技术员"))
        self.message.setText(self.tr("这台机器现在不能办理报销。这不是您的错。请叫工作人员或技术员来处理。"))
        self.where.setText(self.tr("原因也记在日志里：{folder}").format(folder=self.log_folder)
                           if self.log_folder else "")
        self.retry_btn.setText(self.tr("修好了，再试一次"))
