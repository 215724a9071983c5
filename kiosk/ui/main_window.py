"""The one window: a stack of screens and the flow between them.

The window is handed everything it uses (task manager, OCR service, claim desk, PIN store,
idle watcher, translations); it builds the screens and moves the person from one to the next.
Personal data lives in one `Session` that the idle timeout and "back to start" forget.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPaintEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QFrame, QMainWindow, QStackedWidget, QVBoxLayout

from kiosk.auth.assistants import AssistantBook
from kiosk.auth.pin import PinStore
from kiosk.scanner import CaptureError
from kiosk.scanner.files import read_file
from kiosk.store import DiskFull, DuplicateInvoice, StoreError
from kiosk.ui.assistant_mode import AssistantMode
from kiosk.ui.camera import CameraFeed, capture_to_jpeg, message_for
from kiosk.ui.desk import ClaimDesk, Receipt
from kiosk.ui.i18n import Translations, domain_text
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.capture import CaptureScreen
from kiosk.ui.screens.correct_search import CatalogSearch
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.resident_id import ResidentIdScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.settings import SettingsScreen
from kiosk.ui.screens.start import StartScreen
from kiosk.ui.screens.status import StatusScreen
from kiosk.ui.screens.trouble import TroubleScreen
from kiosk.ui.screens.usb_import import UsbImportScreen
from kiosk.ui.slip import SlipData, claim_for_slip
from kiosk.ui.sync_feed import SyncFeed
from kiosk.ui.tasks import OcrService, PageRead, TaskManager
from kiosk.ui.voice import Voice
from kiosk.ui.widgets import big_button, label
from kiosk.voice.prompts import SCREEN_PROMPTS, rejection_key, scan_key

log = logging.getLogger("kiosk.ui")

SELF_SERVICE = "self-service"
SampleProvider = Callable[[], tuple[bytes, str]]


@dataclass
class Session:
    """One resident's visit: everything here is forgotten on reset."""

    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    id_number: str = ""
    receipts: list[Receipt] = field(default_factory=list)
    audit: dict[str, Any] | None = None
    pending_job: int = 0
    pending_image: bytes = b""
    insert_at: int | None = None  # a retaken receipt goes back where it was


class IdleWarning(QFrame):
    """Covers the screen: "are you still there?" — any touch dismisses it."""

    def __init__(self, parent: QMainWindow) -> None:
        super().__init__(parent)
        self.setObjectName("idleWarning")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(64, 64, 64, 64)
        self.title = label(role="huge", name="idleTitle")
        self.text = label(role="large", name="idleText")
        self.ok = big_button("", kind="primary", name="stillHere")
        self.ok.clicked.connect(self.hide)
        self._left = 0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        lay.addStretch(1)
        lay.addWidget(self.title)
        lay.addWidget(self.text)
        lay.addWidget(self.ok)
        lay.addStretch(1)
        self.hide()

    def show_countdown(self, seconds: int) -> None:
        self._left = seconds
        self.title.setText(self.tr("您还在吗？"))
        self.ok.setText(self.tr("我还在，继续"))
        self._show_left()
        self._tick.start()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def _show_left(self) -> None:
        self.text.setText(self.tr("{s}秒后回到首页，您刚才输入的信息会被清除。")
                          .format(s=self._left))

    def _count_down(self) -> None:
        self._left = max(0, self._left - 1)
        self._show_left()

    def hideEvent(self, event: Any) -> None:
        self._tick.stop()
        super().hideEvent(event)


