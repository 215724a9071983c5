"""The claim is in: its number in huge type and what happens next, in plain words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import big_button, label


class DoneScreen(Screen):
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.setSpacing(32)
        self.title = label(role="title")
        self.caption = label(role="large")
        self.number = label(name="claimNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_steps = label(role="large", name="nextSteps")
        self.home_btn = big_button("", kind="primary", name="finish")
        self.home_btn.clicked.connect(self.finished)
        lay.addWidget(self.title)
        lay.addWidget(self.caption)
        lay.addWidget(self.number)
        lay.addWidget(self.next_steps)
        lay.addStretch(1)
        lay.addWidget(self.home_btn)
        self.claim_id: int | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("已经提交了"))
        self.caption.setText(self.tr("您的报销单号是："))
        self.next_steps.setText(self.tr(
            "接下来：机器联网后会把材料送到县医保局。审核大约需要两到四周，"
            "钱会打到您的社保卡上。想知道进度，可以回到首页点“查询进度”，"
            "输入身份证号码就能看到。"))
        self.home_btn.setText(self.tr("完成，回到首页"))

    def show_claim(self, claim_id: int) -> None:
        self.claim_id = claim_id
        self.number.setText(f"{claim_id:06d}")

    def reset(self) -> None:
        self.claim_id = None
        self.number.setText("")
