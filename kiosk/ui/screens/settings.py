"""The technician's settings, behind a PIN (hashed, locked after repeated failures).

The screen only shows and asks: the PIN is checked by `kiosk.ui.pin.PinStore` on the
database thread, the window passes the answer back through `pin_result`.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.pin import PinResult
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import Keypad, big_button, label


class SettingsScreen(Screen):
    pin_entered = Signal(str)
    language_chosen = Signal(str)
    quit_requested = Signal()
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.pin = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)

        # page 0: the PIN
        gate = QWidget()
        g = QVBoxLayout(gate)
        self.gate_title = label(role="title")
        self.gate_hint = label(role="large", name="pinHint")
        self.pin_display = label(name="pinDisplay", wrap=False)
        self.pin_display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_error = label(role="error", name="pinError")
        self.pin_error.hide()
        self.keypad = Keypad(with_x=False)
        self.keypad.key.connect(self._type)
        self.keypad.backspace.connect(lambda: self._set_pin(self.pin[:-1]))
        self.keypad.cleared.connect(lambda: self._set_pin(""))
        self.gate_back = big_button("", kind="back", name="back")
        self.gate_ok = big_button("", kind="confirm", name="confirmPin")
        self.gate_back.clicked.connect(self.back)
        self.gate_ok.clicked.connect(self._submit)
        for w in (self.gate_title, self.gate_hint, self.pin_display, self.pin_error):
            g.addWidget(w)
        g.addWidget(self.keypad, 1)
        row = QHBoxLayout()
        row.addWidget(self.gate_back, 1)
        row.addWidget(self.gate_ok, 2)
        g.addLayout(row)
        self.pages.addWidget(gate)

        # page 1: the settings
        panel = QWidget()
        p = QVBoxLayout(panel)
        self.panel_title = label(role="title")
        self.form = QFormLayout()
        self.form.setVerticalSpacing(16)
        langs = QHBoxLayout()
        langs.setSpacing(24)
        self.zh_btn = big_button("中文", name="lang_zh_CN")
        self.en_btn = big_button("English", name="lang_en")
        self.zh_btn.clicked.connect(lambda: self.language_chosen.emit("zh_CN"))
        self.en_btn.clicked.connect(lambda: self.language_chosen.emit("en"))
        langs.addWidget(self.zh_btn)
        langs.addWidget(self.en_btn)
        self.quit_btn = big_button("", name="quitApp")
        self.quit_btn.clicked.connect(self.quit_requested)
        self.panel_back = big_button("", kind="primary", name="finish")
        self.panel_back.clicked.connect(self.back)
        p.setSpacing(24)
        p.addWidget(self.panel_title)
        p.addLayout(self.form)
        p.addLayout(langs)
        p.addStretch(1)
        p.addWidget(self.quit_btn)
        p.addWidget(self.panel_back)
        self.pages.addWidget(panel)
        self._info: Mapping[str, str] = {}
        self.retranslate()
        self.reset()

    def retranslate(self) -> None:
        self.gate_title.setText(self.tr("技术员设置"))
        self.gate_hint.setText(self.tr("请输入技术员密码（至少6位数字）"))
        self.gate_back.setText(self.tr("← 返回"))
        self.gate_ok.setText(self.tr("确定"))
        self.panel_title.setText(self.tr("设置"))
        self.quit_btn.setText(self.tr("退出程序（技术员维护）"))
        self.panel_back.setText(self.tr("回到首页"))
        if self._info:
            self.show_settings(self._info)

    @property
    def unlocked(self) -> bool:
        return self.pages.currentIndex() == 1

    def _type(self, ch: str) -> None:
        if len(self.pin) < 12:
            self._set_pin(self.pin + ch)

    def _set_pin(self, pin: str) -> None:
        self.pin = pin
        self.pin_display.setText("●" * len(pin) if pin else " ")
        self.pin_display.setAccessibleName(self.tr("已输入{n}位").format(n=len(pin)))

    def _submit(self) -> None:
        if self.pin:
            self.gate_ok.setEnabled(False)
            self.pin_entered.emit(self.pin)

    def pin_result(self, result: PinResult) -> None:
        self.gate_ok.setEnabled(True)
        self._set_pin("")
        if result.ok:
            self.pin_error.hide()
            self.pages.setCurrentIndex(1)
            return
        if result.locked_for_s:
            minutes = max(1, (result.locked_for_s + 59) // 60)
            text = self.tr("密码错误次数太多，请{m}分钟后再试。").format(m=minutes)
        else:
            text = self.tr("密码不对，还可以试{n}次。").format(n=result.attempts_left)
        self.pin_error.setText(text)
        self.pin_error.show()

    def show_settings(self, info: Mapping[str, str]) -> None:
        self._info = dict(info)
        while self.form.rowCount():
            self.form.removeRow(0)
        for key, value in info.items():
            self.form.addRow(label(key, role="hint"), label(value))

    def reset(self) -> None:
        self._set_pin("")
        self.pin_error.hide()
        self.gate_ok.setEnabled(True)
        self.pages.setCurrentIndex(0)
