"""Upkeep: log export to a USB stick, the technician PIN, the assistants, quitting the app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from kiosk.core.logexport import ExportError, export_logs, find_removable
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.settings.fields import Section
from kiosk.ui.widgets import big_button, label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.panel import SettingsPanel

log = logging.getLogger("kiosk.ui.settings")


class NoStick(ExportError):
    """No writable removable medium is mounted (a known failure: "plug in a stick")."""


def export_to_stick(home: Path, config: Path, roots: tuple[Path, ...],
                    mounts_only: bool) -> Path:
    sticks = find_removable(roots, mounts_only=mounts_only)
    if not sticks:
        raise NoStick
    return export_logs(home, config, sticks[0])


class MaintenanceSection(Section):
    key = "maintenance"
    exported = Signal(str)  # the file written
    change_pin = Signal()
    manage_assistants = Signal()
    quit_requested = Signal()

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.export_btn = big_button("", name="exportLogs")
        self.export_btn.clicked.connect(self.export)
        self.export_result = label(name="exportResult")
        self.pin_btn = big_button("", name="changePin")
        self.pin_btn.clicked.connect(self.change_pin)
        self.assistants_btn = big_button("", name="manageAssistants")
        self.assistants_btn.clicked.connect(self.manage_assistants)
        self.quit_btn = big_button("", name="quitApp")
        self.quit_btn.clicked.connect(self.quit_requested)
        for w in (self.export_btn, self.export_result, self.pin_btn, self.assistants_btn):
            self.box.addWidget(w)
        self.box.addStretch(1)
        self.box.addWidget(self.quit_btn)

    def title(self) -> str:
        return self.tr("维护")

    def retranslate(self) -> None:
        super().retranslate()
        self.export_btn.setText(self.tr("把日志导出到U盘"))
        self.pin_btn.setText(self.tr("更改技术员密码"))
        self.assistants_btn.setText(self.tr("管理协理员"))
        self.quit_btn.setText(self.tr("退出程序（技术员维护）"))

    def export(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        home, config = ctx.home, ctx.settings.config_path
        roots, mounts_only = ctx.usb_roots, ctx.usb_mounts_only
        self.export_btn.setEnabled(False)
        self.export_result.setText(self.tr("正在导出……"))
        QueryOp(ctx.tasks, lambda: export_to_stick(home, config, roots, mounts_only),
                io=True).after(lambda: self.export_btn.setEnabled(True)).success(
            self._exported).failure(self._not_exported).run()

    def _not_exported(self, exc: Exception) -> None:
        if isinstance(exc, NoStick):
            self.export_result.setText(self.tr("没有找到U盘。请插上U盘，等几秒再试。"))
        elif isinstance(exc, ExportError):
            log.warning("log export failed: %s", exc)
            self.export_result.setText(self.tr("没能写到U盘（可能满了或是只读的）：{why}")
                                       .format(why=exc))
        else:
            raise exc  # the export names its own failures: anything else is a bug

    def _exported(self, path: Path) -> None:
        self.export_result.setText(self.tr("已导出到U盘：{name}\n现在可以拔下U盘。")
                                   .format(name=path.name))
        self.exported.emit(str(path))
