"""Upkeep: the last self-test (and running it again), log export to a USB stick, the
technician PIN, the assistants, quitting the app.

The daily timer's `township-kiosk --self-test` writes `<home>/selftest.json`
(`kiosk.core.health`); this page reads it each time it is opened, and "现在自检" runs the same
checks (handed in by the command line as `SettingsContext.self_test`: the UI may not import the
commands) on the device pool and records them the same way. Each failed check's reason is
rendered from its code in the screen's language at every retranslate (a record from before the
codes shows its English words).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal

from kiosk.core.config import Settings
from kiosk.core.health import RESULT_FILE, Check, last_result, reason, record
from kiosk.core.logexport import ExportError, export_logs, find_removable
from kiosk.ui.i18n import current_language
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.settings.fields import Section
from kiosk.ui.widgets import big_button, label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.panel import SettingsPanel

log = logging.getLogger("kiosk.ui.settings")

STALE_AFTER_S = 2 * 86400  # the timer runs daily: an older result means it has stopped


def read_last(home: Path) -> tuple[dict[str, Any] | None, bool]:
    """The recorded self-test, and whether a file is there at all (damaged, if None)."""
    return last_result(home), (home / RESULT_FILE).exists()


def run_and_record(self_test: Callable[[Settings], list[Check]],
                   settings: Settings) -> tuple[dict[str, Any], str]:
    """Run the checks and record them; the result, and why it could not be recorded ("" if
    it was). A failed write still shows what the checks found."""
    checks = self_test(settings)
    try:
        return record(settings.home, checks), ""
    except OSError as exc:
        log.error("cannot record the self-test in %s: %s", settings.home, exc)
        return ({"at": time.time(), "ok": all(c.ok for c in checks),
                 "checks": [asdict(c) for c in checks]}, exc.strerror or str(exc))


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
    self_test_shown = Signal(object)  # the result on screen (a dict), or None: never run

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.selftest_caption = label(role="large", name="selftestCaption")
        self.selftest_summary = label(name="selftestSummary")
        self.selftest_failed = label(role="error", name="selftestFailed")
        self.selftest_failed.hide()
        self.selftest_btn = big_button("", name="runSelfTest")
        self.selftest_btn.clicked.connect(self.run_self_test)
        self._result: dict[str, Any] | None = None
        self._damaged = False
        self._unsaved = ""
        self._running = False
        for w in (self.selftest_caption, self.selftest_summary, self.selftest_failed,
                  self.selftest_btn):
            self.box.addWidget(w)
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
        self.selftest_caption.setText(self.tr("自检"))
        self.selftest_btn.setText(self.tr("正在自检……") if self._running
                                  else self.tr("现在自检"))
        self._show_self_test()

    # --- the self-test ------------------------------------------------------------------

    def opened(self) -> None:
        ctx = self.ctx
        if ctx is None or self._running:
            return
        home = ctx.home
        QueryOp(ctx.tasks, lambda: read_last(home), io=True).success(self._read).run()

    def _read(self, found: tuple[dict[str, Any] | None, bool]) -> None:
        if self._running:
            return  # the run under way shows its own result
        self._result, self._damaged = found[0], found[0] is None and found[1]
        self._unsaved = ""
        self._show_self_test()
        self.self_test_shown.emit(self._result)

    def run_self_test(self) -> None:
        ctx = self.ctx
        if ctx is None or ctx.self_test is None or self._running:
            return
        self_test, settings = ctx.self_test, ctx.settings
        self._running = True
        self.selftest_btn.setEnabled(False)
        self.selftest_btn.setText(self.tr("正在自检……"))
        self.selftest_summary.setText(self.tr("正在自检，可能要一两分钟。其他设置可以照常用。"))
        self.selftest_failed.hide()
        QueryOp(ctx.tasks, lambda: run_and_record(self_test, settings), io=True).after(
            self._run_ended).success(self._ran).failure(self._not_run).run()

    def _run_ended(self) -> None:
        self._running = False
        self.selftest_btn.setText(self.tr("现在自检"))
        self.selftest_btn.setEnabled(self.ctx is not None and self.ctx.self_test is not None)

    def _ran(self, done: tuple[dict[str, Any], str]) -> None:
        self._result, self._unsaved = done
        self._damaged = False
        self._show_self_test()
        self.self_test_shown.emit(self._result)

    def _not_run(self, exc: Exception) -> None:
        """A check stopped on a known failure (a disk or device error) instead of reporting
        it: say so, and nothing is recorded."""
        log.warning("the self-test could not finish: %s", exc)
        self._show_self_test()
        self.selftest_summary.setText(
            self.tr("自检没能做完：{why}").format(why=getattr(exc, "strerror", None) or exc)
            + "\n" + self.selftest_summary.text())
        self.self_test_shown.emit(None)

    def check_name(self, name: str) -> str:
        names = {"ocr": self.tr("识别引擎"), "database": self.tr("数据库"),
                 "disk": self.tr("磁盘空间"), "camera": self.tr("摄像头"),
                 "scanner": self.tr("扫描仪"), "clock": self.tr("时钟"),
                 "queue": self.tr("上传队列")}
        return names.get(name, name)

    def _show_self_test(self) -> None:
        if self._running:
            return
        ctx = self.ctx
        self.selftest_btn.setEnabled(ctx is not None and ctx.self_test is not None)
        result = self._result
        if result is None:
            self.selftest_summary.setText(
                self.tr("自检记录读不出来（文件坏了）。请点“现在自检”。") if self._damaged
                else self.tr("从没做过自检。"))
            self.selftest_failed.hide()
            return
        at = result.get("at")
        when = (time.strftime("%Y-%m-%d %H:%M", time.localtime(float(at)))
                if isinstance(at, int | float) else self.tr("时间不明"))
        checks = [c for c in result.get("checks", []) if isinstance(c, dict)]
        language = current_language()  # the reasons' codes in the screen's language
        failed = [c for c in checks if not c.get("ok")]
        if result.get("ok") and not failed:
            text = self.tr("上次自检：{when}，全部通过（{n}项）。").format(when=when,
                                                                      n=len(checks))
        else:
            text = self.tr("上次自检：{when}，没有通过：{n}项有问题。").format(
                when=when, n=len(failed))
        if isinstance(at, int | float) and time.time() - float(at) > STALE_AFTER_S:
            text += "\n" + self.tr("已经两天多没有自检了：每天的自动自检可能没有运行。")
        if self._unsaved:
            text += "\n" + self.tr("结果没能记下来：{why}").format(why=self._unsaved)
        self.selftest_summary.setText(text)
        self.selftest_failed.setText("\n".join(
            self.tr("{name}：{why}").format(name=self.check_name(str(c.get("name", ""))),
                                           why=reason(c, language))
            for c in failed))
        self.selftest_failed.setVisible(bool(failed))

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
