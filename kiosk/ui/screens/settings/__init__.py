"""The technician's settings, behind a PIN (hashed, locked after repeated failures).

The screen is a PIN gate (`gate.py`) in front of a panel of sections (`panel.py`): overview,
county server and enrolment, camera, scanner, OCR engine, screen and sound, upload queue,
upkeep. The PIN is checked by `kiosk.auth.pin.PinStore` on the database thread (the answer comes
back through `pin_result`); a fresh kiosk sets its first PIN here only while it holds no
claims and is not enrolled, otherwise on the console (`kiosk pin set`).

`bind(SettingsContext)` (from the composition root) hands the panel the config file, the
task manager and the running parts; unbound, the gate works and the panel only shows.

A freshly installed kiosk starts in its first start (`begin_first_start`, from
`firststart.wizard.FirstStartHook` when `first_start_due`): the PIN then opens the
first-start wizard (`first_start_unlocked`) instead of the panel, until it is finished;
⚙ → "重新走一遍首次设置" asks for it again (`walk_again`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout

from kiosk.auth.pin import MAX_LENGTH, MIN_LENGTH, PinError, PinResult, PinStore
from kiosk.claims.desk import ClaimDesk
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.settings.context import SettingsContext
from kiosk.ui.screens.settings.firststart import progress as first_start
from kiosk.ui.screens.settings.firststart.progress import Progress
from kiosk.ui.screens.settings.gate import CHANGE, CHECK, CONSOLE, FIRST, PinGate
from kiosk.ui.screens.settings.general import GeneralSection, OcrSection, OverviewSection
from kiosk.ui.screens.settings.hardware import CameraSection, ScannerSection
from kiosk.ui.screens.settings.maintenance import MaintenanceSection
from kiosk.ui.screens.settings.panel import SettingsPanel
from kiosk.ui.screens.settings.server import ServerSection
from kiosk.ui.screens.settings.sync_queue import QueueSection

__all__ = ["SettingsContext", "SettingsScreen", "first_start_due"]

log = logging.getLogger("kiosk.ui.settings")


def in_service(desk: ClaimDesk, home: Path) -> bool:
    """The kiosk holds claims or is enrolled (else it is fresh)."""
    from kiosk.sync.credentials import CREDENTIAL_FILE

    return (home / CREDENTIAL_FILE).exists() or any(desk.counts().values())


def gate_mode(pins: PinStore, desk: ClaimDesk, home: Path) -> str:
    """CHECK with a PIN; FIRST on a fresh kiosk (no claims, not enrolled); else CONSOLE."""
    if pins.is_set:
        return CHECK
    return CONSOLE if in_service(desk, home) else FIRST


def first_start_due(desk: ClaimDesk, home: Path) -> Progress | None:
    """Where the first start resumes; None when it is finished or the kiosk was in service
    before it had one."""
    return first_start.due(home, lambda: in_service(desk, home))


class SettingsScreen(Screen):
    pin_entered = Signal(str)
    language_chosen = Signal(str)
    quit_requested = Signal()
    manage_assistants = Signal()
    back = Signal()
    setting_saved = Signal(str, object)  # "section.key", value
    setting_refused = Signal(str)  # the reason, naming the key
    pin_changed = Signal()
    gate_ready = Signal(str)  # the gate's mode once known (check, first, console)
    first_start_unlocked = Signal(object)  # the PIN was right: the wizard, at this Progress
    walk_again = Signal()  # the technician asks for the first-start wizard again

    def __init__(self) -> None:
        super().__init__()
        self.ctx: SettingsContext | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)

        self.gate = PinGate()
        self.gate.submitted.connect(self.pin_entered)
        self.pin_entered.connect(self._check_pin)
        self.language_chosen.connect(self._set_language)
        self.gate.steps_done.connect(self._steps_done)
        self.gate.back.connect(self._gate_back)
        self.pages.addWidget(self.gate)

        self.panel = SettingsPanel()
        self.overview = OverviewSection(self.panel)
        self.server = ServerSection(self.panel)
        self.camera = CameraSection(self.panel)
        self.scanner = ScannerSection(self.panel)
        self.ocr = OcrSection(self.panel)
        self.general = GeneralSection(self.panel)
        self.queue = QueueSection(self.panel)
        self.maintenance = MaintenanceSection(self.panel)
        for section in (self.overview, self.general, self.server, self.queue, self.camera,
                        self.scanner, self.ocr, self.maintenance):
            self.panel.add_section(section)
        self.panel.finish_sections()
        self.panel.finished.connect(self.back)
        self.panel.saved.connect(self.setting_saved)
        self.panel.refused.connect(self.setting_refused)
        self.panel.language_chosen.connect(self.language_chosen)
        self.maintenance.quit_requested.connect(self.quit_requested)
        self.maintenance.manage_assistants.connect(self.manage_assistants)
        self.maintenance.change_pin.connect(lambda: self._open_gate(CHANGE))
        self.pages.addWidget(self.panel)
        self.panel.first_start_wanted.connect(self.walk_again)
        self._first_start: Progress | None = None  # the first start, while it is due
        self.retranslate()
        self.reset()

    # --- compatibility with the window and older tests ------------------------------------

    @property
    def form(self) -> Any:
        return self.overview.form

    @property
    def pin_error(self) -> Any:
        return self.gate.error

    @property
    def keypad(self) -> Any:
        return self.gate.keypad

    def _type(self, ch: str) -> None:  # tools/screenshots.py types through these
        self.gate._type(ch)

    def _submit(self) -> None:
        self.gate._submit()

    @property
    def unlocked(self) -> bool:
        return self.pages.currentWidget() is self.panel

    # --- set-up -------------------------------------------------------------------------

    def bind(self, ctx: SettingsContext) -> None:
        self.ctx = ctx
        self.panel.bind(ctx)

    def arrange(self, landscape: bool) -> None:
        self.gate.arrange(landscape)
        self.panel.arrange(landscape)

    def retranslate(self) -> None:
        self.gate.retranslate()
        self.panel.retranslate()

    def reset(self) -> None:
        """Locked again, nothing running (the idle timeout and "回到首页" call this)."""
        self.panel.close_sections()
        self.gate.set_first_start(self._first_start is not None)
        self.gate.set_mode(CHECK)
        self.pages.setCurrentWidget(self.gate)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        ctx = self.ctx
        if ctx is None or self.unlocked or self.gate.mode == CHANGE:
            return
        pins, desk, home = ctx.pins, ctx.desk, ctx.home
        QueryOp(ctx.tasks, lambda: gate_mode(pins, desk, home)).success(self._gate_mode).run()

    def hideEvent(self, event: QHideEvent) -> None:
        self.panel.close_sections()  # no camera preview left running behind another screen
        super().hideEvent(event)

    def _gate_mode(self, mode: str) -> None:
        if not self.unlocked and self.gate.mode != CHANGE and not self.gate.pin:
            self.gate.set_mode(mode)
        self.gate_ready.emit(mode)

    # --- the gate -----------------------------------------------------------------------

    def _check_pin(self, pin: str) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        pins = ctx.pins
        QueryOp(ctx.tasks, lambda: pins.check(pin)).success(self._pin_checked).run()

    def _pin_checked(self, result: PinResult) -> None:
        ctx = self.ctx
        if result.ok and ctx is not None:
            log.info("technician signed in%s", " (new PIN set)" if result.newly_set else "")
            QueryOp(ctx.tasks, ctx.counts).success(self._counts).run()
        elif result.locked_for_s:
            log.warning("technician PIN locked for %d s", result.locked_for_s)
        self.pin_result(result)

    def _counts(self, counts: dict[str, int]) -> None:
        ctx = self.ctx
        assert ctx is not None
        info = dict(ctx.info)
        info.update(claims=counts, ocr_ready=ctx.ocr_ready())  # the overview words them
        self.show_settings(info)

    def _set_language(self, language: str) -> None:
        translations = self.ctx.translations if self.ctx is not None else None
        if translations is not None:
            translations.install(language)

    def pin_result(self, result: PinResult) -> None:
        if result.ok and self._first_start is not None:
            self.gate.set_mode(CHECK)
            self.first_start_unlocked.emit(self._first_start)  # locked again behind it
            return
        if result.ok:
            self.gate.set_mode(CHECK)
            self.show_panel()
            return
        self.gate.restart()
        if result.not_set:
            self.gate.set_mode(CONSOLE)
            return
        self.gate.show_error(self._refusal(result))

    def _refusal(self, result: PinResult) -> str:
        if result.locked_for_s:
            minutes = max(1, (result.locked_for_s + 59) // 60)
            return self.tr("密码错误次数太多，请{m}分钟后再试。").format(m=minutes)
        return self.tr("密码不对，还可以试{n}次。").format(n=result.attempts_left)

    def _gate_back(self) -> None:
        if self.gate.mode == CHANGE:
            self.gate.set_mode(CHECK)
            self.pages.setCurrentWidget(self.panel)
        else:
            self.back.emit()

    def _open_gate(self, mode: str) -> None:
        self.gate.set_mode(mode)
        self.pages.setCurrentWidget(self.gate)

    def _steps_done(self, typed: list[str]) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        pins = ctx.pins
        if self.gate.mode == FIRST:
            pin, again = typed
            QueryOp(ctx.tasks, lambda: pins.set_first(pin, again)).success(
                lambda _none: self._first_set(pin)).failure(self._pin_refused).run()
        elif self.gate.mode == CHANGE:
            old, new, again = typed
            QueryOp(ctx.tasks, lambda: pins.change(old, new, again)).success(
                self._changed).failure(self._pin_refused).run()

    def _pin_refused(self, exc: Exception) -> None:
        """A PIN that cannot be used (too short, a sequence, typed differently twice)."""
        if not isinstance(exc, PinError):
            raise exc  # the PIN file could not be written: a bug report
        if self.gate.mode == FIRST and exc.code == "already_set":
            self.gate.set_mode(CHECK)
        self.gate.restart(self._pin_error_text(exc))

    def _first_set(self, pin: str) -> None:
        log.info("technician PIN set on the screen of a fresh kiosk")
        self.gate.set_mode(CHECK)
        self.pin_entered.emit(pin)  # signs in the usual way

    def _changed(self, result: PinResult) -> None:
        if not result.ok:
            if result.locked_for_s:
                self.gate.restart(self._refusal(result))
            else:
                self.gate.restart(self.tr("现在的密码不对，还可以试{n}次。")
                                  .format(n=result.attempts_left))
            return
        log.info("technician PIN changed")
        self.gate.set_mode(CHECK)
        self.pages.setCurrentWidget(self.panel)
        self.panel.say(self.tr("技术员密码已经改好了。"))
        self.pin_changed.emit()

    def _pin_error_text(self, exc: PinError) -> str:
        texts = {
            "not_digits": self.tr("密码要{a}到{b}位数字。").format(a=MIN_LENGTH, b=MAX_LENGTH),
            "length": self.tr("密码要{a}到{b}位数字。").format(a=MIN_LENGTH, b=MAX_LENGTH),
            "repeated": self.tr("不能全是同一个数字，请换一个。"),
            "sequence": self.tr("不能用123456这样连着的数字，请换一个。"),
            "pattern": self.tr("不能用121212这样重复的数字，请换一个。"),
            "mismatch": self.tr("两次输入的不一样，请重新输入。"),
            "already_set": self.tr("这台机器已经有技术员密码了，请输入密码。"),
        }
        return texts.get(exc.code, str(exc))

    # --- the first start ----------------------------------------------------------------

    def begin_first_start(self, at: Progress | None) -> None:
        """The kiosk's first start is due at `at` (None: no longer): the PIN opens it."""
        self._first_start = at
        self.gate.set_first_start(at is not None)

    @property
    def first_start_due(self) -> bool:
        return self._first_start is not None

    def show_panel(self) -> None:
        """The panel, showing what is in force (the first-start wizard saves through the
        same context, and may have changed something since the panel was last shown)."""
        if self.ctx is not None:
            self.panel.bind(self.ctx)
        self.pages.setCurrentWidget(self.panel)
        self.panel.open_section("overview")

    # --- what the window fills in -------------------------------------------------------

    def show_settings(self, info: Mapping[str, Any]) -> None:
        self.overview.show_info(info)