class MainWindow(QMainWindow):
    screen_changed = Signal(str)
    claim_filed = Signal(int)
    went_home = Signal()
    first_frame = Signal()  # once, just after the window was first painted (start-up loads)

    def __init__(self, *, tasks: TaskManager, ocr: OcrService, desk: ClaimDesk,
                 pins: PinStore, idle: IdleWatcher, translations: Translations | None,
                 sample: SampleProvider | None, info: dict[str, Any],
                 camera: CameraFeed | None = None, voice: Voice | None = None,
                 assistants: AssistantBook | None = None,
                 sync: SyncFeed | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.tasks, self.ocr, self.desk, self.pins = tasks, ocr, desk, pins
        self.idle, self.translations, self._sample, self._info = idle, translations, sample, info
        self.camera = camera
        self.voice = voice or Voice(enabled=False)  # the settings screen sets volume/on-off
        self.session = Session()
        # The assistant signed in on this kiosk ("code name"), None in self-service; set by
        # the assistant sign-in, cleared by the idle timeout and sign-out.
        self.signed_in: str | None = None
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.start = StartScreen()
        self.resident_id = ResidentIdScreen()
        self.capture = CaptureScreen(sample_available=sample is not None,
                                     camera_available=camera is not None)
        self.review = ReviewScreen(CatalogSearch(tasks.run_in_background, desk.search_catalog))
        self.done = DoneScreen()
        self.status = StatusScreen()
        self.settings = SettingsScreen()
        self.trouble = TroubleScreen()
        self.usb_import = UsbImportScreen()
        self.screens: dict[str, Screen] = {
            "start": self.start, "resident_id": self.resident_id, "capture": self.capture,
            "review": self.review, "done": self.done, "status": self.status,
            "settings": self.settings, "trouble": self.trouble, "usb_import": self.usb_import}
        # assistant mode (kiosk/ui/assistant_mode.py) adds its screens and wires itself
        self.sync = sync
        self.assistant_mode = AssistantMode(self, assistants, sync)
        for screen in self.screens.values():
            self.stack.addWidget(screen)
        self.idle_warning = IdleWarning(self)
        self._screen_followed: QScreen | None = None
        self._painted = False
        self._wire()
        self.setWindowTitle(self.tr("医保报销自助机"))
        self.go_home()

    # --- wiring ---------------------------------------------------------------------------

    def _wire(self) -> None:
        self.start.file_claim.connect(lambda: self._ask_id("claim"))
        self.start.check_status.connect(lambda: self._ask_id("status"))
        self.start.assistant_login.connect(self.assistant_mode.begin_sign_in)
        self.settings.manage_assistants.connect(self.assistant_mode.open_admin)
        self.start.technician.connect(lambda: self.show_screen("settings"))
        self.resident_id.accepted.connect(self._id_accepted)
        self.resident_id.back.connect(self.go_home)
        self.resident_id.claim_scanned.connect(self._claim_scanned)
        self.resident_id.said.connect(self.voice.say)
        self.done.said.connect(self.voice.say)
        self.capture.back.connect(self._capture_back)
        self.capture.file_chosen.connect(self._file_chosen)
        self.capture.import_wanted.connect(self._usb_import)
        self.usb_import.back.connect(lambda: self.show_screen("capture"))
        self.usb_import.chosen.connect(self._usb_file_chosen)
        self.capture.sample_requested.connect(self._sample_requested)
        self.capture.capture_now.connect(self._shoot)
        if self.camera is not None:
            self.camera.frame.connect(
                lambda image, code: self.capture.show_frame(image, message_for(code)))
            self.camera.captured.connect(self._camera_captured)
            self.camera.refused.connect(
                lambda code: self.capture.camera_hint.setText(message_for(code)))
            self.camera.failed.connect(self._camera_failed)
            self.camera.frame.connect(lambda _i, code: code and self.current_screen() == "capture"
                                      and self.voice.hint(scan_key(code)))
            self.camera.refused.connect(lambda code: self.current_screen() == "capture"
                                        and self.voice.say(scan_key(code)))
            self.resident_id.set_camera(self.camera)  # 扫码: the e-voucher's QR code
        self.ocr.recognized.connect(self._recognized)
        self.ocr.rejected.connect(self._rejected)
        self.ocr.failed.connect(self._ocr_failed)
        self.review.retake.connect(self._retake)
        self.review.confirmed.connect(self._confirm)
        self.review.add_another.connect(self._add_another)
        self.review.corrected.connect(self._corrected)
        self.review.skip.connect(self._skip)
        self.review.cancelled.connect(self.go_home)
        self.done.finished.connect(self.go_home)
        self.status.finished.connect(self.go_home)
        self.trouble.finished.connect(self.go_home)
        self.settings.back.connect(self.go_home)
        self.settings.pin_entered.connect(self._check_pin)
        self.settings.language_chosen.connect(self._set_language)
        self.settings.quit_requested.connect(self.close)
        self.idle.warning.connect(self.idle_warning.show_countdown)
        self.idle.warning.connect(lambda _s: self.voice.say("idle.warning"))
        self.idle.cancelled.connect(self.idle_warning.hide)
        self.idle.expired.connect(self._idle_expired)

    def current_screen(self) -> str:
        widget = self.stack.currentWidget()
        return next(k for k, v in self.screens.items() if v is widget)

    def show_screen(self, name: str) -> None:
        self.stack.setCurrentWidget(self.screens[name])
        if self.camera is not None:  # the camera runs only while its preview is on screen
            if name == "capture" and self.capture.camera_available:
                self.camera.start()
            else:
                self.camera.stop()
        if name == "start":
            self.idle.disarm()
        else:
            self.idle.arm()
        log.debug("screen %s", name)
        if name in SCREEN_PROMPTS:  # a new screen cuts the previous prompt short
            self.voice.say(SCREEN_PROMPTS[name])
        else:
            self.voice.stop()
        self.screen_changed.emit(name)

    def go_home(self) -> None:
        """Back to the start screen with nothing of the previous person left anywhere."""
        self.session = Session()
        self.idle_warning.hide()
        for screen in self.screens.values():
            screen.reset()
        # signed in, "home" is the assistant's: the next resident of the same sitting
        self.show_screen("assistant_home" if self.signed_in else "start")
        self.went_home.emit()

    def _idle_expired(self) -> None:
        log.info("idle timeout: session cleared")
        self.signed_in = None  # an unattended kiosk does not stay signed in
        self.go_home()

    def show_bug(self, reference: str) -> None:
        self.trouble.show_bug(reference)
        self.show_screen("trouble")

    def show_known(self, message: str) -> None:
        self.trouble.show_known(message)
        self.show_screen("trouble")

    def fill_screen(self) -> None:
        """Full screen on every platform plugin: sized to the screen's geometry by hand.

        `showFullScreen()` only asks a window manager; on plain X without one (as many kiosks
        run), the window keeps its size hint and grows whenever a layout wants more room.
        A fixed size equal to the screen's, at its top-left corner, holds with or without a
        window manager, on xcb, Wayland (cage) and offscreen alike, and follows the screen
        when it is turned or changes resolution.
        """
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.showFullScreen()
            return
        if self._screen_followed is not screen:
            if self._screen_followed is not None:
                self._screen_followed.geometryChanged.disconnect(self._fit)
            screen.geometryChanged.connect(self._fit)
            self._screen_followed = screen
        self._fit(screen.geometry())
        self.showFullScreen()

    def _fit(self, geometry: QRect) -> None:
        self.setFixedSize(geometry.size())  # no layout can grow the window past the screen
        self.setGeometry(geometry)  # the client area, not the frame (none when full screen)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_frame.emit)  # after this frame reaches the screen

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        landscape = event.size().width() > event.size().height()
        for screen in self.screens.values():  # the hidden ones too (see Screen.arrange)
            screen.set_landscape(landscape)
        self.stack.updateGeometry()
        if self.idle_warning.isVisible():
            self.idle_warning.setGeometry(self.rect())

    @property
    def actor(self) -> str:
        """Who acts on the store: the signed-in assistant, else the resident herself."""
        return self.signed_in or SELF_SERVICE

    # --- residents --------------------------------------------------------------------------

    def _ask_id(self, purpose: str) -> None:
        self.resident_id.reset()
        self.resident_id.purpose = purpose
        self.show_screen("resident_id")

    def _id_accepted(self, number: str) -> None:
        self.session.id_number = number
        if self.resident_id.purpose == "status":
            desk = self.desk
            def listed() -> tuple[Any, Any, dict[int, str]]:
                claims, reasons = desk.claims_and_reasons(number)
                return claims, reasons, desk.claim_hospitals(claims)
            self.tasks.run_in_background(listed, self._claims_listed)
            return
        self.show_screen("capture")

    def _claim_scanned(self, uid: str) -> None:
        """A slip's QR code at the ID screen: straight to that claim's status."""
        desk = self.desk
        def listed() -> tuple[Any, Any, dict[int, str]]:
            claims, reasons = claim_for_slip(desk, uid)
            return claims, reasons, desk.claim_hospitals(claims)
        self.tasks.run_in_background(listed, self._claims_listed)

    def _claims_listed(self, fut: Future[Any]) -> None:
        try:
            claims, reasons, hospitals = fut.result()
        except StoreError as exc:
            log.error("claims lookup failed: %s", exc)
            self.show_known(self.tr("现在查不到，请叫工作人员帮忙。"))
            return
        self.status.show_claims(claims, reasons, hospitals)
        self.show_screen("status")

    # --- receipts ---------------------------------------------------------------------------

    def _file_chosen(self, path: str) -> None:
        self.capture.set_busy(True)
        self.tasks.run_in_background(lambda: (read_file(path), Path(path).name), self._image_read)

    def _usb_import(self) -> None:
        self.show_screen("usb_import")
        self.usb_import.open()

    def _usb_file_chosen(self, path: str) -> None:
        """A file on the stick was tapped: read it as the capture screen's import."""
        self.show_screen("capture")
        self._file_chosen(path)

    def _sample_requested(self) -> None:
        if self._sample is None:
            return
        self.capture.set_busy(True)
        self.tasks.run_in_background(self._sample, self._image_read)

    def _shoot(self) -> None:
        if self.camera is not None:
            self.camera.capture_now()

    def _camera_captured(self, capture: Any) -> None:
        if self.current_screen() != "capture" or self.session.pending_job:
            return
        assert self.camera is not None
        self.camera.stop()
        self.capture.set_busy(True)
        self.tasks.run_in_background(lambda: capture_to_jpeg(capture), self._image_read)

    def _camera_failed(self, code: str) -> None:
        log.warning("camera: %s", code)
        self.capture.camera_available = False
        self.capture.camera_failed(message_for(code))

    def _image_read(self, fut: Future[Any]) -> None:
        try:
            data, name = fut.result()
        except CaptureError as exc:
            self.capture.show_problem(domain_text(exc.message, exc.message_en))
            self.voice.say(scan_key(exc.code))
            return
        self.session.pending_image = data
        self.session.pending_job = self.ocr.recognize(data, name)

    def _recognized(self, job: int, pages: list[PageRead]) -> None:
        """One picture, or every receipt page of a PDF: each becomes a Receipt."""
        s = self.session
        if job != s.pending_job:
            return  # a reset session's late answer
        new = [Receipt(s.pending_image, p.recognition, page=p.page) for p in pages]
        at = len(s.receipts) if s.insert_at is None else min(s.insert_at, len(s.receipts))
        s.receipts[at:at] = new
        s.pending_job, s.pending_image, s.insert_at = 0, b"", None
        self._review_at(at)

    def _capture_back(self) -> None:
        """Back from capture: to the receipts so far when there are any, else to the ID."""
        s = self.session
        if not s.receipts:
            self.show_screen("resident_id")
            return
        at = len(s.receipts) - 1 if s.insert_at is None else min(s.insert_at,
                                                                 len(s.receipts) - 1)
        s.insert_at = None
        self._review_at(at)

    def _review_at(self, index: int) -> None:
        """Audit the receipts as they are now (background), then review the one at `index`."""
        s = self.session
        desk, number, receipts, uid = self.desk, s.id_number, list(s.receipts), s.uid
        editing = self.signed_in is not None
        self.tasks.run_in_background(
            lambda: (desk.audit(number, receipts), desk.hospitals_seen() if editing else []),
            lambda f: self._audited(uid, index, f))

    def _audited(self, uid: str, index: int, fut: Future[Any]) -> None:
        if uid != self.session.uid:
            return
        try:
            audit, hospitals = fut.result()
        except Exception:
            log.exception("the audit failed; reviewing without an estimate")
            audit, hospitals = None, []
        self.session.audit = audit
        self.capture.set_busy(False)
        self.review.hospitals = hospitals
        self.review.show_receipts(self.session.receipts, index, audit,
                                  can_edit=self.signed_in is not None)
        self.show_screen("review")

    def _corrected(self, index: int, name: str, value: Any) -> None:
        """An assistant's correction: kept with her name, the estimate worked out again."""
        s = self.session
        if self.signed_in is None or not 0 <= index < len(s.receipts):
            return
        s.receipts[index] = s.receipts[index].corrected(name, value, self.signed_in)
        log.info("receipt %d: %s corrected by %s", index + 1, name, self.signed_in)
        self.review.show_receipts(s.receipts, index, s.audit, can_edit=True)
        self.review.set_recalculating()
        desk, number, receipts, uid = self.desk, s.id_number, list(s.receipts), s.uid
        self.tasks.run_in_background(lambda: desk.audit(number, receipts),
                                     lambda f: self._reaudited(uid, receipts, f))

    def _reaudited(self, uid: str, receipts: list[Receipt], fut: Future[Any]) -> None:
        if uid != self.session.uid or receipts != self.session.receipts:
            return  # a later correction's audit is on its way
        try:
            audit = fut.result()
        except Exception:
            log.exception("the audit failed after a correction")
            audit = None
        self.session.audit = audit
        self.review.show_audit(audit)

    def _rejected(self, job: int, code: str, message: str, message_en: str) -> None:
        if job == self.session.pending_job:
            log.info("image rejected: %s", code)
            self.session.pending_job, self.session.pending_image = 0, b""
            self.capture.show_problem(domain_text(message, message_en))
            self.voice.say(rejection_key(code, message))
            if self.camera is not None and self.capture.camera_available:
                self.camera.start()  # the camera stopped for the still: look again

    def _ocr_failed(self, job: int, detail: str) -> None:
        log.error("OCR failed (job %d): %s", job, detail)
        if job in (0, self.session.pending_job) and self.current_screen() == "capture":
            self.show_known(self.tr("读收据的程序出了问题，请叫技术员。"))

    def _add_another(self) -> None:
        """Keep the receipts so far; capture the next one."""
        self.session.insert_at = None
        self.capture.reset()
        self.capture.set_count(len(self.session.receipts))
        self.show_screen("capture")

    def _retake(self, index: int) -> None:
        """Drop the receipt shown (any of them) and capture it again in its place."""
        s = self.session
        if 0 <= index < len(s.receipts):
            del s.receipts[index]
            s.insert_at = index
        self.capture.reset()
        self.capture.set_count(len(s.receipts))
        self.show_screen("capture")

    def _skip(self, index: int) -> None:
        """Leave one page out of the claim; back to capture when it was the only one."""
        s = self.session
        if not 0 <= index < len(s.receipts):
            return
        del s.receipts[index]
        log.info("receipt %d left out of the claim", index + 1)
        if not s.receipts:
            self.capture.reset()
            self.capture.set_count(0)
            self.show_screen("capture")
            return
        self._review_at(min(index, len(s.receipts) - 1))

    # --- filing -----------------------------------------------------------------------------

    def _confirm(self) -> None:
        s = self.session
        if not s.receipts:
            return
        self.review.confirm_btn.setEnabled(False)
        desk = self.desk
        number, receipts, audit, uid = s.id_number, list(s.receipts), s.audit, s.uid
        actor = self.actor
        self.tasks.run_in_background(
            lambda: desk.file_claim(number, receipts, audit, assistant=actor, uid=uid),
            self._filed)

    def _filed(self, fut: Future[Any]) -> None:
        self.review.confirm_btn.setEnabled(True)
        try:
            claim_id = fut.result()
        except DuplicateInvoice as exc:
            self.show_known(self.tr("这张收据已经报过了（在报销单 {n} 里），不能重复报销。")
                            .format(n=f"{exc.claim_id:06d}"))
            return
        except DiskFull:
            self.show_known(self.tr("机器的存储空间满了，请叫技术员。"))
            return
        except StoreError as exc:
            log.error("filing failed: %s", exc)
            self.show_known(self.tr("没能保存，请叫工作人员帮忙。"))
            return
        s = self.session  # the slip shows her name and number masked, taken before forgetting
        slip = (SlipData.for_claim(claim_id, s.uid, s.id_number, s.receipts, s.audit)
                if s.receipts else None)
        self.session = Session()  # filed: nothing of hers stays in memory
        self.done.show_claim(claim_id, slip)
        self.show_screen("done")
        self.claim_filed.emit(claim_id)

    # --- technician -------------------------------------------------------------------------

    def _check_pin(self, pin: str) -> None:
        pins = self.pins
        self.tasks.run_in_background(lambda: pins.check(pin), self._pin_checked)

    def _pin_checked(self, fut: Future[Any]) -> None:
        result = fut.result()
        if result.ok:
            log.info("technician signed in%s", " (new PIN set)" if result.newly_set else "")
            desk = self.desk
            self.tasks.run_in_background(desk.counts, self._counts)
        elif result.locked_for_s:
            log.warning("technician PIN locked for %d s", result.locked_for_s)
        self.settings.pin_result(result)

    def _counts(self, fut: Future[Any]) -> None:
        counts = fut.result()
        info = dict(self._info)
        info.update(claims=counts, ocr_ready=self.ocr.ready)  # the overview words them
        self.settings.show_settings(info)

    def _set_language(self, language: str) -> None:
        if self.translations is not None:
            self.translations.install(language)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.current_screen() != "start":
            self.go_home()
            return
        super().keyPressEvent(event)
