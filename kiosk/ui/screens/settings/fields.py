"""Touch-sized setting rows and the base of every section of the technician's panel.

A number row is `[−] [value] [+] [保存]` (typing works too, for a technician with a
keyboard); a choice row is a line of big toggle buttons that save on touch. Object names
follow the config key so tests and the screenshot tool find them: `field_ui_volume`,
`dec_ui_volume`, `inc_ui_volume`, `save_ui_volume`, `choice_ui_voice_on`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.config import Settings
from kiosk.ui.widgets import big_button, label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.context import SettingsContext
    from kiosk.ui.screens.settings.panel import SettingsPanel


class Section(QWidget):
    """One page of the panel. `refresh` shows the current settings; `opened`/`closed` start
    and stop what the page runs (a camera preview)."""

    key = ""

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__()
        self.panel = panel
        self.setObjectName(f"settings_{self.key}")
        self.box = QVBoxLayout(self)
        self.box.setSpacing(20)
        self.box.setContentsMargins(8, 8, 8, 8)
        self.heading = label(role="large", name=f"heading_{self.key}")
        self.box.addWidget(self.heading)

    @property
    def ctx(self) -> SettingsContext | None:
        """What the panel was bound with (None until the composition root binds it)."""
        return self.panel.ctx

    def title(self) -> str:
        return ""

    def retranslate(self) -> None:
        self.heading.setText(self.title())

    def refresh(self, settings: Settings) -> None:
        """Show the values in force."""

    def opened(self) -> None:
        """The technician turned to this page."""

    def closed(self) -> None:
        """The technician left this page (or the panel)."""

    def arrange(self, landscape: bool) -> None:
        """Lay out for a wide screen or a tall one (sections that differ override this)."""


class NumberRow(QWidget):
    """An integer setting: −/+ step the value, 保存 writes it (refusals name the key)."""

    def __init__(self, section: str, key: str, step: int,
                 save: Callable[[str, str, Any], None]) -> None:
        super().__init__()
        self.section, self.key, self.step = section, key, step
        self._save = save
        slug = f"{section}_{key}"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.caption = label(role="hint", name=f"caption_{slug}")
        row = QHBoxLayout()
        self.dec = big_button("−", name=f"dec_{slug}")
        self.inc = big_button("+", name=f"inc_{slug}")
        for b in (self.dec, self.inc):
            b.setProperty("kind", "key")
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.edit = QLineEdit()
        self.edit.setObjectName(f"field_{slug}")
        self.edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.edit.setValidator(QIntValidator(-999999, 999999, self.edit))
        self.save_btn = big_button("", name=f"save_{slug}")
        self.dec.clicked.connect(lambda: self._nudge(-self.step))
        self.inc.clicked.connect(lambda: self._nudge(self.step))
        self.save_btn.clicked.connect(self.save)
        self.edit.returnPressed.connect(self.save)
        row.addWidget(self.dec)
        row.addWidget(self.edit, 2)
        row.addWidget(self.inc)
        row.addWidget(self.save_btn, 2)
        lay.addWidget(self.caption)
        lay.addLayout(row)

    def retranslate(self, caption: str) -> None:
        self.caption.setText(caption)
        self.save_btn.setText(self.tr("保存"))
        self.dec.setAccessibleName(self.tr("减少"))
        self.inc.setAccessibleName(self.tr("增加"))

    def set_value(self, value: int) -> None:
        self.edit.setText(str(value))

    def _nudge(self, delta: int) -> None:
        try:
            value = int(self.edit.text())
        except ValueError:
            return
        self.edit.setText(str(value + delta))

    def save(self) -> None:
        text = self.edit.text().strip()
        try:
            value: Any = int(text)
        except ValueError:
            value = text  # the writer refuses it, naming the key
        self._save(self.section, self.key, value)


class ChoiceRow(QWidget):
    """A setting with a few values, one big toggle button each; a touch saves it."""

    def __init__(self, section: str, key: str, values: Sequence[Any],
                 save: Callable[[str, str, Any], None],
                 names: Sequence[str] | None = None) -> None:
        super().__init__()
        self.section, self.key, self.values = section, key, list(values)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.caption = label(role="hint", name=f"caption_{section}_{key}")
        lay.addWidget(self.caption)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.group = QButtonGroup(self)
        self.buttons: list[QPushButton] = []
        for i, value in enumerate(self.values):
            name = names[i] if names else f"choice_{section}_{key}_{_slug(value)}"
            b = big_button("", kind="choice", name=name)
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, v=value: save(section, key, v))
            self.group.addButton(b)
            self.buttons.append(b)
            row.addWidget(b)
        lay.addLayout(row)

    def retranslate(self, caption: str, texts: Sequence[str]) -> None:
        self.caption.setText(caption)
        for b, text in zip(self.buttons, texts, strict=True):
            b.setText(text)

    def set_value(self, value: Any) -> None:
        for b, v in zip(self.buttons, self.values, strict=True):
            b.setChecked(v == value)


class TextRow(QWidget):
    """A free-text setting (a printer name, a reader command) with a 保存 button."""

    def __init__(self, section: str, key: str, save: Callable[[str, str, Any], None]) -> None:
        super().__init__()
        slug = f"{section}_{key}"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.caption = label(role="hint", name=f"caption_{slug}")
        row = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setObjectName(f"field_{slug}")
        self.save_btn = big_button("", name=f"save_{slug}")
        self.save_btn.clicked.connect(lambda: save(section, key, self.edit.text().strip()))
        row.addWidget(self.edit, 3)
        row.addWidget(self.save_btn, 1)
        lay.addWidget(self.caption)
        lay.addLayout(row)

    def retranslate(self, caption: str) -> None:
        self.caption.setText(caption)
        self.save_btn.setText(self.tr("保存"))

    def set_value(self, value: str) -> None:
        self.edit.setText(value)


def _slug(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def text_input(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit
