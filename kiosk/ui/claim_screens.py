"""The resident's screens driven by the claim flow: ID → capture → review → filed, and
"check my claims".

`ClaimScreens` turns the screens' signals into events of `kiosk.claims.flow.ClaimFlow`,
runs the slow parts off the UI thread (`QueryOp`: reading a picture, the audit, filing, the
status lookup; recognition on the OCR thread) and shows the screen the flow's answer names.
`ScreenEffects` is what showing a screen does to the rest of the kiosk: the camera runs only
behind its preview, the idle timer is armed away from the start screen, the voice says the
screen's prompt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.claims.desk import ClaimDesk
from kiosk.claims.flow import ClaimFlow, Purpose, Snapshot, Step
from kiosk.core.messages import Text
from kiosk.scanner import CaptureError
from kiosk.scanner.files import read_file
from kiosk.store import ClaimSummary, DiskFull, DuplicateInvoice
from kiosk.ui.camera import CameraFeed, capture_to_jpeg, message_for
from kiosk.ui.i18n import render
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.navigator import Navigator, ScreenName
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.capture import CaptureScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.resident_id import ResidentIdScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.start import StartScreen
from kiosk.ui.screens.status import StatusScreen
from kiosk.ui.screens.trouble import TroubleScreen
from kiosk.ui.screens.usb_import import UsbImportScreen
from kiosk.ui.slip import SlipData
from kiosk.ui.tasks import OcrService, PageRead, TaskManager
from kiosk.ui.voice import Voice
from kiosk.voice.prompts import SCREEN_PROMPTS, rejection_key, scan_key

log = logging.getLogger("kiosk.ui")

SampleProvider = Callable[[], tuple[bytes, str]]
Listed = tuple[list[ClaimSummary], dict[int, str], dict[int, str]]

_STEP_SCREENS = {Step.IDENTIFY: ScreenName.RESIDENT_ID, Step.CAPTURE: ScreenName.CAPTURE,
                 Step.REVIEW: ScreenName.REVIEW, Step.STATUS: ScreenName.STATUS,
                 Step.DONE: ScreenName.DONE}


class ScreenEffects:
    """What a screen's appearing does to the camera, the idle timer and the voice."""

    def __init__(self, navigator: Navigator, *, capture: CaptureScreen,
                 camera: CameraFeed | None, idle: IdleWatcher, voice: Voice) -> None:
        self._capture, self._camera, self._idle, self._voice = capture, camera, idle, voice
        navigator.add_effect(self.shown)

    def shown(self, name: ScreenName) -> None:
        if self._camera is not None:  # the camera runs only while its preview is on screen
            if name == ScreenName.CAPTURE and self._capture.camera_available:
                self._camera.start()
            else:
                self._camera.stop()
        if name == ScreenName.START:
            self._idle.disarm()
        else:
            self._idle.arm()
        if name in SCREEN_PROMPTS:  # a new screen cuts the previous prompt short
            self._voice.say(SCREEN_PROMPTS[name])
        else:
            self._voice.stop()


