"""When something goes wrong: a known problem in plain words, or "please call the technician"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import big_button, label


class TroubleScreen(Screen):
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.setSpacing(32)
        self.title = label(role="title", name="troubleTitle")
        self.message = label(role="large", name="troubleMessage")
        self.reference = label(role="hint", name="troubleReference")
        self.home_btn = big_button("", kind="primary", name="finish")
        self.home_btn.clicked.connect(self.finished)
        lay.addWidget(self.title)
        lay.addWidget(self.message)
        lay.addStretch(1)
        lay.addWidget(self.reference)
        lay.addWidget(self.home_btn)
        self.retranslate()

    def retranslate(self) -> None:
        self.home_btn.setText(self.tr("回到首页"))

    def show_known(self, message: str) -> None:
        """A failure someone can act on (disk full, duplicate invoice): say what to do."""
        self.title.setText(self.tr("没能办成"))
        self.message.setText(message)
        self.reference.setText("")

    def show_bug(self, reference: str) -> None:
        self.title.setText(self.tr("机器出了点问题"))
        self.message.setText(self.tr("这不是您的错。请叫工作人员或技术员来看一下。"))
        self.reference.setText(self.tr("给技术员看的编号：{ref}").format(ref=reference))

    def reset(self) -> None:
        self.message.setText("")
        self.reference.setText("")
