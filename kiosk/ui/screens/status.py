"""Check my claims: a resident's claims by ID number, newest first, status in plain words.

A claim the county returned shows the county's reason and what to do next."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QListWidget, QVBoxLayout

from kiosk.store import ClaimSummary, Status
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import big_button, label, touch_scroll


class StatusScreen(Screen):
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.setSpacing(20)
        self.title = label(role="title")
        self.empty = label(role="large", name="noClaims")
        self.list = QListWidget()
        self.list.setObjectName("claimList")
        self.list.setWordWrap(True)
        touch_scroll(self.list)
        self.home_btn = big_button("", kind="primary", name="finish")
        self.home_btn.clicked.connect(self.finished)
        lay.addWidget(self.title)
        lay.addWidget(self.empty)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.home_btn)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("我的报销"))
        self.empty.setText(self.tr("这台机器上没有找到您的报销单。"))
        self.home_btn.setText(self.tr("回到首页"))

    def status_text(self, status: Status) -> str:
        texts = {
            Status.DRAFT: self.tr("还没提交"),
            Status.CONFIRMED: self.tr("等待联网发送"),
            Status.QUEUED: self.tr("等待联网发送"),
            Status.UPLOADING: self.tr("正在发送"),
            Status.ACCEPTED: self.tr("县医保局已收到"),
            Status.IN_REVIEW: self.tr("正在审核"),
            Status.APPROVED: self.tr("审核通过，等待打款"),
            Status.RETURNED: self.tr("被退回了"),
            Status.PAID: self.tr("已打款"),
            Status.CANCELLED: self.tr("已取消"),
        }
        return texts[status]

    def next_text(self, status: Status) -> str:
        """What happens next, in plain words, for every state."""
        if status in (Status.DRAFT, Status.CONFIRMED, Status.QUEUED, Status.UPLOADING):
            return self.tr("接下来：机器联网后会自动送到县医保局，您不用再来。")
        if status in (Status.ACCEPTED, Status.IN_REVIEW):
            return self.tr("接下来：县医保局审核，大约两到四周。")
        if status is Status.APPROVED:
            return self.tr("接下来：钱会打到您的社保卡上。")
        if status is Status.PAID:
            return self.tr("钱已经打到您的社保卡上了。")
        return ""

    def returned_text(self, reason: str) -> str:
        """Why the county sent it back and what to do, in plain words."""
        why = (self.tr("县医保局说：{reason}").format(reason=reason) if reason.strip()
               else self.tr("县医保局没有写原因。"))
        todo = self.tr("怎么办：请带上身份证和原来的收据，找协理员帮您改好，再报一次。")
        return f"{why}\n{todo}"

    def show_claims(self, claims: Sequence[ClaimSummary],
                    reasons: Mapping[int, str] | None = None,
                    hospitals: Mapping[int, str] | None = None) -> None:
        """`reasons`: the county's reason for each returned claim, by claim id;
        `hospitals`: where each claim's receipts are from. One large card per claim: the
        hospital, the amount, the state and what happens next."""
        self.list.clear()
        for c in claims:
            day = time.strftime("%Y-%m-%d", time.localtime(c.created_at))
            total = self.tr("{amount} 元").format(amount=c.total) if c.total else "—"
            where = (hospitals or {}).get(c.id) or self.tr("医院没有读出")
            lines = [self.tr("报销单 {n}（{day}提交）").format(n=f"{c.id:06d}", day=day),
                     f"{where}   {total}",
                     self.tr("现在：{state}").format(state=self.status_text(c.status))]
            if c.status is Status.RETURNED:
                lines.append(self.returned_text((reasons or {}).get(c.id, "")))
            elif self.next_text(c.status):
                lines.append(self.next_text(c.status))
            self.list.addItem("\n".join(lines))
        self.empty.setVisible(not claims)
        self.list.setVisible(bool(claims))

    def reset(self) -> None:
        self.list.clear()