class ClaimScreens(QObject):
    claim_filed = Signal(int)
    went_home = Signal()

    def __init__(self, *, flow: ClaimFlow, navigator: Navigator, tasks: TaskManager,
                 ocr: OcrService, desk: ClaimDesk, voice: Voice, idle: IdleWatcher,
                 start: StartScreen,
                 resident_id: ResidentIdScreen, capture: CaptureScreen,
                 review: ReviewScreen, done: DoneScreen, status: StatusScreen,
                 trouble: TroubleScreen, usb_import: UsbImportScreen,
                 camera: CameraFeed | None = None,
                 sample: SampleProvider | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.flow, self.nav, self.tasks, self.ocr, self.desk = flow, navigator, tasks, ocr, desk
        self.voice, self.idle = voice, idle
        self.start, self.resident_id, self.capture = start, resident_id, capture
        self.review, self.done, self.status, self.trouble = review, done, status, trouble
        self.usb_import = usb_import
        self.camera, self._sample = camera, sample
        self._wire()

    def _wire(self) -> None:
        self.start.file_claim.connect(lambda: self.ask_id(Purpose.CLAIM))
        self.start.check_status.connect(lambda: self.ask_id(Purpose.STATUS))
        self.start.technician.connect(lambda: self.nav.show(ScreenName.SETTINGS))
        self.resident_id.accepted.connect(self._id_accepted)
        self.resident_id.back.connect(self.go_home)
        self.resident_id.claim_scanned.connect(self._claim_scanned)
        self.resident_id.said.connect(self.voice.say)
        self.done.said.connect(self.voice.say)
        self.capture.back.connect(self._capture_back)
        self.capture.file_chosen.connect(self._file_chosen)
        self.capture.import_wanted.connect(self._usb_import)
        self.usb_import.back.connect(lambda: self.nav.show(ScreenName.CAPTURE))
        self.usb_import.chosen.connect(self._usb_file_chosen)
        self.capture.sample_requested.connect(self._sample_requested)
        self.capture.capture_now.connect(self._shoot)
        if self.camera is not None:
            camera = self.camera
            camera.frame.connect(
                lambda image, code: self.capture.show_frame(image, message_for(code)))
            camera.captured.connect(self._camera_captured)
            camera.refused.connect(lambda code: self.capture.camera_refused(message_for(code)))
            camera.failed.connect(self._camera_failed)
            camera.frame.connect(self._frame_hint)
            camera.refused.connect(self._refused_hint)
            self.resident_id.set_camera(camera)  # 扫码: the e-voucher's QR code
        self.ocr.recognized.connect(self._recognized)
        self.ocr.rejected.connect(self._rejected)
        self.ocr.failed.connect(self._ocr_failed)
        self.review.retake.connect(lambda i: self._capture_again(self.flow.retake(i)))
        self.review.confirmed.connect(self._confirm)
        self.review.add_another.connect(lambda: self._capture_again(self.flow.add_another()))
        self.review.corrected.connect(self._corrected)
        self.review.skip.connect(self._skip)
        self.review.cancelled.connect(self.go_home)
        self.done.finished.connect(self.go_home)
        self.status.finished.connect(self.go_home)
        self.trouble.finished.connect(self.go_home)
        self.tasks.known_failed.connect(self.show_known)
        self.idle.warning.connect(lambda _s: self.voice.say("idle.warning"))
        self.idle.expired.connect(self._idle_expired)

    # --- home, and what goes wrong ------------------------------------------------------

    def go_home(self) -> None:
        """Back to the start screen with nothing of the previous person left anywhere."""
        self.flow.forget()
        self.nav.reset_all()
        # signed in, "home" is the assistant's: the next resident of the same sitting
        self.nav.show(ScreenName.ASSISTANT_HOME if self.flow.assisted else ScreenName.START)
        self.went_home.emit()

    def _idle_expired(self) -> None:
        log.info("idle timeout: session cleared")
        self.flow.sign_out()  # an unattended kiosk does not stay signed in
        self.go_home()

    def show_bug(self, reference: str) -> None:
        self.trouble.show_bug(reference)
        self.nav.show(ScreenName.TROUBLE)

    def show_known(self, message: str) -> None:
        self.trouble.show_known(message)
        self.nav.show(ScreenName.TROUBLE)

    def _go(self, step: Step) -> None:
        if step in _STEP_SCREENS:
            self.nav.show(_STEP_SCREENS[step])

    # --- residents --------------------------------------------------------------------

    def ask_id(self, purpose: Purpose) -> None:
        """The ID number, to file a claim or to see her claims (assistant mode's "next
        resident" too)."""
        self.resident_id.reset()
        self._go(self.flow.begin(purpose))

    def _id_accepted(self, number: str) -> None:
        step = self.flow.identify(number)
        if step is Step.STATUS:
            desk = self.desk

            def listed() -> Listed:
                claims, reasons = desk.claims_and_reasons(number)
                return claims, reasons, desk.claim_hospitals(claims)

            self._list_claims(listed)
            return
        self._go(step)

    def _claim_scanned(self, uid: str) -> None:
        """A slip's QR code at the ID screen: straight to that claim's status."""
        desk = self.desk

        def listed() -> Listed:
            claims, reasons = desk.claim_for_slip(uid)
            return claims, reasons, desk.claim_hospitals(claims)

        self._list_claims(listed)

    def _list_claims(self, listed: Callable[[], Listed]) -> None:
        QueryOp(self.tasks, listed).success(self._claims_listed).failure(
            self._lookup_failed).run()

    def _claims_listed(self, result: Listed) -> None:
        claims, reasons, hospitals = result
        self.status.show_claims(claims, reasons, hospitals)
        self.nav.show(ScreenName.STATUS)

    def _lookup_failed(self, exc: Exception) -> None:
        log.error("claims lookup failed: %s", exc)
        self.show_known(self.tr("现在查不到，请叫工作人员帮忙。"))

    # --- receipts ---------------------------------------------------------------------

    def _file_chosen(self, path: str) -> None:
        self._read_image(lambda: (read_file(path), Path(path).name))

    def _usb_import(self) -> None:
        self.nav.show(ScreenName.USB_IMPORT)
        self.usb_import.open()

    def _usb_file_chosen(self, path: str) -> None:
        """A file on the stick was tapped: read it as the capture screen's import."""
        self.nav.show(ScreenName.CAPTURE)
        self._file_chosen(path)

    def _sample_requested(self) -> None:
        if self._sample is not None:
            self._read_image(self._sample)

    def _shoot(self) -> None:
        if self.camera is not None:
            self.camera.capture_now()

    def _camera_captured(self, capture: Any) -> None:
        if self.nav.current() != ScreenName.CAPTURE or self.flow.waiting:
            return
        assert self.camera is not None
        self.camera.stop()
        self._read_image(lambda: capture_to_jpeg(capture))

    def _camera_failed(self, code: str) -> None:
        log.warning("camera: %s", code)
        self.capture.camera_available = False
        self.capture.camera_failed(message_for(code))

    def _frame_hint(self, _image: Any, code: str) -> None:
        if code and self.nav.current() == ScreenName.CAPTURE:
            self.voice.hint(scan_key(code))

    def _refused_hint(self, code: str) -> None:
        if self.nav.current() == ScreenName.CAPTURE:
            self.voice.say(scan_key(code))

    def _read_image(self, read: Callable[[], tuple[bytes, str]]) -> None:
        """The picture's bytes off the UI thread (a file, the sample, the camera's still),
        then to recognition."""
        self.capture.set_busy(True)
        QueryOp(self.tasks, read).success(self._image_read).failure(self._unreadable).run()

    def _image_read(self, result: tuple[bytes, str]) -> None:
        data, name = result
        self.flow.reading(self.ocr.recognize(data, name), data)

    def _unreadable(self, exc: Exception) -> None:
        self.capture.set_busy(False)
        if isinstance(exc, CaptureError):
            self.capture.show_problem(render(exc.words))
            self.voice.say(scan_key(exc.code))
            return
        log.error("the picture could not be read: %s", exc)
        self.show_known(self.tr("没能读取这张图片，请叫工作人员帮忙。"))

    def _recognized(self, job: int, pages: list[PageRead]) -> None:
        if self.flow.pages_read(job, pages) is Step.REVIEW:
            self._review()

    def _rejected(self, job: int, code: str, section: str) -> None:
        if self.flow.refused(job):
            log.info("image rejected: %s", code)
            self.capture.show_problem(render(Text(f"{section}.{code}")))
            self.voice.say(rejection_key(code, section))
            if self.camera is not None and self.capture.camera_available:
                self.camera.start()  # the camera stopped for the still: look again

    def _ocr_failed(self, job: int, detail: str) -> None:
        log.error("OCR failed (job %d): %s", job, detail)
        if (job == 0 or self.flow.reads(job)) and self.nav.current() == ScreenName.CAPTURE:
            self.show_known(self.tr("读收据的程序出了问题，请叫技术员。"))

    def _capture_back(self) -> None:
        """Back from capture: to the receipts so far when there are any, else to the ID."""
        step = self.flow.back_from_capture()
        if step is Step.REVIEW:
            self._review()
        else:
            self._go(step)

    def _capture_again(self, step: Step) -> None:
        self.capture.reset()
        self.capture.set_count(len(self.flow.receipts))
        self._go(step)

    def _skip(self, index: int) -> None:
        step = self.flow.skip(index)
        if step is Step.REVIEW:
            self._review()
        elif step is Step.CAPTURE:
            self._capture_again(step)

    # --- the audit and the review -------------------------------------------------------

    def _review(self) -> None:
        """Audit the receipts as they are now (background), then review the flow's one."""
        snap, at, desk = self.flow.snapshot(), self.flow.at, self.desk
        editing = self.flow.assisted

        def audit() -> tuple[dict[str, Any] | None, list[str]]:
            return (desk.audit(snap.id_number, snap.receipts),
                    desk.hospitals_seen() if editing else [])

        def without_estimate(exc: Exception) -> None:
            log.error("the audit failed; reviewing without an estimate: %s", exc)
            self._audited(snap, at, (None, []))

        QueryOp(self.tasks, audit).success(
            lambda result: self._audited(snap, at, result)).failure(without_estimate).run()

    def _audited(self, snap: Snapshot, index: int,
                 result: tuple[dict[str, Any] | None, list[str]]) -> None:
        if not self.flow.is_current(snap):
            return
        audit, hospitals = result
        self.flow.audited(audit)
        self.capture.set_busy(False)
        self.review.hospitals = hospitals
        self.review.show_receipts(self.flow.receipts, index, audit,
                                  can_edit=self.flow.assisted)
        self.nav.show(ScreenName.REVIEW)

    def _corrected(self, index: int, name: str, value: Any) -> None:
        """An assistant's correction: kept with her name, the estimate worked out again."""
        if not self.flow.correct(index, name, value):
            return
        self.review.show_receipts(self.flow.receipts, index, self.flow.audit, can_edit=True)
        self.review.set_recalculating()
        snap, desk = self.flow.snapshot(), self.desk

        def reaudited(audit: dict[str, Any] | None) -> None:
            if self.flow.is_current(snap, same_receipts=True):  # else a later one is coming
                self.flow.audited(audit)
                self.review.show_audit(audit)

        def failed(exc: Exception) -> None:
            log.error("the audit failed after a correction: %s", exc)
            reaudited(None)

        QueryOp(self.tasks, lambda: desk.audit(snap.id_number, snap.receipts)).success(
            reaudited).failure(failed).run()

    # --- filing -----------------------------------------------------------------------

    def _confirm(self) -> None:
        snap, desk = self.flow.snapshot(), self.desk
        if not snap.receipts:
            return
        self.review.set_filing(True)
        QueryOp(self.tasks, lambda: desk.file_claim(
            snap.id_number, snap.receipts, snap.audit, assistant=snap.actor, uid=snap.uid),
        ).after(lambda: self.review.set_filing(False)).success(self._filed).failure(
            self._not_filed).run()

    def _filed(self, claim_id: int) -> None:
        visit = self.flow.claim_filed(claim_id)  # filed: nothing of hers stays in memory
        # the slip shows her name and number masked, from the visit just forgotten
        slip = (SlipData.for_claim(claim_id, visit.uid, visit.id_number, visit.receipts,
                                   visit.audit) if visit.receipts else None)
        self.done.show_claim(claim_id, slip)
        self.nav.show(ScreenName.DONE)
        self.claim_filed.emit(claim_id)

    def _not_filed(self, exc: Exception) -> None:
        if isinstance(exc, DuplicateInvoice):
            self.show_known(self.tr("这张收据已经报过了（在报销单 {n} 里），不能重复报销。")
                            .format(n=f"{exc.claim_id:06d}"))
        elif isinstance(exc, DiskFull):
            self.show_known(self.tr("机器的存储空间满了，请叫技术员。"))
        else:
            log.error("filing failed: %s", exc)
            self.show_known(self.tr("没能保存，请叫工作人员帮忙。"))
