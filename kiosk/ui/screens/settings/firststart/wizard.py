"""The first start on the screen, after the technician PIN: language, county server and
enrolment, camera, scanner, a summary; then the kiosk's start screen.

`FirstStartScreen` is a screen of its own (`ScreenName.FIRST_START`), reached only through
the settings screen's PIN gate; `FirstStartHook` (built by the composition root) keeps the
kiosk on that gate instead of the start screen while the first start is due.

The wizard is a `SettingsPanel` shown one section at a time (`as_steps`), so saving, the
message line and what applies at once are the panel's, and the steps are the panel's own
sections (`ServerSection`, `CameraSection`, `ScannerSection`) plus a language row and a
summary. The step reached is recorded (`progress.save`) only after the step's own saving
succeeded, and only on a first start: walked again from ⚙ it records nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QVBoxLayout

from kiosk.core.config import Settings
from kiosk.ui.navigator import Navigator, ScreenName
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.settings.context import SettingsContext
from kiosk.ui.screens.settings.fields import ChoiceRow, Section
from kiosk.ui.screens.settings.firststart import progress
from kiosk.ui.screens.settings.firststart.progress import (
    FAILED,
    MISSING,
    STEPS,
    UNCHECKED,
    WORKS,
    Progress,
)
from kiosk.ui.screens.settings.hardware import CameraSection, ScannerSection
from kiosk.ui.screens.settings.panel import SettingsPanel
from kiosk.ui.screens.settings.server import ServerSection, enrolled_with
from kiosk.ui.widgets import big_button, label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings import SettingsScreen

log = logging.getLogger("kiosk.ui.settings")

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}  # each in its own language


class LanguageSection(Section):
    """中文 or English; a touch saves it and the screens change at once."""

    key = "language"

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.note = label(role="hint", name="languageNote")
        self.language = ChoiceRow("ui", "language", list(LANGUAGE_NAMES), self.panel.save,
                                  names=["lang_zh_CN", "lang_en"])
        self.box.addWidget(self.note)
        self.box.addWidget(self.language)
        self.box.addStretch(1)

    def title(self) -> str:
        return self.tr("语言")

    def retranslate(self) -> None:
        super().retranslate()
        self.note.setText(self.tr("机器上的字用哪种语言？选好马上就换，以后可以在⚙里改。"))
        self.language.retranslate(self.tr("语言"), list(LANGUAGE_NAMES.values()))

    def refresh(self, settings: Settings) -> None:
        self.language.set_value(settings.ui.language)


class SummarySection(Section):
    """What the first start leaves in force, read back from where it is kept."""

    key = "summary"

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(16)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.box.addLayout(self.form)
        self.box.addStretch(1)
        self.language = label(name="summaryLanguage")
        self.server = label(name="summaryServer")
        self.camera = label(name="summaryCamera")
        self.scanner = label(name="summaryScanner")
        self.captions = [label(role="hint") for _ in range(4)]
        for caption, value in zip(self.captions, (self.language, self.server, self.camera,
                                                  self.scanner), strict=True):
            self.form.addRow(caption, value)
        self._enrolled: tuple[str, str] | None = None
        self._progress = Progress()
        self._language = "zh_CN"

    def title(self) -> str:
        return self.tr("设置好了")

    def retranslate(self) -> None:
        super().retranslate()
        for caption, text in zip(self.captions, (self.tr("语言"), self.tr("县服务器"),
                                                 self.tr("摄像头"), self.tr("扫描仪")),
                                 strict=True):
            caption.setText(text)
        self._show()

    def refresh(self, settings: Settings) -> None:
        self._language = settings.ui.language
        self._show()

    def show_progress(self, done: Progress) -> None:
        self._progress = done
        self._show()

    def opened(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        home = ctx.home
        QueryOp(ctx.tasks, lambda: enrolled_with(home)).success(self._enrolment_read).run()

    def _enrolment_read(self, enrolled: tuple[str, str] | None) -> None:
        self._enrolled = enrolled
        self._show()

    def _show(self) -> None:
        self.language.setText(LANGUAGE_NAMES.get(self._language, self._language))
        # not enrolled is the one line the technician must not miss
        self.server.setProperty("role", "" if self._enrolled is not None else "error")
        self.server.style().unpolish(self.server)
        self.server.style().polish(self.server)
        if self._enrolled is not None:
            server, device = self._enrolled
            self.server.setText(self.tr("已登记：{server}，本机编号 {device}")
                                .format(server=server, device=device))
        else:
            self.server.setText(self.tr("还没有登记。报销单会先存在本机排队，登记以后才送到"
                                        "县里。请尽快在⚙ → 县服务器登记。"))
        self.camera.setText(self._outcome(self._progress.camera, camera=True))
        self.scanner.setText(self._outcome(self._progress.scanner, camera=False))

    def _outcome(self, outcome: str, *, camera: bool) -> str:
        if outcome == WORKS:
            return self.tr("正常，有画面") if camera else self.tr("正常，扫出了测试页")
        if outcome == MISSING:
            return (self.tr("没有找到摄像头：收据只能用扫描仪或从U盘导入") if camera
                    else self.tr("没有找到扫描仪：收据只能用摄像头拍或从U盘导入"))
        if outcome == FAILED:
            return (self.tr("打不开，请检查连线后在⚙ → 摄像头再试") if camera
                    else self.tr("扫描没成功，请检查电源和连线后在⚙ → 扫描仪再试"))
        return self.tr("没有测试")


class FirstStartScreen(Screen):
    """The steps of `progress.STEPS`, each a section of its own panel."""

    finished = Signal()
    progressed = Signal(object)  # the Progress just recorded (first start only)
    language_chosen = Signal(str)
    saved = Signal(str, object)  # the panel's: "section.key", value
    refused = Signal(str)  # the panel's: the reason, naming the key
    step_shown = Signal(str)  # the step now on screen

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("firstStart")
        self.ctx: SettingsContext | None = None
        self.progress = Progress()
        self.persist = False  # a first start records its steps; a walk from ⚙ does not
        self._camera, self._scanner = UNCHECKED, UNCHECKED
        self._later_asked = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        outer.setSpacing(16)
        self.title = label(role="title", name="firstStartTitle")
        self.step_label = label(role="hint", name="firstStartStep")
        outer.addWidget(self.title)
        outer.addWidget(self.step_label)
        self.panel = SettingsPanel()
        self.language = LanguageSection(self.panel)
        self.server = ServerSection(self.panel)
        self.camera = CameraSection(self.panel)
        self.scanner = ScannerSection(self.panel)
        self.summary = SummarySection(self.panel)
        for section in (self.language, self.server, self.camera, self.scanner, self.summary):
            self.panel.add_section(section)
        self.panel.finish_sections()
        self.panel.as_steps()
        outer.addWidget(self.panel, 1)
        self.note = label(role="error", name="firstStartNote")
        self.note.hide()
        outer.addWidget(self.note)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.back_btn = big_button("", name="firstStartBack")
        self.later_btn = big_button("", name="enrolLater")
        self.next_btn = big_button("", kind="primary", name="firstStartNext")
        for b in (self.back_btn, self.later_btn, self.next_btn):
            row.addWidget(b)
        outer.addLayout(row)
        self.back_btn.clicked.connect(self._back)
        self.later_btn.clicked.connect(self._later)
        self.next_btn.clicked.connect(self._next)
        self.panel.language_chosen.connect(self.language_chosen)
        self.panel.saved.connect(self.saved)
        self.panel.refused.connect(self.refused)
        self.server.enrolled.connect(self._enrolled)
        self.camera.checked.connect(self._camera_checked)
        self.scanner.checked.connect(self._scanner_checked)
        self._enrolled_now = False
        self.retranslate()

    # --- set-up -------------------------------------------------------------------------

    def bind(self, ctx: SettingsContext) -> None:
        self.ctx = ctx
        self.panel.bind(ctx)

    def arrange(self, landscape: bool) -> None:
        self.panel.arrange(landscape)

    def retranslate(self) -> None:
        self.title.setText(self.tr("首次设置"))
        self.panel.retranslate()
        self.back_btn.setText(self.tr("← 上一步"))
        self._show_buttons()

    def begin(self, start: Progress, *, persist: bool) -> None:
        """Show `start.step`; `persist`: a first start, whose steps are recorded."""
        self.persist = persist
        self.progress = start
        self._camera, self._scanner = start.camera, start.scanner
        if self.ctx is not None:
            self.panel.bind(self.ctx)  # what the main panel saved meanwhile
        self._show(start.step)

    def close_sections(self) -> None:
        self.panel.close_sections()

    def reset(self) -> None:  # the idle timeout, "home": no camera left running
        self.panel.close_sections()

    def hideEvent(self, event: QHideEvent) -> None:
        self.panel.close_sections()
        super().hideEvent(event)

    @property
    def step(self) -> str:
        return self.progress.step

    # --- steps --------------------------------------------------------------------------

    def _show(self, step: str) -> None:
        self.progress = self.progress.at(step)
        self._later_asked = False
        self._enrolled_now = False
        self.note.hide()
        self.summary.show_progress(self._done_so_far())
        self.panel.open_section(step)
        self._show_buttons()
        self.step_shown.emit(step)

    def _show_buttons(self) -> None:
        step = self.progress.step
        n = STEPS.index(step) + 1
        self.step_label.setText(self.tr("第{n}步，共{m}步").format(n=n, m=len(STEPS)))
        self.back_btn.setEnabled(n > 1 or not self.persist)
        self.back_btn.setText(self.tr("← 上一步") if n > 1 or self.persist
                              else self.tr("← 回到设置"))
        self.later_btn.setVisible(step == "server")
        self.later_btn.setText(self.tr("确定以后再登记") if self._later_asked
                               else self.tr("以后再登记"))
        self.next_btn.setText(self.tr("完成，开始使用") if step == STEPS[-1]
                              else self.tr("下一步"))

    def _done_so_far(self) -> Progress:
        return Progress(step=self.progress.step, server_later=self.progress.server_later,
                        camera=self._camera, scanner=self._scanner)

    def _back(self) -> None:
        previous = self.progress.previous_step()
        if previous is None:
            self.finished.emit()  # walked from ⚙: back to the panel
            return
        self._show(previous)

    def _next(self) -> None:
        if self.progress.step == "server" and not self._server_settled():
            return
        following = self.progress.next_step()
        done = self._done_so_far()
        if following is None:
            self._record(Progress(step=done.step, finished=True,
                                  server_later=done.server_later, camera=done.camera,
                                  scanner=done.scanner), then=self.finished.emit)
            return
        self._record(done.at(following), then=lambda: self._show(following))

    def _server_settled(self) -> bool:
        """Enrolled (now or before), or "later" chosen: else say what is missing."""
        if self._enrolled_now or self.server.is_enrolled():
            self.progress = Progress(step="server", camera=self._camera,
                                     scanner=self._scanner)
            return True
        self._say(self.tr("请先登记本机，或者选“以后再登记”。"))
        return False

    def _later(self) -> None:
        if not self._later_asked:
            self._later_asked = True
            self._say(self.tr("不登记也能收报销单，但它们会先存在本机排队，等登记好、连上县服务器"
                              "以后才送到县里。确定要以后再登记吗？"))
            self._show_buttons()
            return
        log.info("first start: enrolment left for later (offline install)")
        self.progress = Progress(step="server", server_later=True, camera=self._camera,
                                 scanner=self._scanner)
        following = self.progress.next_step()
        assert following is not None
        self._record(self._done_so_far().at(following), then=lambda: self._show(following))

    def _enrolled(self, _device: str) -> None:
        self._enrolled_now = True
        self.progress = Progress(step="server", camera=self._camera, scanner=self._scanner)
        self.note.hide()

    def _camera_checked(self, outcome: str) -> None:
        self._camera = outcome

    def _scanner_checked(self, outcome: str) -> None:
        self._scanner = outcome

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()

    # --- the record ---------------------------------------------------------------------

    def _record(self, reached: Progress, *, then: Callable[[], None]) -> None:
        """Write how far the first start got, then go on (`then`); walked from ⚙: go on."""
        ctx = self.ctx
        if not self.persist or ctx is None:
            self.progress = reached
            then()
            return
        home = ctx.home
        self.next_btn.setEnabled(False)
        QueryOp(ctx.tasks, lambda: progress.save(home, reached)).after(
            lambda: self.next_btn.setEnabled(True)).success(
            lambda saved: self._recorded(saved, then)).failure(self._not_recorded).run()

    def _recorded(self, saved: Progress, then: Callable[[], None]) -> None:
        log.info("first start: %s", "finished" if saved.finished else f"at {saved.step}")
        self.progress = saved
        self.progressed.emit(saved)
        then()

    def _not_recorded(self, exc: Exception) -> None:
        log.error("first start: cannot record the step: %s", exc)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self._say(self.tr("没能记下这一步（{why}），请叫技术员检查磁盘。").format(why=why))


class FirstStartHook(QObject):
    """While the first start is due, the kiosk's "home" is the settings screen's PIN gate
    (its first-start words); the PIN opens the wizard; finished, the start screen."""

    def __init__(self, *, navigator: Navigator, settings: SettingsScreen,
                 screen: FirstStartScreen, went_home: SignalInstance,
                 go_home: Callable[[], None], due: Progress | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nav, self._settings, self._screen = navigator, settings, screen
        self._go_home = go_home
        self.due = due
        settings.first_start_unlocked.connect(lambda at: self._open(at, persist=True))
        settings.walk_again.connect(lambda: self._open(Progress(), persist=False))
        screen.progressed.connect(self._progressed)
        screen.finished.connect(self._finished)
        screen.language_chosen.connect(settings.language_chosen)  # installed there
        screen.saved.connect(settings.setting_saved)
        screen.refused.connect(settings.setting_refused)
        went_home.connect(self._home)
        settings.begin_first_start(due)
        self._home()

    def _home(self) -> None:
        if self.due is not None:
            self._nav.show(ScreenName.SETTINGS)

    def _open(self, at: Progress, *, persist: bool) -> None:
        self._screen.begin(at, persist=persist)
        self._nav.show(ScreenName.FIRST_START)

    def _progressed(self, reached: Progress) -> None:
        self.due = None if reached.finished else reached
        self._settings.begin_first_start(self.due)

    def _finished(self) -> None:
        if self._screen.persist:  # the first start: on to the kiosk's start screen
            log.info("first start finished")
            self.due = None
            self._settings.begin_first_start(None)
            self._go_home()
            return
        self._settings.show_panel()  # walked again from ⚙: back where it was asked for
        self._nav.show(ScreenName.SETTINGS)
