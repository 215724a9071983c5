"""Who the claim is for: the resident's ID-card number on a large keypad, checked at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.residents import valid_id_number
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import Keypad, big_button, label

ID_LENGTH = 18


def grouped(number: str) -> str:
    """6-8-4 groups as printed on the card, so a resident can compare digit by digit."""
    return " ".join(x for x in (number[:6], number[6:14], number[14:]) if x)


class ResidentIdScreen(Screen):
    accepted = Signal(str)
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.number = ""
        self.purpose = "claim"  # or "status": the same screen finds a resident's claims
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.setSpacing(20)
        self.title = label(role="title")
        self.hint = label(role="large")
        self.display = label(name="idDisplay", wrap=False)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = label(role="error", name="idError")
        self.error.hide()
        self.keypad = Keypad(with_x=True)
        self.keypad.key.connect(self.type_char)
        self.keypad.backspace.connect(self.delete_char)
        self.keypad.cleared.connect(self.clear)
        self.back_btn = big_button("", kind="back", name="back")
        self.ok_btn = big_button("", kind="confirm", name="confirmId")
        self.back_btn.clicked.connect(self.back)
        self.ok_btn.clicked.connect(self.submit)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        lay.addWidget(self.display)
        lay.addWidget(self.error)
        lay.addWidget(self.keypad, 1)
        row = QHBoxLayout()
        row.addWidget(self.back_btn, 1)
        row.addWidget(self.ok_btn, 2)
        lay.addLayout(row)
        self.retranslate()
        self._refresh()

    def retranslate(self) -> None:
        self.title.setText(self.tr("请输入身份证号码"))
        self.hint.setText(self.tr("一共18位，在身份证背面最下面一行"))
        self.back_btn.setText(self.tr("← 返回"))
        self.ok_btn.setText(self.tr("确定"))

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
            return
        self.accepted.emit(self.number)

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
        text = event.text().upper()
        if text and (text.isdigit() or text == "X"):
            self.type_char(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.delete_char()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        else:
            super().keyPressEvent(event)

    def reset(self) -> None:
        self.clear()
