"""The start screen: three large choices, nothing else."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import big_button, label


class StartScreen(Screen):
    file_claim = Signal()
    check_status = Signal()
    assistant_login = Signal()
    technician = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.setSpacing(32)
        self.title = label(role="title")
        self.hint = label(role="large")
        self.file_btn = big_button("", kind="primary", name="fileClaim")
        self.status_btn = big_button("", kind="primary", name="checkStatus")
        self.assistant_btn = big_button("", name="assistantLogin")
        self.tech_btn = big_button("⚙", name="technician")
        self.file_btn.clicked.connect(self.file_claim)
        self.status_btn.clicked.connect(self.check_status)
        self.assistant_btn.clicked.connect(self.assistant_login)
        self.tech_btn.clicked.connect(self.technician)
        self.preparing = label(role="hint", name="preparing")
        self.preparing.hide()
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        lay.addWidget(self.preparing)
        lay.addStretch(1)
        lay.addWidget(self.file_btn, 2)
        lay.addWidget(self.status_btn, 2)
        lay.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.assistant_btn, 4)
        bottom.addWidget(self.tech_btn, 1)
        lay.addLayout(bottom)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("医保报销自助机"))
        self.hint.setText(self.tr("请点一下您要办的事"))
        self.file_btn.setText(self.tr("我要报销"))
        self.status_btn.setText(self.tr("查询进度"))
        self.assistant_btn.setText(self.tr("协理员登录"))
        self.tech_btn.setAccessibleName(self.tr("技术员设置"))
        self.tech_btn.setToolTip(self.tr("技术员设置"))
        self.preparing.setText(self.tr("机器正在准备读收据的程序，您可以先点“我要报销”输入身份证号码。"))

    def set_preparing(self, preparing: bool) -> None:
        """While the OCR engine loads behind this screen (the first seconds after start)."""
        self.preparing.setVisible(preparing)
