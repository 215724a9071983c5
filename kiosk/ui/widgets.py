"""Building blocks shared by the screens: big buttons, labels with a style role, the keypad."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget


def big_button(text: str, *, kind: str = "", name: str = "",
               parent: QWidget | None = None) -> QPushButton:
    b = QPushButton(text, parent)
    if kind:
        b.setProperty("kind", kind)
    if name:
        b.setObjectName(name)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return b


def label(text: str = "", *, role: str = "", name: str = "", wrap: bool = True,
          parent: QWidget | None = None) -> QLabel:
    lab = QLabel(text, parent)
    if role:
        lab.setProperty("role", role)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    return lab


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (e.g. `unsure`) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class Keypad(QWidget):
    """A large on-screen keypad: digits, optionally X, delete and clear.

    Emits `key(str)` for a character, `backspace()` and `cleared()`. Buttons are named
    `key_0`…`key_9`, `key_X`, `key_back`, `key_clear` for tests and the screenshot tool.
    """

    key = Signal(str)
    backspace = Signal()
    cleared = Signal()

    def __init__(self, *, with_x: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(16)
        for i, ch in enumerate("123456789"):
            grid.addWidget(self._char(ch), i // 3, i % 3)
        last = ["X" if with_x else "clear", "0", "back"]
        for col, ch in enumerate(last):
            if ch == "back":
                b = big_button("⌫", kind="key", name="key_back")
                b.setAccessibleName(self.tr("删除一位"))
                b.clicked.connect(self.backspace)
            elif ch == "clear":
                b = big_button(self.tr("清空"), kind="key", name="key_clear")
                b.clicked.connect(self.cleared)
            else:
                b = self._char(ch)
            grid.addWidget(b, 3, col)

    def _char(self, ch: str) -> QPushButton:
        b = big_button(ch, kind="key", name=f"key_{ch}")
        b.clicked.connect(lambda _=False, c=ch: self.key.emit(c))
        return b
