"""The technician's list of assistants: who may sign in here, add one, remove one.

Reached from the technician's settings (behind the technician PIN). Adding asks, one thing
per step, for the work number and the PIN twice on the keypad, and for the name in a text
field (an on-screen or USB keyboard). `AssistantMode` does the work on the database thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.auth.assistants import Assistant
from kiosk.auth.pin import MIN_LENGTH
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import KeyEntry, PadSplit, big_button, label, touch_scroll

STEPS = ("code", "name", "pin", "pin2")


class AssistantsAdminScreen(Screen):
    add_requested = Signal(str, str, str)  # work number, name, PIN
    remove_requested = Signal(str)  # work number
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.step = "code"
        self.code = self.pin = self.pin2 = ""
        self._to_remove = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)

        # page 0: the list
        listing = QWidget()
        p = QVBoxLayout(listing)
        p.setSpacing(20)
        self.list_title = label(role="title")
        self.message = label(role="large", name="adminMessage")
        self.list = QListWidget()
        self.list.setObjectName("assistantList")
        touch_scroll(self.list)
        self.list.currentRowChanged.connect(lambda _row: self._forget_remove())
        self.add_btn = big_button("", kind="primary", name="addAssistant")
        self.remove_btn = big_button("", name="removeAssistant")
        self.list_back = big_button("", kind="back", name="back")
        self.add_btn.clicked.connect(self.begin_add)
        self.remove_btn.clicked.connect(self._remove)
        self.list_back.clicked.connect(self.back)
        p.addWidget(self.list_title)
        p.addWidget(self.message)
        p.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_btn, 2)
        row.addWidget(self.remove_btn, 1)
        p.addLayout(row)
        p.addWidget(self.list_back)
        self.pages.addWidget(listing)

        # page 1: adding one, step by step
        adding = QWidget()
        a = QVBoxLayout()
        a.setSpacing(20)
        entry = KeyEntry(with_x=False, on_key=self._type,
                         on_backspace=lambda: self._set_value(self._value()[:-1]),
                         on_clear=lambda: self._set_value(""), on_back=self._step_back,
                         on_ok=self._next, hint="addHint", display="pinDisplay",
                         error="addError", back="addBack", ok="addNext")
        self.add_title, self.add_hint, self.display = entry.title, entry.hint, entry.display
        self.add_error, self.keypad = entry.error, entry.keypad
        self.add_back, self.add_next = entry.back, entry.ok
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("assistantName")
        self.name_edit.setMaxLength(32)
        self.name_edit.returnPressed.connect(self._next)
        for w in (self.add_title, self.add_hint, self.display, self.name_edit, self.add_error):
            a.addWidget(w)
        a.addLayout(entry.buttons())
        self.split = PadSplit(adding, a, [self.keypad], at=5)  # keys beside on a wide screen
        self.split.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(adding)
        self._assistants: list[Assistant] = []
        self.retranslate()
        self.reset()

    def arrange(self, landscape: bool) -> None:
        self.split.arrange(landscape)

    def retranslate(self) -> None:
        self.list_title.setText(self.tr("协理员账号"))
        self.add_btn.setText(self.tr("添加协理员"))
        self._show_remove()
        self.list_back.setText(self.tr("← 返回设置"))
        self.add_title.setText(self.tr("添加协理员"))
        self.add_back.setText(self.tr("← 上一步"))
        self.add_next.setText(self.tr("保存") if self.step == "pin2" else self.tr("下一步"))
        hints = {
            "code": self.tr("第1步：输入工号（数字）"),
            "name": self.tr("第2步：输入姓名"),
            "pin": self.tr("第3步：设一个密码（至少{n}位数字）").format(n=MIN_LENGTH),
            "pin2": self.tr("第4步：把密码再输一次"),
        }
        self.add_hint.setText(hints[self.step])
        if not self._assistants:
            self.message.setText(self.tr("还没有协理员账号。"))

    # --- the list -----------------------------------------------------------------------

    def show_assistants(self, assistants: Sequence[Assistant]) -> None:
        self._assistants = list(assistants)
        self.list.clear()
        for who in self._assistants:
            item = QListWidgetItem(f"{who.code}   {who.name}")
            item.setData(Qt.ItemDataRole.UserRole, who.code)
            self.list.addItem(item)
        self._to_remove = ""
        self._show_remove()
        if not self._assistants:
            self.message.setText(self.tr("还没有协理员账号。"))
        self.remove_btn.setEnabled(bool(self._assistants))

    def _show_remove(self) -> None:
        self.remove_btn.setText(self.tr("删除选中的") if not self._to_remove
                                else self.tr("再点一次，确认删除"))

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def _forget_remove(self) -> None:
        self._to_remove = ""
        self._show_remove()

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.message.setText(self.tr("请先点一下要删除的协理员。"))
            return
        code = str(item.data(Qt.ItemDataRole.UserRole))
        if self._to_remove != code:  # a second tap confirms: nobody is removed by a slip
            self._to_remove = code
            self._show_remove()
            return
        self._to_remove = ""
        self._show_remove()
        self.remove_requested.emit(code)

    # --- adding -------------------------------------------------------------------------

    def begin_add(self) -> None:
        self.code = self.pin = self.pin2 = ""
        self.name_edit.clear()
        self._go("code")
        self.pages.setCurrentIndex(1)

    def _go(self, step: str) -> None:
        self.step = step
        self.add_error.hide()
        typing_name = step == "name"
        self.name_edit.setVisible(typing_name)
        self.display.setVisible(not typing_name)
        self.keypad.setVisible(not typing_name)
        if typing_name:
            self.name_edit.setFocus()
        self.retranslate()
        self._show_value()

    def _value(self) -> str:
        return {"code": self.code, "pin": self.pin, "pin2": self.pin2}.get(self.step, "")

    def _set_value(self, value: str) -> None:
        if self.step == "code":
            self.code = value
        elif self.step == "pin":
            self.pin = value
        elif self.step == "pin2":
            self.pin2 = value
        self.add_error.hide()
        self._show_value()

    def _type(self, ch: str) -> None:
        if len(self._value()) < 12:
            self._set_value(self._value() + ch)

    def _show_value(self) -> None:
        value = self._value()
        self.display.setText((value if self.step == "code" else "●" * len(value)) or " ")
        self.display.setAccessibleName(self.tr("已输入{n}位").format(n=len(value)))

    def _error(self, text: str) -> None:
        self.add_error.setText(text)
        self.add_error.show()

    def _next(self) -> None:
        if self.step == "code":
            if not self.code:
                return self._error(self.tr("请输入工号。"))
            if any(a.code == self.code for a in self._assistants):
                return self._error(self.tr("这个工号已经有了。"))
            return self._go("name")
        if self.step == "name":
            if not self.name_edit.text().strip():
                return self._error(self.tr("请输入姓名。"))
            return self._go("pin")
        if self.step == "pin":
            if len(self.pin) < MIN_LENGTH:
                return self._error(self.tr("密码至少要{n}位数字。").format(n=MIN_LENGTH))
            return self._go("pin2")
        if self.pin2 != self.pin:
            self.pin = self.pin2 = ""
            self._go("pin")
            return self._error(self.tr("两次输入的密码不一样，请重新设密码。"))
        self.add_next.setEnabled(False)
        self.add_requested.emit(self.code, self.name_edit.text().strip(), self.pin)
        return None

    def _step_back(self) -> None:
        i = STEPS.index(self.step)
        if i == 0:
            self.pages.setCurrentIndex(0)
            return
        self._go(STEPS[i - 1])

    def add_done(self, error: str | None) -> None:
        """The book's answer to `add_requested`: back to the list, or the error shown."""
        self.add_next.setEnabled(True)
        self.code = self.pin = self.pin2 = ""
        if error is not None:
            self._go("code")
            self._error(error)
            return
        self.pages.setCurrentIndex(0)

    def reset(self) -> None:
        self.code = self.pin = self.pin2 = ""
        self._to_remove = ""
        self.name_edit.clear()
        self.message.setText("")
        self.add_next.setEnabled(True)
        self._go("code")
        self.pages.setCurrentIndex(0)
