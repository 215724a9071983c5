"""The PIN keypad in front of the panel: sign in, set the first PIN, change the PIN.

Modes:
- `check`: type the PIN, `submitted(pin)`; the window checks it on the database thread.
- `first`: a fresh kiosk (no PIN, no claims, not enrolled): the new PIN twice.
- `console`: no PIN but the kiosk already holds data: the PIN is set on the console only.
- `change`: the old PIN, the new one, the new one again.
In the multi-step modes `steps_done(list)` carries what was typed at each step.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.auth.pin import MAX_LENGTH, MIN_LENGTH
from kiosk.ui.widgets import KeyEntry, PadSplit

CHECK, FIRST, CONSOLE, CHANGE = "check", "first", "console", "change"
_STEPS = {CHECK: 1, FIRST: 2, CONSOLE: 0, CHANGE: 3}


class PinGate(QWidget):
    submitted = Signal(str)  # check mode
    steps_done = Signal(list)  # first / change mode: the PINs typed, in order
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.mode = CHECK
        self.first_start = False  # the kiosk's first start: the installer's PIN, no way back
        self.pin = ""
        self._typed: list[str] = []
        g = QVBoxLayout()
        entry = KeyEntry(with_x=False, on_key=self._type,
                         on_backspace=lambda: self._set_pin(self.pin[:-1]),
                         on_clear=lambda: self._set_pin(""), on_back=self.back.emit,
                         on_ok=self._submit, title="gateTitle", hint="pinHint",
                         display="pinDisplay", error="pinError", ok="confirmPin")
        self.title, self.hint, self.display = entry.title, entry.hint, entry.display
        self.error, self.keypad = entry.error, entry.keypad
        self.back_btn, self.ok = entry.back, entry.ok
        for w in (self.title, self.hint, self.display, self.error):
            g.addWidget(w)
        g.addLayout(entry.buttons())
        self.split = PadSplit(self, g, [self.keypad], at=4)  # keys beside on a wide screen
        self.retranslate()
        self.set_mode(CHECK)

    def arrange(self, landscape: bool) -> None:
        self.split.arrange(landscape)

    # --- what is shown ------------------------------------------------------------------

    def retranslate(self) -> None:
        self.back_btn.setText(self.tr("← 返回"))
        self._show_step()

    def _show_step(self) -> None:
        step = len(self._typed)
        if self.mode == CHECK and self.first_start:
            self.title.setText(self.tr("首次设置"))
            self.hint.setText(self.tr("这台机器刚装好，还要设置才能用。请技术员输入安装时"
                                      "屏幕上显示的技术员密码。"))
            self.ok.setText(self.tr("确定"))
        elif self.mode == CHECK:
            self.title.setText(self.tr("技术员设置"))
            self.hint.setText(self.tr("请输入技术员密码（至少6位数字）"))
            self.ok.setText(self.tr("确定"))
        elif self.mode == FIRST:
            self.title.setText(self.tr("设置技术员密码"))
            self.hint.setText(
                self.tr("这台机器还没有技术员密码。请设一个{a}到{b}位的数字密码，"
                        "不要用123456或111111这样好猜的。").format(a=MIN_LENGTH, b=MAX_LENGTH)
                if step == 0 else self.tr("请再输入一次同样的密码。"))
            self.ok.setText(self.tr("下一步") if step == 0 else self.tr("设为密码"))
        elif self.mode == CHANGE:
            self.title.setText(self.tr("更改技术员密码"))
            self.hint.setText((self.tr("请输入现在的密码。"), self.tr("请输入新密码。"),
                               self.tr("请再输入一次新密码。"))[min(step, 2)])
            self.ok.setText(self.tr("更改密码") if step == 2 else self.tr("下一步"))
        else:
            self.title.setText(self.tr("技术员设置"))
            self.hint.setText(self.tr("这台机器还没有技术员密码。请在机器的维护终端上运行"
                                      "“kiosk pin set”设置密码，然后再来。"))
        typing = self.mode != CONSOLE
        self.back_btn.setVisible(not self.first_start)  # the kiosk is not ready for anyone
        self.keypad.setVisible(typing)
        self.display.setVisible(typing)
        self.ok.setVisible(typing)

    def set_first_start(self, first_start: bool) -> None:
        self.first_start = first_start
        self._show_step()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._typed = []
        self._set_pin("")
        self.error.hide()
        self.ok.setEnabled(True)
        self._show_step()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def restart(self, error: str = "") -> None:
        """Back to the first step of the current mode (after a refusal)."""
        self._typed = []
        self._set_pin("")
        self.ok.setEnabled(True)
        self._show_step()
        if error:
            self.show_error(error)

    # --- typing -------------------------------------------------------------------------

    def _type(self, ch: str) -> None:
        if len(self.pin) < MAX_LENGTH:
            self._set_pin(self.pin + ch)

    def _set_pin(self, pin: str) -> None:
        self.pin = pin
        self.display.setText("●" * len(pin) if pin else " ")
        self.display.setAccessibleName(self.tr("已输入{n}位").format(n=len(pin)))

    def _submit(self) -> None:
        if not self.pin:
            return
        if self.mode == CHECK:
            self.ok.setEnabled(False)
            self.submitted.emit(self.pin)
            return
        self._typed.append(self.pin)
        self._set_pin("")
        self.error.hide()
        if len(self._typed) < _STEPS[self.mode]:
            self._show_step()
            return
        self.ok.setEnabled(False)
        self.steps_done.emit(list(self._typed))
