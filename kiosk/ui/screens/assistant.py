"""Assistant mode: the sign-in (work number, then PIN) and the assistant's home screen.

The screens only show and ask; `kiosk.ui.assistant_mode.AssistantMode` checks the PIN on the
database thread, reads today's claims and the sync queue, and moves between the screens.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout

from kiosk.auth.assistants import AssistantCheck, TodayClaim
from kiosk.store import Status
from kiosk.sync.worker import SyncSnapshot
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import KeyEntry, PadSplit, big_button, keypad_key, label, touch_scroll

CODE_MAX = 12
PIN_MAX = 12


class AssistantSignInScreen(Screen):
    """Step 1 the work number, step 2 the PIN, both on the big keypad."""

    submitted = Signal(str, str)  # work number, PIN
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.code = ""
        self.pin = ""
        self.step = "code"
        self.busy = False  # the PIN is being checked
        lay = QVBoxLayout()
        lay.setSpacing(20)
        entry = KeyEntry(with_x=False, on_key=self.type_char, on_backspace=self.delete_char,
                         on_clear=self.clear, on_back=self._back, on_ok=self.submit,
                         title="signInTitle", hint="signInHint", display="signInDisplay",
                         error="signInError", ok="confirmSignIn")
        self.title, self.hint, self.display = entry.title, entry.hint, entry.display
        self.error, self.keypad = entry.error, entry.keypad
        self.back_btn, self.ok_btn = entry.back, entry.ok
        for w in (self.title, self.hint, self.display, self.error):
            lay.addWidget(w)
        lay.addLayout(entry.buttons())
        self.split = PadSplit(self, lay, [self.keypad], at=4)  # keys beside on a wide screen
        self.split.setContentsMargins(48, 32, 48, 32)
        self.retranslate()
        self._refresh()

    def arrange(self, landscape: bool) -> None:
        self.split.arrange(landscape)

    def retranslate(self) -> None:
        self.title.setText(self.tr("协理员登录"))
        if self.step == "code":
            self.hint.setText(self.tr("请输入您的工号"))
        else:
            self.hint.setText(self.tr("工号 {code}：请输入密码").format(code=self.code))
        self.back_btn.setText(self.tr("← 返回"))
        self.ok_btn.setText(self.tr("确定"))

    # --- typing -------------------------------------------------------------------------

    def type_char(self, ch: str) -> None:
        if self.step == "code" and len(self.code) < CODE_MAX:
            self.code += ch
        elif self.step == "pin" and len(self.pin) < PIN_MAX:
            self.pin += ch
        self.error.hide()
        self._refresh()

    def delete_char(self) -> None:
        if self.step == "code":
            self.code = self.code[:-1]
        else:
            self.pin = self.pin[:-1]
        self._refresh()

    def clear(self) -> None:
        if self.step == "code":
            self.code = ""
        else:
            self.pin = ""
        self._refresh()

    def submit(self) -> None:
        if self.step == "code":
            if self.code:
                self.step = "pin"
                self.error.hide()
                self.retranslate()
                self._refresh()
            return
        if self.pin and not self.busy:
            self.busy = True
            self.ok_btn.setEnabled(False)
            self.submitted.emit(self.code, self.pin)

    def _back(self) -> None:
        if self.step == "pin":  # one step back: the work number again
            self.step, self.pin = "code", ""
            self.error.hide()
            self.retranslate()
            self._refresh()
            return
        self.back.emit()

    def _refresh(self) -> None:
        if self.step == "code":
            self.display.setText(self.code or " ")
            n = len(self.code)
        else:
            self.display.setText("●" * len(self.pin) if self.pin else " ")
            n = len(self.pin)
        self.display.setAccessibleName(self.tr("已输入{n}位").format(n=n))
        self.ok_btn.setEnabled(bool(self.code if self.step == "code" else self.pin))

    # --- the answer ---------------------------------------------------------------------

    def show_result(self, result: AssistantCheck) -> None:
        """A refused sign-in: say why and what to do (a success leaves this screen)."""
        self.busy = False
        self.pin = ""
        if result.unknown:
            self.step, self.code = "code", ""
            text = self.tr("没有这个工号，或者这台机器上还没有给您开通。请再输一次工号。")
        elif result.locked_for_s:
            minutes = max(1, (result.locked_for_s + 59) // 60)
            text = self.tr("密码错误次数太多，这个工号锁定了。请{m}分钟后再试。").format(m=minutes)
        else:
            text = self.tr("密码不对，还可以试{n}次。").format(n=result.attempts_left)
        self.error.setText(text)
        self.error.show()
        self.retranslate()
        self._refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A USB keyboard works like the keypad."""
        if not keypad_key(event, chars="0123456789", type_char=self.type_char,
                          backspace=self.delete_char, submit=self.submit):
            super().keyPressEvent(event)

    def reset(self) -> None:
        self.code, self.pin, self.step = "", "", "code"
        self.busy = False
        self.error.hide()
        self.retranslate()
        self._refresh()


class AssistantHomeScreen(Screen):
    """Greeting, the next resident's claim, today's list, the queue's state, sign out."""

    new_claim = Signal()
    sign_out = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.name = ""
        self._rows: list[TodayClaim] = []
        self._held: frozenset[str] = frozenset()
        self._snapshot: SyncSnapshot | None = None
        self._enrolled = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.setSpacing(20)
        self.greeting = label(role="title", name="greeting")
        self.new_btn = big_button("", kind="primary", name="newClaim")
        self.new_btn.clicked.connect(self.new_claim)
        self.queue = label(role="large", name="queueState")
        self.today_title = label(role="large", name="todayTitle")
        self.empty = label(role="hint", name="todayEmpty")
        self.list = QListWidget()
        self.list.setObjectName("todayList")
        self.list.setWordWrap(True)
        touch_scroll(self.list)
        self.out_btn = big_button("", kind="back", name="signOut")
        self.out_btn.clicked.connect(self.sign_out)
        lay.addWidget(self.greeting)
        lay.addWidget(self.new_btn, 2)
        lay.addWidget(self.queue)
        lay.addWidget(self.today_title)
        lay.addWidget(self.empty)
        lay.addWidget(self.list, 3)
        lay.addWidget(self.out_btn)
        self.retranslate()

    def retranslate(self) -> None:
        self.greeting.setText(self.tr("{name}，您好").format(name=self.name) if self.name
                              else self.tr("协理员"))
        self.new_btn.setText(self.tr("为下一位居民报销"))
        self.out_btn.setText(self.tr("退出登录"))
        self.empty.setText(self.tr("今天还没有办理报销单。"))
        self.show_today(self._rows, self._held)
        self.show_queue(self._snapshot, self._enrolled)

    def set_assistant(self, name: str) -> None:
        self.name = name
        self.retranslate()

    # --- today's list -------------------------------------------------------------------

    def status_text(self, row: TodayClaim, held: Collection[str]) -> str:
        if row.uid in held and row.status in (Status.QUEUED, Status.UPLOADING):
            return self.tr("县医保局不收这份，已暂停发送：请叫技术员")
        if row.status is Status.RETURNED:
            reason = row.return_reason or self.tr("没有写原因")
            return self.tr("被退回：{reason}").format(reason=reason)
        texts = {
            Status.DRAFT: self.tr("还没提交"),
            Status.CONFIRMED: self.tr("等待联网发送"),
            Status.QUEUED: self.tr("等待联网发送"),
            Status.UPLOADING: self.tr("正在发送"),
            Status.ACCEPTED: self.tr("已送到县医保局"),
            Status.IN_REVIEW: self.tr("县医保局正在审核"),
            Status.APPROVED: self.tr("审核通过，等待打款"),
            Status.PAID: self.tr("已打款"),
            Status.CANCELLED: self.tr("已取消"),
        }
        return texts[row.status]

    def row_text(self, row: TodayClaim, held: Collection[str]) -> str:
        who = row.resident or "—"
        tail = self.tr("身份证尾号{tail}").format(tail=row.id_tail) if row.id_tail else ""
        receipts = self.tr("{n}张收据").format(n=row.receipts)
        total = self.tr("{amount}元").format(amount=row.total) if row.total else ""
        head = "   ".join(x for x in (f"{row.id:06d}", who, tail) if x)
        tail_line = "   ".join(x for x in (receipts, total, self.status_text(row, held)) if x)
        return f"{head}\n{tail_line}"

    def show_today(self, rows: Sequence[TodayClaim], held: Collection[str] = ()) -> None:
        self._rows, self._held = list(rows), frozenset(held)
        self.list.clear()
        for row in self._rows:
            item = QListWidgetItem(self.row_text(row, self._held))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(item)
        self.today_title.setText(self.tr("今天办理的报销单：{n}份").format(n=len(self._rows)))
        self.empty.setVisible(not self._rows)
        self.list.setVisible(bool(self._rows))

    # --- the queue ----------------------------------------------------------------------

    def queue_text(self, snap: SyncSnapshot | None, enrolled: bool) -> str:
        if not enrolled:
            return self.tr("这台机器还没有连上县医保局，报销单先存在机器里。请技术员登记设备。")
        snap = snap or SyncSnapshot()
        if snap.blocked:
            state = self.tr("县医保局不接受这台机器，请叫技术员")
        elif snap.online is None:
            state = self.tr("正在连接县医保局")
        elif snap.online:
            state = self.tr("已联网")
        else:
            state = self.tr("没有联网，联网后会自动发送")
        parts = [state]
        if snap.sending:
            parts.append(self.tr("正在发送"))
        parts.append(self.tr("{n}份等待发送").format(n=snap.queue_length))
        if snap.last_success:
            at = time.strftime("%H:%M", time.localtime(snap.last_success))
            parts.append(self.tr("上次和县医保局同步：{at}").format(at=at))
        if snap.held:
            parts.append(self.tr("{n}份被县医保局拒收，请叫技术员").format(n=snap.held))
        return self.tr("，").join(parts)

    def show_queue(self, snap: SyncSnapshot | None, enrolled: bool) -> None:
        self._snapshot, self._enrolled = snap, enrolled
        self.queue.setText(self.queue_text(snap, enrolled))

    def reset(self) -> None:
        self.name = ""
        self._rows, self._held = [], frozenset()
        self.list.clear()
        self.retranslate()
