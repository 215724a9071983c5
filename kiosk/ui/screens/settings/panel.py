"""The technician's panel: a column of section buttons beside the chosen section.

Every change goes through `save`: the config file is updated on the database thread
(validated, atomic), then the change is applied to the running app where that is possible
and the message line says whether it is in force or applies after a restart.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.config import ConfigError, Settings
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.settings.context import SettingsContext
from kiosk.ui.screens.settings.fields import Section
from kiosk.ui.widgets import QWIDGETSIZE_MAX, big_button, label, scroll_area

log = logging.getLogger("kiosk.ui.settings")

NAV_COLUMNS = 4  # portrait: at most four section buttons in a row above the section
NAV_ROW_WIDTH = 960  # what a 1080 px portrait screen leaves the buttons (margins, spacing)


class SettingsPanel(QWidget):
    saved = Signal(str, object)  # "section.key", the value now in the file
    refused = Signal(str)  # the reason, naming the key
    language_chosen = Signal(str)
    finished = Signal()  # "回到首页" tapped
    first_start_wanted = Signal()  # the technician asks for the first-start walk again

    def __init__(self) -> None:
        super().__init__()
        self.ctx: SettingsContext | None = None
        self.settings: Settings | None = None
        outer = QVBoxLayout(self)
        outer.setSpacing(16)
        self.title = label(role="title", name="panelTitle")
        outer.addWidget(self.title)
        # the section buttons: a column beside the section on a landscape screen, a block of
        # rows above it on a portrait one (beside, they left 640 of 1080 px to the sections:
        # clipped rows and keys under 60 px)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        body = self.body
        body.setSpacing(24)
        self.nav = QGridLayout()
        self.nav.setSpacing(12)
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        self.pages = QStackedWidget()
        nav_box = QWidget()
        nav_box.setObjectName("settingsNav")
        nav_box.setLayout(self.nav)
        self.nav.setContentsMargins(0, 0, 0, 0)
        # eight sections: the list scrolls (by finger) where 1080 px of height is too few
        self.nav_scroll = scroll_area(nav_box)
        self.nav_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.nav_scroll.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        body.addWidget(self.nav_scroll, 0)
        body.addWidget(self.pages, 1)
        outer.addLayout(body, 1)
        self.message = label(role="hint", name="settingsMessage")
        outer.addWidget(self.message)
        self.again = big_button("", name="firstStartAgain")
        self.again.clicked.connect(self.first_start_wanted)
        outer.addWidget(self.again)
        self.finish = big_button("", kind="primary", name="finish")
        self.finish.clicked.connect(self.finished)
        outer.addWidget(self.finish)
        self.sections: dict[str, Section] = {}
        self._nav_buttons: dict[str, Any] = {}
        self._current = ""
        self._landscape = False  # as Screen.landscape: arrange() is called on a change
        self.body.setDirection(QBoxLayout.Direction.TopToBottom)

    def add_section(self, section: Section) -> None:
        self.sections[section.key] = section
        button = big_button("", name=f"section_{section.key}")
        button.setCheckable(True)
        button.setProperty("kind", "nav")
        button.setMinimumWidth(200)
        button.clicked.connect(lambda _=False, k=section.key: self.open_section(k))
        self.nav_group.addButton(button)
        self._nav_buttons[section.key] = button
        area = scroll_area(section)
        # the rows wrap and shrink to the width: a sideways scroll bar means a bug
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages.addWidget(area)
        self._place_nav()

    def finish_sections(self) -> None:
        self._place_nav()

    def as_steps(self) -> None:
        """One section at a time, chosen by its owner (the first-start wizard): no title,
        no section buttons, no way home of its own; saving and the message line as ever."""
        for w in (self.title, self.nav_scroll, self.again, self.finish):
            w.hide()

    def arrange(self, landscape: bool) -> None:
        self._landscape = landscape
        self.body.setDirection(QBoxLayout.Direction.LeftToRight if landscape
                               else QBoxLayout.Direction.TopToBottom)
        self._place_nav()
        for section in self.sections.values():
            section.arrange(landscape)

    def _place_nav(self) -> None:
        buttons = list(self._nav_buttons.values())
        widest = max([b.sizeHint().width() for b in buttons] + [b.minimumWidth()
                                                                 for b in buttons] + [1])
        spacing = self.nav.horizontalSpacing()
        columns = 1 if self._landscape else max(
            1, min(NAV_COLUMNS, (NAV_ROW_WIDTH + spacing) // (widest + spacing)))
        for b in buttons:
            self.nav.removeWidget(b)
        for row in range(self.nav.rowCount()):
            self.nav.setRowStretch(row, 0)
        for i, b in enumerate(buttons):
            self.nav.addWidget(b, i // columns, i % columns)
        rows = -(-len(buttons) // columns)
        if self._landscape:
            self.nav.setRowStretch(rows, 1)  # the buttons at the top of their column
        self._size_nav()

    def _size_nav(self) -> None:
        box = self.nav_scroll.widget()
        assert box is not None  # set when the panel was built
        box.adjustSize()
        bar = self.nav_scroll.verticalScrollBar().sizeHint().width()
        if self._landscape:  # as wide as the longest name, plus the bar when it scrolls
            self.nav_scroll.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            self.nav_scroll.setMinimumHeight(0)
            self.nav_scroll.setMaximumHeight(QWIDGETSIZE_MAX)
            self.nav_scroll.setFixedWidth(box.sizeHint().width() + bar)
        else:  # every button in view: as high as its rows
            self.nav_scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            self.nav_scroll.setMinimumWidth(0)
            self.nav_scroll.setMaximumWidth(QWIDGETSIZE_MAX)
            self.nav_scroll.setFixedHeight(box.sizeHint().height())

    def retranslate(self) -> None:
        self.title.setText(self.tr("设置"))
        self.finish.setText(self.tr("回到首页"))
        self.again.setText(self.tr("重新走一遍首次设置"))
        for key, section in self.sections.items():
            section.retranslate()
            self._nav_buttons[key].setText(section.title())
        self._place_nav()  # as many in a row as the names' widths allow

    def bind(self, ctx: SettingsContext) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.refresh()

    def refresh(self) -> None:
        if self.settings is not None:
            for section in self.sections.values():
                section.refresh(self.settings)

    # --- navigation ---------------------------------------------------------------------

    def open_section(self, key: str) -> None:
        if self._current and self._current != key:
            self.sections[self._current].closed()
        self._current = key
        section = self.sections[key]
        self._nav_buttons[key].setChecked(True)
        self.pages.setCurrentIndex(list(self.sections).index(key))
        self.message.setText("")
        section.opened()

    def close_sections(self) -> None:
        for section in self.sections.values():
            section.closed()
        self._current = ""

    @property
    def current(self) -> str:
        return self._current

    # --- saving -------------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "hint")
        style = self.message.style()
        style.unpolish(self.message)
        style.polish(self.message)
        self.message.setText(text)

    def caption(self, section: str, key: str) -> str:
        """What the row of `section.key` is called on screen (without its hint in
        brackets), else the key: the message speaks the panel's language."""
        lab = self.findChild(QLabel, f"caption_{section}_{key}")
        text = lab.text() if lab is not None else ""
        for bracket in ("（", "("):
            text = text.split(bracket, 1)[0]
        return text.strip() or f"{section}.{key}"

    def save(self, section: str, key: str, value: Any) -> None:
        """Write `section.key = value` to the config file, then apply it."""
        ctx = self.ctx
        if ctx is None:
            return
        config = ctx.config
        QueryOp(ctx.tasks, lambda: config.update(section, key, value)).success(
            lambda settings: self._saved(section, key, value, settings)).failure(
            lambda exc: self._not_saved(f"{section}.{key}", exc)).run()

    def _not_saved(self, name: str, exc: Exception) -> None:
        if isinstance(exc, ConfigError):
            log.info("setting refused: %s", exc)
            self.say(self.tr("没有保存：{why}").format(why=exc), error=True)
            self.refresh()  # the fields show what is in force again
            self.refused.emit(str(exc))
        elif isinstance(exc, OSError):
            log.error("cannot write the configuration: %s", exc)
            self.say(self.tr("配置文件写不进去：{why}").format(why=exc.strerror or exc),
                     error=True)
            self.refused.emit(f"{name}: {exc}")
        else:
            raise exc  # the config file names its own failures: anything else is a bug

    def _saved(self, section: str, key: str, value: Any, settings: Settings) -> None:
        name = f"{section}.{key}"
        self.settings = settings
        assert self.ctx is not None
        self.ctx.settings = settings
        live = self.ctx.apply_live(section, key, value)
        if name == "ui.language":
            self.language_chosen.emit(str(value))
        shown = self.tr("开") if value is True else self.tr("关") if value is False else value
        text = (self.tr("已保存“{name}”：{value}，已经生效。") if live else
                self.tr("已保存“{name}”：{value}，重启后生效。"))
        self.refresh()
        self.say(text.format(name=self.caption(section, key), value=shown))
        self.saved.emit(name, value)
